/**
 * A frame allocator over a set of regions whose creation cost and memory do
 * not grow with the size of RAM: untouched frames are handed out by a bump
 * pointer per region, freed frames are kept on a stack for reuse.
 *
 * @module
 */

import { formatAddress } from "../conformance/contract/address.ts";
import { EXACT_LIMIT, exactBigInt, exactNumber } from "./exact_number.ts";

/** The part of a region the allocator needs. */
export interface AllocatorRegion {
  /** First byte, frame-aligned. */
  start: bigint;
  /** Length in bytes, a multiple of the frame size. */
  size: bigint;
}

interface Arena {
  start: bigint;
  end: bigint;
  /** Frames in the region. */
  frames: number;
  /** Frames below this index have been handed out at least once. */
  next: number;
  /** The frame number (address / frame size) of the region's first frame. */
  firstFrameNumber: number;
  /** Whether every address of the region is below 2^53, so exact as a number (addresses are then made from one). */
  exact: boolean;
}

/**
 * Allocates frames of one size from a list of regions in O(1) amortized time
 * per operation. Frame 0 is never handed out. Freeing a frame that is not live
 * throws a `RangeError` and changes nothing.
 *
 * @example
 * ```ts
 * import { FrameAllocator } from "@halconf/halconf/impls";
 *
 * const frames = new FrameAllocator([{ start: 0x1000n, size: 0x2000n }], 4096);
 * const a = frames.alloc(); // 0x1000n
 * frames.free(a!);
 * ```
 */
export class FrameAllocator {
  readonly #arenas: Arena[];
  readonly #frameSize: bigint;
  readonly #frameBytes: number;
  readonly #shift: bigint;
  /** Freed frames, by frame number (an exact JS number below 2^53). */
  readonly #freed: number[] = [];
  readonly #freedSet: Set<number> = new Set();
  #cursor = 0;
  #available: number;
  readonly #capacity: number;

  /** Builds an allocator over `regions` (sorted or not) with frames of `frameSize` bytes. */
  constructor(regions: readonly AllocatorRegion[], frameSize: number) {
    this.#frameSize = BigInt(frameSize);
    this.#frameBytes = frameSize;
    this.#shift = BigInt(Math.log2(frameSize));
    this.#arenas = [...regions]
      .sort((a, b) => (a.start < b.start ? -1 : 1))
      .map((region) => ({
        start: region.start,
        end: region.start + region.size,
        frames: Number(region.size >> this.#shift),
        next: region.start === 0n ? 1 : 0,
        firstFrameNumber: Number(region.start >> this.#shift),
        exact: region.start + region.size <= EXACT_LIMIT,
      }));
    this.#available = this.#arenas.reduce((sum, arena) => sum + arena.frames - arena.next, 0);
    this.#capacity = this.#available;
  }

  /** Frames that can still be allocated. */
  get available(): number {
    return this.#available;
  }

  /** Usable frames in all. */
  get capacity(): number {
    return this.#capacity;
  }

  /** A free frame, or `null` when every frame is live. */
  alloc(): bigint | null {
    // An address below 2^53 is made from its exact number: one bigint, where shifting and adding made three.
    const reused = this.#freed.pop();
    if (reused !== undefined) {
      this.#freedSet.delete(reused);
      this.#available--;
      const address = reused * this.#frameBytes;
      return address <= Number.MAX_SAFE_INTEGER ? exactBigInt(address) : BigInt(reused) << this.#shift;
    }
    while (this.#cursor < this.#arenas.length) {
      const arena = this.#arenas[this.#cursor];
      if (arena.next < arena.frames) {
        const index = arena.next++;
        this.#available--;
        return arena.exact
          ? exactBigInt((arena.firstFrameNumber + index) * this.#frameBytes)
          : arena.start + (BigInt(index) << this.#shift);
      }
      this.#cursor++;
    }
    return null;
  }

  /** Whether `paddr` is a frame this allocator handed out and that is not freed. */
  isLive(paddr: bigint): boolean {
    return this.#liveFrameNumber(paddr) !== undefined;
  }

  /** Whether `paddr` lies in one of the regions. */
  contains(paddr: bigint): boolean {
    return typeof paddr === "bigint" && this.#arenaOf(this.#frameNumberOf(paddr)) !== undefined;
  }

  /** Gives back a live frame; throws a `RangeError` for anything else. */
  free(paddr: bigint): void {
    const frameNumber = this.#liveFrameNumber(paddr);
    if (frameNumber === undefined) {
      throw new RangeError(`Cannot free frame ${formatAddress(paddr)}: ${this.#whyNotLive(paddr)}`);
    }
    this.#freed.push(frameNumber);
    this.#freedSet.add(frameNumber);
    this.#available++;
  }

  /**
   * The number of the frame holding `paddr`, -1 for a negative one: exact, as addresses are below 2^64 and frames at
   * least 4 KiB.
   */
  #frameNumberOf(paddr: bigint): number {
    if (paddr < 0n) return -1;
    // Below 2^53 the address is read as an exact number: no bigint made on the way (NUMA frees ask each allocator).
    return paddr < EXACT_LIMIT ? Math.floor(exactNumber(paddr) / this.#frameBytes) : Number(paddr >> this.#shift);
  }

  /** The arena holding frame number `frameNumber`. */
  #arenaOf(frameNumber: number): Arena | undefined {
    let low = 0, high = this.#arenas.length - 1;
    while (low <= high) {
      const mid = (low + high) >> 1;
      const arena = this.#arenas[mid];
      if (frameNumber < arena.firstFrameNumber) high = mid - 1;
      else if (frameNumber >= arena.firstFrameNumber + arena.frames) low = mid + 1;
      else return arena;
    }
    return undefined;
  }

  /**
   * The number of the frame that starts at `paddr` (-1 for a negative one), or undefined when `paddr` is not a bigint
   * multiple of the frame size. The address is read once: this runs for every free.
   */
  #alignedFrameNumber(paddr: unknown): number | undefined {
    if (typeof paddr !== "bigint") return undefined;
    if (paddr >= 0n && paddr < EXACT_LIMIT) {
      // Dividing by a power of two is exact below 2^53: the quotient is whole exactly when the address is aligned
      // (where `%` of a double above 2^31 is a library call).
      const frameNumber = exactNumber(paddr) / this.#frameBytes;
      return Number.isInteger(frameNumber) ? frameNumber : undefined;
    }
    if (paddr % this.#frameSize !== 0n) return undefined;
    return paddr < 0n ? -1 : Number(paddr >> this.#shift);
  }

  #liveFrameNumber(paddr: bigint): number | undefined {
    const frameNumber = this.#alignedFrameNumber(paddr);
    if (frameNumber === undefined) return undefined;
    const arena = this.#arenaOf(frameNumber);
    if (arena === undefined) return undefined;
    const index = frameNumber - arena.firstFrameNumber;
    if (index >= arena.next || (arena.start === 0n && index === 0)) return undefined;
    return this.#freedSet.has(frameNumber) ? undefined : frameNumber;
  }

  #whyNotLive(paddr: unknown): string {
    if (typeof paddr !== "bigint") return `expected a bigint address, got ${typeof paddr}`;
    const frameNumber = this.#alignedFrameNumber(paddr);
    if (frameNumber === undefined) return `not aligned to the frame size ${this.#frameSize}`;
    if (this.#arenaOf(frameNumber) === undefined) return "outside the allocator's RAM";
    return this.#freedSet.has(frameNumber) ? "already free (double free)" : "never allocated";
  }
}

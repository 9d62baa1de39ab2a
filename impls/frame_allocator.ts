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

/** A region as the allocator reads it: fixed for a layout, shared by every instance over it. */
interface Arena {
  start: bigint;
  end: bigint;
  /** Frames in the region. */
  frames: number;
  /** The first index handed out: 1 for a region at address 0 (frame 0 is never a frame), else 0. */
  first: number;
  /** The frame number (address / frame size) of the region's first frame. */
  firstFrameNumber: number;
  /** Whether every address of the region is below 2^53, so exact as a number (addresses are then made from one). */
  exact: boolean;
}

/** Arenas by list of regions and frame size: a board of thousands of regions is sorted once, not per instance. */
const LAYOUTS = new WeakMap<readonly AllocatorRegion[], { frameSize: number; arenas: Arena[]; frames: number }>();

function layoutOf(regions: readonly AllocatorRegion[], frameSize: number): { arenas: Arena[]; frames: number } {
  const known = LAYOUTS.get(regions);
  if (known !== undefined && known.frameSize === frameSize) return known;
  const shift = BigInt(Math.log2(frameSize));
  const arenas = [...regions]
    .sort((a, b) => (a.start < b.start ? -1 : 1))
    .map((region) => ({
      start: region.start,
      end: region.start + region.size,
      frames: Number(region.size >> shift),
      first: region.start === 0n ? 1 : 0,
      firstFrameNumber: Number(region.start >> shift),
      exact: region.start + region.size <= EXACT_LIMIT,
    }));
  const layout = { frameSize, arenas, frames: arenas.reduce((sum, arena) => sum + arena.frames - arena.first, 0) };
  LAYOUTS.set(regions, layout);
  return layout;
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
  /**
   * The arena untouched frames come from, and the index of the next one in it: arenas before it are handed out whole,
   * those after it untouched. The only state that grows with use besides the freed frames.
   */
  #cursor = 0;
  #cursorNext: number;
  #available: number;
  readonly #capacity: number;

  /** Builds an allocator over `regions` (sorted or not) with frames of `frameSize` bytes. */
  constructor(regions: readonly AllocatorRegion[], frameSize: number) {
    this.#frameSize = BigInt(frameSize);
    this.#frameBytes = frameSize;
    this.#shift = BigInt(Math.log2(frameSize));
    const layout = layoutOf(regions, frameSize);
    this.#arenas = layout.arenas;
    this.#cursorNext = this.#arenas[0]?.first ?? 0;
    this.#available = layout.frames;
    this.#capacity = this.#available;
  }

  /** Frames of arena `index` below this index have been handed out at least once. */
  #nextOf(index: number): number {
    if (index < this.#cursor) return this.#arenas[index].frames;
    return index === this.#cursor ? this.#cursorNext : this.#arenas[index].first;
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
      if (this.#cursorNext < arena.frames) {
        const index = this.#cursorNext++;
        this.#available--;
        return arena.exact
          ? exactBigInt((arena.firstFrameNumber + index) * this.#frameBytes)
          : arena.start + (BigInt(index) << this.#shift);
      }
      this.#cursorNext = this.#arenas[++this.#cursor]?.first ?? 0;
    }
    return null;
  }

  /** Whether `paddr` is a frame this allocator handed out and that is not freed. */
  isLive(paddr: bigint): boolean {
    return this.#liveFrameNumber(paddr) !== undefined;
  }

  /** Whether `paddr` lies in one of the regions. */
  contains(paddr: bigint): boolean {
    return typeof paddr === "bigint" && this.#arenaOf(this.#frameNumberOf(paddr)) >= 0;
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

  /** The index of the arena holding frame number `frameNumber`, or -1. */
  #arenaOf(frameNumber: number): number {
    let low = 0, high = this.#arenas.length - 1;
    while (low <= high) {
      const mid = (low + high) >> 1;
      const arena = this.#arenas[mid];
      if (frameNumber < arena.firstFrameNumber) high = mid - 1;
      else if (frameNumber >= arena.firstFrameNumber + arena.frames) low = mid + 1;
      else return mid;
    }
    return -1;
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
    const at = this.#arenaOf(frameNumber);
    if (at < 0) return undefined;
    const index = frameNumber - this.#arenas[at].firstFrameNumber;
    if (index >= this.#nextOf(at) || index < this.#arenas[at].first) return undefined;
    return this.#freedSet.has(frameNumber) ? undefined : frameNumber;
  }

  #whyNotLive(paddr: unknown): string {
    if (typeof paddr !== "bigint") return `expected a bigint address, got ${typeof paddr}`;
    const frameNumber = this.#alignedFrameNumber(paddr);
    if (frameNumber === undefined) return `not aligned to the frame size ${this.#frameSize}`;
    if (this.#arenaOf(frameNumber) < 0) return "outside the allocator's RAM";
    return this.#freedSet.has(frameNumber) ? "already free (double free)" : "never allocated";
  }
}

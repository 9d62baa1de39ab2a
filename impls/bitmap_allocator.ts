/**
 * A bitmap frame allocator with contiguous, aligned ranges: the shape of
 * ArceOS's `BitmapPageAllocator`, which backs `alloc_contiguous_frames` in
 * axvisor. One byte of state per frame: free, a single frame, or a frame of a
 * range.
 *
 * @module
 */

import { formatAddress } from "../conformance/contract/address.ts";
import { EXACT_LIMIT, exactBigInt, exactNumber } from "./exact_number.ts";
import type { AllocatorRegion } from "./frame_allocator.ts";

const FREE = 0, SINGLE = 1, RANGE = 2;

interface Arena {
  start: bigint;
  end: bigint;
  /** Frame number (address / frame size) of the first frame. */
  base: number;
  /** Per-frame state: FREE, SINGLE or RANGE. */
  state: Uint8Array;
  /** Where the next single-frame search starts (next fit). */
  hint: number;
  /** Whether every address of the region is below 2^53, so exact as a number. */
  exact: boolean;
}

/**
 * Allocates single frames and aligned contiguous ranges from a set of
 * regions. Frame 0 is never handed out. Every wrong free (a frame that is not
 * a live single frame, a range with the wrong count or not from its first
 * frame) throws a `RangeError` and changes nothing.
 *
 * @example
 * ```ts
 * import { BitmapAllocator } from "@halconf/halconf/impls";
 *
 * const frames = new BitmapAllocator([{ start: 0x10_0000n, size: 0x10_0000n }], 4096);
 * const range = frames.allocContiguous(4, 2)!; // 4 frames aligned to 16 KiB
 * frames.freeContiguous(range, 4);
 * ```
 */
export class BitmapAllocator {
  readonly #arenas: Arena[];
  readonly #shift: bigint;
  readonly #frameSize: bigint;
  readonly #frameBytes: number;
  /** Live ranges: first frame number -> count. */
  readonly #ranges = new Map<number, number>();

  /** An allocator over `regions` with frames of `frameSize` bytes. */
  constructor(regions: readonly AllocatorRegion[], frameSize: number) {
    this.#frameSize = BigInt(frameSize);
    this.#frameBytes = frameSize;
    this.#shift = BigInt(Math.log2(frameSize));
    const sorted = [...regions].sort((a, b) => (a.start < b.start ? -1 : 1));
    // One buffer for every region's state, each region a view of it: a reference HAL makes an allocator per instance,
    // and each typed array of its own cost a buffer outside the heap.
    const counts = sorted.map((region) => Number(region.size >> this.#shift));
    const states = new Uint8Array(counts.reduce((sum, frames) => sum + frames, 0));
    let from = 0;
    this.#arenas = sorted.map((region, i) => {
      const state = states.subarray(from, from += counts[i]);
      if (region.start === 0n) state[0] = SINGLE; // address 0 is never handed out
      const end = region.start + region.size;
      return {
        start: region.start,
        end,
        base: Number(region.start >> this.#shift),
        state,
        hint: 0,
        exact: end <= EXACT_LIMIT,
      };
    });
  }

  /** A free frame, or `null`. */
  alloc(): bigint | null {
    const arenas = this.#arenas;
    for (let a = 0; a < arenas.length; a++) {
      const arena = arenas[a];
      const state = arena.state;
      for (let scanned = 0, i = arena.hint; scanned < state.length; scanned++, i = i + 1 === state.length ? 0 : i + 1) {
        if (state[i] === FREE) {
          state[i] = SINGLE;
          arena.hint = i + 1 === state.length ? 0 : i + 1;
          return this.#address(arena, i);
        }
      }
    }
    return null;
  }

  /** `count` free frames in a row whose first address is aligned to `frameSize << alignPow2`, or `null`. */
  allocContiguous(count: number, alignPow2: number): bigint | null {
    if (count <= 0 || alignPow2 > 40) return null;
    const align = 2 ** alignPow2;
    for (const arena of this.#arenas) {
      const { state, base } = arena;
      // The first index whose frame number is a multiple of the alignment.
      let i = (align - (base % align)) % align;
      while (i + count <= state.length) {
        let run = 0;
        while (run < count && state[i + run] === FREE) run++;
        if (run === count) {
          state.fill(RANGE, i, i + count);
          this.#ranges.set(base + i, count);
          return this.#address(arena, i);
        }
        // Skip past the used frame, to the next aligned index.
        const next = i + run + 1;
        i = next + (align - ((base + next) % align)) % align;
      }
    }
    return null;
  }

  /** Gives back a single frame; throws a `RangeError` for anything else. */
  free(paddr: bigint): void {
    const [arena, index] = this.#locate(paddr, "free frame");
    if (arena.state[index] !== SINGLE || (arena.start === 0n && index === 0)) {
      const why = arena.state[index] === RANGE ? "a frame of a live range" : "not live (double free?)";
      throw new RangeError(`Cannot free frame ${formatAddress(paddr)}: ${why}`);
    }
    arena.state[index] = FREE;
  }

  /** Gives back a range with its count; throws a `RangeError` unless it is exactly a live range. */
  freeContiguous(first: bigint, count: number): void {
    const [arena, index] = this.#locate(first, "free range");
    const live = this.#ranges.get(arena.base + index);
    if (live === undefined) {
      throw new RangeError(`Cannot free range at ${formatAddress(first)}: no live range starts there`);
    }
    if (live !== count) {
      throw new RangeError(`Cannot free range at ${formatAddress(first)}: it has ${live} frames, not ${count}`);
    }
    this.#ranges.delete(arena.base + index);
    arena.state.fill(FREE, index, index + count);
  }

  #address(arena: Arena, index: number): bigint {
    // Below 2^53 an address is made from its exact number: one bigint, where shifting and adding made three.
    return arena.exact
      ? exactBigInt((arena.base + index) * this.#frameBytes)
      : arena.start + (BigInt(index) << this.#shift);
  }

  #locate(paddr: bigint, what: string): [Arena, number] {
    if (typeof paddr === "bigint" && paddr >= 0n && paddr < EXACT_LIMIT) {
      // The same tests on the address as an exact number: no bigint made on the way.
      // Dividing by a power of two is exact below 2^53: the quotient is whole exactly when the address is aligned.
      const frameNumber = exactNumber(paddr) / this.#frameBytes;
      const arenas = this.#arenas;
      for (let a = 0; a < arenas.length; a++) {
        const arena = arenas[a];
        if (frameNumber >= arena.base && frameNumber < arena.base + arena.state.length) {
          if (Number.isInteger(frameNumber)) return [arena, frameNumber - arena.base];
          break;
        }
      }
    }
    if (typeof paddr !== "bigint" || paddr % this.#frameSize !== 0n) {
      throw new RangeError(`Cannot ${what} ${String(paddr)}: not a frame-aligned bigint address`);
    }
    const arena = this.#arenas.find((candidate) => paddr >= candidate.start && paddr < candidate.end);
    if (!arena) throw new RangeError(`Cannot ${what} ${formatAddress(paddr)}: outside the allocator's RAM`);
    return [arena, Number((paddr - arena.start) >> this.#shift)];
  }
}

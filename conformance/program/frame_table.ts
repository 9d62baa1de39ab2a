/**
 * Per-frame numbers keyed by frame address, kept flat: a frame of a declared
 * region is a small integer (its number within the regions, in order), and a
 * table holds one `Int32Array` slot per frame. Addresses the index cannot
 * number (outside the regions, unaligned) fall back to a `Map`, so a table
 * accepts any bigint and behaves as a `Map<bigint, number>`.
 *
 * Both the judge's model and the step resolver run per HAL call; a `Map`
 * keyed by bigint costs a hash per frame and garbage per program, an array
 * slot neither. Tables are pooled per index and cleared by an epoch stamp, so
 * a program on a large board does not allocate or zero one per program.
 *
 * @module
 */

import type { ResolvedProfile, ResolvedRegion } from "../contract/profile.ts";
import { LOW_HALF } from "./word_list.ts";

const TWO_POW_21 = 2 ** 21;
const TWO_POW_32 = 2 ** 32;
const TWO_POW_53 = 1n << 53n;
/** One word and its halves, through which `indexOf` reads an address as a double. */
const SCRATCH_WORD = new BigUint64Array(1);
const SCRATCH_HALVES = new Uint32Array(SCRATCH_WORD.buffer);

/** The most frames an index numbers; larger layouts fall back to maps (each table would cost 8 bytes per frame). */
const MAX_INDEXED_FRAMES = 1 << 22;

interface IndexedRegion {
  start: bigint;
  end: bigint;
  /** `start` and `end` in frames, as doubles (rounded above 2^53, where `indexOf` does not use them). */
  startFrame: number;
  endFrame: number;
  /** The number of the region's first frame. */
  base: number;
  frames: number;
}

const indexes = new WeakMap<readonly ResolvedRegion[], FrameIndex>();

/**
 * Numbers the frames of a list of regions: frame `k` of region `r` is the
 * frames of the regions before `r`, plus `k`.
 *
 * @example
 * ```ts ignore
 * const index = FrameIndex.of(profile.memory, profile.frameSize);
 * index.indexOf(profile.memory[0].start); // 0
 * ```
 */
export class FrameIndex {
  /** How many frames are numbered (0 when the layout is too large to number). */
  readonly frames: number;
  readonly #frameSize: number;
  /** The bits of an address's low and high halves that are zero in a frame's first byte; 1 / frame size. */
  readonly #lowMask: number;
  readonly #highMask: number;
  readonly #perByte: number;
  /** The frames a high half's unit spans (2^32 / frame size). */
  readonly #highScale: number;
  /** The first region's bounds in frames (an empty range when nothing is numbered). */
  readonly #firstStartFrame: number;
  readonly #firstEndFrame: number;
  readonly #regions: IndexedRegion[];
  readonly #pool: FrameTable[] = [];
  /** On a board of many regions, the region of the last frame numbered there (a hint, whoever asked). */
  #lastRegion = 0;

  /** The index of `regions` (one per list of regions: built once, then shared). */
  static of(regions: readonly ResolvedRegion[], frameSize: number): FrameIndex {
    let index = indexes.get(regions);
    if (index === undefined || index.#frameSize !== frameSize) {
      index = new FrameIndex(regions, frameSize);
      indexes.set(regions, index);
    }
    return index;
  }

  /** The index of the regions a profile's allocation clauses judge (the test window, if any). */
  static ofProfile(profile: ResolvedProfile): FrameIndex {
    return FrameIndex.of(profile.memory, profile.frameSize);
  }

  private constructor(regions: readonly ResolvedRegion[], frameSize: number) {
    this.#frameSize = frameSize;
    this.#lowMask = frameSize >= TWO_POW_32 ? -1 : frameSize - 1;
    this.#highMask = frameSize > TWO_POW_32 ? frameSize / TWO_POW_32 - 1 : 0;
    this.#perByte = 1 / frameSize;
    this.#highScale = TWO_POW_32 / frameSize;
    let base = 0;
    const indexed: IndexedRegion[] = [];
    for (const region of regions) {
      const frames = Number(region.size / BigInt(frameSize));
      indexed.push({
        start: region.start,
        end: region.end,
        startFrame: Number(region.start) / frameSize,
        endFrame: Number(region.end) / frameSize,
        base,
        frames,
      });
      base += frames;
    }
    // Offsets within a region are exact doubles only below 2^53.
    const fits = base <= MAX_INDEXED_FRAMES &&
      regions.every((region) => region.size <= BigInt(Number.MAX_SAFE_INTEGER));
    this.#regions = fits ? indexed : [];
    this.frames = fits ? base : 0;
    this.#firstStartFrame = fits && indexed.length > 0 ? indexed[0].startFrame : 0;
    this.#firstEndFrame = fits && indexed.length > 0 ? indexed[0].endFrame : 0;
  }

  /** The number of the frame at `address`, or -1 when it is not the first byte of a numbered frame. */
  indexOf(address: bigint): number {
    if (typeof address !== "bigint") return -1;
    // Below 2^53 the address is read as a double through a word (no bigint arithmetic, so no garbage per call:
    // this runs for every frame judged). Both comparisons are needed: a word keeps an address modulo 2^64, so a
    // negative one below -2^63 would read as a small address.
    if (address < 0n || address >= TWO_POW_53) return this.#indexOfLarge(address);
    SCRATCH_WORD[0] = address;
    const high = SCRATCH_HALVES[1 - LOW_HALF];
    const low = SCRATCH_HALVES[LOW_HALF];
    // Regions start on a frame, so a frame's first byte is an address aligned to the frame size (a power of two):
    // tested on the halves as integers.
    if ((low & this.#lowMask) !== 0 || (high & this.#highMask) !== 0) return -1;
    return this.#numberOfFrame(high, low * this.#perByte);
  }

  /**
   * `indexOf` of the word at `at` of a list of words seen as 32-bit halves (`WordList.halves`), with no bigint
   * made: the address is an exact double below 2^53 (above, it takes the bigint path).
   */
  indexOfHalves(halves: Uint32Array, at: number): number {
    const high = halves[2 * at + 1 - LOW_HALF];
    const low = halves[2 * at + LOW_HALF];
    if (high >= TWO_POW_21) return this.#indexOfLarge((BigInt(high) << 32n) | BigInt(low));
    if ((low & this.#lowMask) !== 0 || (high & this.#highMask) !== 0) return -1;
    return this.#numberOfFrame(high, low * this.#perByte);
  }

  /**
   * `indexOfHalves` of the `count` words from `from`, into `out` from `outFrom`. A frame one frame size above the
   * one before, in the same region, is numbered by counting (the common case: an allocator hands out runs).
   */
  numberWords(halves: Uint32Array, from: number, count: number, out: Int32Array, outFrom: number): void {
    const frameSize = this.#frameSize;
    let previous = -1;
    let n = -1;
    let end = -1;
    for (let i = 0; i < count; i++) {
      const at = from + i;
      const high = halves[2 * at + 1 - LOW_HALF];
      // The address as a double: exact below 2^53 (above, every frame takes the full path).
      const address = high < TWO_POW_21 ? high * TWO_POW_32 + halves[2 * at + LOW_HALF] : -1;
      if (n >= 0 && address >= 0 && address === previous + frameSize && n + 1 < end) {
        n++;
      } else {
        n = this.indexOfHalves(halves, at);
        end = n >= 0 ? this.#regionEnd(n) : -1;
      }
      out[outFrom + i] = n;
      previous = address;
    }
  }

  /** One past the number of the last frame of the region holding frame number `n`. */
  #regionEnd(n: number): number {
    const regions = this.#regions;
    // Most often the region numbered last (a board of thousands of regions breaks a run at every region's end).
    const last = regions[this.#lastRegion];
    if (last !== undefined && n >= last.base && n < last.base + last.frames) return last.base + last.frames;
    let low = 0, high = regions.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if (regions[middle].base <= n) low = middle;
      else high = middle - 1;
    }
    return regions[low].base + regions[low].frames;
  }

  /**
   * The number of the frame at `high * 2^32 + lowFrames * frameSize`, an aligned address below 2^53, or -1. Both
   * arguments are small integers (below 2^21): V8 passes them to a call it does not inline without boxing, where an
   * address's low half above 2^30 it would box on every frame judged (about a fifth of the run's garbage without
   * TurboFan). The frame number is a multiplication by a power of two: exact.
   */
  #numberOfFrame(high: number, lowFrames: number): number {
    const frame = high * this.#highScale + lowFrames;
    // Most layouts are one region: it is looked at first, from fields of the index itself. Frame numbers are below
    // 2^22 (MAX_INDEXED_FRAMES): returned as int32.
    if (frame >= this.#firstStartFrame && frame < this.#firstEndFrame) return (frame - this.#firstStartFrame) | 0;
    const regions = this.#regions;
    if (regions.length <= 8) {
      for (let i = 1; i < regions.length; i++) {
        const region = regions[i];
        if (frame >= region.startFrame && frame < region.endFrame) return (region.base + frame - region.startFrame) | 0;
      }
      return -1;
    }
    // A board of thousands of regions: the region of the last frame numbered, or the one after it (frames mostly
    // come in order), or else the last region starting at or below the frame, by halves.
    for (let i = this.#lastRegion; i < this.#lastRegion + 2 && i < regions.length; i++) {
      const region = regions[i];
      if (frame >= region.startFrame && frame < region.endFrame) {
        this.#lastRegion = i;
        return (region.base + frame - region.startFrame) | 0;
      }
    }
    let first = 0, last = regions.length - 1;
    while (first < last) {
      const middle = (first + last + 1) >> 1;
      if (regions[middle].startFrame <= frame) first = middle;
      else last = middle - 1;
    }
    const region = regions[first];
    if (frame < region.startFrame || frame >= region.endFrame) return -1;
    this.#lastRegion = first;
    return (region.base + frame - region.startFrame) | 0;
  }

  /** `indexOf` of an address at or above 2^53 (the rare case: bigint arithmetic). */
  #indexOfLarge(address: bigint): number {
    const regions = this.#regions;
    for (let i = 0; i < regions.length; i++) {
      const region = regions[i];
      if (address >= region.start && address < region.end) {
        // An offset within a region is below 2^53: exact as a double.
        const offset = Number(address - region.start);
        if (offset % this.#frameSize !== 0) return -1;
        return region.base + offset / this.#frameSize;
      }
    }
    return -1;
  }

  /** The address of frame number `index`. */
  addressOf(index: number): bigint {
    for (const region of this.#regions) {
      if (index < region.base + region.frames) {
        return region.start + BigInt(index - region.base) * BigInt(this.#frameSize);
      }
    }
    throw new RangeError(`frame number ${index} is outside the index`);
  }

  /** An empty table over this index: a pooled one when one was released. */
  table(): FrameTable {
    const table = this.#pool.pop();
    if (table === undefined) return new FrameTable(this);
    table.clear();
    return table;
  }

  /** Gives a table back for reuse; its owner must not use it again. */
  release(table: FrameTable): void {
    if (this.#pool.length < 8) this.#pool.push(table);
  }
}

/**
 * A `Map<bigint, number>` of frame addresses to non-negative numbers (a step
 * index, usually), flat over a `FrameIndex`.
 *
 * @example
 * ```ts ignore
 * const live = FrameIndex.ofProfile(profile).table();
 * live.set(0x8000_0000n, 3);
 * live.get(0x8000_0000n); // 3
 * ```
 */
export class FrameTable {
  readonly #index: FrameIndex;
  #values: Int32Array | undefined;
  #stamps: Uint32Array | undefined;
  #epoch = 1;
  #size = 0;
  readonly #others = new Map<bigint, number>();

  /** An empty table over `index`. */
  constructor(index: FrameIndex) {
    this.#index = index;
  }

  /** The index this table numbers frames by (hot loops compute a frame's number once, then use the `...At` methods). */
  get index(): FrameIndex {
    return this.#index;
  }

  /** Whether frame number `i` (of `index`, at least 0) has a number. */
  hasAt(i: number): boolean {
    return this.#stamps !== undefined && this.#stamps[i] === this.#epoch;
  }

  /** The number of frame number `i` (at least 0), or -1 when it has none. */
  getAt(i: number): number {
    return this.hasAt(i) ? this.#values![i] : -1;
  }

  /** Gives frame number `i` (at least 0) the number `value`. */
  setAt(i: number, value: number): void {
    if (this.#stamps === undefined) {
      this.#stamps = new Uint32Array(this.#index.frames);
      this.#values = new Int32Array(this.#index.frames);
    }
    if (this.#stamps[i] !== this.#epoch) {
      this.#stamps[i] = this.#epoch;
      this.#size++;
    }
    this.#values![i] = value;
  }

  /**
   * Gives each frame number `numbers[from + i]` (those at least 0) the number `first + i`, for `count` of them,
   * unless it has one already. Returns the frame numbers that had one (a frame listed twice), usually none.
   */
  setEachAbsent(numbers: Int32Array, from: number, count: number, first: number): number[] {
    if (this.#stamps === undefined) {
      this.#stamps = new Uint32Array(this.#index.frames);
      this.#values = new Int32Array(this.#index.frames);
    }
    const stamps = this.#stamps, values = this.#values!, epoch = this.#epoch;
    const present: number[] = [];
    for (let i = 0; i < count; i++) {
      const n = numbers[from + i];
      if (n < 0) continue;
      if (stamps[n] === epoch) {
        present.push(n);
        continue;
      }
      stamps[n] = epoch;
      values[n] = first + i;
      this.#size++;
    }
    return present;
  }

  /**
   * Gives frame numbers `numbers[from]`, `numbers[from + 1]`, ... the number `value`, in order, while each is in
   * [low, high) and has none yet; returns how many it gave (where it stopped). One loop over the slots, for a run of
   * frames a fill handed out.
   */
  setEachWhileAbsent(
    numbers: Int32Array,
    from: number,
    count: number,
    low: number,
    high: number,
    value: number,
  ): number {
    if (this.#stamps === undefined) {
      this.#stamps = new Uint32Array(this.#index.frames);
      this.#values = new Int32Array(this.#index.frames);
    }
    const stamps = this.#stamps, values = this.#values!, epoch = this.#epoch;
    let k = 0;
    for (; k < count; k++) {
      const n = numbers[from + k];
      if (n < low || n >= high || stamps[n] === epoch) break;
      stamps[n] = epoch;
      values[n] = value;
    }
    this.#size += k;
    return k;
  }

  /** Removes frame number `i` (at least 0); whether it had a number. */
  deleteAt(i: number): boolean {
    if (this.#stamps === undefined || this.#stamps[i] !== this.#epoch) return false;
    this.#stamps[i] = 0;
    this.#size--;
    return true;
  }

  /** How many frames have a number. */
  get size(): number {
    return this.#size + this.#others.size;
  }

  /** The number of `address`, if it has one. */
  get(address: bigint): number | undefined {
    if (this.size === 0) return undefined;
    const i = this.#index.indexOf(address);
    if (i < 0) return this.#others.get(address);
    return this.hasAt(i) ? this.#values![i] : undefined;
  }

  /** Whether `address` has a number. */
  has(address: bigint): boolean {
    if (this.size === 0) return false;
    const i = this.#index.indexOf(address);
    return i < 0 ? this.#others.has(address) : this.hasAt(i);
  }

  /** Gives `address` the number `value`. */
  set(address: bigint, value: number): void {
    const i = this.#index.indexOf(address);
    if (i < 0) this.#others.set(address, value);
    else this.setAt(i, value);
  }

  /** Removes `address`; whether it had a number. */
  delete(address: bigint): boolean {
    if (this.size === 0) return false;
    const i = this.#index.indexOf(address);
    return i < 0 ? this.#others.delete(address) : this.deleteAt(i);
  }

  /**
   * Reads the table as counts: the number of `address`, or 0 when it has none. `n` is its number in the index, if
   * already known (a hot loop computes it once).
   */
  count(address: bigint, n: number = this.#index.indexOf(address)): number {
    if (n < 0) return this.#others.get(address) ?? 0;
    return this.hasAt(n) ? this.#values![n] : 0;
  }

  /** Adds `delta` to the count of `address`; a count that reaches 0 is removed. */
  add(address: bigint, delta: number, n: number = this.#index.indexOf(address)): void {
    const count = this.count(address, n) + delta;
    if (n < 0) {
      if (count === 0) this.#others.delete(address);
      else this.#others.set(address, count);
    } else if (count === 0) this.deleteAt(n);
    else this.setAt(n, count);
  }

  /** The entry of the lowest numbered frame (then of other addresses, in insertion order), for messages. */
  first(): [bigint, number] | undefined {
    if (this.#size > 0) {
      const stamps = this.#stamps!;
      for (let i = 0; i < stamps.length; i++) {
        if (stamps[i] === this.#epoch) return [this.#index.addressOf(i), this.#values![i]];
      }
    }
    return this.#others.entries().next().value;
  }

  /** Removes every entry (a new epoch: no pass over the slots). */
  clear(): void {
    this.#size = 0;
    if (this.#others.size > 0) this.#others.clear(); // clearing makes a new hash table, even for an empty map
    if (++this.#epoch === 0xffff_ffff) {
      this.#stamps?.fill(0);
      this.#epoch = 1;
    }
  }
}

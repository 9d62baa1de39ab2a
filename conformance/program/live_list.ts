/**
 * The live frames of a program, in the order they were handed out, as the
 * step resolver picks them: by position (`free { frame: 2 }` is the third
 * live frame), by the step that produced them, or by address.
 *
 * After a drain of a 16 GiB board four million frames are live, and a
 * program then frees and picks among them hundreds of times. A plain array
 * made every free a pass over all of them; here each frame keeps the slot it
 * was appended in, a bitmap says which slots are still live, and a Fenwick
 * tree over blocks of slots counts them, so that the k-th live frame, a free
 * and an append cost a few dozen operations, whatever the size. Slots left
 * by frees are dropped (the list compacted, order kept) once they outnumber
 * the live ones.
 *
 * @module
 */

import type { FrameIndex, FrameTable } from "./frame_table.ts";
import { WordList } from "./word_list.ts";

const NO_INTS = new Int32Array(0);
const SPARE_COLUMNS: IntColumn[] = [];

/** A growable column of 32-bit integers: no garbage to scan, however many frames are live. */
export class IntColumn {
  // Empty until the first push; columns are reused across programs (see `take`), as a typed array's buffer is costly
  // to make and most programs are short.
  data: Int32Array = NO_INTS;
  length = 0;

  /** An empty column: one a disposed owner gave back, or a new one. */
  static take(): IntColumn {
    const column = SPARE_COLUMNS.pop() ?? new IntColumn();
    column.length = 0;
    return column;
  }

  /** Gives the column back for `take`; its owner must not use it again. */
  giveBack(): void {
    if (SPARE_COLUMNS.length < 24) SPARE_COLUMNS.push(this);
  }

  /** Appends `value`. */
  push(value: number): void {
    this.reserve(1);
    this.data[this.length++] = value;
  }

  /** Appends `value` `count` times. */
  pushRepeated(value: number, count: number): void {
    this.reserve(count);
    this.data.fill(value, this.length, this.length + count);
    this.length += count;
  }

  /** Appends `first`, `first + 1`, ... (`count` values). */
  pushSequence(first: number, count: number): void {
    this.reserve(count);
    for (let i = 0; i < count; i++) this.data[this.length + i] = first + i;
    this.length += count;
  }

  /** Makes room for `count` more values. */
  reserve(count: number): void {
    if (this.length + count <= this.data.length) return;
    let size = Math.max(64, this.data.length);
    while (size < this.length + count) size *= 2;
    const grown = new Int32Array(size);
    grown.set(this.data.subarray(0, this.length));
    this.data = grown;
  }
}

/** Slots per block of the Fenwick tree: 8 words of the bitmap (the k-th live slot scans at most 8 words). */
const BLOCK_WORDS = 8;
const BLOCK_SLOTS = BLOCK_WORDS * 32;

/** Set bits of a 32-bit word. */
function popcount(word: number): number {
  word = word - ((word >>> 1) & 0x55555555);
  word = (word & 0x33333333) + ((word >>> 2) & 0x33333333);
  return (((word + (word >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

/** Which slots are live, counted per block in a Fenwick tree: the k-th live slot in O(log n). */
class LiveSlots {
  bits = new Uint32Array(BLOCK_WORDS);
  /** Fenwick tree (1-based) over the live counts of blocks. */
  tree = new Int32Array(2);
  blocks = 1;
  /** Slots used (live or not). */
  slots = 0;
  /** Live slots. */
  live = 0;

  clear(): void {
    this.bits.fill(0, 0, Math.ceil(this.slots / 32));
    this.tree.fill(0);
    this.slots = this.live = 0;
  }

  /** Appends `count` live slots. */
  push(count: number): void {
    const end = this.slots + count;
    if (end > this.blocks * BLOCK_SLOTS) this.#grow(end);
    let slot = this.slots;
    while (slot < end) {
      const block = Math.floor(slot / BLOCK_SLOTS);
      const upto = Math.min(end, (block + 1) * BLOCK_SLOTS);
      for (let s = slot; s < upto;) {
        const word = s >>> 5, bit = s & 31;
        const take = Math.min(32 - bit, upto - s);
        this.bits[word] |= take === 32 ? -1 : ((1 << take) - 1) << bit;
        s += take;
      }
      this.#add(block, upto - slot);
      slot = upto;
    }
    this.slots = end;
    this.live += count;
  }

  /** Marks `slot` no longer live. */
  remove(slot: number): void {
    this.bits[slot >>> 5] &= ~(1 << (slot & 31));
    this.#add(Math.floor(slot / BLOCK_SLOTS), -1);
    this.live--;
  }

  has(slot: number): boolean {
    return (this.bits[slot >>> 5] & (1 << (slot & 31))) !== 0;
  }

  /** The slot of the `k`-th live slot (0-based, `k < live`). */
  select(k: number): number {
    // The block holding it: the Fenwick descent over block counts.
    let block = 0, rest = k + 1;
    for (let step = 1 << (31 - Math.clz32(this.blocks)); step > 0; step >>= 1) {
      const next = block + step;
      if (next <= this.blocks && this.tree[next] < rest) {
        block = next;
        rest -= this.tree[next];
      }
    }
    // Within the block: words by their counts, then the bit.
    for (let word = block * BLOCK_WORDS;; word++) {
      let bits = this.bits[word];
      const count = popcount(bits);
      if (rest > count) {
        rest -= count;
        continue;
      }
      for (; rest > 1; rest--) bits &= bits - 1;
      return word * 32 + 31 - Math.clz32(bits & -bits);
    }
  }

  /** The first live slot after `slot`, or -1: a scan of the bitmap (the next pick of a run of frees, for nothing). */
  after(slot: number): number {
    const from = slot + 1;
    const words = Math.ceil(this.slots / 32);
    let word = from >>> 5;
    if (word >= words) return -1;
    let bits = this.bits[word] & (-1 << (from & 31));
    while (bits === 0) {
      if (++word >= words) return -1;
      bits = this.bits[word];
    }
    return word * 32 + 31 - Math.clz32(bits & -bits);
  }

  /** The last live slot before `slot`, or -1. */
  before(slot: number): number {
    const upto = slot - 1;
    if (upto < 0) return -1;
    let word = upto >>> 5;
    const bit = upto & 31;
    let bits = this.bits[word] & (bit === 31 ? -1 : (1 << (bit + 1)) - 1);
    while (bits === 0) {
      if (--word < 0) return -1;
      bits = this.bits[word];
    }
    return word * 32 + 31 - Math.clz32(bits);
  }

  #add(block: number, delta: number): void {
    for (let i = block + 1; i <= this.blocks; i += i & -i) this.tree[i] += delta;
  }

  #grow(slots: number): void {
    let blocks = this.blocks;
    while (blocks * BLOCK_SLOTS < slots) blocks *= 2;
    const bits = new Uint32Array(blocks * BLOCK_WORDS);
    bits.set(this.bits.subarray(0, Math.ceil(this.slots / 32)));
    this.bits = bits;
    this.blocks = blocks;
    this.#rebuildTree();
  }

  /** The tree from the bitmap: each block's count, then the linear Fenwick build. */
  #rebuildTree(): void {
    const tree = this.tree.length === this.blocks + 1 ? this.tree : new Int32Array(this.blocks + 1);
    tree.fill(0);
    const usedWords = Math.ceil(this.slots / 32);
    for (let word = 0; word < usedWords; word++) tree[Math.floor(word / BLOCK_WORDS) + 1] += popcount(this.bits[word]);
    for (let i = 1; i <= this.blocks; i++) {
      const parent = i + (i & -i);
      if (parent <= this.blocks) tree[parent] += tree[i];
    }
    this.tree = tree;
  }

  /** Keeps the live slots only, renumbered from 0 in order (the caller moves its columns the same way). */
  compact(): void {
    const live = this.live;
    const words = Math.ceil(this.slots / 32);
    this.bits.fill(0, 0, words);
    this.slots = 0;
    this.live = 0;
    this.tree.fill(0);
    this.push(live);
  }
}

const SPARE_SLOTS: LiveSlots[] = [];

/** A live entry whose frame number is not computed yet (a short list numbers a frame when it is looked for). */
const UNNUMBERED = -2;

/** How many slots a list holds before it finds frames by address through a table rather than by a pass. */
const INDEX_FROM = 512;

/**
 * Live frames in hand-out order, picked by position, by producing step or by address.
 *
 * @example
 * ```ts ignore
 * const live = new LiveList(FrameIndex.ofProfile(profile));
 * live.append(0x8000_0000n, 0, 0);
 * live.paddrAt(live.slotAt(0)); // 0x8000_0000n
 * ```
 */
export class LiveList {
  readonly #frames: FrameIndex;
  /** Columns by slot: the address, the step and position in it that produced the frame, its frame number. */
  readonly #paddr = new WordList();
  readonly #step = IntColumn.take();
  readonly #nth = IntColumn.take();
  readonly #number = IntColumn.take();
  readonly #slots: LiveSlots;
  /**
   * Whether frames are found by address through `#first`. A short list (most programs) numbers a frame only when it
   * is looked for, and looks by a pass over its slots; past `INDEX_FROM` slots every frame is numbered as it comes.
   */
  #indexed = false;
  /** The first live slot holding each numbered frame, plus one (while indexed). */
  #first: FrameTable | undefined;
  /** Frames appended while already live (a broken HAL's duplicates): looked up the slow way. */
  #duplicates: Set<number> | undefined;
  /** Live entries whose address the index does not number (while indexed). */
  #unnumbered = 0;

  /** An empty list over `frames`; `dispose` gives its buffers back. */
  constructor(frames: FrameIndex) {
    this.#frames = frames;
    this.#slots = SPARE_SLOTS.pop() ?? new LiveSlots();
  }

  /** Gives the list's tables and columns back for the next program; the list must not be used after. */
  dispose(): void {
    if (this.#first) this.#frames.release(this.#first);
    this.#step.giveBack();
    this.#nth.giveBack();
    this.#number.giveBack();
    this.#slots.clear();
    if (SPARE_SLOTS.length < 8) SPARE_SLOTS.push(this.#slots);
  }

  /** How many frames are live. */
  get length(): number {
    return this.#slots.live;
  }

  /** The slot of the live frame at `index` (0 is the oldest). */
  slotAt(index: number): number {
    return this.#slots.select(index);
  }

  /** The slot of the live frame after the one in `slot` (`slotAt(index + 1)` from `slotAt(index)`), or -1. */
  slotAfter(slot: number): number {
    return this.#slots.after(slot);
  }

  /** The slot of the live frame before the one in `slot`, or -1. */
  slotBefore(slot: number): number {
    return this.#slots.before(slot);
  }

  /** The address in `slot`. */
  paddrAt(slot: number): bigint {
    return this.#paddr.at(slot) as bigint;
  }

  /** The step that produced the frame in `slot`. */
  stepAt(slot: number): number {
    return this.#step.data[slot];
  }

  /** Which of its step's results the frame in `slot` was. */
  nthAt(slot: number): number {
    return this.#nth.data[slot];
  }

  /** The frame number of the frame in `slot` (-1 for an address the index does not number), computed once. */
  numberAt(slot: number): number {
    let n = this.#number.data[slot];
    if (n === UNNUMBERED) this.#number.data[slot] = n = this.#frames.indexOf(this.#paddr.at(slot) as bigint);
    return n;
  }

  /** The live slot holding the `nth` result of step `step`, or -1. */
  slotOfRef(step: number, nth: number): number {
    const steps = this.#step.data, nths = this.#nth.data;
    for (let slot = 0; slot < this.#slots.slots; slot++) {
      if (steps[slot] === step && nths[slot] === nth && this.#slots.has(slot)) return slot;
    }
    return -1;
  }

  /** The first live slot holding `paddr`, or -1; `n` is its frame number. */
  firstSlotOf(paddr: bigint, n: number = this.#frames.indexOf(paddr)): number {
    if (this.#indexed) {
      if (n >= 0 && !this.#duplicates?.has(n)) return Math.max(-1, this.#first!.getAt(n) - 1);
      if (n < 0 && this.#unnumbered === 0) return -1;
    }
    // A pass over the slots, by frame number where the frame has one (no bigint per slot).
    for (let slot = 0; slot < this.#slots.slots; slot++) {
      if (!this.#slots.has(slot)) continue;
      if (n >= 0 ? this.numberAt(slot) === n : this.#paddr.at(slot) === paddr) return slot;
    }
    return -1;
  }

  /** Appends one frame `paddr`, the `nth` result of step `step`; `n` is its frame number, if known. */
  append(paddr: bigint, step: number, nth: number, n: number = UNNUMBERED): void {
    const slot = this.#slots.slots;
    if (!this.#indexed && slot + 1 >= INDEX_FROM) this.#index();
    if (this.#indexed && n === UNNUMBERED) n = this.#frames.indexOf(paddr);
    this.#paddr.push(paddr);
    this.#step.push(step);
    this.#nth.push(nth);
    this.#number.push(n);
    this.#slots.push(1);
    if (this.#indexed) this.#numbered(slot, n);
  }

  /** Appends the first `count` values of a fill (all addresses), the `nth`-th of them its nth result. */
  appendFill(values: WordList, count: number, step: number): void {
    const from = this.#slots.slots;
    if (!this.#indexed && from + count >= INDEX_FROM) this.#index();
    this.#paddr.appendRange(values, 0, count);
    this.#step.pushRepeated(step, count);
    this.#nth.pushSequence(0, count);
    const numbers = this.#number;
    if (!this.#indexed) {
      numbers.pushRepeated(UNNUMBERED, count);
      this.#slots.push(count);
      return;
    }
    numbers.reserve(count);
    const index = this.#frames;
    const plain = values.plain;
    if (plain !== undefined) {
      for (let i = 0; i < count; i++) numbers.data[from + i] = index.indexOf(plain[i] as bigint);
    } else {
      index.numberWords(values.halves, 0, count, numbers.data, from);
    }
    numbers.length += count;
    // Slots are kept plus one, so that a table's 0 (no entry) is never a slot.
    for (const n of this.#first!.setEachAbsent(numbers.data, from, count, from + 1)) {
      (this.#duplicates ??= new Set()).add(n);
    }
    for (let i = 0; i < count; i++) if (numbers.data[from + i] < 0) this.#unnumbered++;
    this.#slots.push(count);
  }

  /**
   * Removes every live entry of each of `paddrs` (`numbers` are their frame numbers): what a free of many does. A
   * short list does it in one pass over its slots.
   */
  removeAll(paddrs: readonly bigint[], numbers: readonly number[]): void {
    if (this.#indexed) {
      for (let i = 0; i < paddrs.length; i++) {
        for (
          let slot = this.firstSlotOf(paddrs[i], numbers[i]);
          slot >= 0;
          slot = this.firstSlotOf(paddrs[i], numbers[i])
        ) {
          this.remove(slot);
        }
      }
      return;
    }
    const leaving = this.#frames.table();
    let others: Set<bigint> | undefined;
    for (let i = 0; i < paddrs.length; i++) {
      if (numbers[i] >= 0) leaving.setAt(numbers[i], 1);
      else (others ??= new Set()).add(paddrs[i]);
    }
    for (let slot = 0; slot < this.#slots.slots; slot++) {
      if (!this.#slots.has(slot)) continue;
      const n = this.numberAt(slot);
      if (n >= 0 ? leaving.hasAt(n) : others?.has(this.#paddr.at(slot) as bigint)) this.#slots.remove(slot);
    }
    this.#frames.release(leaving);
  }

  /** From now on, frames are found by address through the table: every live slot is numbered and entered. */
  #index(): void {
    this.#indexed = true;
    this.#first = this.#frames.table();
    for (let slot = 0; slot < this.#slots.slots; slot++) {
      if (this.#slots.has(slot)) this.#numbered(slot, this.numberAt(slot));
    }
  }

  /** Removes the frame in `slot`. */
  remove(slot: number): void {
    this.#slots.remove(slot);
    if (!this.#indexed) return;
    const n = this.#number.data[slot];
    if (n < 0) this.#unnumbered--;
    else if (this.#first!.getAt(n) - 1 === slot) {
      this.#first!.deleteAt(n);
      // A duplicate further on becomes the first.
      if (this.#duplicates?.has(n)) {
        for (let other = slot + 1; other < this.#slots.slots; other++) {
          if (this.#slots.has(other) && this.#number.data[other] === n) {
            this.#first!.setAt(n, other + 1);
            break;
          }
        }
      }
    }
    if (this.#slots.slots - this.#slots.live > Math.max(this.#slots.live, 1 << 16)) this.#compact();
  }

  #numbered(slot: number, n: number): void {
    if (n < 0) {
      this.#unnumbered++;
      return;
    }
    // Slots are kept plus one, so that a table's 0 (no entry) is never a slot.
    if (this.#first!.hasAt(n)) (this.#duplicates ??= new Set()).add(n);
    else this.#first!.setAt(n, slot + 1);
  }

  /** Drops the slots of freed frames, keeping the order of the live ones. */
  #compact(): void {
    let kept = 0;
    const used = this.#slots.slots;
    const steps = this.#step.data, nths = this.#nth.data, numbers = this.#number.data;
    const plain = this.#paddr.plain;
    // Addresses move as two 32-bit halves: no bigint per frame.
    const halves = plain === undefined ? this.#paddr.halves : undefined;
    const first = this.#first!;
    first.clear();
    for (let slot = 0; slot < used; slot++) {
      if (!this.#slots.has(slot)) continue;
      if (kept !== slot) {
        if (plain !== undefined) plain[kept] = plain[slot];
        else {
          halves![2 * kept] = halves![2 * slot];
          halves![2 * kept + 1] = halves![2 * slot + 1];
        }
        steps[kept] = steps[slot];
        nths[kept] = nths[slot];
        numbers[kept] = numbers[slot];
      }
      const n = numbers[kept];
      if (n >= 0 && !first.hasAt(n)) first.setAt(n, kept + 1);
      kept++;
    }
    this.#paddr.truncate(kept);
    this.#step.length = this.#nth.length = this.#number.length = kept;
    this.#slots.compact();
  }
}

/**
 * A list of values kept as 64-bit words once it is long: frame addresses are
 * bigints in [0, 2^64), and a fill of 2^20 frames kept as an array of
 * bigints is a million heap objects the garbage collector copies and marks;
 * as words it is one buffer. A short list stays a plain array (reading a
 * word makes a bigint, which costs more than it saves there). A value that
 * is not such a bigint (a broken HAL's number, string or negative address)
 * keeps or turns the list plain, so any value round-trips; a `null` or
 * `undefined` last value (how a fill ends) does not.
 *
 * @module
 */

const TWO_POW_21 = 2 ** 21;
const TWO_POW_32 = 2 ** 32;
const TWO_POW_53 = 1n << 53n;
/** The largest 64-bit word. */
export const MAX_WORD: bigint = (1n << 64n) - 1n;
const NO_WORDS = new BigUint64Array(0);
const NO_HALVES = new Uint32Array(0);
/** Where a word's low and high 32-bit halves are in a `Uint32Array` over its buffer (the platform's byte order). */
export const LOW_HALF: 0 | 1 = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1 ? 0 : 1;
/** The length past which a list of words is kept as words. */
export const WORDS_FROM = 4096;

/**
 * Values in order: a plain array while short, as words once longer than
 * 4096 values if every one is a bigint in [0, 2^64) (a last
 * `null`/`undefined` aside), a plain array again after the first that is
 * not. Two lists built by the same pushes are deep-equal (capacity grows the
 * same way), and different ones are not.
 *
 * @example
 * ```ts
 * import { WordList } from "@halconf/halconf";
 *
 * const values = WordList.of([0x8000_0000n, 0x8000_1000n, null]);
 * values.length; // 3
 * values.at(1); // 0x8000_1000n
 * values.toArray(); // [0x8000_0000n, 0x8000_1000n, null]
 * ```
 */
export class WordList implements Iterable<unknown> {
  /** The values as words, while `plain` is undefined (only the first `length`, less an ending, are used). */
  words: BigUint64Array = NO_WORDS;
  /** The values, while the list is short or one of them is not a 64-bit bigint. */
  plain: unknown[] | undefined = [];
  /** False once a long plain list was found to hold a value that is not a 64-bit bigint: it stays plain. */
  mayBecomeWords = true;
  /** How many values, an ending included. */
  length = 0;
  /** A last value of `null` or `undefined` while the rest are words (how a fill ends), by name. */
  ending: "null" | "undefined" | undefined = undefined;
  #halves: Uint32Array = NO_HALVES;

  /**
   * The words as 32-bit halves (word `i` is at `2 * i + LOW_HALF` and the other), for reading addresses as numbers
   * without making a bigint per value. Valid until the next change of the list.
   */
  get halves(): Uint32Array {
    if (this.#halves.buffer !== this.words.buffer) this.#halves = new Uint32Array(this.words.buffer);
    return this.#halves;
  }

  /** A list of `values`, in order. An array is taken as it is (the caller must not change it after). */
  static of(values: Iterable<unknown>): WordList {
    const list = new WordList();
    if (Array.isArray(values)) {
      list.plain = values;
      list.length = values.length;
      if (list.length > WORDS_FROM) list.#toWords();
    } else {
      for (const value of values) list.push(value);
    }
    return list;
  }

  /**
   * The words, with room for at least `count` more after `length`: for a loop that appends words itself (a fill of
   * millions of frames), and sets `length` as it goes. Only while the list is words without an ending.
   */
  roomForWords(count: number): BigUint64Array {
    this.#reserve(this.length + count);
    return this.words;
  }

  /** Appends `value`. */
  push(value: unknown): void {
    if (this.plain !== undefined) {
      // The hot path of a short list: no check per value (a long one is checked once, as it turns long).
      this.plain.push(value);
      if (++this.length > WORDS_FROM && this.mayBecomeWords) this.#toWords();
      return;
    }
    if (this.ending === undefined) {
      if (isWord(value)) {
        this.#reserve(this.length + 1);
        this.words[this.length++] = value;
        return;
      }
      if (value === null || value === undefined) {
        this.ending = value === null ? "null" : "undefined";
        this.length++;
        return;
      }
    }
    this.#toPlain().push(value);
    this.length++;
  }

  /**
   * Appends the values `start` to `end` (exclusive) of `other`, which must not hold an ending before `end`: word by
   * word when both lists are words, with no bigint made.
   */
  appendRange(other: WordList, start: number, end: number): void {
    // Both short and plain: one copy of the range (pushes value by value grew the array, copying it, several times).
    if (
      this.plain !== undefined && other.plain !== undefined && this.ending === undefined &&
      this.length + end - start <= WORDS_FROM && end > start
    ) {
      const range = other.plain.slice(start, end);
      this.plain = this.length === 0 ? range : this.plain.concat(range);
      this.length += end - start;
      return;
    }
    let from = start;
    // Value by value while either list is plain (a short one turns to words as it grows) or this one has an ending.
    while (from < end && (this.plain !== undefined || other.plain !== undefined || this.ending !== undefined)) {
      this.push(other.at(from++));
    }
    if (from >= end) return;
    const length = this.length + end - from;
    this.#reserve(length);
    this.words.set(other.words.subarray(from, end), this.length);
    this.length = length;
  }

  /**
   * Appends `count` addresses `first`, `first + stride`, ... (a run: how a fill's frames in order travel on the wire).
   * A long run goes straight into words, with no array of bigints on the way.
   */
  pushRun(first: bigint, stride: bigint, count: number): void {
    const last = first + stride * BigInt(Math.max(0, count - 1));
    const inWords = first >= 0n && first <= MAX_WORD && last >= 0n && last <= MAX_WORD;
    // Words from here on only when the list would turn to words anyway (then it ends up as pushes would leave it).
    if (inWords && this.plain !== undefined && this.mayBecomeWords && this.length + count > WORDS_FROM) {
      if (this.length > 0) this.#toWords();
      else this.plain = undefined; // empty: words from the first
    }
    if (!inWords || this.plain !== undefined || this.ending !== undefined) {
      let value = first;
      for (let n = 0; n < count; n++, value += stride) this.push(value);
      return;
    }
    const length = this.length + count;
    this.#reserve(length);
    if (first < TWO_POW_53 && last < TWO_POW_53 && stride > -TWO_POW_53 && stride < TWO_POW_53) {
      // Below 2^53 every address of the run is an exact double: written as its two halves, no bigint per value.
      const halves = this.halves;
      const step = Number(stride);
      let address = Number(first);
      for (let at = this.length; at < length; at++, address += step) {
        const high = Math.floor(address / TWO_POW_32);
        halves[2 * at + 1 - LOW_HALF] = high;
        halves[2 * at + LOW_HALF] = address - high * TWO_POW_32;
      }
    } else {
      let value = first;
      for (let at = this.length; at < length; at++, value += stride) this.words[at] = value;
    }
    this.length = length;
  }

  /**
   * How many values from `from` on continue the run of addresses `stride` apart that starts there (at least 1), read
   * through the halves with no bigint made when the list is words below 2^53; `stride` is a frame size, up or down.
   */
  runLength(from: number, stride: number): number {
    const end = this.ending === undefined ? this.length : this.length - 1;
    if (this.plain !== undefined || from >= end) return 1;
    const halves = this.halves;
    const addressAt = (at: number) => {
      const high = halves[2 * at + 1 - LOW_HALF];
      return high < TWO_POW_21 ? high * TWO_POW_32 + halves[2 * at + LOW_HALF] : -1;
    };
    let previous = addressAt(from);
    if (previous < 0) return 1;
    let at = from + 1;
    for (; at < end; at++) {
      const address = addressAt(at);
      if (address < 0 || address !== previous + stride) break;
      previous = address;
    }
    return at - from;
  }

  /** The value at `index` (undefined past the end). */
  at(index: number): unknown {
    if (this.plain !== undefined) return this.plain[index];
    if (index < 0 || index >= this.length) return undefined;
    if (this.ending !== undefined && index === this.length - 1) return this.ending === "null" ? null : undefined;
    return this.words[index];
  }

  /** Replaces the value at `index` (below `length`). */
  set(index: number, value: unknown): void {
    const last = this.ending !== undefined && index === this.length - 1;
    if (this.plain === undefined && isWord(value) && !last) this.words[index] = value as bigint;
    else this.#toPlain()[index] = value;
  }

  /** Keeps the first `length` values. */
  truncate(length: number): void {
    if (length >= this.length) return;
    if (this.plain !== undefined) this.plain.length = length;
    else {
      this.ending = undefined;
      this.words.fill(0n, length, this.length); // unused words are zero: equal lists stay deep-equal
    }
    this.length = length;
  }

  /** Removes the value at `index`, moving the later ones down. */
  removeAt(index: number): void {
    if (this.plain !== undefined) this.plain.splice(index, 1);
    else if (this.ending !== undefined) this.#toPlain().splice(index, 1);
    else {
      this.words.copyWithin(index, index + 1, this.length);
      this.words[this.length - 1] = 0n;
    }
    this.length--;
  }

  /** The first index holding `value`, or -1. */
  indexOf(value: unknown): number {
    for (let index = 0; index < this.length; index++) if (this.at(index) === value) return index;
    return -1;
  }

  /** The values as an array. */
  toArray(): unknown[] {
    if (this.plain !== undefined) return [...this.plain];
    const values: unknown[] = Array.from(this.words.subarray(0, this.length - (this.ending === undefined ? 0 : 1)));
    if (this.ending !== undefined) values.push(this.ending === "null" ? null : undefined);
    return values;
  }

  /** The values in order. */
  *[Symbol.iterator](): Iterator<unknown> {
    for (let index = 0; index < this.length; index++) yield this.at(index);
  }

  /** Makes room for `length` words (capacity a function of the length, so equal lists stay deep-equal). */
  #reserve(length: number): void {
    if (length <= this.words.length) return;
    const grown = new BigUint64Array(capacityFor(length));
    grown.set(this.words.subarray(0, this.length));
    this.words = grown;
  }

  #toPlain(): unknown[] {
    if (this.plain === undefined) {
      this.plain = this.toArray();
      this.words = NO_WORDS;
      this.ending = undefined;
      this.mayBecomeWords = false;
    }
    return this.plain;
  }

  #toWords(): void {
    const plain = this.plain!;
    // A fill's last value may be its null: the rest must be words.
    const last = plain.at(-1);
    const ending = last === null ? "null" : last === undefined ? "undefined" : undefined;
    const words = ending === undefined ? plain.length : plain.length - 1;
    for (let index = 0; index < words; index++) {
      if (!isWord(plain[index])) {
        this.mayBecomeWords = false;
        return;
      }
    }
    this.words = new BigUint64Array(capacityFor(words));
    for (let index = 0; index < words; index++) this.words[index] = plain[index] as bigint;
    this.ending = ending;
    this.plain = undefined;
  }
}

/** The words a list of `count` words holds room for: a power of two, at least 8192, whatever the order of pushes. */
function capacityFor(count: number): number {
  return Math.max(8192, 2 ** Math.ceil(Math.log2(Math.max(1, count))));
}

function isWord(value: unknown): value is bigint {
  return typeof value === "bigint" && value >= 0n && value <= MAX_WORD;
}

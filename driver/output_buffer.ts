/**
 * What a HAL printed, kept within a bound: the head and the tail, the middle
 * counted and dropped, so that a HAL printing in a loop cannot exhaust the
 * supervisor's memory.
 *
 * @module
 */

/**
 * A bounded text buffer.
 *
 * @example
 * ```ts
 * import { OutputBuffer } from "./output_buffer.ts";
 *
 * const buffer = new OutputBuffer(8);
 * buffer.add("0123456789abcdef");
 * buffer.take(); // "0123\n... (8 characters omitted) ...\ncdef"
 * ```
 */
export class OutputBuffer {
  readonly #limit: number;
  #head = "";
  #tail = "";
  #dropped = 0;

  /** A buffer keeping at most `limit` characters. */
  constructor(limit: number) {
    this.#limit = limit;
  }

  /** Adds text. */
  add(text: string): void {
    const half = this.#limit / 2;
    if (this.#head.length < half) {
      const room = half - this.#head.length;
      this.#head += text.slice(0, room);
      text = text.slice(room);
    }
    if (!text) return;
    this.#tail += text;
    if (this.#tail.length > half) {
      this.#dropped += this.#tail.length - half;
      this.#tail = this.#tail.slice(-half);
    }
  }

  /** The text kept so far, emptying the buffer; `undefined` when nothing was printed. */
  take(): string | undefined {
    if (this.#head.length === 0) return undefined;
    const text = this.#dropped
      ? `${this.#head}\n... (${this.#dropped} characters omitted) ...\n${this.#tail}`
      : this.#head + this.#tail;
    this.#head = this.#tail = "";
    this.#dropped = 0;
    return text;
  }

  /** The last non-empty line kept, without emptying the buffer. */
  lastLine(): string | undefined {
    return (this.#head + this.#tail).trim().split("\n").filter(Boolean).at(-1);
  }
}

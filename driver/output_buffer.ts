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

  /** The text kept so far (head, then tail), without emptying the buffer. */
  peek(): string {
    return this.#head + this.#tail;
  }

  /**
   * The line that best says what went wrong, without emptying the buffer: the last line that is not a stack frame
   * (`    at f (file.ts:1:1)`), so that a crash is reported by its message.
   */
  lastLine(): string | undefined {
    const lines = (this.#head + this.#tail).split("\n").map((line) => line.trim()).filter(Boolean);
    return lines.filter((line) => !/^at\s/.test(line)).at(-1) ?? lines.at(-1);
  }
}

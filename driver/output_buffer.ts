/**
 * What a HAL printed, kept within a bound: the head and the tail, the middle
 * counted and dropped, so that a HAL printing in a loop cannot exhaust the
 * supervisor's memory. Bytes are copied into two fixed buffers as they arrive
 * and decoded only when the text is taken: a flood of output allocates
 * nothing per chunk, so it cannot grow the supervisor's heap either.
 *
 * @module
 */

const encoder = new TextEncoder();

/**
 * A bounded output buffer.
 *
 * @example
 * ```ts
 * import { OutputBuffer } from "./output_buffer.ts";
 *
 * const buffer = new OutputBuffer(8);
 * buffer.add("0123456789abcdef");
 * buffer.take(); // "0123\n... (8 bytes omitted) ...\ncdef"
 * ```
 */
export class OutputBuffer {
  readonly #head: Uint8Array;
  readonly #tail: Uint8Array;
  #headLength = 0;
  /** The tail is a ring: `#tailLength` bytes ending just before `#tailEnd` (modulo its size). */
  #tailEnd = 0;
  #tailLength = 0;
  #dropped = 0;
  #received = 0;

  /** A buffer keeping at most `limit` bytes: the first half, and the last. */
  constructor(limit: number) {
    this.#head = new Uint8Array(Math.floor(limit / 2));
    this.#tail = new Uint8Array(Math.ceil(limit / 2));
  }

  /** How many bytes were ever added, kept or dropped: whether something came since an earlier look. */
  get received(): number {
    return this.#received;
  }

  /** Adds text. */
  add(text: string): void {
    this.addBytes(encoder.encode(text));
  }

  /** Adds bytes as they came (copied: `bytes` may be reused by the caller at once). */
  addBytes(bytes: Uint8Array): void {
    this.#received += bytes.length;
    let from = 0;
    if (this.#headLength < this.#head.length) {
      from = Math.min(bytes.length, this.#head.length - this.#headLength);
      this.#head.set(bytes.subarray(0, from), this.#headLength);
      this.#headLength += from;
    }
    const size = this.#tail.length;
    if (from >= bytes.length || size === 0) {
      if (size === 0) this.#dropped += bytes.length - from;
      return;
    }
    let rest = bytes.subarray(from);
    if (rest.length > size) {
      this.#dropped += rest.length - size;
      rest = rest.subarray(rest.length - size);
    }
    const overflow = this.#tailLength + rest.length - size;
    if (overflow > 0) {
      this.#dropped += overflow;
      this.#tailLength -= overflow;
    }
    // Copied in at most two pieces around the end of the ring.
    const first = Math.min(rest.length, size - this.#tailEnd);
    this.#tail.set(rest.subarray(0, first), this.#tailEnd);
    this.#tail.set(rest.subarray(first), 0);
    this.#tailEnd = (this.#tailEnd + rest.length) % size;
    this.#tailLength += rest.length;
  }

  #tailBytes(): Uint8Array {
    const size = this.#tail.length;
    const start = (this.#tailEnd - this.#tailLength + size) % size;
    if (start + this.#tailLength <= size) return this.#tail.slice(start, start + this.#tailLength);
    const bytes = new Uint8Array(this.#tailLength);
    bytes.set(this.#tail.subarray(start));
    bytes.set(this.#tail.subarray(0, this.#tailEnd), size - start);
    return bytes;
  }

  /** The text kept so far, emptying the buffer; `undefined` when nothing was printed. */
  take(): string | undefined {
    if (this.#headLength === 0) return undefined;
    const text = this.#text();
    this.#headLength =
      this.#tailLength =
      this.#tailEnd =
      this.#dropped =
        0;
    return text;
  }

  #text(): string {
    const decoder = new TextDecoder();
    const head = decoder.decode(this.#head.subarray(0, this.#headLength));
    const tail = decoder.decode(this.#tailBytes());
    return this.#dropped ? `${head}\n... (${this.#dropped} bytes omitted) ...\n${tail}` : head + tail;
  }

  /** The text kept so far (head, then tail), without emptying the buffer. */
  peek(): string {
    const decoder = new TextDecoder();
    return decoder.decode(this.#head.subarray(0, this.#headLength)) + decoder.decode(this.#tailBytes());
  }

  /**
   * The line that best says what went wrong, without emptying the buffer: a Rust panic's message and where it
   * panicked (the last panic printed: what follows it is Rust's note on backtraces, or the backtrace), else the last
   * line that is not a stack frame (`    at f (file.ts:1:1)`), so that a crash is reported by its message.
   */
  lastLine(): string | undefined {
    const lines = this.peek().split("\n").map((line) => line.trim()).filter(Boolean);
    return panicOf(lines) ?? lines.filter((line) => !/^at\s/.test(line)).at(-1) ?? lines.at(-1);
  }
}

/**
 * The Rust panic that ends `lines`, as `message (panicked at file:line:column)`: since Rust 1.73 the header ends with
 * the location and the message follows (`thread 'main' (3792) panicked at src/lib.rs:185:13:`, the thread's id since
 * 1.89); before, the message was quoted in the header (`thread 'main' panicked at 'message', src/lib.rs:185:13`). Only
 * Rust's notes and a backtrace may follow it: a panic caught earlier (a HAL's, printed by the hook) followed by other
 * output is not what ended the process.
 */
function panicOf(lines: readonly string[]): string | undefined {
  for (let index = lines.length - 1; index >= 0; index--) {
    const header = /^thread '[^']*'(?: \(\d+\))? panicked at (.*)$/.exec(lines[index]);
    if (!header) continue;
    const quoted = /^'(.*)', (\S+)$/.exec(header[1]);
    const message = quoted ? quoted[1] : lines[index + 1];
    const after = lines.slice(quoted ? index + 1 : index + 2);
    if (message === undefined || isPanicTail(message) || !after.every(isPanicTail)) return undefined;
    return `${message} (panicked at ${quoted ? quoted[2] : header[1].replace(/:$/, "")})`;
  }
  return undefined;
}

/** What Rust prints after a panic's message: its notes, and a backtrace's header, frames and their places. */
function isPanicTail(line: string): boolean {
  return /^note: /.test(line) || line === "stack backtrace:" || /^\d+: /.test(line) || /^at /.test(line);
}

/**
 * Pull-based reading of newline-terminated lines from a byte stream, with a
 * bound on the length of a line: the supervisor reads a driver it does not
 * trust, so no line, however long, is buffered past the limit.
 *
 * @module
 */

import { concatBytes, ProtocolError } from "./wire.ts";

const NEWLINE = 10;

/**
 * Reads lines from a stream, one at a time.
 *
 * @example
 * ```ts
 * import { LineReader } from "./line_reader.ts";
 *
 * const reader = new LineReader(new Blob(["a\nb\n"]).stream(), 1024);
 * await reader.next(); // "a"
 * ```
 */
export class LineReader {
  readonly #reader: ReadableStreamDefaultReader<Uint8Array>;
  readonly #maxBytes: number;
  readonly #decoder = new TextDecoder();
  #chunks: Uint8Array[] = [];
  #buffered = 0;
  /** Chunks (and their bytes) already known to hold no newline. */
  #scannedChunks = 0;
  #scannedBytes = 0;
  #done = false;

  /** A reader of `stream` that refuses lines longer than `maxBytes`. */
  constructor(stream: ReadableStream<Uint8Array>, maxBytes: number) {
    this.#reader = stream.getReader();
    this.#maxBytes = maxBytes;
  }

  /** The next line without its newline; `null` at the end of the stream (a last line without newline included). */
  async next(): Promise<string | null> {
    while (true) {
      const line = this.#take();
      if (line !== undefined) return line;
      if (this.#done) {
        if (this.#buffered === 0) return null;
        return this.#flush(this.#buffered, 0);
      }
      const { value, done } = await this.#reader.read();
      if (done) {
        this.#done = true;
        continue;
      }
      if (value.length === 0) continue;
      this.#chunks.push(value);
      this.#buffered += value.length;
    }
  }

  /** What was read and not yet taken as a line (bytes a writer sent past the last line asked for), if anything. */
  buffered(): string | undefined {
    if (this.#buffered === 0) return undefined;
    return this.#decoder.decode(concatBytes(this.#chunks, this.#buffered).subarray(0, Math.min(this.#buffered, 200)));
  }

  /** Stops reading; the stream is released. */
  async cancel(): Promise<void> {
    try {
      await this.#reader.cancel();
    } catch {
      // already closed
    }
  }

  #take(): string | undefined {
    for (; this.#scannedChunks < this.#chunks.length; this.#scannedChunks++) {
      const chunk = this.#chunks[this.#scannedChunks];
      const at = chunk.indexOf(NEWLINE);
      if (at >= 0) return this.#flush(this.#scannedBytes + at, 1);
      this.#scannedBytes += chunk.length;
      if (this.#scannedBytes > this.#maxBytes) break;
    }
    if (this.#buffered > this.#maxBytes) {
      throw new ProtocolError(`a line longer than ${this.#maxBytes} bytes (the protocol's limit)`);
    }
    return undefined;
  }

  /** Removes `length` bytes plus `skip` (the newline) from the buffer and decodes the first `length`. */
  #flush(length: number, skip: number): string {
    if (length > this.#maxBytes) {
      throw new ProtocolError(`a line longer than ${this.#maxBytes} bytes (the protocol's limit)`);
    }
    const bytes = this.#chunks.length === 1 && this.#chunks[0].length >= length + skip
      ? this.#chunks[0]
      : concatBytes(this.#chunks, this.#buffered);
    const line = this.#decoder.decode(bytes.subarray(0, length));
    const rest = bytes.subarray(length + skip);
    this.#chunks = rest.length ? [rest] : [];
    this.#buffered = rest.length;
    this.#scannedChunks = 0;
    this.#scannedBytes = 0;
    return line;
  }
}

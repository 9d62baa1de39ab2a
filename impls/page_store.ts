/**
 * Simulated physical memory backed only by the frames actually written.
 *
 * @module
 */

/**
 * Sparse physical memory: a frame that was never written, or was discarded,
 * reads as zeros and costs nothing.
 *
 * @example
 * ```ts
 * import { PageStore } from "@halconf/halconf/impls";
 *
 * const ram = new PageStore(4096);
 * ram.write(0x8000_0ffen, new Uint8Array([1, 2, 3, 4]));
 * ram.read(0x8000_1000n, 2); // Uint8Array [3, 4]
 * ```
 */
export class PageStore {
  readonly #pages: Map<bigint, Uint8Array> = new Map();
  readonly #frameSize: bigint;

  /** Memory of frames of `frameSize` bytes. */
  constructor(frameSize: number) {
    this.#frameSize = BigInt(frameSize);
  }

  /** Number of frames that hold data. */
  get touchedFrames(): number {
    return this.#pages.size;
  }

  /** Reads `length` bytes from physical address `paddr`. */
  read(paddr: bigint, length: number): Uint8Array {
    const out = new Uint8Array(length);
    this.readInto(paddr, out, 0, length);
    return out;
  }

  /** Reads `length` bytes from physical address `paddr` into `out` from index `at`, which must hold zeros there. */
  readInto(paddr: bigint, out: Uint8Array, at: number, length: number): void {
    // Frames never written read as the zeros `out` holds: only written ones are copied.
    if (this.#pages.size === 0) return;
    this.#spans(paddr, length, (frame, offset, done, count) => {
      const page = this.#pages.get(frame);
      if (page) out.set(page.subarray(offset, offset + count), at + done);
    });
  }

  /** Writes `bytes` at physical address `paddr`. */
  write(paddr: bigint, bytes: Uint8Array): void {
    this.#spans(paddr, bytes.length, (frame, offset, done, count) => {
      let page = this.#pages.get(frame);
      if (!page) {
        page = new Uint8Array(Number(this.#frameSize));
        this.#pages.set(frame, page);
      }
      page.set(bytes.subarray(done, done + count), offset);
    });
  }

  /** Forgets a frame's contents, so that it reads as zeros. */
  discard(frameAddress: bigint): void {
    // Most frames handed out were never written: no division and no lookup for them.
    if (this.#pages.size > 0) this.#pages.delete(frameAddress / this.#frameSize);
  }

  #spans(
    paddr: bigint,
    length: number,
    visit: (frame: bigint, offset: number, done: number, count: number) => void,
  ): void {
    const size = Number(this.#frameSize);
    let done = 0;
    while (done < length) {
      const address = paddr + BigInt(done);
      const frame = address / this.#frameSize;
      const offset = Number(address % this.#frameSize);
      const count = Math.min(size - offset, length - done);
      visit(frame, offset, done, count);
      done += count;
    }
  }
}

/**
 * Addresses below 2^53 read as exact JS numbers, and made from them, for allocators that handle a frame per call:
 * through a word's 32-bit halves, where `Number(address)`, `BigInt(number)` and bigint arithmetic each cost more.
 *
 * @module
 */

/** The first address that is not exact as a JS number. */
export const EXACT_LIMIT: bigint = 1n << 53n;

const SCRATCH = new BigUint64Array(1);
const HALVES = new Uint32Array(SCRATCH.buffer);
/** Where the low half of a word is (the platform's byte order). */
const LOW = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1 ? 0 : 1;

/**
 * `address` as a number; exact for an address in [0, 2^53) (`EXACT_LIMIT`), which the caller checks.
 *
 * @example
 * ```ts
 * import { exactNumber } from "./exact_number.ts";
 *
 * exactNumber(0x8000_1000n); // 0x8000_1000
 * ```
 */
export function exactNumber(address: bigint): number {
  SCRATCH[0] = address;
  return HALVES[1 - LOW] * 2 ** 32 + HALVES[LOW];
}

/**
 * The bigint of `address`, an integer in [0, 2^53) (which the caller checks): written as a word's halves and read
 * back as the word. Without TurboFan (see the `conform` task) `BigInt(number)` of an address above 2^31 took twice as
 * long.
 *
 * @example
 * ```ts
 * import { exactBigInt } from "./exact_number.ts";
 *
 * exactBigInt(0x8000_1000); // 0x8000_1000n
 * ```
 */
export function exactBigInt(address: number): bigint {
  // `>>> 0` keeps the low 32 bits of the integer part (a truncation, where `%` of a double is a library call).
  HALVES[LOW] = address >>> 0;
  HALVES[1 - LOW] = (address / 2 ** 32) >>> 0;
  return SCRATCH[0];
}

/**
 * Helpers for 64-bit addresses held as bigints.
 *
 * @module
 */

/** One past the largest 64-bit address: 2^64. */
export const ADDRESS_LIMIT: bigint = 1n << 64n;

/**
 * Whether `value` is a multiple of `alignment`.
 *
 * @example
 * ```ts
 * import { isAligned } from "@halconf/halconf";
 * isAligned(0x2000n, 0x1000n); // true
 * ```
 */
export function isAligned(value: bigint, alignment: bigint): boolean {
  return value % alignment === 0n;
}

/**
 * `value` rounded down to a multiple of `alignment`.
 *
 * @example
 * ```ts
 * import { alignDown } from "@halconf/halconf";
 * alignDown(0x2345n, 0x1000n); // 0x2000n
 * ```
 */
export function alignDown(value: bigint, alignment: bigint): bigint {
  return value - value % alignment;
}

/**
 * `value` rounded up to a multiple of `alignment`.
 *
 * @example
 * ```ts
 * import { alignUp } from "@halconf/halconf";
 * alignUp(0x2345n, 0x1000n); // 0x3000n
 * ```
 */
export function alignUp(value: bigint, alignment: bigint): bigint {
  return alignDown(value + alignment - 1n, alignment);
}

/**
 * An address in hexadecimal with `_` between groups of four digits, the way
 * Rust code writes them: `0x8000_2000`.
 *
 * @example
 * ```ts
 * import { formatAddress } from "@halconf/halconf";
 * formatAddress(0xffff_8000_0000_1000n); // "0xffff_8000_0000_1000"
 * ```
 */
export function formatAddress(value: bigint): string {
  if (value < 0n) return `-${formatAddress(-value)}`;
  const digits = value.toString(16);
  const groups: string[] = [];
  for (let end = digits.length; end > 0; end -= 4) {
    groups.unshift(digits.slice(Math.max(0, end - 4), end));
  }
  return `0x${groups.join("_")}`;
}

/**
 * Parses `0x8000_2000`, `0x80002000` or a decimal string into a bigint.
 *
 * @example
 * ```ts
 * import { parseAddress } from "@halconf/halconf";
 * parseAddress("0x8000_2000"); // 0x8000_2000n
 * ```
 */
export function parseAddress(text: string): bigint {
  const clean = text.replaceAll("_", "").trim();
  if (!/^(0x[0-9a-fA-F]+|\d+)$/.test(clean)) {
    throw new SyntaxError(`Cannot parse address "${text}": expected hex (0x...) or decimal digits`);
  }
  return BigInt(clean);
}

/** Byte counts for benchmark tables: the unit that keeps the figure readable, never "0.0 MiB" for a few KiB. */

/**
 * `0 B`, `512 B`, `1.5 KiB`, `12.0 MiB`, padded to `width`.
 *
 * @example
 * ```ts
 * import { formatBytes } from "./format_bytes.ts";
 *
 * formatBytes(1536); // "1.5 KiB"
 * ```
 */
export function formatBytes(bytes: number, width = 0): string {
  const value = Math.max(0, bytes);
  const text = value < 1024
    ? `${Math.round(value)} B`
    : value < 2 ** 20
    ? `${(value / 1024).toFixed(1)} KiB`
    : `${(value / 2 ** 20).toFixed(1)} MiB`;
  return text.padStart(width);
}

/**
 * "Did you mean": the nearest known word to a misspelled one, when it is near enough to be a likely typo.
 *
 * @module
 */

/** Levenshtein distance between two words. */
export function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const saved = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = saved;
    }
  }
  return row[b.length];
}

/**
 * The candidate nearest to `word` (ignoring case), if it is within a third of the word's length (at least 2 edits).
 *
 * @example
 * ```ts
 * import { nearest } from "./suggest.ts";
 *
 * nearest("alloc.uniqe", ["alloc.unique", "free.accept"]); // "alloc.unique"
 * nearest("zzz", ["alloc.unique"]); // undefined
 * ```
 */
export function nearest(word: string, candidates: readonly string[]): string | undefined {
  const lower = word.toLowerCase();
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const distance = editDistance(lower, candidate.toLowerCase());
    if (distance < bestDistance) [best, bestDistance] = [candidate, distance];
  }
  return bestDistance <= Math.max(2, Math.floor(word.length / 3)) ? best : undefined;
}

/** ` (did you mean x?)`, or nothing. */
export function didYouMean(word: string, candidates: readonly string[]): string {
  const match = nearest(word, candidates);
  return match ? ` (did you mean ${match}?)` : "";
}

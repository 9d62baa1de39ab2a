/** Registers the "passes every applicable check across seeds" test for each target (split across files to balance `--parallel`). */
import assert from "node:assert/strict";
import { CHECKS } from "../checks/catalogue.ts";
import type { HalTarget } from "../contract/hal.ts";
import { runConformance } from "../run/runner.ts";
import { loadLegalHals } from "./load.ts";
import { SMALL_EDGES } from "./small_edges.ts";

/** The seeds every legal HAL must pass on. */
export const SEEDS: readonly number[] = Array.from({ length: 10 }, (_, i) => 1000 + i * 7919);

/**
 * The legal HALs of the corpus loop: all but the heavy ones and those with an exact verdict of their own among the
 * small edges (asserted on as many seeds, and a stronger claim: each check's status, skips with their reasons).
 */
export async function corpusLegalHals(): Promise<HalTarget[]> {
  return await loadLegalHals({ except: SMALL_EDGES.map((verdict) => verdict.fixture) });
}

/** One test per target: every applicable check passes on every seed (skips allowed, nothing else). */
export function testPassesEverywhere(targets: readonly HalTarget[]): void {
  for (const target of targets) {
    Deno.test(`${target.name} passes every applicable check across ${SEEDS.length} seeds`, async () => {
      for (const seed of SEEDS) {
        const report = await runConformance(target, { seed });
        const bad = report.results.filter((result) => result.status !== "pass" && result.status !== "skip");
        assert.deepEqual(
          bad.map((r) => `${r.check} ${r.status} (seed ${seed}): ${r.reason}\n${r.counterexample?.steps.join("\n")}`),
          [],
        );
        assert.equal(report.summary.passed + report.summary.skipped, CHECKS.length);
      }
    });
  }
}

/**
 * The exact verdicts of the edge fixtures (issue 19): a HAL at an edge where real HALs live, and what halconf must
 * say of it on every seed. The `*_edges_test.ts` files register them, a few per file so that `deno test --parallel`
 * spreads the boards that drain gigabytes over the cores.
 */
import assert from "node:assert/strict";
import type { Check } from "../checks/check.ts";
import { CHECKS, selectChecks } from "../checks/catalogue.ts";
import type { HalTarget } from "../contract/hal.ts";
import { type CheckResult, runConformance } from "../run/runner.ts";

/** The seeds every edge verdict is asserted on. */
export const EDGE_SEEDS: readonly number[] = Array.from({ length: 10 }, (_, i) => i + 1);

/** What a fixture must get: the status of each check (by id), pass for the rest unless `others` says otherwise. */
export interface EdgeVerdict {
  /** The fixture module, under conformance/testdata. */
  fixture: string;
  /** The checks run (default: all). */
  checks?: readonly Check[];
  /** Expected status and reason (a pattern) of named checks. */
  expect?: Record<string, { status: CheckResult["status"]; reason?: RegExp; clause?: string }>;
  /** The status of every other check: pass or skip (a correct HAL), or anything (`any`) for a broken one. */
  others?: "pass-or-skip" | "any";
  /** What the whole report must show, if more. */
  report?: (results: readonly CheckResult[], seed: number) => void;
}

/** Registers one test per fixture: its verdict, on every edge seed. */
export function testEdges(verdicts: readonly EdgeVerdict[]): void {
  for (const verdict of verdicts) {
    Deno.test(`${verdict.fixture}: its exact verdict on seeds 1-${EDGE_SEEDS.length}`, async () => {
      const module = await import(`./${verdict.fixture}.ts`);
      const target = module.default as HalTarget;
      // A mutant's failures all name a clause it breaks (the violation's, or one it also breaks).
      const breaks = module.breaks as string[] | undefined;
      for (const seed of EDGE_SEEDS) {
        const report = await runConformance(target, { seed, checks: verdict.checks ?? CHECKS });
        for (const result of report.results) {
          const where = `${verdict.fixture}, seed ${seed}: ${result.check} ${result.status} (${result.reason ?? ""})`;
          const violation = result.counterexample?.violation;
          if (breaks && result.status === "fail") {
            assert.ok([violation!.clause, ...violation!.also ?? []].some((clause) => breaks.includes(clause)), where);
          }
          const expected = verdict.expect?.[result.check];
          if (expected) {
            assert.equal(result.status, expected.status, where);
            if (expected.reason) assert.match(result.reason ?? "", expected.reason, where);
            if (expected.clause) assert.equal(result.counterexample?.violation.clause, expected.clause, where);
          } else if ((verdict.others ?? "pass-or-skip") === "pass-or-skip") {
            assert.ok(result.status === "pass" || result.status === "skip", where);
          }
        }
        verdict.report?.(report.results, seed);
      }
    });
  }
}

/** The checks that drain RAM: the only ones whose work grows with declared RAM. */
export const DRAINING: readonly Check[] = CHECKS.filter((check) => check.needs.includes("exhaustible"));

/** Checks by id. */
export const only = (...ids: string[]): Check[] => selectChecks(ids);

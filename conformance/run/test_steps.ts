/**
 * Conformance inside a HAL author's own `deno test` suite: each check becomes
 * a test step, failing with the shrunk counterexample.
 *
 * @module
 */

import { CHECKS } from "../checks/catalogue.ts";
import type { HalTarget } from "../contract/hal.ts";
import { inProcessExecutor } from "./program_executor.ts";
import { type CheckResult, runCheckWith, type RunOptions } from "./runner.ts";
import { listUnderOwnChecks } from "./cross_list.ts";

/** Thrown by a failing conformance step: the message is the printed counterexample. */
export class ConformanceError extends Error {
  /** The result that failed. */
  readonly result: CheckResult;

  /** An error for a failed, errored or timed-out result. */
  constructor(result: CheckResult) {
    const counterexample = result.counterexample;
    const lines = [
      `${result.target}: ${result.check} ${result.status}` +
      (counterexample
        ? `: ${counterexample.violation.clause} ${counterexample.violation.message}`
        : `: ${result.reason}`),
      ...(counterexample?.steps.map((step) => `  ${step}`) ?? []),
    ];
    if (counterexample?.violation.expected !== undefined) {
      lines.push(`  expected: ${counterexample.violation.expected}`, `  actual:   ${counterexample.violation.actual}`);
    }
    lines.push(
      `  seed ${result.seed} (run seed ${counterexample?.runSeed ?? "?"}), path ${counterexample?.path ?? "-"}`,
    );
    super(lines.join("\n"));
    this.name = "ConformanceError";
    this.result = result;
  }
}

/**
 * Registers every check (or those in `options.checks`) as a step of the
 * current test. The HAL runs in the test's own process (it is your HAL, and
 * this is the fast path); `halconf conform` is the isolated gate. Skipped checks are reported as ignored steps with the reason
 * in their name.
 *
 * @example In a HAL author's `hal_test.ts`
 * ```ts ignore
 * import { testConformance } from "@halconf/halconf";
 * import target from "./my_hal.ts";
 *
 * Deno.test("my HAL keeps the AxVCpuHal contract", (t) => testConformance(t, target, { seed: 1 }));
 * ```
 */
export async function testConformance(
  t: Deno.TestContext,
  target: HalTarget,
  options: RunOptions = {},
): Promise<void> {
  const seed = options.seed ?? 0;
  const executor = inProcessExecutor(target);
  // Every check runs before any step is registered: a violation one check saw is listed under its clause's check too.
  const checks = options.checks ?? CHECKS;
  const results: CheckResult[] = [];
  for (const check of checks) results.push(await runCheckWith(executor, check, { ...options, seed }));
  const listed = listUnderOwnChecks(results);
  for (const [index, check] of checks.entries()) {
    const result = listed[index];
    if (result.status === "skip") {
      await t.step({ name: `${check.id} (skipped: ${result.reason})`, ignore: true, fn: () => {} });
      continue;
    }
    await t.step(`${check.id}: ${check.title}`, () => {
      if (result.status !== "pass") throw new ConformanceError(result);
    });
  }
}

/**
 * A warm-up pass for the threads that check reference HALs: one program of each check at home on the thread's lane
 * (`lanes.ts`) on every reference HAL, results dropped, before the real checks start.
 *
 * Why: V8 optimises a hot function for the types it has seen so far. Checked HAL after HAL, each new HAL's objects and
 * each new kind of operation deoptimised the executor, the resolver and the judge, which were then optimised again:
 * 154 deoptimisations and 0.85 s of compiler time in a one-lane run (`--jobs 1`), on a machine where the compilers
 * compete with the lanes for the two cores. A pass that shows those functions every HAL and every operation while they
 * are still interpreted leaves them optimised once for all of them (45 deoptimisations, 0.53 s). A run with TurboFan
 * takes 8% less time with it (`bench/default_run_bench.ts`: 0.84 s against 0.91 s). The `conform` task now runs
 * without TurboFan (DESIGN.md), where Maglev recompiles cheaply; there the pass pays by filling the tables and pools
 * the judge keeps per resolved profile, as it runs on the executors the run then uses (4-6% of the default run).
 *
 * The pass cannot change a verdict: each check's programs come from its own seed, and what a check run leaves in an
 * executor is pooled tables and buffers, cleared before they are used again (`cli/warm_up_test.ts` runs checks on the
 * same executors before and after a pass, and wants the same results).
 *
 * @module
 */

import type { Check } from "../conformance/checks/check.ts";
import type { ProgramExecutor } from "../conformance/run/program_executor.ts";
import { runCheckWith } from "../conformance/run/runner.ts";

/** What a thread warms up on: a reference HAL and the checks it may run on it. */
export interface WarmUpJob {
  /**
   * The reference HAL, in process (trusted: it runs in this thread). The executor the run proper uses: the judge keeps
   * its tables per resolved profile, so the pass fills those the run then reuses.
   */
  executor: ProgramExecutor;
  /** The checks the thread may run on it. */
  checks: readonly Check[];
}

/**
 * Programs per check below which a run skips the warm-up: the pass costs one program per check, which a run of 200
 * repays many times over and a run of a few programs does not.
 */
export const WARM_UP_MIN_RUNS = 50;

/** The seed of the warm-up's programs (any fixed one: what matters is that every operation kind comes by). */
const WARM_UP_SEED = 0x5eed;

/**
 * Runs one program of each check on each HAL and drops the results. `between` runs after each HAL (the main thread
 * turns its event loop there, so that Ctrl-C is heard); `stopped` ends the pass early.
 *
 * @example
 * ```ts
 * import { selectChecks } from "../conformance/checks/catalogue.ts";
 * import { inProcessExecutor } from "../conformance/run/program_executor.ts";
 * import { identityHal } from "../impls/mod.ts";
 * import { warmUp } from "./warm_up.ts";
 *
 * await warmUp([{ executor: inProcessExecutor(identityHal()), checks: selectChecks(["alloc.*"]) }]);
 * ```
 */
export async function warmUp(
  jobs: readonly WarmUpJob[],
  options: { between?: () => Promise<void>; stopped?: () => boolean } = {},
): Promise<void> {
  for (const { executor, checks } of jobs) {
    if (options.stopped?.()) return;
    for (const check of checks) {
      // A check that throws here throws again in the run proper, which reports it: the warm-up only warms.
      await runCheckWith(executor, check, { seed: WARM_UP_SEED, runs: 1 }).catch(() => {});
    }
    await options.between?.();
  }
}

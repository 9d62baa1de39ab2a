import assert from "node:assert/strict";
import { selectChecks } from "../conformance/checks/catalogue.ts";
import { inProcessExecutor } from "../conformance/run/program_executor.ts";
import { type CheckResult, runCheckWith } from "../conformance/run/runner.ts";
import { axvisorHal, numaHal, referenceHals } from "../impls/mod.ts";
import { warmUp } from "./warm_up.ts";

const withoutTime = ({ durationMs: _, ...rest }: CheckResult) => rest;

Deno.test("a warm-up leaves nothing behind that changes a result", async () => {
  // Memory, IRQs, NUMA and ranges: the checks whose models keep the most between steps.
  const checks = selectChecks(["mem.*", "irq.no-loss", "numa.*", "contig.reuse", "state.deep"]);
  // The pass shares the run's executors, as the CLI's threads do: whatever it leaves in them, the run sees.
  const executors = [numaHal(), axvisorHal()].map((target) => inProcessExecutor(target));
  const run = async () => {
    const results = [];
    for (const executor of executors) {
      for (const check of checks) {
        results.push(withoutTime(await runCheckWith(executor, check, { seed: 11, runs: 40 })));
      }
    }
    return results;
  };
  const cold = await run();
  const others = referenceHals().slice(0, 3).map((target) => inProcessExecutor(target));
  await warmUp([...executors, ...others].map((executor) => ({ executor, checks: selectChecks() })));
  assert.deepEqual(await run(), cold);
});

Deno.test("a warm-up stops when told and turns between HALs", async () => {
  let turns = 0;
  const jobs = referenceHals().map((target) => ({
    executor: inProcessExecutor(target),
    checks: selectChecks(["alloc.unique"]),
  }));
  await warmUp(jobs, {
    between: () => Promise.resolve(void turns++),
    stopped: () => turns === 2,
  });
  assert.equal(turns, 2);
});

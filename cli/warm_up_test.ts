import assert from "node:assert/strict";
import { selectChecks } from "../conformance/catalogue.ts";
import { inProcessExecutor } from "../conformance/program_executor.ts";
import { type CheckResult, runCheckWith } from "../conformance/runner.ts";
import { axvisorHal, numaHal, referenceHals } from "../impls/mod.ts";
import { warmUp } from "./warm_up.ts";

const withoutTime = ({ durationMs: _, ...rest }: CheckResult) => rest;

Deno.test("a warm-up leaves nothing behind that changes a result", async () => {
  // Memory, IRQs, NUMA and ranges: the checks whose models keep the most between steps.
  const checks = selectChecks(["mem.*", "irq.no-loss", "numa.*", "contig.reuse", "state.deep"]);
  const run = async () => {
    const results = [];
    for (const target of [numaHal(), axvisorHal()]) {
      const executor = inProcessExecutor(target);
      for (const check of checks) {
        results.push(withoutTime(await runCheckWith(executor, check, { seed: 11, runs: 40 })));
      }
    }
    return results;
  };
  const cold = await run();
  await warmUp(referenceHals().map((target) => ({ target, checks: selectChecks() })));
  assert.deepEqual(await run(), cold);
});

Deno.test("a warm-up stops when told and turns between HALs", async () => {
  let turns = 0;
  await warmUp(referenceHals().map((target) => ({ target, checks: selectChecks(["alloc.unique"]) })), {
    between: () => Promise.resolve(void turns++),
    stopped: () => turns === 2,
  });
  assert.equal(turns, 2);
});

import assert from "node:assert/strict";
import { selectChecks } from "../checks/catalogue.ts";
import { validateProfile } from "../contract/profile.ts";
import { applicableStates, type ReachState } from "./reach.ts";
import { runCheck } from "../run/runner.ts";
import { axvisorHal, identityHal, numaHal } from "../../impls/mod.ts";

/**
 * The floors: for a check, the share of its 200 programs that must visit a
 * state (where the profile makes the state possible). They hold the
 * generators, not the HALs, to account: a change that stops programs from
 * draining twice or from switching CPUs fails here before a mutant slips by.
 */
const FLOORS: Record<string, Partial<Record<ReachState, number>>> = {
  "state.deep": {
    "pool drained": 0.5,
    "drained twice": 0.3,
    "refilled after a drain": 0.3,
    "100 frees": 0.3,
    "CPU switch with frames live": 0.3,
    "every CPU allocated on": 0.1,
    "every region touched": 0.5,
    "range allocated": 0.1,
  },
  "alloc.capacity": { "pool drained": 0.5, "drained twice": 0.2 },
  "free.reuse": { "pool drained": 0.5, "drained twice": 0.2, "100 frees": 0.05 },
  // Programs raise mostly a palette of a few lines of their own (so that a line is raised again while active): the
  // edges come less often than when every raise drew any line.
  "irq.no-loss": { "3 lines pending at once": 0.25, "lowest line raised": 0.1, "highest line raised": 0.05 },
  "irq.banked": { "banked line off CPU 0": 0.3 },
  "irq.acknowledge": {
    "raised while active": 0.1,
    "two lines active on one CPU": 0.02,
    "handled while another CPU has a line acknowledged": 0.1,
    "fetch held off by running priority": 0.08,
  },
  "contig.reuse": { "range freed": 0.3, "pool drained": 0.3 },
  "contig.disjoint": { "frame allocated while a range is live": 0.3 },
};

for (const target of [identityHal(), numaHal(), axvisorHal()]) {
  Deno.test(`${target.name}: generated programs reach deep states above their floors`, async () => {
    const applicable = new Set(applicableStates(validateProfile(target.profile)));
    const below: string[] = [];
    for (const [id, floors] of Object.entries(FLOORS)) {
      const [check] = selectChecks([id]);
      const result = await runCheck(target, check, { seed: 5 });
      if (result.status === "skip") continue;
      assert.equal(result.status, "pass", `${id}: ${result.reason}`);
      for (const [state, floor] of Object.entries(floors)) {
        if (!applicable.has(state as ReachState)) continue;
        const share = (result.reach?.[state] ?? 0) / result.runs;
        if (share < floor!) below.push(`${id}: ${state} ${(share * 100).toFixed(0)}% < ${floor! * 100}%`);
      }
    }
    assert.deepEqual(below, []);
  });
}

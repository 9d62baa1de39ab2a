/**
 * Checked against bare, on each reference HAL: a batch of one deep program (drains, frees of hundreds, refills,
 * translations, IRQs) made three ways in one run, each case running the program `BATCH` times:
 *
 * - bare (the baseline): the same HAL calls, replayed straight from a recorded trace, on a fresh instance each time;
 * - checked in process: executed and judged, as `deno task conform` does for reference HALs;
 * - checked through the driver protocol: sent as one batch to a driver process (as the runner does: its batches grow
 *   to 128 programs, and the next goes with the current one), executed there, answered as text, read back and judged
 *   as the answers arrive, as every custom HAL is.
 *
 * The programs per second of `state.model` on the identity HAL are printed at the end.
 */

import { CHECKS } from "../conformance/checks/catalogue.ts";
import type { Trace } from "../conformance/program/executor.ts";
import { executeProgram } from "../conformance/program/executor.ts";
import type { HalInstance, HalTarget } from "../conformance/contract/hal.ts";
import { judgeTrace } from "../conformance/judge/judge.ts";
import { validateProfile } from "../conformance/contract/profile.ts";
import type { Program } from "../conformance/program/program.ts";
import type { WordList } from "../conformance/program/word_list.ts";
import { inProcessExecutor } from "../conformance/run/program_executor.ts";
import { runCheckWith } from "../conformance/run/runner.ts";
import { DriverSession } from "../driver/session.ts";
import { referenceHals } from "../impls/mod.ts";

/** Deep, mixed and the same for every HAL: what a `state.deep` program looks like. */
const PROGRAM: Program = [
  { op: "fill" },
  { op: "freeMany", count: 4096, stride: 1 },
  { op: "fill" },
  { op: "freeMany", count: 100, stride: -1 },
  { op: "p2v", frame: 3, offset: 17 },
  { op: "v2p", pick: -1, offset: 99 },
  { op: "setCpu", cpu: 1 },
  { op: "fill" },
  { op: "freeMany", count: 4096, stride: 2 },
  { op: "alloc" },
  { op: "free", frame: -1 },
  { op: "fill" },
];

/** Programs per case: a batch as the runner sends them once a check is under way. */
const BATCH = 32;

/** One HAL call of a recorded trace, to replay without any checking. */
type Call = (hal: HalInstance) => unknown;

/** The calls a trace made, in order (a fill's frames become that many allocations, frees of many that many frees). */
function callsOf(trace: Trace): Call[] {
  const calls: Call[] = [];
  for (const step of trace.steps) {
    if (step.skipped || step.missing) continue;
    const { paddr, vaddr } = step;
    switch (step.op.op) {
      case "alloc":
        calls.push((hal) => hal.allocFrame());
        break;
      case "fill":
        for (let i = 0; i < (step.result as WordList).length; i++) calls.push((hal) => hal.allocFrame());
        break;
      case "free":
        calls.push((hal) => hal.deallocFrame(paddr!));
        break;
      case "freeMany":
        for (const frame of step.paddrs!) calls.push((hal) => hal.deallocFrame(frame));
        break;
      case "p2v":
        calls.push((hal) => hal.physToVirt(paddr!));
        break;
      case "v2p":
        calls.push((hal) => hal.virtToPhys(vaddr!));
        break;
    }
  }
  return calls;
}

const host = { dispatchIrq() {}, currentCpu: () => 0 };
const operations = new Map<string, number>();

for (const target of referenceHals()) {
  const profile = validateProfile(target.profile);
  const program = PROGRAM.filter((op) => op.op !== "setCpu" || profile.cpus > 1);
  const calls = callsOf(executeProgram(target, profile, program));
  operations.set(target.name, calls.length);
  const session = await DriverSession.start({ source: { reference: target.name }, label: target.name });
  const group = `checked vs bare: ${target.name} (${BATCH} programs of ${calls.length} HAL calls)`;
  const bare = (subject: HalTarget) => {
    for (let n = 0; n < BATCH; n++) {
      const hal = subject.create(host);
      for (const call of calls) call(hal);
    }
  };
  const batch = Array.from({ length: BATCH }, () => program);

  Deno.bench({ name: `${target.name}: bare calls`, group, baseline: true, fn: () => bare(target) });
  Deno.bench({
    name: `${target.name}: checked in process`,
    group,
    fn() {
      for (let n = 0; n < BATCH; n++) judgeTrace(executeProgram(target, profile, program), profile);
    },
  });
  Deno.bench({
    name: `${target.name}: checked through the driver`,
    group,
    async fn() {
      // The next batch goes with this one, as the runner sends it once a check is under way.
      await session.execute(batch, {
        fillLimit: 1 << 20,
        deadline: Infinity,
        next: batch,
        onTrace: (_index, trace) => judgeTrace(trace, profile),
      });
    },
  });
  addEventListener("unload", () => session.close());
}

const identity = referenceHals()[0];
const state = CHECKS.find((check) => check.id === "state.model")!;
let programsPerSecond = 0;
Deno.bench({
  name: "state.model on identity, 200 programs",
  group: "programs per second",
  n: 5,
  async fn() {
    const started = performance.now();
    const result = await runCheckWith(inProcessExecutor(identity), state, { seed: 5 });
    programsPerSecond = result.runs / ((performance.now() - started) / 1000);
  },
});

addEventListener("unload", () => {
  console.log(`state.model on identity: ${Math.round(programsPerSecond)} programs per second (in process)`);
  console.log(`HAL calls per program: ${[...operations].map(([name, count]) => `${name} ${count}`).join(", ")}`);
});

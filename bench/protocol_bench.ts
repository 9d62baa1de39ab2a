/**
 * The cost of the trust boundary: the same checks and programs run in
 * process (the baseline) and through the driver protocol, in one run.
 *
 * - a default `conform` run over the five reference HALs (every check, 200
 *   programs each): in process, and with each HAL in its own driver process;
 * - one batch of default-size programs: what the HAL work costs in process,
 *   and what the same batch costs through a driver (the HAL work plus one
 *   round trip), so the round trip can be read off as the difference;
 * - HAL operations per second both ways, printed at the end.
 */

import { programArbitrary } from "../conformance/program/arbitraries.ts";
import { CHECKS } from "../conformance/checks/catalogue.ts";
import type { Trace } from "../conformance/program/executor.ts";
import { inProcessExecutor, type ProgramExecutor } from "../conformance/run/program_executor.ts";
import { validateProfile } from "../conformance/contract/profile.ts";
import { runCheckWith } from "../conformance/run/runner.ts";
import { DriverSession } from "../driver/session.ts";
import { identityHal, referenceHals } from "../impls/mod.ts";
import fc from "fast-check";

const sessions = await Promise.all(
  referenceHals().map((target) => DriverSession.start({ source: { reference: target.name }, label: target.name })),
);
const inProcess = referenceHals().map(inProcessExecutor);

/** HAL calls in a trace: one per step that made a call, one per frame a fill asked for. */
function operations(trace: Trace): number {
  let count = 0;
  for (const step of trace.steps) {
    if (step.skipped || step.missing) continue;
    count += Array.isArray(step.result) ? step.result.length : 1;
  }
  return count;
}

async function fullRun(executors: readonly ProgramExecutor[]): Promise<void> {
  for (const executor of executors) {
    for (const check of CHECKS) await runCheckWith(executor, check, { seed: 42 });
  }
}

Deno.bench({
  name: "default run, in process (the judge and the HAL share a heap)",
  group: "default conform run: the reference HALs, every check",
  baseline: true,
  n: 3,
  warmup: 1,
  async fn() {
    await fullRun(inProcess);
  },
});

Deno.bench({
  name: "default run, each HAL behind the driver protocol",
  group: "default conform run: the reference HALs, every check",
  n: 3,
  warmup: 1,
  async fn() {
    await fullRun(sessions);
  },
});

const target = identityHal();
const profile = validateProfile(target.profile);
const identityInProcess = inProcessExecutor(target);
const identitySession = sessions[referenceHals().findIndex((hal) => hal.name === "identity")];
const stateShape = CHECKS.find((check) => check.id === "state.model")!.shape;
const batch = fc.sample(programArbitrary(profile, stateShape), { seed: 9, numRuns: 128 });
const options = { fillLimit: 257, deadline: Infinity };
const rates = { inProcess: [] as number[], protocol: [] as number[] };

async function timed(executor: ProgramExecutor, into: number[]): Promise<void> {
  const started = performance.now();
  const { traces } = await executor.execute(batch, options);
  into.push(traces.reduce((sum, trace) => sum + operations(trace), 0) / ((performance.now() - started) / 1000));
}

Deno.bench({
  name: "128 state.model programs, executed in process (the HAL work)",
  group: "one batch of default-size programs",
  baseline: true,
  async fn() {
    await timed(identityInProcess, rates.inProcess);
  },
});

Deno.bench({
  name: "the same batch through a driver (HAL work + one round trip)",
  group: "one batch of default-size programs",
  async fn() {
    await timed(identitySession, rates.protocol);
  },
});

const tiny = [[{ op: "setCpu", cpu: 0 }]] as typeof batch;

Deno.bench({
  name: "a one-step program in process",
  group: "round trip: a batch of one program that calls nothing",
  baseline: true,
  async fn() {
    await identityInProcess.execute(tiny, options);
  },
});

Deno.bench({
  name: "the same through a driver: the fixed cost of a round trip",
  group: "round trip: a batch of one program that calls nothing",
  async fn() {
    await identitySession.execute(tiny, options);
  },
});

globalThis.addEventListener("unload", () => {
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1] ?? 0;
  const format = (value: number) => Math.round(value).toLocaleString("en-US");
  if (rates.inProcess.length && rates.protocol.length) {
    console.log(
      `\nHAL operations per second (identity, state.model programs): in process ${format(median(rates.inProcess))}, ` +
        `through the driver protocol ${format(median(rates.protocol))}`,
    );
  }
  for (const session of sessions) session.kill();
});

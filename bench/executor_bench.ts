/**
 * The executor's overhead against a bare loop that makes the same HAL calls
 * directly (the baseline), and the throughput of a full conformance run in
 * HAL operations per second (printed at the end).
 */

import { executeProgram } from "../conformance/program/executor.ts";
import type { HalInstance, HalTarget } from "../conformance/contract/hal.ts";
import { judgeTrace } from "../conformance/judge/judge.ts";
import { validateProfile } from "../conformance/contract/profile.ts";
import type { Program } from "../conformance/program/program.ts";
import { runConformance } from "../conformance/run/runner.ts";
import { identityHal, referenceHals } from "../impls/mod.ts";

const target = identityHal();
const profile = validateProfile(target.profile);
const ROUNDS = 64;

/** One round: two allocations, translations both ways, an IRQ raised, fetched and handled, two frees. */
const round: Program = [
  { op: "alloc" },
  { op: "alloc" },
  { op: "p2v", frame: -1, offset: 0x123 },
  { op: "v2p", pick: -1, offset: 0x456 },
  { op: "raise", irq: 7 },
  { op: "fetch" },
  { op: "handle" },
  { op: "free", frame: -1 },
  { op: "free", frame: -1 },
];
const program: Program = Array.from({ length: ROUNDS }, () => round).flat();

Deno.bench({
  name: "bare loop: the same HAL calls made directly",
  group: "executor overhead",
  baseline: true,
  fn() {
    const hal = target.create({ dispatchIrq() {}, currentCpu: () => 0 });
    for (let i = 0; i < ROUNDS; i++) {
      const a = hal.allocFrame()!, b = hal.allocFrame()!;
      const v = hal.physToVirt(b + 0x123n);
      hal.virtToPhys(v - 0x123n + 0x456n);
      hal.raiseIrq!(7);
      hal.irqFetch!();
      hal.irqHandler!();
      hal.deallocFrame(b);
      hal.deallocFrame(a);
    }
  },
});

Deno.bench({
  name: "executeProgram: same calls as a program, with a trace",
  group: "executor overhead",
  fn() {
    executeProgram(target, profile, program);
  },
});

Deno.bench({
  name: "executeProgram + judgeTrace: the same, judged against the model",
  group: "executor overhead",
  fn() {
    judgeTrace(executeProgram(target, profile, program), profile);
  },
});

let halOperations = 0;
function counted(base: HalTarget): HalTarget {
  return {
    ...base,
    create(host) {
      const hal = base.create(host);
      const out: Record<string, unknown> = {};
      for (const [name, method] of Object.entries(hal)) {
        out[name] = (...args: unknown[]) => {
          halOperations++;
          return (method as (...a: unknown[]) => unknown).apply(hal, args);
        };
      }
      return out as unknown as HalInstance;
    },
  };
}

const throughput: number[] = [];
Deno.bench({
  name: "full conformance run: the reference HALs, every check, 200 programs each",
  group: "full run",
  n: 3,
  warmup: 1,
  async fn() {
    halOperations = 0;
    const started = performance.now();
    await runConformance(referenceHals().map(counted), { seed: 42 });
    throughput.push(halOperations / ((performance.now() - started) / 1000));
  },
});

globalThis.addEventListener("unload", () => {
  if (throughput.length === 0) return;
  const median = [...throughput].sort((a, b) => a - b)[throughput.length >> 1];
  console.log(
    `\nfull conformance run: ${Math.round(median).toLocaleString("en-US")} HAL operations per second ` +
      `(generation, shrinking and judging included)`,
  );
});

/** A fill-heavy program, as the checks that drain RAM run: fill, give some back, fill again. */
const draining: Program = [{ op: "fill" }, ...Array.from({ length: 32 }, () => ({ op: "free", frame: 0 }) as const), {
  op: "fill",
}];

Deno.bench({
  name: "bare loop: fill 256 frames, free 32, fill again",
  group: "checked vs bare, a draining program",
  baseline: true,
  fn() {
    const hal = target.create({ dispatchIrq() {}, currentCpu: () => 0 });
    const held: bigint[] = [];
    for (let frame = hal.allocFrame(); frame !== null; frame = hal.allocFrame()) held.push(frame);
    for (let i = 0; i < 32; i++) hal.deallocFrame(held.shift()!);
    while (hal.allocFrame() !== null) { /* refill */ }
  },
});

Deno.bench({
  name: "checked: the same as a program, executed and judged",
  group: "checked vs bare, a draining program",
  fn() {
    judgeTrace(executeProgram(target, profile, draining), profile);
  },
});

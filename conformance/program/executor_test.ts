import type { WordList } from "./word_list.ts";
import assert from "node:assert/strict";
import { identityHal } from "../../impls/mod.ts";
import { executeProgram } from "./executor.ts";
import type { HalHost, HalTarget } from "../contract/hal.ts";
import { validateProfile } from "../contract/profile.ts";

const target = identityHal({ memory: [{ start: 0x1000n, size: 0x3000n }] });
const profile = validateProfile(target.profile);

Deno.test("the executor resolves picks: modulo, from the end, and by step reference", () => {
  const trace = executeProgram(target, profile, [
    { op: "alloc" },
    { op: "alloc" },
    { op: "free", frame: -1 },
    { op: "p2v", frame: 5, offset: 0x10 },
    { op: "freeAgain", frame: { step: 2, nth: 0 } },
    { op: "free", frame: { step: 1, nth: 0 } },
  ]);
  assert.equal(trace.steps[2].paddr, 0x2000n);
  assert.equal(trace.steps[3].paddr, 0x1010n);
  assert.equal(trace.steps[4].paddr, 0x2000n);
  assert.equal(trace.steps[4].threw?.name, "RangeError");
  assert.equal(trace.steps[5].skipped, "step 2 left no live frame #0");
});

Deno.test("fill stops at null and at the fill limit", () => {
  const full = executeProgram(target, profile, [{ op: "fill" }]);
  assert.deepEqual((full.steps[0].result as WordList).toArray(), [0x1000n, 0x2000n, 0x3000n, null]);
  const limited = executeProgram(target, profile, [{ op: "fill" }], { fillLimit: 2 });
  assert.deepEqual((limited.steps[0].result as WordList).toArray(), [0x1000n, 0x2000n]);
});

Deno.test("a fill that throws keeps the values before the throw, short or long", () => {
  for (const throwAt of [0, 3, 4096, 4097, 5000]) {
    const big = identityHal({ memory: [{ start: 0x1000_0000n, size: 0x200_0000n }] });
    const throwing: HalTarget = {
      ...big,
      create(host) {
        const hal = big.create(host);
        let calls = 0;
        return {
          ...hal,
          allocFrame: () => {
            if (calls++ === throwAt) throw new RangeError("out of frames, oddly");
            return hal.allocFrame();
          },
        };
      },
    };
    const [step] = executeProgram(throwing, validateProfile(big.profile), [{ op: "fill" }]).steps;
    const values = step.result as WordList;
    assert.equal(values.length, throwAt, `thrown at call ${throwAt}`);
    assert.deepEqual(values.toArray(), Array.from({ length: throwAt }, (_, i) => 0x1000_0000n + BigInt(i) * 0x1000n));
    assert.equal(step.threw?.name, "RangeError");
  }
});

Deno.test("HAL exceptions, odd values and dispatches are data in the trace", () => {
  const weird: HalTarget = {
    name: "weird",
    profile: { ...target.profile, irq: { lines: 8, none: 7, order: "fifo" } },
    create: (host) => ({
      allocFrame: () => {
        throw "a string, not an Error";
      },
      deallocFrame: () => {},
      physToVirt: () => 5 as unknown as bigint,
      virtToPhys: (v) => v,
      irqFetch: () => 7,
      irqHandler: () => host.dispatchIrq(3),
    }),
  };
  const trace = executeProgram(weird, validateProfile(weird.profile), [
    { op: "alloc" },
    { op: "p2vRaw", addr: 0x1000n },
    { op: "handle" },
    { op: "raise", irq: 1 },
  ]);
  assert.deepEqual(trace.steps[0].threw, {
    method: "allocFrame",
    name: "non-Error",
    message: "a string, not an Error",
  });
  assert.equal(trace.steps[1].result, 5);
  assert.deepEqual(trace.steps[2].dispatched, [3]);
  assert.equal(trace.steps[3].skipped, "the HAL has no raiseIrq");
});

Deno.test("a create() that throws ends the trace with createError", () => {
  const broken: HalTarget = {
    ...target,
    create: () => {
      throw new TypeError("no memory map");
    },
  };
  const trace = executeProgram(broken, profile, [{ op: "alloc" }]);
  assert.deepEqual(trace.createError, { method: "create", name: "TypeError", message: "no memory map" });
  assert.equal(trace.steps.length, 0);
});

Deno.test("a host kept after its program reaches neither the trace nor the CPU of the steps", () => {
  // A HAL may outlive its program (kept by its own code, or by the garbage collector a while): what it holds of the
  // host must not hold the trace, which the judge owns from then on.
  const kept: HalHost[] = [];
  const twoCpus = identityHal({ memory: [{ start: 0x1000n, size: 0x3000n }], cpus: 2 });
  const keeping: HalTarget = { ...twoCpus, create: (host) => (kept.push(host), twoCpus.create(host)) };
  const trace = executeProgram(keeping, validateProfile(twoCpus.profile), [{ op: "setCpu", cpu: 1 }, { op: "alloc" }]);
  assert.equal(trace.steps[1].cpu, 1);
  const host = kept[0];
  host.dispatchIrq(7);
  assert.deepEqual(trace.strayDispatches, []);
  assert.equal(host.currentCpu(), 0);
});

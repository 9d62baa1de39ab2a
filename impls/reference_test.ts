import assert from "node:assert/strict";
import type { HalHost, HalInstance, HalTarget } from "../conformance/contract/hal.ts";
import { validateProfile } from "../conformance/contract/profile.ts";
import { identityHal, numaHal, offsetHal, pagedHal, referenceHals, sparseHal } from "./mod.ts";

function hostFor(dispatched: number[] = [], cpu = () => 0): HalHost {
  return { dispatchIrq: (irq) => void dispatched.push(irq), currentCpu: cpu };
}

function fill(hal: HalInstance): bigint[] {
  const frames: bigint[] = [];
  for (let frame = hal.allocFrame(); frame !== null; frame = hal.allocFrame()) frames.push(frame);
  return frames;
}

for (const target of referenceHals()) {
  const profile = validateProfile(target.profile);
  Deno.test(`${target.name}: exhaustion returns null, then a free recovers`, () => {
    const hal = target.create(hostFor());
    const frames = fill(hal);
    const expected = profile.memory.reduce((n, r) => n + Number(r.size / 4096n) - (r.start === 0n ? 1 : 0), 0);
    assert.equal(frames.length, expected);
    assert.equal(new Set(frames).size, frames.length);
    assert.ok(!frames.includes(0n));
    assert.equal(hal.allocFrame(), null);
    hal.deallocFrame(frames[3]);
    assert.equal(hal.allocFrame(), frames[3]);
    assert.equal(hal.allocFrame(), null);
  });

  Deno.test(`${target.name}: strict free throws RangeError and changes nothing`, () => {
    const hal = target.create(hostFor());
    const a = hal.allocFrame()!;
    hal.deallocFrame(a);
    for (const bad of [a, a + 1n, profile.memory[0].end + 0x1000_0000n, 0xffff_ffff_ffff_f000n]) {
      assert.throws(() => hal.deallocFrame(bad), RangeError);
    }
    const frames = fill(hal);
    assert.equal(new Set(frames).size, frames.length);
  });

  Deno.test(`${target.name}: translation round trips at every region edge`, () => {
    const hal = target.create(hostFor());
    const virtual = new Set<bigint>();
    for (const region of profile.memory) {
      for (const paddr of [region.start, region.start + 4095n, region.end - 4096n, region.end - 1n]) {
        const vaddr = hal.physToVirt(paddr);
        assert.equal(typeof vaddr, "bigint");
        assert.ok(vaddr >= 0n && vaddr < 1n << 64n);
        assert.equal(hal.virtToPhys(vaddr), paddr);
        assert.equal(vaddr % 4096n, paddr % 4096n);
        virtual.add(vaddr - vaddr % 4096n);
      }
    }
    assert.ok(virtual.size >= profile.memory.length * 2 - 1);
  });

  Deno.test(`${target.name}: frames come back zeroed and memory stays apart`, () => {
    const hal = target.create(hostFor());
    const a = hal.allocFrame()!, b = hal.allocFrame()!;
    hal.writeMemory!(hal.physToVirt(a) + 4094n, new Uint8Array([7, 8]));
    assert.deepEqual(hal.readMemory!(hal.physToVirt(a) + 4094n, 2), new Uint8Array([7, 8]));
    assert.deepEqual(hal.readMemory!(hal.physToVirt(b), 4096), new Uint8Array(4096));
    hal.deallocFrame(a);
    // Allocate until a comes back (a bitmap allocator reuses it only after a wrap-around).
    let again: bigint | null;
    do again = hal.allocFrame(); while (again !== a && again !== null);
    assert.equal(again, a);
    assert.deepEqual(hal.readMemory!(hal.physToVirt(a) + 4094n, 2), new Uint8Array([0, 0]));
  });

  Deno.test(`${target.name}: IRQs in the declared order, coalesced, dispatched once`, () => {
    const dispatched: number[] = [];
    const hal = target.create(hostFor(dispatched));
    const irq = profile.irq!;
    assert.equal(hal.irqFetch!(), irq.none);
    hal.irqHandler!();
    assert.deepEqual(dispatched, []);
    // Shared lines (above any banked ones), so every CPU sees them.
    const [l5, l2, l9] = [5, 2, 9].map((line) => line + irq.banked);
    for (const line of [l5, l2, l9, l5]) hal.raiseIrq!(line);
    if (irq.fetch === "peek") assert.equal(hal.irqFetch!(), hal.irqFetch!());
    else {
      // Acknowledge: fetching takes the line, and the handler dispatches what was fetched.
      const first = hal.irqFetch!();
      assert.notEqual(hal.irqFetch!(), first);
    }
    for (let i = 0; i < 3; i++) hal.irqHandler!();
    const expected = {
      "lowest-first": [l2, l5, l9],
      "highest-first": [l9, l5, l2],
      "fifo": [l5, l2, l9],
      "any": undefined,
    }[irq.order];
    if (expected) assert.deepEqual(dispatched, expected);
    else assert.deepEqual([...dispatched].sort((a, b) => a - b), [l2, l5, l9]);
    assert.equal(hal.irqFetch!(), irq.none);
  });

  Deno.test(`${target.name}: instances are independent`, () => {
    const one = target.create(hostFor()), two = target.create(hostFor());
    assert.equal(one.allocFrame(), two.allocFrame());
  });
}

const huge = [{ start: 0xffff_ffff_fff0_0000n, size: 0x8_0000n }];
const builders: [string, (memory: typeof huge) => HalTarget][] = [
  ["identity", (memory) => identityHal({ memory })],
  ["offset", (memory) => offsetHal({ memory })],
  ["sparse", (memory) => sparseHal({ memory: [{ start: 0x1000n, size: 0x1000n }, ...memory] })],
  ["numa", (memory) => numaHal({ memory })],
  ["paged", (memory) => pagedHal({ memory, virtBase: 0xffff_ff00_0000_0000n })],
];
for (const [name, build] of builders) {
  Deno.test(`${name}: works with RAM just below 2^64`, () => {
    const hal = build(huge).create(hostFor());
    const frames = fill(hal);
    assert.ok(frames.length >= 128);
    for (const frame of frames) {
      const vaddr = hal.physToVirt(frame + 4095n);
      assert.ok(vaddr < 1n << 64n);
      assert.equal(hal.virtToPhys(vaddr), frame + 4095n);
    }
  });
}

Deno.test("reference HALs accept a larger frame size", () => {
  const hal = identityHal({ frameSize: 65536, memory: [{ start: 0x1_0000n, size: 0x4_0000n }] }).create(hostFor());
  assert.deepEqual(fill(hal), [0x1_0000n, 0x2_0000n, 0x3_0000n, 0x4_0000n]);
});

Deno.test("paged translation is not linear", () => {
  const hal = pagedHal().create(hostFor());
  const frames = fill(hal).slice(0, 16);
  const deltas = new Set(frames.map((frame) => hal.physToVirt(frame) - frame));
  assert.ok(deltas.size > 8);
});

Deno.test("sparse never hands out frame 0 and maps each region through its own window", () => {
  const hal = sparseHal().create(hostFor());
  assert.equal(hal.allocFrame(), 0x1000n);
  const windows = validateProfile(sparseHal().profile).memory.map((r) => hal.physToVirt(r.start) - r.start);
  assert.equal(new Set(windows).size, 3);
});

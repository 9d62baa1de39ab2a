import assert from "node:assert/strict";
import { validateProfile } from "../conformance/contract/profile.ts";
import { numaHal } from "./numa.ts";

const profile = validateProfile(numaHal().profile);
const nodeOf = (paddr: bigint) => profile.memory.find((r) => paddr >= r.start && paddr < r.end)!.node;

Deno.test("numa allocates on the caller's node first", () => {
  let cpu = 0;
  const hal = numaHal().create({ dispatchIrq() {}, currentCpu: () => cpu });
  for (const [c, node] of [[0, 0], [1, 0], [2, 1], [3, 2]]) {
    cpu = c;
    assert.equal(nodeOf(hal.allocFrame()!), node);
  }
});

Deno.test("numa falls back to the nearest node, and null only when all are empty", () => {
  let cpu = 0;
  const hal = numaHal().create({ dispatchIrq() {}, currentCpu: () => cpu });
  const nodesSeen: number[] = [];
  for (let frame = hal.allocFrame(); frame !== null; frame = hal.allocFrame()) nodesSeen.push(nodeOf(frame));
  const firstSwitch = nodesSeen.findIndex((node) => node !== 0);
  assert.equal(firstSwitch, 64);
  assert.equal(nodesSeen[firstSwitch], 1, "node 1 is nearer to node 0 than node 2");
  assert.equal(nodesSeen.length, 64 + 96 + 64);
  cpu = 3;
  assert.equal(hal.allocFrame(), null);
});

Deno.test("numa frees to the owning node", () => {
  let cpu = 3;
  const hal = numaHal().create({ dispatchIrq() {}, currentCpu: () => cpu });
  const remote = hal.allocFrame()!;
  assert.equal(nodeOf(remote), 2);
  cpu = 0;
  hal.deallocFrame(remote);
  assert.throws(() => hal.deallocFrame(remote), RangeError);
  cpu = 3;
  assert.equal(hal.allocFrame(), remote);
});

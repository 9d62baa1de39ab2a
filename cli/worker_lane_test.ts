import assert from "node:assert/strict";
import type { CheckResult } from "../conformance/run/runner.ts";
import { WorkerLane } from "./worker_lane.ts";

const job = (reference: string, checks: string[]) => ({ reference, checks, seed: 3, runs: 5, timeoutMs: 60_000 });

Deno.test("jobs queued at once are answered in order, each with its own results", async () => {
  const lane = new WorkerLane();
  try {
    const first: CheckResult[] = [];
    const second: CheckResult[] = [];
    const order: string[] = [];
    await Promise.all([
      lane.run(job("identity", ["alloc.unique", "free.reuse"]), (result) => first.push(result)).then(() =>
        order.push("first")
      ),
      lane.run(job("numa", ["numa.fallback"]), (result) => second.push(result)).then(() => order.push("second")),
    ]);
    assert.deepEqual(order, ["first", "second"]);
    assert.deepEqual(first.map((r) => `${r.target} ${r.check} ${r.status}`), [
      "identity alloc.unique pass",
      "identity free.reuse pass",
    ]);
    assert.deepEqual(second.map((r) => `${r.target} ${r.check} ${r.status}`), ["numa numa.fallback pass"]);
  } finally {
    lane.terminate();
  }
});

Deno.test("a terminated lane resolves what it was given and takes nothing more", async () => {
  const lane = new WorkerLane();
  const results: CheckResult[] = [];
  const pending = lane.run(job("identity", ["state.deep"]), (result) => results.push(result));
  lane.terminate();
  await pending;
  await lane.run(job("identity", ["alloc.unique"]), (result) => results.push(result));
  assert.deepEqual(results, []);
});

Deno.test("a worker that fails rejects every job it holds", async () => {
  const lane = new WorkerLane();
  try {
    // An unknown reference makes the worker throw (the CLI never asks for one).
    const failing = lane.run(job("no-such-hal", ["alloc.unique"]), () => {});
    const queued = lane.run(job("identity", ["alloc.unique"]), () => {});
    await assert.rejects(failing, /worker failed/);
    await assert.rejects(queued, /worker failed/);
  } finally {
    lane.terminate();
  }
});

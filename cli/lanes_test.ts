import assert from "node:assert/strict";
import { CHECKS } from "../conformance/checks/catalogue.ts";
import { CHECKS_PER_ITEM, familyGroup, itemsByFamily, LaneQueues, RUN_AHEAD, runLanes } from "./lanes.ts";

Deno.test("checks are dealt to home lanes by family, in catalogue order, a few a piece", () => {
  const items = itemsByFamily(CHECKS, 2);
  for (const item of items) {
    assert.ok(item.checks.length > 0 && item.checks.length <= CHECKS_PER_ITEM);
    for (const check of item.checks) assert.equal(familyGroup(check.id), item.home);
  }
  // Every check once, each group in catalogue order.
  assert.deepEqual(
    items.flatMap((item) => item.checks).map((check) => check.id).sort(),
    CHECKS.map((c) => c.id).sort(),
  );
  for (const home of [0, 1]) {
    const mine = items.filter((item) => item.home === home).flatMap((item) => item.checks);
    assert.deepEqual(mine, CHECKS.filter((check) => familyGroup(check.id) === home));
    assert.ok(mine.length > 0, `group ${home} has checks`);
  }
  assert.equal(familyGroup("alloc.unique"), 0);
  assert.equal(familyGroup("irq.order"), 1);
  assert.equal(familyGroup("future.check"), 0, "a family no group names goes to the first");
});

Deno.test("with one lane every check is at home on it", () => {
  const items = itemsByFamily(["irq.order", "alloc.unique", "xlate.total"], 1);
  assert.deepEqual(items, [{ home: 0, checks: ["irq.order", "alloc.unique", "xlate.total"] }]);
});

Deno.test("a lane takes its own items in order, then any lane's, then the back of the fullest queue", () => {
  const queues = new LaneQueues([
    { name: "a0", home: 0 },
    { name: "b0", home: 0 },
    { name: "c0", home: 0 },
    { name: "a1", home: 1 },
    { name: "x" },
    { name: "far", home: 7 }, // no such lane: any lane's
  ], 2);
  const names = (lane: number, count: number) => Array.from({ length: count }, () => queues.take(lane)?.name);
  assert.deepEqual(names(1, 4), ["a1", "x", "far", "c0"]);
  assert.deepEqual(names(0, 3), ["a0", "b0", undefined]);
  assert.equal(queues.size, 0);
});

Deno.test("lanes run every item once and stay within their run-ahead", async () => {
  const items = Array.from({ length: 12 }, (_, index) => ({ index, home: index % 3 === 0 ? 0 : 1 }));
  const started = new Map<number, number>();
  const running = [0, 0];
  const most = [0, 0];
  const releases: (() => void)[] = [];
  const done = runLanes(new LaneQueues(items, 2), 2, (item, lane) => {
    started.set(item.index, lane);
    most[lane] = Math.max(most[lane], ++running[lane]);
    return new Promise<void>((resolve) =>
      releases.push(() => {
        running[lane]--;
        resolve();
      })
    );
  }, (_, lane) => lane === 1);
  // Release work one piece at a time, oldest first, until every item has run.
  while (started.size < items.length || releases.length > 0) {
    await new Promise((resolve) => setTimeout(resolve, 0));
    releases.shift()?.();
  }
  await done;
  assert.deepEqual([...started.keys()].sort((a, b) => a - b), items.map((item) => item.index));
  assert.equal(most[0], 1, "lane 0 runs one item at a time");
  assert.equal(most[1], RUN_AHEAD, "lane 1 keeps RUN_AHEAD items started");
});

Deno.test("an item that does not run ahead waits for those that did", async () => {
  const order: string[] = [];
  const later = (name: string, ms: number) =>
    new Promise<void>((resolve) => setTimeout(() => resolve(void order.push(name)), ms));
  await runLanes(
    new LaneQueues([{ name: "ahead", home: 0 }, { name: "plain", home: 0 }], 1),
    1,
    (item) => item.name === "ahead" ? later("ahead", 20) : Promise.resolve(void order.push("plain")),
    (item) => item.name === "ahead",
  );
  assert.deepEqual(order, ["ahead", "plain"]);
});

Deno.test("a failure of an item run ahead reaches the caller", async () => {
  await assert.rejects(
    runLanes(
      new LaneQueues([{ name: "fails", home: 0 }, { name: "slow", home: 0 }], 1),
      1,
      (item) =>
        item.name === "fails"
          ? Promise.reject(new Error("worker failed"))
          : new Promise<void>((resolve) => setTimeout(resolve, 10)),
      () => true,
    ),
    /worker failed/,
  );
});

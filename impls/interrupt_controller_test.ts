import assert from "node:assert/strict";
import { InterruptController } from "./interrupt_controller.ts";

function drain(controller: InterruptController): number[] {
  const served: number[] = [];
  while (controller.pendingCount > 0) {
    const irq = controller.current();
    served.push(irq);
    controller.acknowledge(irq);
  }
  return served;
}

Deno.test("InterruptController serves in the declared order", async (t) => {
  const expected = {
    "lowest-first": [2, 5, 9],
    "highest-first": [9, 5, 2],
    "fifo": [5, 9, 2],
    "any": [5, 9, 2],
  } as const;
  for (const [order, served] of Object.entries(expected)) {
    await t.step(order, () => {
      const controller = new InterruptController(16, 1023, order as keyof typeof expected);
      for (const irq of [5, 9, 2]) controller.raise(irq);
      assert.deepEqual(drain(controller), served);
    });
  }
});

Deno.test("InterruptController coalesces a line raised while pending", () => {
  const controller = new InterruptController(16, 1023, "fifo");
  controller.raise(3);
  controller.raise(4);
  controller.raise(3);
  assert.deepEqual(drain(controller), [3, 4]);
});

Deno.test("InterruptController reports none when idle and fetching has no side effect", () => {
  const controller = new InterruptController(16, 0, "lowest-first");
  assert.equal(controller.current(), 0);
  controller.raise(7);
  assert.equal(controller.current(), 7);
  assert.equal(controller.current(), 7);
  assert.equal(controller.pendingCount, 1);
});

Deno.test("InterruptController rejects lines that do not exist", () => {
  const controller = new InterruptController(16, 0, "fifo");
  for (const irq of [-1, 16, 0, 1.5]) assert.throws(() => controller.raise(irq), RangeError);
});

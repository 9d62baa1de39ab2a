import assert from "node:assert/strict";
import fc from "fast-check";
import { FrameIndex, FrameTable } from "./frame_table.ts";
import type { ResolvedRegion } from "../contract/profile.ts";
import { WordList } from "./word_list.ts";

const region = (start: bigint, size: bigint, node = 0): ResolvedRegion => ({ start, size, end: start + size, node });

/** Two regions, one at 0 and one above 2^53 (huge addresses are numbered too). */
const REGIONS = [region(0n, 0x4000n), region(0x20_0000_0000_0000n, 0x3000n)];

Deno.test("a frame index numbers the frames of its regions in order, and nothing else", () => {
  const index = FrameIndex.of(REGIONS, 0x1000);
  assert.equal(index.frames, 7);
  assert.equal(index.indexOf(0n), 0);
  assert.equal(index.indexOf(0x3000n), 3);
  assert.equal(index.indexOf(0x20_0000_0000_0000n), 4);
  assert.equal(index.indexOf(0x20_0000_0000_2000n), 6);
  for (const outside of [0x4000n, 0x1001n, -0x1000n, 0x20_0000_0000_3000n, 0x1f_ffff_ffff_f000n, 1n << 70n]) {
    assert.equal(index.indexOf(outside), -1, `0x${outside.toString(16)}`);
  }
  for (let i = 0; i < index.frames; i++) assert.equal(index.indexOf(index.addressOf(i)), i);
});

Deno.test("an address read from a word is numbered as the bigint is, below, across and above 2^53", () => {
  const two53 = 1n << 53n;
  // A region at 0, one that straddles 2^53 and one far above it.
  const index = FrameIndex.of(
    [region(0n, 0x4000n), region(two53 - 0x2000n, 0x4000n), region(0xffff_0000_0000_0000n, 0x2000n)],
    0x1000,
  );
  const address = fc.oneof(
    fc.integer({ min: -2, max: 6 }).map((n) => two53 + BigInt(n) * 0x1000n),
    fc.integer({ min: 0, max: 5 }).map((n) => BigInt(n) * 0x1000n),
    fc.integer({ min: 0, max: 3 }).map((n) => 0xffff_0000_0000_0000n + BigInt(n) * 0x1000n),
    fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
    fc.bigInt({ min: two53 - 0x3000n, max: two53 + 0x3000n }),
  );
  fc.assert(
    fc.property(address, (paddr) => {
      const expected = reference(index, paddr);
      assert.equal(index.indexOf(paddr), expected);
      const list = WordList.of(Array.from({ length: 4097 }, () => paddr));
      assert.equal(index.indexOfHalves(list.halves, 4096), expected);
    }),
    { numRuns: 400, seed: 8 },
  );
  // Beyond the words, both ways: modulo 2^64 each would read as the first frame.
  const first = index.addressOf(0);
  for (const outside of [-1n, 1n << 64n, 1n << 70n, first - (1n << 64n), first + (1n << 64n)]) {
    assert.equal(index.indexOf(outside), -1);
  }
  // Just above 2^53 a double cannot hold every address: these must not round onto a frame.
  for (const odd of [two53 + 1n, two53 + 0x1001n, two53 + 0xfffn, two53 + 0x1003n]) {
    assert.equal(index.indexOfHalves(WordList.of(Array.from({ length: 4097 }, () => odd)).halves, 0), -1);
  }
  for (let i = 0; i < index.frames; i++) assert.equal(index.indexOf(index.addressOf(i)), i);
});

/** `indexOf` as the bigints say it: the frame's place in the regions, or -1. */
function reference(index: FrameIndex, paddr: bigint): number {
  for (let i = 0; i < index.frames; i++) if (index.addressOf(i) === paddr) return i;
  return -1;
}

Deno.test("a frame table behaves as a Map of bigints for any sequence of operations and any address", () => {
  const index = FrameIndex.of(REGIONS, 0x1000);
  const address = fc.oneof(
    fc.integer({ min: 0, max: 3 }).map((n) => BigInt(n) * 0x1000n),
    fc.integer({ min: 0, max: 2 }).map((n) => 0x20_0000_0000_0000n + BigInt(n) * 0x1000n),
    fc.bigInt({ min: -0x2000n, max: 0x6000n }),
    fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
  );
  const operation = fc.oneof(
    fc.record({ kind: fc.constant("set" as const), address, value: fc.nat() }),
    fc.record({ kind: fc.constantFrom("get" as const, "has" as const, "delete" as const), address }),
    fc.record({ kind: fc.constant("clear" as const) }),
    fc.record({ kind: fc.constant("add" as const), address, delta: fc.integer({ min: -2, max: 2 }) }),
  );
  fc.assert(fc.property(fc.array(operation, { maxLength: 60 }), (operations) => {
    const table = index.table();
    const model = new Map<bigint, number>();
    for (const op of operations) {
      switch (op.kind) {
        case "set":
          table.set(op.address, op.value);
          model.set(op.address, op.value);
          break;
        case "get":
          assert.equal(table.get(op.address), model.get(op.address));
          break;
        case "has":
          assert.equal(table.has(op.address), model.has(op.address));
          break;
        case "delete":
          assert.equal(table.delete(op.address), model.delete(op.address));
          break;
        case "clear":
          table.clear();
          model.clear();
          break;
        case "add": {
          // Counts: absent is 0, and a count that reaches 0 is removed.
          const count = (model.get(op.address) ?? 0) + op.delta;
          table.add(op.address, op.delta);
          if (count === 0) model.delete(op.address);
          else model.set(op.address, count);
          assert.equal(table.count(op.address), count);
          break;
        }
      }
      assert.equal(table.size, model.size);
    }
    // A released table comes back empty.
    index.release(table);
    assert.equal(index.table().size, 0);
  }));
});

Deno.test("a table handed out again by the pool holds nothing of its last owner", () => {
  const index = FrameIndex.of([region(0x8000_0000n, 0x10_0000n)], 0x1000);
  const first = index.table();
  first.set(0x8000_1000n, 5);
  first.set(7n, 1);
  index.release(first);
  const second = index.table();
  assert.equal(second, first, "the pool reuses the released table");
  assert.equal(second.has(0x8000_1000n), false);
  assert.equal(second.get(7n), undefined);
  assert.equal(second.size, 0);
});

Deno.test("first() names the lowest numbered frame, then other addresses", () => {
  const index = FrameIndex.of([region(0x1000n, 0x4000n)], 0x1000);
  const table = new FrameTable(index);
  assert.equal(table.first(), undefined);
  table.set(0x9999n, 2);
  assert.deepEqual(table.first(), [0x9999n, 2]);
  table.set(0x3000n, 4);
  table.set(0x2000n, 3);
  assert.deepEqual(table.first(), [0x2000n, 3]);
});

Deno.test("a layout too large to number falls back to a map, and still works", () => {
  const index = FrameIndex.of([region(0n, 1n << 40n)], 0x1000);
  assert.equal(index.frames, 0);
  assert.equal(index.indexOf(0x1000n), -1);
  const table = index.table();
  table.set(0x1000n, 9);
  assert.equal(table.get(0x1000n), 9);
  assert.equal(table.size, 1);
});

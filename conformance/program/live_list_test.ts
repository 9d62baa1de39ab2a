import assert from "node:assert/strict";
import fc from "fast-check";
import { validateProfile } from "../contract/profile.ts";
import { FrameIndex } from "./frame_table.ts";
import { LiveList } from "./live_list.ts";
import { WordList } from "./word_list.ts";

const profile = validateProfile({ memory: [{ start: 0x8000_0000n, size: 0x4000_0000n }] });
const index = FrameIndex.ofProfile(profile);

interface Entry {
  paddr: bigint;
  step: number;
  nth: number;
}

/** The list as the protocol defines it: an array, a free takes out the first entry holding the address. */
class NaiveList {
  entries: Entry[] = [];
  firstIndexOf(paddr: bigint): number {
    return this.entries.findIndex((entry) => entry.paddr === paddr);
  }
}

type Action =
  | { kind: "append"; frame: number; outside: boolean }
  | { kind: "fill"; first: number; count: number; words: boolean }
  | { kind: "removeAt"; at: number }
  | { kind: "removeFrame"; frame: number }
  | { kind: "refOf"; at: number };

const frameNumber = fc.nat({ max: 40 });
const action: fc.Arbitrary<Action> = fc.oneof(
  fc.record({ kind: fc.constant("append" as const), frame: frameNumber, outside: fc.boolean() }),
  fc.record({
    kind: fc.constant("fill" as const),
    first: frameNumber,
    count: fc.integer({ min: 1, max: 60 }),
    words: fc.boolean(),
  }),
  fc.record({ kind: fc.constant("removeAt" as const), at: fc.nat() }),
  fc.record({ kind: fc.constant("removeFrame" as const), frame: frameNumber }),
  fc.record({ kind: fc.constant("refOf" as const), at: fc.nat() }),
);

const address = (frame: number, outside = false) =>
  (outside ? 0x1_0000_0000_0000n : 0x8000_0000n) + BigInt(frame) * 0x1000n;

/** Runs actions on both lists and compares every entry after each. */
function agree(actions: readonly Action[]): void {
  const live = new LiveList(index);
  const naive = new NaiveList();
  let step = 0;
  try {
    for (const act of actions) {
      step++;
      switch (act.kind) {
        case "append": {
          const paddr = address(act.frame, act.outside);
          live.append(paddr, step, 0);
          naive.entries.push({ paddr, step, nth: 0 });
          break;
        }
        case "fill": {
          // Duplicates of live frames included: a broken HAL's fill may hand out what is live.
          const frames = Array.from({ length: act.count }, (_, i) => address(act.first + i));
          const values = WordList.of([...frames, null]);
          if (act.words) values.plain = undefined, values.words = new BigUint64Array([...frames, 0n]);
          if (act.words) values.ending = "null";
          live.appendFill(values, frames.length, step);
          frames.forEach((paddr, nth) => naive.entries.push({ paddr, step, nth }));
          break;
        }
        case "removeAt": {
          if (naive.entries.length === 0) break;
          const at = act.at % naive.entries.length;
          // What a free of a picked frame does: the pick names a position, the free takes the first entry of it.
          const paddr = live.paddrAt(live.slotAt(at));
          assert.equal(paddr, naive.entries[at].paddr);
          const first = naive.firstIndexOf(paddr);
          naive.entries.splice(first, 1);
          live.remove(live.firstSlotOf(paddr));
          break;
        }
        case "removeFrame": {
          const paddr = address(act.frame);
          const first = naive.firstIndexOf(paddr);
          const slot = live.firstSlotOf(paddr);
          assert.equal(slot >= 0 ? live.paddrAt(slot) : slot, first >= 0 ? paddr : -1);
          if (first >= 0) {
            naive.entries.splice(first, 1);
            live.remove(slot);
          }
          break;
        }
        case "refOf": {
          if (naive.entries.length === 0) break;
          const entry = naive.entries[act.at % naive.entries.length];
          const slot = live.slotOfRef(entry.step, entry.nth);
          assert.equal(
            live.paddrAt(slot),
            naive.entries.find((e) => e.step === entry.step && e.nth === entry.nth)!.paddr,
          );
          break;
        }
      }
      assert.equal(live.length, naive.entries.length);
      naive.entries.forEach((entry, at) => {
        const slot = live.slotAt(at);
        assert.deepEqual({ paddr: live.paddrAt(slot), step: live.stepAt(slot), nth: live.nthAt(slot) }, entry);
        // Its neighbours by a scan of the bitmap are the neighbours by position.
        assert.equal(live.slotAfter(slot), at + 1 < naive.entries.length ? live.slotAt(at + 1) : -1);
        assert.equal(live.slotBefore(slot), at > 0 ? live.slotAt(at - 1) : -1);
      });
    }
  } finally {
    live.dispose();
  }
}

Deno.test("the live list picks, frees and finds exactly as an array does, duplicates and unnumbered addresses included", () => {
  fc.assert(fc.property(fc.array(action, { maxLength: 60 }), agree), { numRuns: 300 });
});

Deno.test("the live list keeps its order across compaction, and its k-th entry across blocks", () => {
  const live = new LiveList(index);
  try {
    const count = 150_000;
    const frames = new BigUint64Array(count + 1);
    for (let i = 0; i < count; i++) frames[i] = 0x8000_0000n + BigInt(i) * 0x1000n;
    const values = WordList.of([]);
    values.plain = undefined;
    values.words = frames;
    values.length = count + 1;
    values.ending = "null";
    live.appendFill(values, count, 0);
    // Frees every frame but every third: more freed slots than live ones, so the list compacts.
    for (let i = 0; i < count; i++) {
      if (i % 3 === 0) continue;
      live.remove(live.firstSlotOf(0x8000_0000n + BigInt(i) * 0x1000n));
    }
    assert.equal(live.length, count / 3);
    for (const k of [0, 1, 2, 4095, 4096, 20_000, count / 3 - 1]) {
      assert.equal(live.paddrAt(live.slotAt(k)), 0x8000_0000n + BigInt(3 * k) * 0x1000n);
      assert.equal(live.nthAt(live.slotAt(k)), 3 * k);
    }
    assert.equal(live.firstSlotOf(0x8000_1000n), -1);
    assert.equal(live.paddrAt(live.firstSlotOf(0x8000_3000n)), 0x8000_3000n);
  } finally {
    live.dispose();
  }
});

import assert from "node:assert/strict";
import fc from "fast-check";
import type { TraceStep } from "./executor.ts";
import type { Operation } from "./program.ts";
import { validateProfile } from "../contract/profile.ts";
import { StepResolver } from "./step_resolver.ts";
import { WordList } from "./word_list.ts";

const profile = validateProfile({ memory: [{ start: 0x8000_0000n, size: 0x10_0000n }] });

/** Hands out `frames` in one fill at step `index` and returns the resolver. */
function filled(frames: bigint[], index = 0): StepResolver {
  const resolver = new StepResolver(profile);
  const step: TraceStep = { index, op: { op: "fill" }, cpu: 0, result: WordList.of([...frames, null]), dispatched: [] };
  resolver.resolve(step);
  resolver.settle(step);
  return resolver;
}

function pick(resolver: StepResolver, op: Operation): TraceStep {
  const step: TraceStep = { index: 1, op, cpu: 0, dispatched: [] };
  resolver.resolve(step);
  return step;
}

Deno.test("a resolver disposed twice gives its columns back once: two later resolvers do not share them", () => {
  const first = filled([0x8000_0000n]);
  first.dispose();
  first.dispose();
  const a = filled([0x8000_1000n, 0x8000_2000n]);
  const b = filled([0x8000_5000n, 0x8000_6000n, 0x8000_7000n], 3);
  assert.equal(pick(a, { op: "free", frame: 1 }).paddr, 0x8000_2000n);
  assert.equal(pick(a, { op: "free", frame: { step: 0, nth: 1 } }).paddr, 0x8000_2000n);
  assert.equal(pick(a, { op: "free", frame: { step: 3, nth: 0 } }).skipped, "step 4 left no live frame #0");
  assert.equal(pick(b, { op: "free", frame: { step: 3, nth: 2 } }).paddr, 0x8000_7000n);
});

Deno.test("a frame freed, handed out again and freed twice more leaves the freed list in order", () => {
  const resolver = filled([0x8000_0000n, 0x8000_1000n]);
  const run = (index: number, op: Operation, result?: unknown) => {
    const step: TraceStep = { index, op, cpu: 0, dispatched: [], ...(result !== undefined ? { result } : {}) };
    assert.ok(resolver.resolve(step));
    resolver.settle(step);
    return step;
  };
  run(1, { op: "free", frame: 0 }); // frees 0x8000_0000
  run(2, { op: "alloc" }, 0x8000_0000n); // handed out again: its freed entry leaves
  run(3, { op: "freeRaw", addr: 0x8000_1000n }); // freed
  run(4, { op: "freeRaw", addr: 0x8000_1000n }); // freed again (a double free)
  assert.equal(run(5, { op: "freeAgain", frame: 0 }).source, 3);
  assert.equal(run(6, { op: "freeAgain", frame: -1 }).source, 5); // a free of any address appends it
});

Deno.test("a long fill joins the live list as words with the same picks as one value at a time", () => {
  const frames = Array.from({ length: 6000 }, (_, i) => 0x8000_0000n + BigInt(i) * 0x1000n);
  const plain = new WordList();
  plain.mayBecomeWords = false;
  for (const frame of frames) plain.push(frame);
  plain.push(null);
  const program: Operation[] = [
    { op: "fill" },
    { op: "free", frame: 4500 },
    { op: "free", frame: { step: 0, nth: 5999 } },
    { op: "freeMany", count: 40, stride: -97 },
    { op: "p2v", frame: -1, offset: 8 },
    { op: "fill" },
    { op: "free", frame: { step: 5, nth: 1 } },
    { op: "freeMany", count: 5000, stride: 1 },
    { op: "free", frame: 3 },
  ];
  const run = (first: WordList) => {
    const resolver = new StepResolver(profile, program);
    const steps = program.map((op, index) => {
      const step: TraceStep = { index, op, cpu: 0, dispatched: [] };
      resolver.resolve(step);
      if (op.op === "fill") step.result = index === 0 ? first : WordList.of([0x8000_0000n, 0x8000_1000n, null]);
      if (op.op === "freeMany") step.result = step.paddrs!.length;
      if (op.op === "p2v") step.result = step.paddr;
      resolver.settle(step);
      return { paddr: step.paddr, paddrs: step.paddrs, source: step.source, nth: step.sourceNth };
    });
    resolver.dispose();
    return steps;
  };
  const asWords = run(WordList.of([...frames, null]));
  assert.deepEqual(asWords, run(plain));
  assert.equal(asWords[2].paddr, frames[5999]);
  assert.equal(asWords[7].paddrs!.length, 5000);
});

Deno.test("a fill leaves the live list as the same values handed out by one alloc each, whatever they are", () => {
  const address = fc.nat({ max: 255 }).map((n) => 0x8000_0000n + BigInt(n) * 0x1000n);
  const value = fc.oneof({ weight: 30, arbitrary: address }, { weight: 1, arbitrary: fc.constantFrom(7, "x", -1n) });
  const pick = fc.oneof(
    fc.integer({ min: -300, max: 300 }).map((frame): Operation => ({ op: "free", frame })),
    fc.record({ count: fc.nat({ max: 300 }), stride: fc.integer({ min: -5, max: 5 }) }).map((many): Operation => ({
      op: "freeMany",
      ...many,
    })),
  );
  fc.assert(
    fc.property(
      fc.array(value, { maxLength: 300 }),
      fc.constantFrom(null, undefined, "none"),
      fc.array(pick, { maxLength: 6 }),
      (values, ending, picks) => {
        const filled = ending === "none" ? values : [...values, ending];
        const run = (first: Operation[], results: unknown[]) => {
          const resolver = new StepResolver(profile);
          const steps = [...first, ...picks].map((op, index) => {
            const step: TraceStep = { index, op, cpu: 0, dispatched: [] };
            resolver.resolve(step);
            if (index < first.length) step.result = results[index];
            if (op.op === "freeMany") step.result = step.paddrs!.length;
            resolver.settle(step);
            return op.op === "freeMany" ? step.paddrs : step.paddr;
          });
          resolver.dispose();
          return steps.slice(first.length);
        };
        const asFill = run([{ op: "fill" }], [WordList.of([...filled])]);
        const asAllocs = run(filled.map((): Operation => ({ op: "alloc" })), filled);
        assert.deepEqual(asFill, asAllocs);
      },
    ),
    { numRuns: 200, seed: 13 },
  );
});

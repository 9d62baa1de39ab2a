import assert from "node:assert/strict";
import fc from "fast-check";
import { WordList } from "./word_list.ts";

/** Values a HAL may return: mostly addresses, sometimes anything. */
const value = fc.oneof(
  { weight: 20, arbitrary: fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }) },
  { weight: 1, arbitrary: fc.constantFrom(-1n, 1n << 64n, 7, "x", null, undefined, 0n) },
);

Deno.test("a word list holds exactly what was pushed, short or long, words or not", () => {
  fc.assert(
    fc.property(
      fc.array(value, { maxLength: 50 }),
      fc.nat({ max: 6000 }),
      fc.option(fc.constantFrom(null, undefined), { nil: "none" }),
      (head, words, ending) => {
        // A long run of words after `head`, then a fill's ending: every state a list can be in.
        const model: unknown[] = [
          ...head,
          ...Array.from({ length: words }, (_, i) => 0x8000_0000n + BigInt(i) * 4096n),
        ];
        if (ending !== "none") model.push(ending);
        const list = new WordList();
        for (const item of model) list.push(item);
        assert.equal(list.length, model.length);
        assert.deepEqual(list.toArray(), model);
        assert.deepEqual([...list], model);
        for (const index of [0, 1, model.length - 2, model.length - 1]) {
          if (index >= 0) assert.equal(list.at(index), model[index]);
        }
        assert.equal(list.at(model.length), undefined);
        // Long lists of nothing but addresses are words; anything else stays a plain array.
        const onlyWords = model.slice(0, ending === "none" ? undefined : -1).every((item) =>
          typeof item === "bigint" && item >= 0n && item < 1n << 64n
        );
        assert.equal(list.plain === undefined, onlyWords && model.length > 4096);
        // Built from an array, the same list, deep-equal to the pushed one.
        assert.deepEqual(WordList.of([...model]), list);
      },
    ),
    { numRuns: 60, seed: 3 },
  );
});

Deno.test("a word list edits like an array: set, truncate and remove, in words and plain alike", () => {
  const edits = fc.array(
    fc.oneof(
      fc.record({ kind: fc.constant("set" as const), at: fc.nat(), value }),
      fc.record({ kind: fc.constant("truncate" as const), at: fc.nat() }),
      fc.record({ kind: fc.constant("removeAt" as const), at: fc.nat() }),
      fc.record({ kind: fc.constant("push" as const), value }),
    ),
    { maxLength: 30 },
  );
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 5000 }), fc.boolean(), edits, (length, ends, operations) => {
      const model: unknown[] = Array.from({ length }, (_, i) => BigInt(i) << 12n);
      if (ends) model.push(null);
      const list = WordList.of([...model]);
      for (const op of operations) {
        if (op.kind === "push") {
          list.push(op.value);
          model.push(op.value);
          continue;
        }
        if (model.length === 0) continue;
        const at = op.at % model.length;
        if (op.kind === "set") {
          list.set(at, op.value);
          model[at] = op.value;
        } else if (op.kind === "truncate") {
          list.truncate(at);
          model.length = at;
        } else {
          list.removeAt(at);
          model.splice(at, 1);
        }
        assert.equal(list.length, model.length);
      }
      assert.deepEqual(list.toArray(), model);
      const probe = model.findLast((item) => typeof item === "bigint");
      assert.equal(list.indexOf(probe), model.indexOf(probe));
    }),
    { numRuns: 60, seed: 4 },
  );
});

Deno.test("two lists that differ in one value are not deep-equal, in words as in plain", () => {
  for (const length of [10, 5000]) {
    const values = Array.from({ length }, (_, i) => BigInt(i) << 12n);
    const changed = [...values];
    changed[length - 3] = 0x1n;
    assert.notDeepStrictEqual(WordList.of(values), WordList.of(changed));
  }
});

Deno.test("appending a range of another list holds what pushing its values one by one holds", () => {
  fc.assert(
    fc.property(
      fc.array(value, { maxLength: 20 }),
      fc.nat({ max: 9000 }),
      fc.array(value, { maxLength: 3 }),
      fc.nat({ max: 9000 }),
      fc.nat({ max: 9000 }),
      fc.oneof(fc.nat({ max: 300 }), fc.constant(9000)),
      (head, before, other, from, count, sourceLength) => {
        // `into` may be plain, turning, or words; `source` short and plain, or words, with a few values of any kind
        // first.
        const into = WordList.of([...head, ...Array.from({ length: before }, (_, i) => BigInt(i) << 12n)]);
        const source = WordList.of([
          ...other,
          ...Array.from({ length: sourceLength }, (_, i) => 0x9000_0000n + BigInt(i)),
        ]);
        const start = Math.min(from, source.length);
        const end = Math.min(start + count, source.length);
        const pushed = WordList.of(into.toArray());
        for (let i = start; i < end; i++) pushed.push(source.at(i));
        into.appendRange(source, start, end);
        assert.equal(into.length, pushed.length);
        assert.deepEqual(into.toArray(), pushed.toArray());
        assert.deepEqual(into, pushed);
      },
    ),
    { numRuns: 80, seed: 5 },
  );
});

Deno.test("a run appended at once holds what pushing its addresses one by one holds", () => {
  fc.assert(
    fc.property(
      fc.array(value, { maxLength: 6 }),
      fc.nat({ max: 5000 }),
      fc.oneof(fc.bigInt({ min: 0n, max: 1n << 40n }), fc.constantFrom((1n << 64n) - 0x3000n, 0x1000n)),
      fc.constantFrom(0x1000n, -0x1000n, 1n << 40n),
      fc.nat({ max: 9000 }),
      (head, before, first, stride, count) => {
        const start = [...head, ...Array.from({ length: before }, (_, i) => BigInt(i) << 12n)];
        const run = WordList.of([...start]);
        const pushed = WordList.of([...start]);
        run.pushRun(first, stride, count);
        for (let n = 0, address = first; n < count; n++, address += stride) pushed.push(address);
        assert.equal(run.length, pushed.length);
        assert.deepEqual(run, pushed);
        assert.deepEqual(run.toArray(), pushed.toArray());
      },
    ),
    { numRuns: 80, seed: 6 },
  );
  // An empty list, then a long run (how a fill's answer starts).
  const fromEmpty = new WordList();
  fromEmpty.pushRun(0x1000n, 0x1000n, 5000);
  fromEmpty.push(null);
  assert.deepEqual(fromEmpty, WordList.of([...Array.from({ length: 5000 }, (_, i) => BigInt(i + 1) << 12n), null]));
  // A list that ends in a fill's null, then a long run: the null is no ending any more.
  for (const ending of [null, undefined]) {
    const run = WordList.of([0x1000n, ending]);
    const pushed = WordList.of([0x1000n, ending]);
    run.pushRun(0x2000n, 0x1000n, 5000);
    for (let n = 0; n < 5000; n++) pushed.push(0x2000n + BigInt(n) * 0x1000n);
    assert.deepEqual(run, pushed);
    assert.equal(run.at(1), ending);
  }
});

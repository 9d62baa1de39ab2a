import assert from "node:assert/strict";
import fc from "fast-check";
import { identityHal, numaHal } from "../../impls/mod.ts";
import { executeProgram, type TraceStep } from "../program/executor.ts";
import type { HalInstance, HalTarget } from "../contract/hal.ts";
import { judgeTrace, judgeTraceReach } from "./judge.ts";
import type { Program } from "../program/program.ts";
import { validateProfile } from "../contract/profile.ts";
import { WordList } from "../program/word_list.ts";

function judge(target: HalTarget, program: Program) {
  const profile = validateProfile(target.profile);
  return judgeTrace(executeProgram(target, profile, program), profile);
}

function patched(patch: (hal: HalInstance) => Partial<HalInstance>): HalTarget {
  const base = identityHal({ memory: [{ start: 0x1000n, size: 0x4000n }] });
  return {
    ...base,
    create(host) {
      const hal = base.create(host);
      return { ...hal, ...patch(hal) };
    },
  };
}

Deno.test("the judge accepts any placement and any stable bijective translation", () => {
  const backwards = patched(() => ({
    physToVirt: (p) => 0xffff_ffff_ffff_0000n - (p - p % 0x1000n) + p % 0x1000n,
    virtToPhys: (v) => 0xffff_ffff_ffff_0000n - (v - v % 0x1000n) + v % 0x1000n,
  }));
  assert.equal(
    judge(backwards, [
      { op: "fill" },
      { op: "p2v", frame: 0, offset: 0xfff },
      { op: "p2v", frame: -1, offset: 0 },
      { op: "v2p", pick: 0, offset: 1 },
      { op: "free", frame: 1 },
      { op: "alloc" },
      { op: "p2v", frame: 0, offset: 7 },
    ]),
    undefined,
  );
});

Deno.test("the judge names the clause, the step and both values", () => {
  const twice = patched((hal) => {
    let last: bigint | null = null;
    return { allocFrame: () => (last ??= hal.allocFrame()) };
  });
  const violation = judge(twice, [{ op: "alloc" }, { op: "alloc" }])!;
  assert.equal(violation.clause, "ALLOC-6");
  assert.equal(violation.step, 1);
  assert.equal(violation.actual, "0x1000");
  assert.match(violation.message, /still live \(handed out at step 1\)/);
});

Deno.test("an empty node with free frames elsewhere is NUMA-2, not capacity", () => {
  const target = numaHal();
  const base = target.create;
  const localOnly: HalTarget = {
    ...target,
    create(host) {
      const hal = base(host);
      let seen = 0;
      return { ...hal, allocFrame: () => (++seen > 64 && host.currentCpu() === 0 ? null : hal.allocFrame()) };
    },
  };
  const violation = judge(localOnly, [{ op: "fill" }])!;
  assert.equal(violation.clause, "NUMA-2");
});

Deno.test("an invalid free on a lenient HAL stops judging rather than guessing", () => {
  const lenient = identityHal({ strictFree: false, memory: [{ start: 0x1000n, size: 0x2000n }] });
  assert.equal(
    judge(lenient, [{ op: "alloc" }, { op: "freeRaw", addr: 0x1000n }, { op: "freeRaw", addr: 0x1000n }]),
    undefined,
  );
});

Deno.test("a permission error is a harness error, whatever the method", () => {
  const sandboxed = patched(() => ({
    physToVirt: () => {
      throw new Deno.errors.NotCapable('Requires read access to "/etc/passwd", run again with the --allow-read flag');
    },
  }));
  const violation = judge(sandboxed, [{ op: "p2vRaw", addr: 0x1000n }])!;
  assert.equal(violation.clause, "ERROR");
  assert.match(
    violation.message,
    /physToVirt asked for read access to "[^"]+": denied by the sandbox \(a HAL may read its own project's folder and halconf/,
  );
  assert.doesNotMatch(violation.message, /--allow-read/);
});

Deno.test("an instance that starts exhausted is pointed at shared state", () => {
  let shared = 0x1000n;
  const base = identityHal({ memory: [{ start: 0x1000n, size: 0x2000n }] });
  const leaky: HalTarget = {
    ...base,
    create: (host) => ({
      ...base.create(host),
      allocFrame: () => shared < 0x3000n ? (shared += 0x1000n) - 0x1000n : null,
    }),
  };
  assert.equal(judge(leaky, [{ op: "fill" }]), undefined);
  const violation = judge(leaky, [{ op: "alloc" }])!;
  assert.equal(violation.clause, "ALLOC-7");
  assert.match(violation.message, /does create\(\) share state between instances\?/);
});

Deno.test("a long string a HAL returned is shown cut, with its length", async () => {
  const { describeValue } = await import("./model/state.ts");
  assert.equal(describeValue("short"), '"short"');
  const shown = describeValue("x".repeat(1_000_000));
  assert.ok(shown.length < 120, shown);
  assert.match(shown, /\.\.\. \(1000000 characters\)$/);
});

Deno.test("a long fill is judged as words exactly as the same values in a plain list", () => {
  // Two regions of 4096 frames, the first at address 0 (frame 0 is never a frame): a fill of both is words.
  const profile = validateProfile({
    memory: [{ start: 0n, size: 0x100_0000n }, { start: 0x4000_0000n, size: 0x100_0000n }],
  });
  const frames = [
    ...Array.from({ length: 4095 }, (_, i) => BigInt(i + 1) * 0x1000n),
    ...Array.from({ length: 4096 }, (_, i) => 0x4000_0000n + BigInt(i) * 0x1000n),
  ];
  const fault = fc.record({
    at: fc.nat({ max: frames.length - 1 }),
    value: fc.oneof(
      fc.constantFrom(0n, 0x1001n, 0x100_0000n, 0x3fff_f000n, 0x4100_0000n, 1n << 60n),
      fc.nat({ max: frames.length - 1 }).map((i) => frames[i]), // a frame handed out twice, or out of order
    ),
  });
  fc.assert(
    fc.property(fc.array(fault, { maxLength: 3 }), fc.boolean(), fc.boolean(), (faults, reversed, drained) => {
      const values: unknown[] = reversed ? [...frames].reverse() : [...frames];
      for (const { at, value } of faults) values[at] = value;
      if (drained) values.push(null);
      const words = WordList.of(values);
      const plain = new WordList();
      plain.mayBecomeWords = false;
      for (const value of values) plain.push(value);
      assert.ok(words.plain === undefined && plain.plain !== undefined);
      const judged = (result: WordList) =>
        judgeTraceReach({
          steps: [{ index: 0, op: { op: "fill" }, cpu: 0, dispatched: [], result }],
          strayDispatches: [],
        }, profile);
      const asWords = judged(words);
      const asPlain = judged(plain);
      assert.deepEqual(asWords, asPlain);
      if (faults.length === 0) assert.equal(asWords.violation, undefined);
    }),
    { numRuns: 60, seed: 11 },
  );
});

Deno.test("a fill is judged as the same values returned by one alloc step each, NUMA or not", () => {
  // Two nodes of 64 frames each; CPU 1 sits on node 1. A fill judges most frames on a fast path: the verdict, the
  // clauses reached and the states visited must be those of judging every value in full, also after frees.
  const numa = validateProfile({
    memory: [{ start: 0x10_0000n, size: 0x4_0000n, node: 0 }, { start: 0x40_0000n, size: 0x4_0000n, node: 1 }],
    cpus: 2,
    cpuNodes: [0, 1],
  });
  const plain = validateProfile({
    memory: [{ start: 0x10_0000n, size: 0x4_0000n }, { start: 0x40_0000n, size: 0x4_0000n }],
  });
  const node = (start: bigint) => Array.from({ length: 64 }, (_, i) => start + BigInt(i) * 0x1000n);
  const frames = { 0: node(0x10_0000n), 1: node(0x40_0000n) };
  const value = fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(0, 1).chain((n) => fc.subarray(frames[n as 0 | 1], { minLength: 1 })) },
    { weight: 1, arbitrary: fc.constantFrom([0n], [0x10_0800n], [0x80_0000n], [null]) },
  );
  fc.assert(
    fc.property(
      fc.constantFrom(numa, plain),
      fc.nat({ max: 1 }),
      fc.array(value, { minLength: 1, maxLength: 4 }),
      fc.boolean(),
      fc.subarray(frames[0].slice(0, 8)),
      (profile, cpu, runs, ended, freedFirst) => {
        const values: unknown[] = runs.flat();
        if (ended) values.push(null);
        // Frames handed out and freed before the fill, which may hand them out again (FREE-2 reached, freed no more).
        const before: TraceStep[] = [
          { index: 0, op: { op: "setCpu", cpu }, cpu, dispatched: [] },
          ...freedFirst.map((paddr, i): TraceStep => ({
            index: 1 + i,
            op: { op: "alloc" },
            cpu,
            dispatched: [],
            result: paddr,
          })),
          ...freedFirst.map((paddr, i): TraceStep => ({
            index: 1 + freedFirst.length + i,
            op: { op: "free", frame: i },
            cpu,
            dispatched: [],
            paddr,
          })),
        ];
        const next = before.length;
        const asFill = judgeTraceReach({
          steps: [...before, {
            index: next,
            op: { op: "fill" },
            cpu,
            dispatched: [],
            result: WordList.of([...values]),
          }],
          strayDispatches: [],
        }, profile);
        const asAllocs = judgeTraceReach({
          steps: [
            ...before,
            ...values.map((result, i): TraceStep => ({
              index: next + i,
              op: { op: "alloc" },
              cpu,
              dispatched: [],
              result,
            })),
          ],
          strayDispatches: [],
        }, profile);
        const verdict = (judged: typeof asFill) =>
          judged.violation && [judged.violation.clause, judged.violation.actual];
        assert.deepEqual(verdict(asFill), verdict(asAllocs));
        assert.deepEqual([...asFill.reached].sort(), [...asAllocs.reached].sort());
        assert.deepEqual([...asFill.visited].sort(), [...asAllocs.visited].sort());
      },
    ),
    { numRuns: 300, seed: 12 },
  );
});

Deno.test("a read of a whole frame is judged at the first wrong byte, wherever it lies", () => {
  // One byte of a read flipped, before, inside or after what was written: the judge names that byte (the scan reads
  // unwritten spans a word at a time, so every alignment of the byte and of the written span matters).
  fc.assert(
    fc.property(
      fc.nat({ max: 4095 }),
      fc.nat({ max: 4088 }),
      fc.integer({ min: 1, max: 8 }),
      fc.integer({ min: 0, max: 4095 }),
      (flipped, writeAt, writeLength, readAt) => {
        const flips = patched((hal) => ({
          readMemory(vaddr, length) {
            const bytes = hal.readMemory!(vaddr, length);
            const at = flipped - readAt;
            if (at >= 0 && at < bytes.length) bytes[at] ^= 0x80;
            return bytes;
          },
        }));
        const target = { ...flips, profile: { ...flips.profile, zeroedFrames: true } };
        const violation = judge(target, [
          { op: "alloc" },
          { op: "write", frame: 0, offset: writeAt, bytes: Array.from({ length: writeLength }, (_, i) => i + 1) },
          { op: "read", frame: 0, offset: readAt, length: 4096 - readAt },
        ]);
        if (flipped < readAt) return violation === undefined;
        const written = flipped >= writeAt && flipped < writeAt + writeLength;
        return violation?.clause === (written ? "MEM-1" : "ALLOC-8") && violation.step === 2 &&
          violation.message.includes(`0x${flipped.toString(16)}`);
      },
    ),
    { numRuns: 300 },
  );
});

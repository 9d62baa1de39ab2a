import type { WordList } from "../conformance/program/word_list.ts";
import assert from "node:assert/strict";
import fc from "fast-check";
import { programArbitrary } from "../conformance/program/arbitraries.ts";
import { CHECKS } from "../conformance/checks/catalogue.ts";
import { executeProgram, methodsOf, OPTIONAL_METHODS, type Trace } from "../conformance/program/executor.ts";
import type { HalTarget } from "../conformance/contract/hal.ts";
import type { Program } from "../conformance/program/program.ts";
import { validateProfile } from "../conformance/contract/profile.ts";
import { loadLegalHals, loadMutants } from "../conformance/testdata/load.ts";
import { identityHal } from "../impls/mod.ts";
import { TraceReader } from "./trace_reader.ts";
import { encodeBegin, encodeStep } from "./answer_codec.ts";
import { ProtocolError } from "./wire.ts";

const stateShape = CHECKS.find((check) => check.id === "state.model")!.shape;

/** What a driver would answer for `program`: the executor's trace, encoded. */
function answerOf(target: HalTarget, program: Program, fillLimit: number): { trace: Trace; lines: string[] } {
  const profile = validateProfile(target.profile);
  const trace = executeProgram(target, profile, program, { fillLimit, methods: new Set(OPTIONAL_METHODS) });
  const steps = trace.createError ? [] : trace.steps.map((step) => encodeStep(step, profile.frameSize));
  return { trace, lines: [encodeBegin(trace), ...steps] };
}

function read(target: HalTarget, program: Program, lines: readonly string[], fillLimit: number): Trace {
  const profile = validateProfile(target.profile);
  const methods = methodsOf(target.create({ dispatchIrq() {}, currentCpu: () => 0 }));
  const reader = new TraceReader(profile, methods, fillLimit);
  const trace = reader.begin(lines[0]);
  return trace.createError ? trace : reader.steps(trace, program, lines.slice(1));
}

Deno.test("the reader rebuilds exactly the executor's trace, for legal and broken HALs alike", async () => {
  const targets = [identityHal(), ...await loadLegalHals(), ...(await loadMutants()).map((mutant) => mutant.target)];
  for (const target of targets) {
    const profile = validateProfile(target.profile);
    const methods: ReadonlySet<string> = methodsOf(target.create({ dispatchIrq() {}, currentCpu: () => 0 }));
    const fillLimit = 300;
    fc.assert(
      fc.property(programArbitrary(profile, stateShape), (program) => {
        const { trace, lines } = answerOf(target, program, fillLimit);
        const expected = structuredClone(trace);
        // structuredClone makes a fill's WordList a plain object: the original is what the reader must rebuild.
        trace.steps.forEach((step, index) => {
          if (step.op.op === "fill" && "result" in step) expected.steps[index].result = step.result;
        });
        // The driver reports every absent method; the reader knows which the HAL declared.
        for (const step of expected.steps) {
          if (step.missing && !methods.has(step.missing)) {
            step.skipped = `the HAL has no ${step.missing}`;
            delete step.missing;
          }
        }
        assert.deepEqual(read(target, program, lines, fillLimit), expected);
      }),
      { numRuns: 40, seed: 11 },
    );
  }
});

Deno.test("answers that are not what the program asked for are refused", () => {
  const target = identityHal();
  const program: Program = [
    { op: "alloc" },
    { op: "free", frame: 0 },
    { op: "fill" },
    { op: "p2v", frame: 0, offset: 5 },
    { op: "free", frame: 7 },
    { op: "setCpu", cpu: 0 },
  ];
  const { lines } = answerOf(target, program, 1000);
  assert.doesNotThrow(() => read(target, program, lines, 1000));
  const forged = (step: number, line: string) => lines.map((original, index) => index === step + 1 ? line : original);
  const cases: [string[], RegExp][] = [
    [forged(0, "0x80000000 verdict:pass"), /unknown token "verdict:pass"/],
    [forged(0, "0x80000000 0x80001000"), /expected one value or one throw/],
    [forged(0, ""), /expected one value or one throw/],
    [forged(1, "@0x80001000 ok"), /the driver called with 0x80001000, but the program's pick resolves to 0x80000000/],
    [forged(1, "ok"), /called with no address/],
    [forged(1, "@0x80000000 0x1"), /a value where the call returns nothing/],
    [forged(1, "@0x80000000 throw:allocFrame:Error:x"), /"allocFrame" is not a method this operation calls/],
    [forged(1, "skip"), /skipped a step that has something to operate on/],
    [forged(2, "0x80000000 0x80001000"), /a fill goes on until null/],
    [forged(2, "null 0x80001000"), /a fill goes on until null/],
    [forged(2, "0x80000000*1 null"), /is not a run \(a count of at least 2\)/],
    [forged(2, "0x80000000*x null"), /is not a run/],
    [forged(2, "0x80000000*999999 null"), /makes more than the \d+ this step can answer/],
    [forged(2, "0x1000*-3 null"), /runs below address 0/],
    [forged(2, "0x80000000*3"), /a fill goes on until null/],
    [forged(0, "0x80000000*2"), /a run of addresses outside a fill/],
    [forged(1, "@0x80000000 ok*2"), /a run of oks outside a freeMany/],
    [forged(3, "@0x80001005 0xffff"), /called with 0x80001005, but the program's pick resolves to 0x80000005/],
    [forged(5, "cpu:1"), /the driver is on CPU 1, the program on 0/],
    [forged(5, "cpu:0 ok"), /expected cpu:0 only/],
    [forged(0, "0x80000000 irq:"), /is not an IRQ number/],
    [forged(0, "0x80000000 throw:allocFrame"), /expected throw:<method>:<name>:<message>/],
    [lines.slice(0, -1), /expected 6 step lines, got 5/],
    [["begin 0x1", ...lines.slice(1)], /only a throw from create/],
    [["result pass", ...lines.slice(1)], /expected "begin"/],
  ];
  for (const [answer, message] of cases) {
    assert.throws(
      () => read(target, program, answer, 1000),
      (error: Error) => error instanceof ProtocolError && message.test(error.message),
      `${answer.join(" | ").slice(0, 200)} should fail with ${message}`,
    );
  }
  // The trailing step picks nothing (frame 7 of one live frame still resolves: picks are modulo), so a skip is refused.
  assert.throws(() => read(target, program, forged(4, "skip"), 1000), /skipped a step/);
});

Deno.test("a missing method is reported as missing when declared, as skipped when not", () => {
  const target = identityHal();
  const program: Program = [{ op: "fetch" }];
  const profile = validateProfile(target.profile);
  const declared = new TraceReader(profile, new Set(["irqFetch"]), 10);
  assert.equal(declared.steps(declared.begin("begin"), program, ["missing:irqFetch"]).steps[0].missing, "irqFetch");
  const undeclared = new TraceReader(profile, new Set(), 10);
  assert.equal(
    undeclared.steps(undeclared.begin("begin"), program, ["missing:irqFetch"]).steps[0].skipped,
    "the HAL has no irqFetch",
  );
  assert.throws(() => declared.steps(declared.begin("begin"), program, ["missing:raiseIrq"]), /not the method/);
});

Deno.test("runs read as the values they stand for, up and down, and count against the step's limits", () => {
  const target = identityHal();
  const program: Program = [{ op: "fill" }, { op: "freeMany", count: 5, stride: 1 }];
  const { trace, lines } = answerOf(target, program, 6);
  assert.deepEqual(lines.slice(1), ["0x80000000*6", "ok*5"], "the driver's answers are runs");
  const plain = ["0x80000000 0x80001000 0x80002000 0x80003000 0x80004000 0x80005000", "ok ok ok ok ok"];
  assert.deepEqual(read(target, program, [lines[0], ...plain], 6), trace, "the long form reads the same");
  assert.deepEqual(read(target, program, lines, 6), trace);
  // Down, and mixed with single values.
  const mixed = read(target, [{ op: "fill" }], ["begin", "0x80003000*-2 0x80000000*2 0x80005000 null"], 6);
  assert.deepEqual(
    (mixed.steps[0].result as WordList).toArray(),
    [0x8000_3000n, 0x8000_2000n, 0x8000_0000n, 0x8000_1000n, 0x8000_5000n, null],
  );
  // A fill long enough to be kept as words reads back as the same words.
  const large = identityHal({ memory: [{ start: 0x8000_0000n, size: 32n << 20n }] });
  const long = answerOf(large, [{ op: "fill" }, { op: "freeMany", count: 4096, stride: 2 }, { op: "fill" }], 8193);
  assert.equal((long.trace.steps[0].result as WordList).plain, undefined, "kept as words");
  assert.deepEqual(
    read(large, [{ op: "fill" }, { op: "freeMany", count: 4096, stride: 2 }, { op: "fill" }], long.lines, 8193),
    long.trace,
  );
  // A freeMany's run may not claim more calls than the frames it frees, nor be expanded past the line's bound.
  assert.throws(() => read(target, program, [lines[0], lines[1], "ok*6"], 6), /expected 5 frees/);
  assert.throws(() => read(target, program, [lines[0], lines[1], "ok*99999999"], 6), /makes more than the \d+/);
});

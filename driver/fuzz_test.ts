/**
 * Generated garbage against the trusted side of the protocol: whatever a driver sends, the trace reader answers with a
 * trace or a `ProtocolError`, and the session with a batch outcome (traces, or a failure naming the program), never a
 * crash, a hang or another kind of error. Lines are built from the protocol's own tokens, mangled, and from noise.
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { programArbitrary } from "../conformance/program/arbitraries.ts";
import { CHECKS } from "../conformance/checks/catalogue.ts";
import { OPTIONAL_METHODS } from "../conformance/program/executor.ts";
import { validateProfile } from "../conformance/contract/profile.ts";
import type { Program } from "../conformance/program/program.ts";
import { axvisorHal, identityHal } from "../impls/mod.ts";
import { DriverSession } from "./session.ts";
import { TraceReader } from "./trace_reader.ts";
import { ProtocolError } from "./wire.ts";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const stateShape = CHECKS.find((check) => check.id === "state.model")!.shape;

/** Tokens a driver may send, and near misses. */
const token: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    "ok",
    "null",
    "undefined",
    "skip",
    "+",
    "begin",
    "end",
    "error",
    "ok*3",
    "ok*0",
    "ok*-1",
    "0x80000000*4",
    "0x80000000*-4",
    "0x0*2",
    "-0x1*2",
    "*",
    "@",
    "@0x",
    "irq:",
    "irq:NaN",
    "cpu:0",
    "cpu:99999999999",
    "missing:allocFrame",
    "denied:%",
    "throw:a:b",
    "throw:allocFrame:Error:%E0%A4%A",
    "b:0",
    "b:zz",
    "n:1e309",
    "s:%ZZ",
    "o:object",
  ),
  fc.bigInt({ min: -(1n << 70n), max: 1n << 70n }).map((value) =>
    value < 0n ? `-0x${(-value).toString(16)}` : `0x${value.toString(16)}`
  ),
  fc.tuple(fc.constantFrom("@", "irq:", "cpu:", "n:", "b:", "denied:", "throw:x:y:"), fc.string({ maxLength: 12 }))
    .map(([prefix, rest]) => prefix + rest),
  fc.string({ maxLength: 20, unit: "binary" }),
);
const line: fc.Arbitrary<string> = fc.array(token, { maxLength: 12 }).map((tokens) => tokens.join(" "));

Deno.test("the trace reader answers any lines with a trace or a ProtocolError, nothing else", () => {
  for (const target of [identityHal(), axvisorHal()]) {
    const profile = validateProfile(target.profile);
    const methods = new Set<string>(OPTIONAL_METHODS);
    fc.assert(
      fc.property(
        programArbitrary(profile, stateShape),
        line,
        fc.array(line, { maxLength: 30 }),
        (program, first, rest) => {
          const reader = new TraceReader(profile, methods, 300);
          try {
            const trace = reader.begin(first.startsWith("begin") ? first : `begin ${first}`);
            if (!trace.createError) reader.steps(trace, program, rest);
          } catch (error) {
            if (!(error instanceof ProtocolError)) throw error;
          }
        },
      ),
      { seed: 20, numRuns: 3000 },
    );
  }
});

Deno.test("a session answers a driver's garbage with an outcome, never a crash or a hang", async () => {
  const dir = await Deno.makeTempDir({ prefix: "halconf_fuzz_" });
  const programs: Program[] = [[{ op: "alloc" }, { op: "alloc" }], [{ op: "fill" }], [{ op: "alloc" }]];
  const answer = fc.oneof(
    fc.array(line, { maxLength: 12 }).map((lines) => lines.join("\n") + "\n"),
    fc.array(line, { maxLength: 12 }).map((lines) => `begin\n${lines.join("\n")}`),
    fc.uint8Array({ maxLength: 400 }).map((bytes) => new TextDecoder().decode(bytes)),
  );
  try {
    await fc.assert(
      fc.asyncProperty(answer, async (garbage) => {
        const file = `${dir}/answer`;
        await Deno.writeTextFile(file, garbage);
        const session = await DriverSession.start({
          source: {
            command: [
              Deno.execPath(),
              "run",
              "--quiet",
              "-A",
              `${ROOT}driver/testdata/fake_driver.ts`,
              "garbage",
              file,
            ],
          },
          label: "garbage",
        });
        try {
          const outcome = await session.execute(programs, { fillLimit: 10, deadline: performance.now() + 2_000 });
          assert.ok(outcome.completed <= programs.length);
          assert.equal(outcome.traces.length, outcome.completed);
          // Garbage is not a batch: at most it is a prefix of answers, then a failure saying why.
          if (outcome.failure) assert.match(outcome.failure.status, /^(error|timeout)$/);
        } finally {
          await session.close();
        }
      }),
      { seed: 21, numRuns: 40 },
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { selectChecks } from "../conformance/checks/catalogue.ts";
import { executeProgram } from "../conformance/program/executor.ts";
import { runCheckWith } from "../conformance/run/runner.ts";
import { validateProfile } from "../conformance/contract/profile.ts";
import { programArbitrary } from "../conformance/program/arbitraries.ts";
import { CHECKS } from "../conformance/checks/catalogue.ts";
import { loadLegalHals, loadMutants } from "../conformance/testdata/load.ts";
import fc from "fast-check";
import type { Program } from "../conformance/program/program.ts";
import { DriverLoadError, DriverSession } from "./session.ts";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const fake = (mode: string) => ({
  source: { command: [Deno.execPath(), "run", "--quiet", "-A", `${ROOT}driver/testdata/fake_driver.ts`, mode] },
  label: `fake ${mode}`,
});
const ALLOCS = [[{ op: "alloc" }, { op: "alloc" }], [{ op: "alloc" }], [{ op: "alloc" }]] as Program[];

async function executeWith(mode: string, deadlineMs = 5_000) {
  const session = await DriverSession.start(fake(mode));
  try {
    return await session.execute(ALLOCS, { fillLimit: 10, deadline: performance.now() + deadlineMs });
  } finally {
    await session.close();
  }
}

Deno.test("a driver that breaks the protocol is stopped at the program it broke, with the reason", async (t) => {
  const cases: [string, number, RegExp][] = [
    ["oversize", 0, /broke the protocol.*a line longer than 33554432 bytes/],
    [
      "amplify",
      0,
      /broke the protocol.*step 1 \(alloc\): 4000001 tokens, more than the 10003 this operation can answer/,
    ],
    ["verdict", 0, /broke the protocol.*expected "begin", got "PASS"/],
    ["extra-token", 0, /broke the protocol.*step 2 \(alloc\): "ok" where a value is returned/],
    ["exit-mid", 1, /the HAL process exited \(code 3\) while it ran the program below/],
    ["garbage-stdout", 0, /broke the protocol.*expected "begin", got "I am printing a debug line here"/],
  ];
  for (const [mode, completed, reason] of cases) {
    await t.step(mode, async () => {
      const outcome = await executeWith(mode);
      assert.equal(outcome.failure?.status, "error");
      assert.match(outcome.failure!.reason, reason);
      assert.equal(outcome.traces.length, completed, "the traces before the broken program are kept");
    });
  }
});

Deno.test("a driver that never answers is stopped at the deadline", async () => {
  const outcome = await executeWith("silent", 500);
  assert.equal(outcome.failure?.status, "timeout");
  assert.deepEqual(outcome.traces, []);
});

Deno.test("through the runner, a broken driver's check is an error with the program, never a pass", async () => {
  const session = await DriverSession.start(fake("verdict"));
  try {
    const [check] = selectChecks(["alloc.unique"]);
    const result = await runCheckWith(session, check, { seed: 3, runs: 40 });
    assert.equal(result.status, "error");
    assert.ok(result.counterexample!.steps.length > 0, "the program that broke it is shown");
  } finally {
    await session.close();
  }
});

Deno.test("a driver that speaks another version cannot be loaded", async () => {
  await assert.rejects(
    () => DriverSession.start(fake("version2")),
    (error: Error) =>
      error instanceof DriverLoadError && /speaks protocol 2; this halconf speaks 1/.test(error.message),
  );
});

Deno.test("a hand-written honest driver passes what it keeps (alloc only: the check runs and passes)", async () => {
  const session = await DriverSession.start(fake("honest"));
  try {
    assert.equal(session.name, "fake-honest");
    const outcome = await session.execute([[{ op: "alloc" }, { op: "alloc" }]], {
      fillLimit: 10,
      deadline: performance.now() + 5_000,
    });
    assert.deepEqual(outcome.traces[0].steps.map((step) => step.result), [0x8000_0000n, 0x8000_1000n]);
  } finally {
    await session.close();
  }
});

Deno.test("through the TypeScript driver, every HAL gives the trace it gives in process", async () => {
  const stateShape = CHECKS.find((check) => check.id === "state.model")!.shape;
  const files = [
    "conformance/testdata/legal/numa_lopsided.ts",
    "conformance/testdata/legal/scrambled_translation.ts",
    "conformance/testdata/mutants/per_cpu_cache_leak.ts",
    "conformance/testdata/mutants/stale_frame_contents.ts",
    "conformance/testdata/mutants/undefined_when_exhausted.ts",
    "conformance/testdata/mutants/precision_loss.ts",
  ];
  const targets = new Map(
    [...await loadLegalHals(), ...(await loadMutants()).map((m) => m.target)].map((t) => [t.name, t]),
  );
  for (const file of files) {
    const session = await DriverSession.start({ source: { module: `${ROOT}${file}` }, label: file });
    try {
      const target = targets.get(session.name)!;
      const profile = validateProfile(target.profile);
      const programs = fc.sample(programArbitrary(profile, stateShape), { seed: 5, numRuns: 60 });
      const { traces, failure } = await session.execute(programs, {
        fillLimit: 300,
        deadline: performance.now() + 30_000,
      });
      assert.equal(failure, undefined);
      for (const [index, program] of programs.entries()) {
        const expected = executeProgram(target, profile, program, { fillLimit: 300, methods: session.methods });
        assert.deepEqual(traces[index], expected, `${file}, program ${index + 1}`);
      }
    } finally {
      await session.close();
    }
  }
});

Deno.test("a session killed (Ctrl-C) runs nothing more: no driver is restarted for the next batch", async () => {
  const session = await DriverSession.start({ source: { reference: "identity" }, label: "identity" });
  try {
    const before = await session.execute(ALLOCS, { fillLimit: 10, deadline: Infinity });
    assert.equal(before.completed, ALLOCS.length);
    session.kill();
    const after = await session.execute(ALLOCS, { fillLimit: 10, deadline: Infinity });
    assert.deepEqual(after, { traces: [], completed: 0, failure: { status: "error", reason: "interrupted" } });
  } finally {
    await session.close();
  }
});

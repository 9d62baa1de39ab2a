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

async function executeWith(mode: string, deadlineMs = 5_000, programs: Program[] = ALLOCS) {
  const session = await DriverSession.start(fake(mode));
  try {
    return await session.execute(programs, { fillLimit: 10, deadline: performance.now() + deadlineMs });
  } finally {
    await session.close();
  }
}

Deno.test("a driver that breaks the protocol is stopped at the program it broke, with the reason", async (t) => {
  const cases: [string, number, RegExp][] = [
    ["oversize", 0, /broke the protocol.*a line longer than 1048576 bytes/],
    ["amplify", 0, /broke the protocol.*a line longer than 1048576 bytes/],
    ["empty-continuation", 0, /broke the protocol.*a continued line with no token/],
    ["verdict", 0, /broke the protocol.*expected "begin", got "PASS"/],
    ["extra-token", 0, /broke the protocol.*step 2 \(alloc\): "ok" where a value is returned/],
    ["exit-mid", 1, /the HAL process exited \(code 3\) while it ran the program below/],
    ["fork-exit-mid", 1, /the HAL process exited \(code 3\) while it ran the program below/],
    // Past the last program: the batch's end is broken, and the last program is the one concerned.
    ["error-end", 2, /broke the protocol in the end of the batch.*the driver gave up: I give up/],
    ["extra-answer", 2, /broke the protocol in the end of the batch.*expected "end" after the batch, got "begin"/],
  ];
  for (const [mode, completed, reason] of cases) {
    await t.step(mode, async () => {
      const outcome = await executeWith(mode);
      assert.equal(outcome.failure?.status, "error");
      assert.match(outcome.failure!.reason, reason);
      assert.equal(outcome.completed, completed, "the program concerned is the one reported");
      assert.equal(outcome.traces.length, completed, "the traces before the broken program are kept");
    });
  }
});

Deno.test("a driver's answers are bounded per step and per program, not only per line", async () => {
  const long = [Array.from({ length: 12 }, () => ({ op: "alloc" }))] as Program[];
  const outcome = await executeWith("irq-flood", 5_000, long);
  assert.equal(outcome.failure?.status, "error");
  assert.match(outcome.failure!.reason, /more than 100000 irq: and denied: tokens in one program/);
});

Deno.test("a driver that writes after the end of its batch is stopped at the next batch", async () => {
  const session = await DriverSession.start(fake("after-end"));
  try {
    const first = await session.execute(ALLOCS, { fillLimit: 10, deadline: performance.now() + 5_000 });
    assert.equal(first.failure, undefined);
    // The stray line may arrive before the next batch is sent, or after: either way that batch is not trusted.
    const second = await session.execute(ALLOCS, { fillLimit: 10, deadline: performance.now() + 5_000 });
    assert.equal(second.failure?.status, "error");
    assert.match(second.failure!.reason, /broke the protocol/);
  } finally {
    await session.close();
  }
});

Deno.test("what a driver prints on its standard output is HAL output, never the protocol", async () => {
  const session = await DriverSession.start(fake("stdout-logging"));
  try {
    const outcome = await session.execute(ALLOCS, { fillLimit: 10, deadline: performance.now() + 5_000 });
    assert.equal(outcome.failure, undefined);
    assert.equal(outcome.completed, ALLOCS.length);
    // Output travels on other pipes than the answers: it may come a moment after them.
    let output = "";
    for (const until = performance.now() + 5_000; !/PASS/.test(output) && performance.now() < until;) {
      output += session.takeOutput() ?? "";
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    assert.match(output, /allocFrame: 0\nbegin\nPASS/);
  } finally {
    await session.close();
  }
});

Deno.test("a driver that never answers, or never ends its batch, is stopped at the deadline", async () => {
  const silent = await executeWith("silent", 500);
  assert.equal(silent.failure?.status, "timeout");
  assert.deepEqual(silent.traces, []);
  const noEnd = await executeWith("no-end", 500);
  assert.equal(noEnd.failure?.status, "timeout");
  assert.match(noEnd.failure!.reason, /the end of the batch/);
  assert.equal(noEnd.completed, ALLOCS.length - 1);
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

Deno.test("a driver that speaks another version cannot be loaded, and one of protocol 1 is told how to move", async () => {
  await assert.rejects(
    () => DriverSession.start(fake("version3")),
    (error: Error) =>
      error instanceof DriverLoadError && /speaks protocol 3; this halconf speaks 2/.test(error.message),
  );
  await assert.rejects(
    () => DriverSession.start(fake("version1")),
    (error: Error) =>
      error instanceof DriverLoadError &&
      /spoke protocol 1 on its standard output.*From protocol 1/.test(error.message),
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

Deno.test("a batch sent ahead is the answer when asked for next, and dropped when something else is", async () => {
  const session = await DriverSession.start({ source: { reference: "identity" }, label: "identity" });
  const options = { fillLimit: 10, deadline: performance.now() + 10_000 };
  const twoAllocs = [[{ op: "alloc" }, { op: "alloc" }]] as Program[];
  const freeAgain = [[{ op: "alloc" }, { op: "free", frame: 0 }, { op: "freeAgain", frame: 0 }]] as Program[];
  try {
    // Asked for next: the same array, answered without being sent again (the traces are its own).
    const first = await session.execute(ALLOCS, { ...options, next: twoAllocs });
    assert.equal(first.completed, ALLOCS.length);
    const second = await session.execute(twoAllocs, { ...options, next: freeAgain });
    assert.equal(second.failure, undefined);
    assert.deepEqual(second.traces[0].steps.map((step) => step.result), [0x8000_0000n, 0x8000_1000n]);
    // Not asked for: its answers are read and dropped, and what is asked for instead gets its own.
    const third = await session.execute(ALLOCS, options);
    assert.equal(third.failure, undefined);
    assert.deepEqual(third.traces.map((trace) => trace.steps.length), [2, 1, 1]);
    // An equal batch that is not the one sent ahead is sent anew (identity, not equality, says it was sent).
    const ahead = await session.execute(ALLOCS, { ...options, next: [...twoAllocs] });
    assert.equal(ahead.failure, undefined);
    const again = await session.execute(twoAllocs, options);
    assert.deepEqual(again.traces[0].steps.map((step) => step.result), [0x8000_0000n, 0x8000_1000n]);
  } finally {
    await session.close();
  }
});

Deno.test("a native driver keeps PATH, the toolchain's homes and how cargo builds; never a token or anything else", async () => {
  const dir = await Deno.makeTempDir({ prefix: "halconf_env_" });
  const set = {
    CARGO_TARGET_DIR: `${dir}/target`,
    CARGO_NET_OFFLINE: "true",
    RUSTFLAGS: "-C debuginfo=0",
    CARGO_REGISTRY_TOKEN: "cio-secret",
    CARGO_REGISTRIES_CORP_TOKEN: "corp-secret",
    AWS_SECRET_ACCESS_KEY: "aws-secret",
  };
  const before = Object.fromEntries(Object.keys(set).map((name) => [name, Deno.env.get(name)]));
  for (const [name, value] of Object.entries(set)) Deno.env.set(name, value);
  try {
    // A "driver" that writes down its environment and ends: it cannot load, which is what the catch below expects.
    await assert.rejects(
      DriverSession.start({
        source: { command: ["sh", "-c", `env > '${dir}/env.txt'`] },
        label: "env",
        loadTimeoutMs: 10_000,
      }),
      DriverLoadError,
    );
    const env = new Map(
      (await Deno.readTextFile(`${dir}/env.txt`)).trim().split("\n").map((line) => {
        const at = line.indexOf("=");
        return [line.slice(0, at), line.slice(at + 1)] as const;
      }),
    );
    assert.equal(env.get("CARGO_TARGET_DIR"), set.CARGO_TARGET_DIR);
    assert.equal(env.get("CARGO_NET_OFFLINE"), "true");
    assert.equal(env.get("RUSTFLAGS"), set.RUSTFLAGS);
    assert.ok(env.has("PATH"));
    for (const secret of ["CARGO_REGISTRY_TOKEN", "CARGO_REGISTRIES_CORP_TOKEN", "AWS_SECRET_ACCESS_KEY"]) {
      assert.ok(!env.has(secret), `${secret} reached the driver`);
    }
    assert.notEqual(env.get("HOME"), Deno.env.get("HOME"), "its HOME is a private one");
  } finally {
    for (const [name, value] of Object.entries(before)) {
      if (value === undefined) Deno.env.delete(name);
      else Deno.env.set(name, value);
    }
    await Deno.remove(dir, { recursive: true });
  }
});

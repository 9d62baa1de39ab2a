/**
 * The hostile corpus: HALs written by an author who wants a green badge for
 * a broken HAL. Each wraps the same broken HAL (`testdata/hostile/_broken.ts`:
 * a frame handed out twice, `virtToPhys` off by a page) in one attack, and
 * each run must end with a non-zero exit and no PASS for the broken checks.
 */
import assert from "node:assert/strict";
import { ROOT, runCli } from "./testdata/run_cli.ts";

interface JsonResult {
  check: string;
  status: string;
  reason?: string;
  output?: string;
  denied?: string;
  runs: number;
  counterexample?: { steps: string[]; violation: { clause: string } };
}

const BROKEN = ["alloc.unique", "xlate.roundtrip"];

async function conform(hal: string, extra: string[] = [], checks = BROKEN) {
  const run = await runCli([
    "--hal",
    hal.includes("/") ? hal : `cli/testdata/hostile/${hal}.ts`,
    ...checks.flatMap((check) => ["--check", check]),
    "--seed",
    "11",
    "--format",
    "json",
    ...extra,
  ]);
  const results = run.stdout ? (JSON.parse(run.stdout).results as JsonResult[]) : [];
  return { ...run, results, status: (check: string) => results.find((result) => result.check === check)?.status };
}

/** The broken checks did not pass, and the run failed. */
function assertCaught(run: Awaited<ReturnType<typeof conform>>, allowed: string[] = ["fail"]): void {
  assert.notEqual(run.code, 0, run.stderr);
  for (const check of BROKEN) {
    const status = run.status(check);
    assert.ok(status !== undefined && allowed.includes(status), `${check}: ${status} (${run.stderr})`);
  }
}

Deno.test("forged result lines, with the marker from Deno.args, are output of the HAL and nothing more", async () => {
  const run = await conform("forged_events");
  assertCaught(run);
  assert.equal(run.status("alloc.unique"), "fail");
  assert.match(run.results[0].output ?? "", /"status":"pass"/);
  assert.match(run.results[0].output ?? "", /^verdict pass$/m);
});

Deno.test("a HAL that rewrites what it writes (stdout and stderr, fail into pass) changes no verdict", async () => {
  assertCaught(await conform("stdout_rewrite"));
});

Deno.test("patching JSON.stringify and JSON.parse changes no verdict", async () => {
  assertCaught(await conform("json_patch"));
});

Deno.test("poisoned builtins break only the driver: every check is an error, none passes", async () => {
  const run = await conform("builtin_patch");
  assertCaught(run, ["fail", "error"]);
  // Said where the driver broke: a check's reason, or under a counterexample run once more.
  assert.match(run.stdout, /the driver (broke the protocol|gave up)/);
  const onLoad = await conform("builtin_patch_on_load");
  assert.equal(onLoad.code, 3, "patched while loading: the HAL cannot be checked at all");
  assert.deepEqual(onLoad.results, []);
});

Deno.test("an Array iterator that yields nothing breaks only the driver", async () => {
  assertCaught(await conform("iterator_patch"), ["error"]);
});

Deno.test("Object.prototype pollution changes no verdict", async () => {
  assertCaught(await conform("prototype_pollution"));
});

Deno.test("emptying the catalogue and stubbing fast-check in the HAL's process changes no verdict", async () => {
  const run = await conform("catalogue_patch");
  assertCaught(run);
  // The attack worked where it ran, which is not where the verdict is computed.
  assert.match(run.results[0].output ?? "", /empty the catalogue: done/);
  assert.match(run.results[0].output ?? "", /stub Property.run: done/);
});

Deno.test("a replay of a saved failure cannot be forged into 'no violation'", async () => {
  const dir = await Deno.makeTempDir({ prefix: "halconf_hostile_" });
  try {
    const run = await conform("replay_forgery", ["--save-failures", dir]);
    assertCaught(run);
    const replayed = await runCli(["replay", `${dir}/replay-forgery.alloc.unique.json`]);
    assert.equal(replayed.code, 1, replayed.stderr);
    assert.match(replayed.stdout, /ALLOC-6 broken/);
    assert.match(replayed.stdout, /output of the HAL:\n {2}\| .*"type":"traced"/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("burning the time budget in create() never ends in a pass", async () => {
  // Each instance after the probe takes 400 ms: a one-second deadline leaves room for two programs per check.
  const run = await conform("budget_burn", ["--timeout", "1"]);
  assertCaught(run, ["fail", "incomplete", "timeout"]);
});

Deno.test("methods on the first instance only: every IRQ and memory check is an error", async () => {
  const run = await conform("first_instance_only", [], ["irq.idle", "irq.no-loss", "mem.readback", ...BROKEN]);
  assertCaught(run);
  for (const check of ["irq.idle", "irq.no-loss", "mem.readback"]) {
    assert.equal(run.status(check), "error", check);
  }
  const idle = run.results.find((result) => result.check === "irq.idle")!;
  assert.match(
    idle.reason!,
    /this instance has no (irqFetch|raiseIrq|irqHandler), though the HAL's first instance had it/,
  );
});

Deno.test("a HAL that leaves a timer running does not hang the run", async () => {
  assertCaught(await conform("leaves_interval"));
});

Deno.test("a stray record separator and 256 MiB without a newline on stderr: kept bounded", async () => {
  // GNU time reports the supervisor's true peak memory once it has exited: no sampling, no timing.
  const child = await new Deno.Command("/usr/bin/time", {
    args: [
      "-f",
      "peak-kib %M",
      Deno.execPath(),
      "run",
      "--quiet",
      `--config=${ROOT}deno.json`,
      "-A",
      `${ROOT}cli/main.ts`,
      "--hal",
      "cli/testdata/hostile/stderr_flood.ts",
      "--check",
      "alloc.unique",
      "--format",
      "json",
    ],
    cwd: ROOT,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stderr = new TextDecoder().decode(child.stderr);
  assert.equal(child.code, 1, stderr);
  const [result] = JSON.parse(new TextDecoder().decode(child.stdout)).results as JsonResult[];
  assert.equal(result.status, "fail");
  assert.match(result.output!, /\.\.\. \(2683\d{5} bytes omitted\) \.\.\./);
  assert.ok(result.output!.length < 70_000);
  const peakKiB = Number(/peak-kib (\d+)/.exec(stderr)?.[1]);
  assert.ok(peakKiB > 0 && peakKiB < 400 * 1024, `supervisor peak ${peakKiB >> 10} MiB`);
});

Deno.test("an npm: import at run time is refused (nothing is fetched)", async () => {
  const run = await conform("npm_import");
  assertCaught(run);
  assert.match(run.results[0].output ?? "", /npm import: refused/);
});

Deno.test("a 4 GiB allocation fails under the driver's memory cap", async () => {
  const run = await conform("huge_allocation", ["--memory", "1024"], [...BROKEN, "irq.idle"]);
  assertCaught(run, ["error"]);
  assert.match(run.results[0].reason!, /create\(\) threw RangeError: Array buffer allocation failed/);
  assert.equal(run.status("irq.idle"), "error", "a HAL whose first instance fails is an error everywhere");
});

Deno.test("a HAL that reads its standard input finds no program there (they travel on the channel): caught", async () => {
  assertCaught(await conform("steals_stdin", ["--timeout", "5"]));
});

Deno.test("a HAL that exits while loading cannot be checked (exit 3)", async () => {
  const run = await conform("exits_on_load");
  assert.equal(run.code, 3);
  assert.match(run.stderr, /the driver exited with code 0 while loading/);
});

Deno.test("HAL names cannot corrupt reports: newlines refused, # escaped in TAP", async () => {
  const newline = await conform("newline_name");
  assert.equal(newline.code, 3);
  assert.match(newline.stderr, /"name" must be one line of printable characters/);
  const todo = await runCli([
    "--hal",
    "cli/testdata/hostile/todo_name.ts",
    "--check",
    "alloc.unique",
    "--format",
    "tap",
  ]);
  assert.equal(todo.code, 1);
  assert.match(todo.stdout, /^not ok 1 - x \\# TODO alloc\.unique$/m);
  assert.doesNotMatch(todo.stdout, /^not ok 1 - x # TODO/m);
});

Deno.test("a HAL in a folder whose name has a comma is refused, not granted more than its folder", async () => {
  const dir = await Deno.makeTempDir({ prefix: "halconf_hostile_" });
  try {
    await Deno.mkdir(`${dir}/evil,`);
    await Deno.writeTextFile(
      `${dir}/evil,/hal.ts`,
      `export default (await import("${ROOT}cli/testdata/hostile/_broken.ts")).broken("comma");\n`,
    );
    const run = await runCli(["--hal", `${dir}/evil,/hal.ts`, "--check", "alloc.unique"]);
    assert.equal(run.code, 3, run.stderr);
    assert.match(run.stderr, /contains a comma, which Deno's permission lists cannot express/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("paths with # and % load as the files they name", async () => {
  const dir = await Deno.makeTempDir({ prefix: "halconf_hostile_" });
  try {
    await Deno.mkdir(`${dir}/a#b%41`);
    await Deno.writeTextFile(
      `${dir}/a#b%41/hal #1.ts`,
      `export default (await import("${ROOT}cli/testdata/hostile/_broken.ts")).broken("hash-percent");\n`,
    );
    const run = await conform(`${dir}/a#b%41/hal #1.ts`);
    assertCaught(run);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("--timeout has an upper bound", async () => {
  const run = await runCli(["--timeout", "1e9"]);
  assert.equal(run.code, 2);
  assert.match(run.stderr, /--timeout must be at most 86400 seconds/);
});

Deno.test("escape sequences a HAL prints or throws are shown inert in the report a person reads", async () => {
  const run = await runCli([
    "--hal",
    "cli/testdata/hostile/escape_sequences.ts",
    "--check",
    "alloc.unique",
    "--check",
    "free.accept",
    "--seed",
    "11",
  ]);
  assert.equal(run.code, 1, run.stderr);
  assert.ok(!run.stdout.includes("\u001b"), "no raw escape character reaches the terminal");
  assert.match(run.stdout, /\\u001b\[1A\\u001b\[2K {2}PASS/);
  assert.match(run.stdout, /FAIL +alloc\.unique/);
});

Deno.test("a create() that deletes its own profile claims has them judged all the same: they were read first", async () => {
  const run = await conform("deletes_claims", [], ["free.strict", "alloc.zeroed"]);
  assert.equal(run.code, 1, run.stderr);
  assert.equal(run.status("free.strict"), "fail");
  assert.notEqual(run.status("alloc.zeroed"), "skip");
});

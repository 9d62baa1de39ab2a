import assert from "node:assert/strict";
import { REJECTIONS } from "../conformance/testdata/invalid_profiles.ts";
import { ROOT, runCli } from "./testdata/run_cli.ts";

const EXIT = { ok: 0, failed: 1, usage: 2, load: 3 };

function assertOneLine(stderr: string, pattern: RegExp): void {
  const lines = stderr.trim().split("\n");
  assert.equal(lines.length, 1, `expected a one-line error, got:\n${stderr}`);
  assert.match(lines[0], pattern);
  assert.doesNotMatch(stderr, /^\s+at /m, "no stack trace");
}

Deno.test("the default run checks every reference HAL and exits 0", async () => {
  const run = await runCli(["conform", "--seed", "11"]);
  assert.equal(run.code, EXIT.ok, run.stdout + run.stderr);
  for (const name of ["identity", "offset", "sparse", "numa", "paged", "axvisor"]) {
    assert.match(run.stdout, new RegExp(`^${name} \\(reference HAL\\)$`, "m"));
  }
  assert.match(run.stdout, /^\d+ passed, 0 failed, \d+ skipped, 0 errors, 0 timeouts/m);
});

Deno.test("a mutant module exits 1 and prints its counterexample, clause and replay command", async () => {
  const run = await runCli(["--hal", "conformance/testdata/mutants/silent_double_free.ts", "--seed", "4"]);
  assert.equal(run.code, EXIT.failed, run.stderr);
  assert.match(run.stdout, /FAIL\s+free\.strict\s+FREE-3: deallocFrame\(0x[0-9a-f_]+\) accepted/);
  assert.match(run.stdout, / {11}1\. /);
  assert.match(
    run.stdout,
    /replay: deno run -A .*main\.ts conform --hal conformance\/testdata\/mutants\/silent_double_free\.ts --check free\.strict --seed 4/,
  );
});

Deno.test("--version, --help and per-command help document the exit codes", async () => {
  assert.match((await runCli(["--version"])).stdout, /^halconf \d+\.\d+\.\d+\n$/);
  const help = await runCli(["--help"]);
  assert.equal(help.code, EXIT.ok);
  assert.match(help.stdout, /Exit codes:\n {2}0 .*\n {2}1 .*\n {2}2 .*\n {2}3 /);
  for (const command of ["conform", "list", "explain", "replay", "init", "merge"]) {
    const run = await runCli([command, "--help"]);
    assert.equal(run.code, EXIT.ok);
    assert.match(run.stdout, new RegExp(`Usage: halconf ${command}`));
  }
});

const usageErrors: [string, string[], RegExp][] = [
  ["unknown flag", ["--frobnicate"], /unknown flag --frobnicate/],
  ["unknown command", ["frobnicate"], /unknown command "frobnicate"/],
  ["missing value", ["--seed"], /--seed needs a value/],
  ["non-numeric --runs", ["--runs", "many"], /--runs must be a whole number/],
  ["negative --runs", ["--runs=-5"], /--runs must be a whole number/],
  ["zero --runs", ["--runs", "0"], /--runs must be between 1/],
  ["non-numeric --seed", ["--seed", "0x10"], /--seed must be a whole number/],
  ["negative --seed", ["--seed=-1"], /--seed must be a whole number/],
  ["negative --timeout", ["--timeout=-3"], /--timeout must be a positive number of seconds/],
  ["non-numeric --timeout", ["--timeout", "soon"], /--timeout must be a positive number of seconds/],
  ["malformed --shard", ["--shard", "2of3"], /--shard must look like i\/n/],
  ["--shard out of range", ["--shard", "4/3"], /--shard 4\/3: the index must be between 1/],
  ["bad --format", ["--format", "xml"], /--format must be one of pretty, json, junit, tap, github/],
  ["unknown --check", ["--check", "alloc.nothing"], /unknown --check "alloc.nothing" \(see: halconf list\)/],
  ["unknown --target", ["--target", "vmware"], /unknown --target "vmware" \(reference HALs: identity/],
  [
    "unwritable --report",
    ["--report", "/nonexistent-dir/report.json"],
    /Cannot write the report to "\/nonexistent-dir\/report.json"/,
  ],
  [
    "explain of an unknown check",
    ["explain", "alloc.uniq"],
    /unknown check, clause or topic "alloc.uniq" \(did you mean alloc.unique\?.*topics: profile, editions, host, ports, verdicts, gic\)/,
  ],
  [
    "explain without an id",
    ["explain"],
    /explain takes exactly one check, clause or topic \(halconf list; topics: profile, editions, host, ports, verdicts, gic\)/,
  ],
  ["merge without files", ["merge"], /merge needs at least one report file/],
  ["unreadable --expect", ["--expect", "/nonexistent/expect.json"], /Cannot read expectations file/],
];

Deno.test("bad command lines get one line, exit 2, no stack trace", async (t) => {
  for (const [name, args, message] of usageErrors) {
    await t.step(name, async () => {
      const run = await runCli(args);
      assert.equal(run.code, EXIT.usage, `${name}: ${run.stderr}`);
      assertOneLine(run.stderr, new RegExp(`^halconf: ${message.source}`));
    });
  }
});

const loadErrors: [string, string, RegExp][] = [
  ["a path that does not exist", "cli/testdata/missing.ts", /no such file \(check the --hal path\)/],
  ["a directory", "cli/testdata", /it is not a file/],

  ["a throw on import", "cli/testdata/throws_on_import.ts", /it threw on import: Error: the HAL refuses to load/],
  ["no default export", "cli/testdata/no_default.ts", /no default export/],
  ["a default export of the wrong shape", "cli/testdata/wrong_shape.ts", /"create" must be a function/],
  [
    "an invalid profile",
    "cli/testdata/invalid_profile.ts",
    /Invalid HAL profile: memory\[0\]\.start 0x8000_0800 is not aligned/,
  ],
];

Deno.test("HAL modules that cannot be loaded get one line and exit 3", async (t) => {
  for (const [name, path, message] of loadErrors) {
    await t.step(name, async () => {
      const run = await runCli(["--hal", path, "--check", "alloc.unique"]);
      assert.equal(run.code, EXIT.load, `${name}: ${run.stderr}`);
      assertOneLine(run.stderr, message);
    });
  }
});

Deno.test("a HAL module with a syntax error gets one line and exit 3", async () => {
  // Written at test time: a broken module kept in the tree would break deno check, lint and fmt.
  const dir = await Deno.makeTempDir({ dir: `${ROOT}cli/testdata`, prefix: "syntax_" });
  try {
    await Deno.writeTextFile(
      `${dir}/broken.ts`,
      'export default { name: "broken", profile: { memory: [ }, create() {} };\n',
    );
    const run = await runCli(["--hal", `${dir}/broken.ts`, "--check", "alloc.unique"]);
    assert.equal(run.code, EXIT.load, run.stderr);
    assertOneLine(run.stderr, /it does not parse: SyntaxError/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("every rejection of validateProfile in a HAL module exits 3 with its message", async (t) => {
  const dir = await Deno.makeTempDir({ dir: `${ROOT}cli/testdata`, prefix: "profiles_" });
  try {
    // One run loads them all (each in its own driver): one line per module, naming it, and exit 3.
    const paths = await Promise.all(REJECTIONS.map(async (_, index) => {
      const path = `${dir}/case_${index}.ts`;
      await Deno.writeTextFile(
        path,
        `import { REJECTIONS } from "../../../conformance/testdata/invalid_profiles.ts";\n` +
          `import { identityHal } from "../../../impls/mod.ts";\n` +
          `export default { ...identityHal(), name: "case-${index}", profile: REJECTIONS[${index}][1] };\n`,
      );
      return path;
    }));
    const run = await runCli([...paths.flatMap((path) => ["--hal", path]), "--check", "alloc.unique"]);
    assert.equal(run.code, EXIT.load, run.stderr);
    assert.doesNotMatch(run.stderr, /^\s+at /m, "no stack trace");
    const lines = run.stderr.trim().split("\n");
    assert.equal(lines.length, REJECTIONS.length, run.stderr);
    for (const [index, [name, , , message]] of REJECTIONS.entries()) {
      await t.step(name, () => {
        const mine = lines.filter((line) => line.includes(`/case_${index}.ts"`));
        assert.equal(mine.length, 1, `one line for case ${index}:\n${run.stderr}`);
        assert.match(mine[0], message);
      });
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("list and explain read the catalogue", async () => {
  const list = await runCli(["list"]);
  assert.equal(list.code, EXIT.ok);
  assert.match(list.stdout, /^alloc\.unique\s+ALLOC-6\s+live frames are pairwise distinct$/m);
  assert.match(list.stdout, /^irq\.order\s+IRQ-3\s+\[irq, irq-order\] /m);
  const json = JSON.parse((await runCli(["list", "--format", "json"])).stdout);
  assert.ok(json.some((check: { id: string }) => check.id === "state.model"));
  const explain = await runCli(["explain", "alloc.capacity"]);
  assert.equal(explain.code, EXIT.ok);
  assert.match(explain.stdout, /ALLOC-7 \(MUST\)/);
  assert.match(explain.stdout, /first of several memory regions/);
});

Deno.test("two HALs with the same name are refused with exit 3 before any check runs", async () => {
  const run = await runCli([
    "--hal",
    "conformance/testdata/mutants/free_list_slip.ts",
    "--hal",
    "./conformance/testdata/mutants/free_list_slip.ts",
    "--check",
    "alloc.placement",
    "--format",
    "json",
  ]);
  assert.equal(run.code, EXIT.load, run.stderr);
  assert.match(run.stderr, /are both named "free-list-slip": give each a distinct name/);
  assert.equal(run.stdout, "", "nothing ran, so there is no report");
});

Deno.test("the README's custom HAL runs as written and fails only where its comment says (FREE-2)", async () => {
  const readme = await Deno.readTextFile(`${ROOT}README.md`);
  const source = /```ts ignore\n(import type \{ HalTarget \}[\s\S]*?)```/.exec(readme)![1];
  const dir = await Deno.makeTempDir({ dir: `${ROOT}cli/testdata`, prefix: "readme_" });
  try {
    await Deno.writeTextFile(`${dir}/my_hal.ts`, source);
    const run = await runCli(["--hal", `${dir}/my_hal.ts`, "--seed", "1", "--format", "json"]);
    assert.equal(run.code, EXIT.failed, run.stderr);
    const failing = JSON.parse(run.stdout).results.filter((r: { status: string }) =>
      r.status !== "pass" && r.status !== "skip"
    );
    assert.ok(failing.length > 0);
    for (const result of failing) {
      assert.equal(result.counterexample.violation.clause, "FREE-2", `${result.check}: ${result.reason}`);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

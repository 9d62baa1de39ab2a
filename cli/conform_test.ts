import assert from "node:assert/strict";
import { resolve } from "node:path";
import { XMLParser, XMLValidator } from "fast-xml-parser";
import { HANGS_AFTER_A_PASS, ROOT, runCli, spawnCli } from "./testdata/run_cli.ts";
import { taskCommand } from "./run_settings.ts";

interface JsonResult {
  target: string;
  check: string;
  status: string;
  durationMs: number;
  reason?: string;
  denied?: string;
  output?: string;
  counterexample?: { steps: string[]; violation: { clause: string }; output?: string };
}

/** Runs `body` with a fresh temporary directory, removed afterwards whatever happens. */
async function withTempDir<T>(body: (dir: string) => Promise<T>): Promise<T> {
  const dir = await Deno.makeTempDir({ prefix: "halconf_test_" });
  try {
    return await body(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("a HAL stuck in while (true) is reported timeout at its time budget, and its later checks are not run", async () => {
  const run = await runCli([
    ...HANGS_AFTER_A_PASS,
    "--check",
    "irq.pending",
    "--check",
    "free.accept",
    // A spinning driver burns a core until its deadline: one second each, twenty times what the passing checks take.
    "--timeout",
    "1",
    "--format",
    "json",
    "--seed",
    "3",
  ]);
  assert.equal(run.code, 1, run.stderr);
  const results = JSON.parse(run.stdout).results as JsonResult[];
  assert.deepEqual(results.map((r) => [r.check, r.status]), [
    ["alloc.unique", "pass"],
    ["free.accept", "pass"],
    ["irq.idle", "timeout"],
    ["irq.pending", "timeout"],
  ]);
  assert.match(results[2].reason!, /no result within 0.8 s: the HAL process was killed while it ran the program below/);
});

Deno.test("a HAL that reads a file, the environment, the network or spawns a process is denied and told which permission", async (t) => {
  const cases: [string, RegExp][] = [
    ["reads_file", /^read access to "\/etc\/hostname"$/],
    ["reads_env", /^env access to "HOME"$/],
    ["opens_socket", /^net access to "127\.0\.0\.1:9"$/],
    ["spawns_process", /^run access to "true"$/],
  ];
  for (const [name, permission] of cases) {
    await t.step(name, async () => {
      const run = await runCli(["--hal", `cli/testdata/${name}.ts`, "--check", "free.accept", "--format", "json"]);
      assert.equal(run.code, 1, run.stderr);
      const [result] = JSON.parse(run.stdout).results as JsonResult[];
      assert.equal(result.status, "error");
      assert.match(result.denied ?? "", permission);
    });
  }
});

Deno.test("a permission denied after the call returned is charged to the step that asked, whatever the load", async () => {
  // The driver awaits every promise a step's calls into Deno returned before it answers: no race with a timer.
  const run = await runCli([
    "--hal",
    "cli/testdata/opens_socket_in_alloc.ts",
    "--check",
    "alloc.unique",
    "--format",
    "json",
    "--seed",
    "4",
  ]);
  assert.equal(run.code, 1, run.stderr);
  const [result] = JSON.parse(run.stdout).results as JsonResult[];
  assert.equal(result.status, "error");
  assert.equal(result.denied, 'net access to "127.0.0.1:9"');
  assert.deepEqual(result.counterexample!.steps, [
    "1. alloc() -> 0x8000_0000   <-- error",
  ]);
});

Deno.test("a HAL that kills its own process gets an error for that check only", async () => {
  const run = await runCli([
    "--hal",
    "cli/testdata/exits_process.ts",
    "--check",
    "alloc.unique",
    "--check",
    "xlate.total",
    "--check",
    "free.accept",
    "--format",
    "json",
  ]);
  const results = JSON.parse(run.stdout).results as JsonResult[];
  assert.deepEqual(results.map((r) => r.status), ["pass", "pass", "error"]);
  assert.match(results[2].reason!, /the HAL process exited \(code 7\) while it ran the program below/);
});

Deno.test("what a HAL prints never corrupts results and is kept with the check that ran", async () => {
  const run = await runCli([
    "--hal",
    "cli/testdata/noisy.ts",
    "--check",
    "alloc.*",
    "--format",
    "json",
    "--runs",
    "5",
    "--seed",
    "1",
  ]);
  assert.equal(run.code, 0, run.stderr);
  const report = JSON.parse(run.stdout);
  assert.equal(report.results.length, 5);
  for (const result of report.results as JsonResult[]) {
    assert.equal(result.status, "pass");
    assert.match(result.output!, /noisy: allocating on stderr/);
    // A HAL's stdout is its output too: the protocol travels on a stream the HAL is never handed.
    // Its two streams are two pipes: how their lines interleave is the scheduler's choice, each is kept whole.
    assert.ok(result.output!.includes("partial line without newline "));
    assert.ok(result.output!.includes('\u001eHALCONF:not-the-nonce:{"type":"result"}'));
  }
  assert.match(report.results[0].output, /^noisy: loaded/);
});

Deno.test("reference HALs run isolated with --isolate and give the same results", async () => {
  const args = ["--target", "sparse", "--check", "alloc.*", "--seed", "9", "--runs", "30", "--format", "json"];
  const inProcess = JSON.parse((await runCli(args)).stdout);
  const isolated = JSON.parse((await runCli([...args, "--isolate"])).stdout);
  const strip = (report: { results: JsonResult[] }) => report.results.map(({ durationMs: _, ...rest }) => rest);
  assert.deepEqual(strip(isolated), strip(inProcess));
});

Deno.test("the warm-up changes no result, in this thread or the worker", async () => {
  // Two reference HALs over two lanes: each thread warms up, then checks half of each HAL's checks.
  const args = [
    ...["--target", "numa", "--target", "axvisor", "--check", "alloc.*", "--check", "irq.*", "--check", "mem.*"],
    ...["--seed", "9", "--runs", "60", "--jobs", "2", "--format", "json"],
  ];
  const strip = (report: { results: JsonResult[] }) => report.results.map(({ durationMs: _, ...rest }) => rest);
  const warmed = await runCli(args);
  const cold = await runCli([...args, "--no-warm-up"]);
  assert.equal(warmed.code, 0, warmed.stderr);
  assert.deepEqual(strip(JSON.parse(warmed.stdout)), strip(JSON.parse(cold.stdout)));
});

Deno.test("lanes change no result: one lane, two, and three give the same report", async () => {
  // Checks of both family groups on two reference HALs, and a custom HAL behind its driver: on two lanes the worker
  // queues jobs ahead and a lane that runs out takes the other's; on three a lane has no home and only takes.
  const args = [
    ...["--target", "numa", "--target", "axvisor", "--hal", "conformance/testdata/mutants/free_list_slip.ts"],
    ...["--check", "alloc.unique", "--check", "free.*", "--check", "xlate.total", "--check", "irq.*"],
    ...["--seed", "13", "--runs", "30", "--format", "json"],
  ];
  const strip = (report: { results: JsonResult[] }) => report.results.map(({ durationMs: _, ...rest }) => rest);
  const one = await runCli([...args, "--jobs", "1"]);
  assert.equal(one.code, 1, one.stderr); // the mutant fails
  const results = strip(JSON.parse(one.stdout));
  assert.equal(new Set(results.map((r) => `${r.target} ${r.check}`)).size, results.length, "each check once");
  for (const jobs of ["2", "3"]) {
    const other = await runCli([...args, "--jobs", jobs]);
    assert.equal(other.code, 1, other.stderr);
    assert.deepEqual(strip(JSON.parse(other.stdout)), results, `--jobs ${jobs}`);
  }
});

Deno.test("shards 1/3, 2/3 and 3/3 merged equal the unsharded report", async () => {
  await withTempDir(async (dir) => {
    const common = [
      "--target",
      "identity",
      "--target",
      "numa",
      "--hal",
      "conformance/testdata/mutants/free_list_slip.ts",
      "--seed",
      "77",
      "--runs",
      "25",
      "--format",
      "json",
    ];
    const whole = await runCli([...common, "--report", `${dir}/whole.json`]);
    assert.equal(whole.code, 1);
    for (const shard of [1, 2, 3]) {
      await runCli([...common, "--shard", `${shard}/3`, "--report", `${dir}/shard${shard}.json`]);
    }
    const merged = await runCli(["merge", `${dir}/shard1.json`, `${dir}/shard2.json`, `${dir}/shard3.json`]);
    assert.equal(merged.code, 1, merged.stderr);
    const normalize = (report: { results: JsonResult[] }) => ({
      ...report,
      results: report.results.map(({ durationMs: _, ...rest }) => rest),
    });
    const expected = normalize(JSON.parse(await Deno.readTextFile(`${dir}/whole.json`)));
    assert.deepEqual(normalize(JSON.parse(merged.stdout)), expected);
    const shard1 = JSON.parse(await Deno.readTextFile(`${dir}/shard1.json`));
    assert.equal(shard1.shard, "1/3");
    assert.ok(shard1.results.length > 0 && shard1.results.length < expected.results.length);
  });
});

Deno.test("merge refuses a partial set of shards unless --allow-partial, and says which are missing", async () => {
  await withTempDir(async (dir) => {
    const common = ["--target", "identity", "--check", "alloc.*", "--seed", "3", "--runs", "5", "--format", "json"];
    for (const shard of [1, 2]) await runCli([...common, "--shard", `${shard}/3`, "--report", `${dir}/s${shard}.json`]);
    const refused = await runCli(["merge", `${dir}/s1.json`, `${dir}/s2.json`]);
    assert.equal(refused.code, 2);
    assert.match(
      refused.stderr,
      /^halconf: Cannot merge: shard 3\/3 is missing \(merge every shard, or pass --allow-partial\)/,
    );
    const partial = await runCli(["merge", `${dir}/s1.json`, `${dir}/s2.json`, "--allow-partial"]);
    assert.notEqual(partial.code, 2, partial.stderr);
    assert.match(partial.stderr, /warning: shard\(s\) 3\/3 missing: the merged report is partial/);
    assert.deepEqual(JSON.parse(partial.stdout).missingShards, ["3/3"]);
  });
});

Deno.test("merge refuses reports of different seeds or suite versions, and files that are not reports", async () => {
  await withTempDir(async (dir) => {
    const report = { version: "0.1.0", seed: 1, targets: ["identity"], results: [], summary: {} };
    await Deno.writeTextFile(`${dir}/a.json`, JSON.stringify(report));
    await Deno.writeTextFile(`${dir}/b.json`, JSON.stringify({ ...report, seed: 2 }));
    await Deno.writeTextFile(`${dir}/c.json`, JSON.stringify({ ...report, version: "9.9.9" }));
    await Deno.writeTextFile(`${dir}/d.json`, "{ not json");
    await Deno.writeTextFile(`${dir}/e.json`, JSON.stringify({ hello: "world" }));
    const cases: [string[], RegExp][] = [
      [["a.json", "b.json"], /has seed 2, ".*a\.json" has seed 1 \(shards must share --seed\)/],
      [["a.json", "c.json"], /is from suite version 9\.9\.9/],
      [["d.json"], /is not JSON/],
      [["e.json"], /is not a halconf JSON report/],
      [["missing.json"], /Cannot read report/],
    ];
    for (const [files, message] of cases) {
      const run = await runCli(["merge", ...files.map((file) => `${dir}/${file}`)]);
      assert.equal(run.code, 2, run.stderr);
      assert.match(run.stderr.trim(), new RegExp(`^halconf: Cannot (merge|read)|^halconf: Report|^halconf: ".*"`));
      assert.match(run.stderr, message);
    }
  });
});

Deno.test("--save-failures writes counterexamples that replay reproduces", async () => {
  await withTempDir(async (dir) => {
    const run = await runCli([
      "--hal",
      "conformance/testdata/mutants/drops_third_pending.ts",
      "--check",
      "irq.no-loss",
      "--seed",
      "5",
      "--save-failures",
      dir,
    ]);
    assert.equal(run.code, 1);
    const file = `${dir}/drops-third-pending.irq.no-loss.json`;
    assert.match(run.stdout, new RegExp(`replay: deno run -A .*main\\.ts replay ${file}`));
    const replayed = await runCli(["replay", file]);
    assert.equal(replayed.code, 1, replayed.stderr);
    const saved = JSON.parse(await Deno.readTextFile(file));
    assert.match(replayed.stdout, new RegExp(`${saved.violation.clause} broken: `));
    assert.match(replayed.stdout, /^ {2}1\. raise\(/m);
    const json = JSON.parse((await runCli(["replay", file, "--format", "json"])).stdout);
    assert.deepEqual(json.violation, saved.violation);
    assert.deepEqual(json.steps, saved.steps);
    const fixed = await runCli(["replay", file, "--hal", "conformance/testdata/legal/random_placement.ts"]);
    assert.equal(fixed.code, 2, "a counterexample replayed against another HAL is a mismatch");
    assert.match(fixed.stderr, /is for HAL "drops-third-pending", but .* is "random-placement"/);
  });
});

Deno.test("replay rejects malformed files with exit 2", async () => {
  await withTempDir(async (dir) => {
    const cases: [string, RegExp][] = [
      ["{ nope", /is not JSON/],
      [JSON.stringify({ hello: 1 }), /is not a halconf counterexample/],
      [JSON.stringify({ target: "identity", program: [{ op: "teleport" }] }), /unknown op "teleport"/],
      [
        JSON.stringify({ target: "identity", program: [{ op: "free", frame: { step: 3, nth: 0 } }] }),
        /refers to step 4/,
      ],
      [JSON.stringify({ target: "identity", version: "0.0.1", program: [] }), /saved by suite version 0\.0\.1/],
      [JSON.stringify({ target: "vmware", program: [] }), /not a reference HAL: pass --hal/],
    ];
    for (const [index, [text, message]] of cases.entries()) {
      await Deno.writeTextFile(`${dir}/${index}.json`, text);
      const run = await runCli(["replay", `${dir}/${index}.json`]);
      assert.equal(run.code, 2, run.stderr);
      assert.match(run.stderr, message);
      assert.equal(run.stderr.trim().split("\n").length, 1);
    }
  });
});

Deno.test("JUnit output parses as XML with one testsuite per target", async () => {
  const run = await runCli([
    "--target",
    "identity",
    "--hal",
    "conformance/testdata/mutants/free_list_slip.ts",
    "--check",
    "alloc.*",
    "--format",
    "junit",
    "--seed",
    "2",
    "--runs",
    "40",
  ]);
  assert.equal(XMLValidator.validate(run.stdout), true);
  const xml = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "" }).parse(run.stdout);
  const suites = xml.testsuites.testsuite;
  assert.deepEqual(suites.map((suite: { name: string }) => suite.name), ["identity", "free-list-slip"]);
  assert.equal(xml.testsuites.tests, "10");
  // A live frame handed out twice fails every check whose programs saw it, not only alloc.unique.
  const failing = suites[1].testcase.filter((test: { failure?: unknown }) => test.failure);
  assert.equal(xml.testsuites.failures, String(failing.length));
  assert.ok(failing.some((test: { name: string }) => test.name === "alloc.unique"));
  for (const test of failing) assert.match(test.failure["#text"], /(ALLOC-6|FREE-1) broken/);
  assert.equal(suites[0].testcase.filter((test: { failure?: unknown }) => test.failure).length, 0);
});

Deno.test("TAP and GitHub formats; GitHub writes the step summary", async () => {
  await withTempDir(async (dir) => {
    const tap = await runCli([
      "--hal",
      "conformance/testdata/mutants/silent_double_free.ts",
      "--check",
      "free.*",
      "--format",
      "tap",
    ]);
    assert.match(tap.stdout, /^TAP version 14\n1\.\.4\n/);
    assert.match(tap.stdout, /^not ok \d+ - silent-double-free free\.strict$/m);
    const summary = `${dir}/summary.md`;
    const github = await runCli(
      ["--hal", "conformance/testdata/mutants/silent_double_free.ts", "--check", "free.strict", "--format", "github"],
      { env: { GITHUB_STEP_SUMMARY: summary } },
    );
    assert.equal(github.code, 1);
    assert.match(
      github.stdout,
      /^::error file=conformance\/testdata\/mutants\/silent_double_free\.ts,title=halconf silent-double-free free\.strict fail::deallocFrame/m,
    );
    assert.match(
      await Deno.readTextFile(summary),
      /## halconf: contract broken[\s\S]*\| silent\\-double\\-free \| free\\.strict \| fail \|/,
    );
  });
});

Deno.test("expectations turn known failures into a passing gate and report unexpected passes", async () => {
  await withTempDir(async (dir) => {
    const expect = `${dir}/expect.json`;
    const args = ["--hal", "conformance/testdata/mutants/silent_double_free.ts", "--check", "free.*", "--seed", "1"];
    const written = await runCli([...args, "--update-expectations", expect]);
    assert.equal(written.code, 1);
    const expectations = JSON.parse(await Deno.readTextFile(expect));
    assert.equal(expectations["silent-double-free"]["free.strict"].status, "fail");
    const gated = await runCli([...args, "--expect", expect]);
    assert.equal(gated.code, 0, gated.stdout);
    assert.match(gated.stdout, /FAIL \(expected\)/);
    expectations["silent-double-free"]["free.accept"] = { status: "fail", reason: "was flaky" };
    await Deno.writeTextFile(expect, JSON.stringify(expectations));
    const stale = await runCli([...args, "--expect", expect]);
    assert.equal(stale.code, 0);
    assert.match(stale.stdout, /UNEXPECTED PASS\s+free\.accept/);
    assert.match(stale.stdout, /1 unexpected passes \(update the expectations\)/);
    await Deno.writeTextFile(expect, JSON.stringify({ "silent-double-free": { "free.strict": { status: "broken" } } }));
    const malformed = await runCli([...args, "--expect", expect]);
    assert.equal(malformed.code, 2);
    assert.match(malformed.stderr, /needs a "status" among pass, fail, skip, error, timeout/);
  });
});

/**
 * Runs the CLI with `args` and sends it SIGINT once its stderr matches `ready` (stderr is not a terminal: a line per
 * finished check), so that no sleep races a slow machine. Returns the exit code, stderr and the partial report.
 */
async function interruptedWhen(ready: RegExp, args: string[]) {
  return await withTempDir(async (dir) => {
    const report = `${dir}/partial.json`;
    const child = spawnCli([...args, "--report", report, "--format", "json"]);
    let stderr = "";
    let interrupted = false;
    const stdout = new Response(child.stdout).text();
    for await (const chunk of child.stderr.pipeThrough(new TextDecoderStream())) {
      stderr += chunk;
      if (!interrupted && ready.test(stderr)) {
        interrupted = true;
        child.kill("SIGINT");
      }
    }
    const { code } = await child.status;
    await stdout;
    assert.ok(interrupted, stderr);
    return { code, stderr, partial: JSON.parse(await Deno.readTextFile(report)) };
  });
}

Deno.test("Ctrl-C stops a default run while this thread checks reference HALs itself", async () => {
  // Two lanes: this process's own thread runs half of each reference HAL's checks, a worker the other half.
  const { code, stderr, partial } = await interruptedWhen(/\[1\/\d+\] identity /, ["--jobs", "2", "--seed", "5"]);
  assert.equal(code, 130, stderr);
  assert.equal(partial.interrupted, true);
  assert.ok(partial.results.length > 0 && partial.results.length < 100, `${partial.results.length} results kept`);
});

Deno.test("Ctrl-C writes the partial report and exits 130", async () => {
  // Interrupted once the first check's line is out, while the hanging one keeps the run busy.
  const { code, stderr, partial } = await interruptedWhen(/\[1\/2\] .*alloc\.unique PASS/, [
    ...HANGS_AFTER_A_PASS,
    "--timeout",
    "120",
  ]);
  assert.equal(code, 130, stderr);
  assert.equal(partial.interrupted, true);
  assert.deepEqual(partial.results.map((r: JsonResult) => [r.check, r.status]), [["alloc.unique", "pass"]]);
  assert.match(stderr, /interrupted; 1 of 2 results kept/);
});

/** Runs a deno task in a generated project, as its user would. */
async function task(cwd: string, args: string[]): Promise<{ code: number; text: string; stdout: string }> {
  const run = await new Deno.Command(Deno.execPath(), {
    args: ["task", "--quiet", ...args],
    cwd,
    env: { NO_COLOR: "1" },
  })
    .output();
  const stdout = new TextDecoder().decode(run.stdout);
  return { code: run.code, text: stdout + new TextDecoder().decode(run.stderr), stdout };
}

/** The permissions the tasks `init` writes give halconf. */
const INIT_PERMISSIONS = "--allow-read --allow-write --allow-run --allow-env";

Deno.test("init makes a project that works where it is made: linked to this checkout, no registry, shards merged", async () => {
  await withTempDir(async (dir) => {
    const init = await runCli(["init", `${dir}/my-hal`]);
    assert.equal(init.code, 0, init.stderr);
    const config = JSON.parse(await Deno.readTextFile(`${dir}/my-hal/deno.json`));
    assert.equal(config.links.length, 1);
    assert.ok(!config.links[0].startsWith("/"), "a relative link");
    assert.equal(resolve(`${dir}/my-hal`, config.links[0]), ROOT.replace(/\/$/, ""));
    // The project's runs start halconf as this repository's tasks do (the measured V8 and malloc settings).
    assert.ok(config.tasks.conform.startsWith(`${taskCommand(INIT_PERMISSIONS, "jsr:@halconf/halconf/cli")} conform`));
    assert.equal(config.tasks.halconf, taskCommand(INIT_PERMISSIONS, "jsr:@halconf/halconf/cli"));
    const workflow = await Deno.readTextFile(`${dir}/my-hal/.github/workflows/halconf.yml`);
    assert.match(workflow, /shard: \[1, 2, 3, 4\]/);
    assert.match(workflow, /--shard "\$\{\{ matrix.shard \}\}\/4"/);
    assert.match(workflow, /needs: conform/);
    assert.match(workflow, /deno task halconf merge shard-\*\.json --format junit > halconf-junit\.xml/);
    assert.match(workflow, /HALCONF_GIT/);
    const again = await runCli(["init", `${dir}/my-hal`]);
    assert.equal(again.code, 2);
    assert.match(again.stderr, /hal\.ts already exists \(use --force to overwrite\)/);

    // From the project's folder, as generated: both tasks, then what CI does (two shards, one merged report).
    const project = `${dir}/my-hal`;
    const conform = await task(project, ["conform", "--seed", "8", "--runs", "20"]);
    assert.equal(conform.code, 0, conform.text);
    assert.match(conform.text, /my-hal \(\.\/hal\.ts\)/);
    const test = await task(project, ["test"]);
    assert.equal(test.code, 0, test.text);
    for (const shard of [1, 2]) {
      const run = await task(project, [
        "conform",
        "--seed",
        "8",
        "--runs",
        "20",
        "--shard",
        `${shard}/2`,
        "--report",
        `s${shard}.json`,
      ]);
      assert.equal(run.code, 0, run.text);
    }
    const merged = await task(project, ["halconf", "merge", "s1.json", "s2.json", "--format", "junit"]);
    assert.equal(merged.code, 0, merged.text);
    assert.match(merged.stdout, /<testsuite name="my-hal" tests="35" failures="0" errors="0"/);
  });
});

Deno.test("init --registry writes the published-package form: no path of this checkout anywhere", async () => {
  await withTempDir(async (dir) => {
    const init = await runCli(["init", `${dir}/published`, "--registry"]);
    assert.equal(init.code, 0, init.stderr);
    for (const file of ["hal.ts", "hal_test.ts", "deno.json", "README.md", ".github/workflows/halconf.yml"]) {
      const text = await Deno.readTextFile(`${dir}/published/${file}`);
      assert.ok(!text.includes(ROOT.replace(/\/$/, "")), `${file} names no path of the halconf checkout`);
      // The README says how to add a link; nothing else has one.
      assert.doesNotMatch(text, file === "README.md" ? /HALCONF_GIT/ : /"links"|HALCONF_GIT/, file);
    }
    assert.match(await Deno.readTextFile(`${dir}/published/README.md`), /add `"links": \["\.\.\/halconf"\]`/);
  });
});

Deno.test("init --link writes a relative link to the checkout", async () => {
  await withTempDir(async (dir) => {
    const init = await runCli(["init", `${dir}/linked`, "--link", ROOT]);
    assert.equal(init.code, 0, init.stderr);
    const { links } = JSON.parse(await Deno.readTextFile(`${dir}/linked/deno.json`));
    assert.equal(links.length, 1);
    assert.ok(!links[0].startsWith("/"), links[0]);
    const bad = await runCli(["init", `${dir}/bad`, "--link", dir]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /is not a halconf checkout/);
  });
});

Deno.test("a HAL that floods its output without newlines neither breaks results nor exhausts memory", async () => {
  const run = await runCli([
    "--hal",
    "cli/testdata/floods_output.ts",
    "--check",
    "alloc.*",
    "--runs",
    "20",
    "--format",
    "json",
  ]);
  assert.equal(run.code, 0, run.stderr);
  const results = JSON.parse(run.stdout).results as JsonResult[];
  assert.deepEqual(results.map((r) => r.status), ["pass", "pass", "pass", "pass", "pass"]);
  for (const result of results) {
    assert.ok(result.output!.length < 80 * 1024, `${result.output!.length} characters kept`);
    assert.match(result.output!, /bytes omitted/);
  }
});

Deno.test("under a counterexample is only what its own program printed, run once more alone", async () => {
  const run = await runCli([
    "--hal",
    "cli/testdata/chatty_broken.ts",
    "--check",
    "alloc.unique",
    "--seed",
    "1",
    "--format",
    "json",
  ]);
  assert.equal(run.code, 1, run.stderr);
  const [result] = JSON.parse(run.stdout).results as JsonResult[];
  assert.equal(result.status, "fail");
  const own = result.counterexample!.output!;
  const created = own.match(/instance \d+ created/g) ?? [];
  assert.equal(created.length, 1, "one instance: the counterexample's");
  const instance = /instance (\d+) created/.exec(own)![1];
  assert.ok(own.split("\n").filter(Boolean).every((line) => line.startsWith(`instance ${instance}`)));
  assert.ok((result.output!.match(/created/g) ?? []).length > 1, "the check's own output keeps every program's");
  const pretty = await runCli(["--hal", "cli/testdata/chatty_broken.ts", "--check", "alloc.unique", "--seed", "1"]);
  assert.match(pretty.stdout, /output of the HAL while the program above ran \(\d+ lines\)/);
});

Deno.test("--fail-fast stops at the first failing check, reports what ran, and exits 1", async () => {
  const run = await runCli([
    "--hal",
    "conformance/testdata/mutants/free_list_slip.ts",
    "--target",
    "identity",
    "--fail-fast",
    "--seed",
    "2",
    "--format",
    "json",
  ]);
  assert.equal(run.code, 1, run.stderr);
  const report = JSON.parse(run.stdout);
  const failing = (report.results as JsonResult[]).filter((result) => result.status === "fail");
  assert.equal(failing.length, 1, "one failing check, then nothing more");
  assert.ok(report.results.length < 70, `${report.results.length} results`);
  assert.notEqual(report.interrupted, true);
  assert.match(run.stderr, /--fail-fast: stopped at free-list-slip \S+ \(fail\); \d+ of 70 checks reported/);
  const passing = await runCli(["--target", "identity", "--check", "alloc.*", "--fail-fast", "--format", "json"]);
  assert.equal(passing.code, 0, passing.stderr);
  assert.equal(JSON.parse(passing.stdout).results.length, 5);
});

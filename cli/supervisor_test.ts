/**
 * The supervisor against what HALs and drivers do to it rather than to the verdict (issue 20's "Why", one test per
 * point): honest HALs that print through every route, wrappers and forks that would hold pipes open, drivers that break
 * the end of a batch, HALs that write to Web Storage, drivers and HALs that send too much, HAL text that would forge a
 * report, and a HAL whose every call is slow. Each runs the real command line (or `main` in process, where the test
 * counts the drivers alive), with real processes.
 */
import assert from "node:assert/strict";
import { XMLParser, XMLValidator } from "fast-xml-parser";
import { marked, type Token, type Tokens } from "marked";
import { ROOT, runCli } from "./testdata/run_cli.ts";
import { main } from "./main.ts";
import { DriverProcess } from "../driver/driver_process.ts";

interface JsonResult {
  target: string;
  check: string;
  status: string;
  reason?: string;
  output?: string;
}

const hostile = (name: string) => `cli/testdata/hostile/${name}`;
const fake = (mode: string) => `deno run --quiet -A driver/testdata/fake_driver.ts ${mode}`;

function resultsOf(stdout: string): JsonResult[] {
  return JSON.parse(stdout).results as JsonResult[];
}

/** Whether a process whose command line contains `pattern` is running (pgrep -f). */
async function running(pattern: string): Promise<boolean> {
  const { code } = await new Deno.Command("pgrep", { args: ["-f", pattern], stdout: "null" }).output();
  return code === 0;
}

/**
 * Runs the CLI, killing it if it has not ended after `watchdogMs`: a hang fails the test with what it printed, rather
 * than hanging the suite (the bound is generous: the claim is that the run ends, not how fast).
 */
async function runEnding(args: string[], watchdogMs = 60_000) {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--quiet", `--config=${ROOT}deno.json`, "-A", `${ROOT}cli/main.ts`, ...args],
    cwd: ROOT,
    env: { NO_COLOR: "1" },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let killed = false;
  const watchdog = setTimeout(() => {
    killed = true;
    child.kill("SIGKILL");
  }, watchdogMs);
  const output = await child.output();
  clearTimeout(watchdog);
  const decoder = new TextDecoder();
  const run = { code: output.code, stdout: decoder.decode(output.stdout), stderr: decoder.decode(output.stderr) };
  assert.ok(!killed, `the run did not end within ${watchdogMs / 1000} s: ${run.stderr}`);
  return run;
}

/** The supervisor's peak resident memory over a run, as GNU time reports it once the run has ended. */
async function peakKiB(args: string[]) {
  const output = await new Deno.Command("/usr/bin/time", {
    args: [
      "-f",
      "peak-kib %M",
      Deno.execPath(),
      "run",
      "--quiet",
      `--config=${ROOT}deno.json`,
      "-A",
      "cli/main.ts",
      ...args,
    ],
    cwd: ROOT,
    env: { NO_COLOR: "1" },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stderr = new TextDecoder().decode(output.stderr);
  const peak = Number(/peak-kib (\d+)/.exec(stderr)?.[1]);
  assert.ok(peak > 0, stderr);
  return { code: output.code, stdout: new TextDecoder().decode(output.stdout), stderr, peak };
}

Deno.test("honest HALs that print through any route (node:process, console.count, a Worker, fs.writeSync) pass every check", async () => {
  const hals = ["honest_process_stdout", "honest_console_count", "honest_worker_log", "honest_fs_write_sync"];
  // Under GNU time: console.count on every call is also the flood of output the supervisor's memory must bear (the
  // memory test below leaves it to this run rather than run it twice).
  const run = await peakKiB([...hals.flatMap((hal) => ["--hal", hostile(`${hal}.ts`)]), "--format", "json"]);
  assert.equal(run.code, 0, run.stderr);
  assert.ok(run.peak < 400 * 1024, `supervisor peak ${run.peak >> 10} MiB`);
  const results = resultsOf(run.stdout);
  assert.equal(new Set(results.map((result) => result.target)).size, hals.length);
  for (const result of results) {
    assert.ok(["pass", "skip"].includes(result.status), `${result.target} ${result.check}: ${result.status}`);
    assert.ok((result.output ?? "").length < 70_000, "output is bounded");
  }
  // What they printed is their output, kept with the checks.
  const output = (target: string) => results.filter((r) => r.target === target).map((r) => r.output ?? "").join("");
  assert.match(output("honest-process-stdout"), /allocFrame: 2147483648\nbegin\nend/);
  assert.match(output("honest-console-count"), /allocFrame: \d+/);
  assert.match(output("honest-worker-log"), /worker: allocFrame: /);
  assert.match(output("honest-fs-write-sync"), /allocFrame: \d+\n/);
});

Deno.test("a looping driver under a wrapper that does not exec it ends at its deadline, grandchild and all", async () => {
  const run = await runEnding([
    "--driver",
    `sh ${hostile("wrapper_loop.sh")}`,
    "--check",
    "alloc.unique",
    "--check",
    "xlate.roundtrip",
    "--timeout",
    "1",
    "--format",
    "json",
  ]);
  assert.equal(run.code, 1, run.stderr);
  assert.deepEqual(resultsOf(run.stdout).map((result) => result.status), ["timeout", "timeout"]);
  assert.ok(!await running("fake_driver.ts silent"), "the wrapper's child was killed with it");
});

Deno.test("an honest driver whose wrapper leaves a sleeper holding its output ends, and so does the sleeper", async () => {
  const run = await runEnding([
    "--driver",
    `sh ${hostile("wrapper_sleeper.sh")}`,
    "--check",
    "alloc.unique",
    "--format",
    "json",
  ]);
  assert.equal(run.code, 0, run.stderr);
  assert.deepEqual(resultsOf(run.stdout).map((result) => result.status), ["pass"]);
  assert.ok(!await running("sleep 312"), "the sleeper was ended with the driver's group");
});

Deno.test("a driver that forks a sleeper and exits mid-batch is an error, and the sleeper does not outlive the run", async () => {
  const run = await runEnding(["--driver", fake("fork-exit-mid"), "--check", "alloc.unique", "--format", "json"]);
  assert.equal(run.code, 1, run.stderr);
  const [result] = resultsOf(run.stdout);
  assert.equal(result.status, "error");
  assert.ok(!await running("sleep 313"));
});

Deno.test("a driver that breaks the end of its batch is an error result, never a crash, and the report is written", async () => {
  const dir = await Deno.makeTempDir({ prefix: "halconf_supervisor_" });
  try {
    for (const mode of ["no-end", "error-end", "extra-answer", "after-end"]) {
      const report = `${dir}/${mode}.json`;
      // An earlier run's all-PASS report: it must not survive, whatever happens.
      await Deno.writeTextFile(report, JSON.stringify({ results: [{ status: "pass" }] }));
      const run = await runEnding([
        "--driver",
        fake(mode),
        "--check",
        "alloc.unique",
        "--timeout",
        "1",
        "--report",
        report,
        "--format",
        "json",
      ]);
      assert.equal(run.code, 1, `${mode}: ${run.stderr}`);
      assert.doesNotMatch(run.stderr, /internal error/);
      const [written] = resultsOf(await Deno.readTextFile(report));
      assert.equal(written.status, mode === "no-end" ? "timeout" : "error", mode);
      assert.match(written.reason!, /the end of the batch|after the end of the last batch/, mode);
    }
    // A run that cannot finish (nothing loads) leaves a report marked unfinished, not the earlier one.
    const report = `${dir}/unloaded.json`;
    await Deno.writeTextFile(report, JSON.stringify({ results: [{ status: "pass" }] }));
    const run = await runEnding(["--hal", hostile("exits_on_load.ts"), "--report", report]);
    assert.equal(run.code, 3, run.stderr);
    assert.equal(JSON.parse(await Deno.readTextFile(report)).unfinished, true);
    const merged = await runCli(["merge", report]);
    assert.equal(merged.code, 2);
    assert.match(merged.stderr, /from a halconf run that did not finish/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

/** Every file under `dir` whose bytes hold `marker`, with its time of last change. */
async function filesHolding(dir: string, marker: string): Promise<string[]> {
  const found: string[] = [];
  const needle = new TextEncoder().encode(marker);
  const walk = async (path: string): Promise<void> => {
    let entries: Deno.DirEntry[];
    try {
      entries = await Array.fromAsync(Deno.readDir(path));
    } catch {
      return;
    }
    for (const entry of entries) {
      const child = `${path}/${entry.name}`;
      if (entry.isDirectory) await walk(child);
      else if (entry.isFile) {
        const bytes = await Deno.readFile(child).catch(() => new Uint8Array());
        if (indexOf(bytes, needle) >= 0) found.push(`${child} ${(await Deno.stat(child)).mtime?.getTime()}`);
      }
    }
  };
  await walk(dir);
  return found;
}

function indexOf(haystack: Uint8Array, needle: Uint8Array): number {
  outer: for (
    let i = haystack.indexOf(needle[0]);
    i >= 0 && i <= haystack.length - needle.length;
    i = haystack.indexOf(needle[0], i + 1)
  ) {
    for (let j = 1; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

Deno.test("Web Storage, the Cache API and IndexedDB write nothing to disk and share nothing between HALs", async () => {
  const info = await new Deno.Command(Deno.execPath(), { args: ["info", "--json"], stdout: "piped" }).output();
  const denoDir = JSON.parse(new TextDecoder().decode(info.stdout)).denoDir as string;
  // What an unsandboxed run (an older halconf on this machine) left there is not this run's doing.
  const before = await filesHolding(`${denoDir}/location_data`, "halconf-storage-marker-5f2c9a");
  for (let round = 0; round < 2; round++) {
    const run = await runCli(["--hal", hostile("storage_writer.ts"), "--check", "alloc.unique", "--format", "json"]);
    assert.equal(run.code, 1, run.stderr);
    const [result] = resultsOf(run.stdout);
    assert.equal(result.status, "fail", "the broken HAL is still judged");
    assert.match(result.output ?? "", /left by another HAL: null|localStorage: /);
    assert.doesNotMatch(result.output ?? "", /halconf-storage-marker/, "nothing written by the first run is read");
    assert.doesNotMatch(result.output ?? "", /(localStorage|caches): written/);
  }
  assert.deepEqual(await filesHolding(`${denoDir}/location_data`, "halconf-storage-marker-5f2c9a"), before);
});

Deno.test("the supervisor's memory stays bounded whatever drivers send: long lines, huge messages, floods of output", async (t) => {
  const cases: [string, string[], number][] = [
    ["32 MiB answer lines", ["--driver", fake("oversize")], 1],
    ["4 million tokens on a line", ["--driver", fake("amplify")], 1],
    ["30 MB thrown messages", ["--hal", hostile("huge_message.ts")], 1],
    // console.count on every call: under the honest HALs' test.
  ];
  for (const [what, args, code] of cases) {
    await t.step(what, async () => {
      const run = await peakKiB([...args, "--format", "json"]);
      assert.equal(run.code, code, run.stderr);
      assert.ok(run.peak < 400 * 1024, `supervisor peak ${run.peak >> 10} MiB`);
      for (const result of resultsOf(run.stdout)) {
        assert.ok((result.reason ?? "").length < 10_000, "a reason is clipped");
        assert.ok((result.output ?? "").length < 70_000, "output is bounded");
      }
    });
  }
});

Deno.test("with more HALs than --jobs, at most --jobs drivers are alive at once, and names still clash up front", async () => {
  const dir = await Deno.makeTempDir({ prefix: "halconf_jobs_" });
  try {
    const hals: string[] = [];
    for (let n = 0; n < 8; n++) {
      const path = `${dir}/hal_${n}.ts`;
      await Deno.writeTextFile(
        path,
        `import { identityHal } from "@halconf/halconf";\nexport default { ...identityHal(), name: "hal-${n}" };\n`,
      );
      hals.push(path);
    }
    const out: string[] = [];
    const io = {
      out: (text: string) => void out.push(text),
      err: () => {},
      errIsTerminal: false,
      outIsTerminal: false,
      env: () => undefined,
    };
    DriverProcess.resetPeak();
    const code = await main(
      [
        "conform",
        ...hals.flatMap((hal) => ["--hal", hal]),
        "--jobs",
        "3",
        "--check",
        "alloc.unique",
        "--format",
        "json",
      ],
      io,
    );
    assert.equal(code, 0);
    assert.equal(resultsOf(out.join("")).filter((result) => result.status === "pass").length, hals.length);
    assert.ok(DriverProcess.peakAlive <= 3, `${DriverProcess.peakAlive} drivers were alive at once`);
    assert.equal(DriverProcess.alive, 0, "every driver ended");
    // Two HALs of one name: refused before any check, even when their drivers are not kept alive.
    await Deno.writeTextFile(
      `${dir}/twin.ts`,
      `import { identityHal } from "@halconf/halconf";\nexport default { ...identityHal(), name: "hal-0" };\n`,
    );
    const clash = await main([
      "conform",
      ...hals.flatMap((hal) => ["--hal", hal]),
      "--hal",
      `${dir}/twin.ts`,
      "--jobs",
      "2",
    ], io);
    assert.equal(clash, 3);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

// What no report line may carry raw: a terminal would act on it, or a parser refuse it.
// deno-lint-ignore no-control-regex
const CONTROL_BUT_NEWLINE = /[\u0000-\u0009\u000b-\u001f\u007f]/;
// deno-lint-ignore no-control-regex
const NOT_IN_YAML = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\ufffe\uffff]/;
// deno-lint-ignore no-control-regex
const BELL_OR_ESCAPE = /[\u0007\u001b]/;

/** Every token of a markdown document, nested ones included. */
function allTokens(tokens: readonly Token[]): Token[] {
  return tokens.flatMap((token) => {
    const nested = token as Token & {
      tokens?: Token[];
      header?: { tokens: Token[] }[];
      rows?: { tokens: Token[] }[][];
    };
    return [
      token,
      ...allTokens(nested.tokens ?? []),
      ...(nested.header ?? []).flatMap((cell) => allTokens(cell.tokens)),
      ...(nested.rows ?? []).flat().flatMap((cell) => allTokens(cell.tokens)),
    ];
  });
}

Deno.test("a HAL's name and messages cannot forge any report format", async (t) => {
  const dir = await Deno.makeTempDir({ prefix: "halconf_reports_" });
  const hal = ["--hal", hostile("report_injection.ts"), "--check", "alloc.unique", "--check", "xlate.roundtrip"];
  try {
    await t.step("GitHub step summary: parsed as markdown, one heading, one table, one row a result", async () => {
      const summary = `${dir}/summary.md`;
      const run = await runCli([...hal, "--format", "github"], { env: { GITHUB_STEP_SUMMARY: summary } });
      assert.equal(run.code, 1, run.stderr);
      const tokens = marked.lexer(await Deno.readTextFile(summary));
      const headings = allTokens(tokens).filter((token) => token.type === "heading");
      assert.deepEqual(headings.map((heading) => (heading as Tokens.Heading).text), ["halconf: contract broken"]);
      const tables = tokens.filter((token) => token.type === "table") as Tokens.Table[];
      assert.equal(tables.length, 1);
      const rows = tables[0].rows;
      assert.equal(rows.length, 2, "one row per check that did not pass");
      for (const row of rows) {
        assert.equal(row.length, 4);
        assert.match(row[2].text, /^(fail|error)$/);
      }
      for (const token of allTokens(tokens)) {
        assert.ok(!["image", "link"].includes(token.type), `no ${token.type} from the HAL`);
        if (token.type === "html") {
          assert.match(token.raw.trim(), /^<details><summary>[^<]*<\/summary><pre>[^<]*<\/pre><\/details>$/);
        }
      }
    });
    await t.step("GitHub annotations: one workflow command per line, nothing else starting with ::", async () => {
      const run = await runCli([...hal, "--format", "github"]);
      const lines = run.stdout.trimEnd().split("\n");
      assert.equal(lines.filter((line) => line.startsWith("::")).length, 2);
      for (const line of lines.slice(0, -1)) assert.match(line, /^::error file=[^,]+,title=[^:]+::/);
      assert.doesNotMatch(run.stdout, CONTROL_BUT_NEWLINE);
    });
    await t.step("JUnit: valid XML, one testcase per check, the messages as text", async () => {
      const run = await runCli([...hal, "--format", "junit"]);
      assert.equal(XMLValidator.validate(run.stdout), true);
      const parsed = new XMLParser({ ignoreAttributes: false }).parse(run.stdout);
      const cases = parsed.testsuites.testsuite.testcase;
      assert.equal(cases.length, 2);
      assert.match(JSON.stringify(cases), /refused/);
    });
    await t.step("TAP: every line is a TAP line, and the diagnostics are YAML scalars on one line each", async () => {
      const run = await runCli([...hal, "--format", "tap"]);
      const rules = [
        /^TAP version 14$/,
        /^1\.\.\d+$/,
        /^(not )?ok \d+ - [^#]*(\\#[^#]*)*$/,
        /^ {2}(---|\.\.\.)$/,
        /^ {2}(status|clause): [a-z0-9-]+$/i,
        /^ {2}message: "([^"\\]|\\.)*"$/,
        /^ {2}steps:$/,
        /^ {4}- "([^"\\]|\\.)*"$/,
      ];
      for (const line of run.stdout.trimEnd().split("\n")) {
        assert.ok(rules.some((rule) => rule.test(line)), `not a TAP line: ${JSON.stringify(line)}`);
        assert.doesNotMatch(line, NOT_IN_YAML);
      }
    });
    await t.step("pretty and load errors: no escape sequence reaches the terminal", async () => {
      const run = await runCli([...hal]);
      assert.doesNotMatch(run.stdout + run.stderr, BELL_OR_ESCAPE);
      const load = await runCli(["--hal", hostile("escape_on_load.ts")]);
      assert.equal(load.code, 3);
      assert.match(load.stderr, /cannot load \\u001b\]0;pwned\\u0007/);
      assert.doesNotMatch(load.stderr, BELL_OR_ESCAPE);
    });
    await t.step("HTML: what the HAL wrote is text, not markup", async () => {
      const run = await runCli([...hal, "--format", "html"]);
      assert.doesNotMatch(run.stdout, /<details open>|<b>`x`<\/b>/);
      assert.match(run.stdout, /&lt;details open&gt;/);
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a HAL whose every call is slow ends in one check's time: its later checks are not run, and say why", async () => {
  const run = await runEnding(["--hal", hostile("slow_iterator.ts"), "--timeout", "1", "--format", "json"]);
  assert.equal(run.code, 1, run.stderr);
  const results = resultsOf(run.stdout);
  assert.ok(results.length > 30);
  assert.ok(results.every((result) => result.status !== "pass"), "nothing passes");
  const ranOut = results.findIndex((result) => result.status === "timeout" || result.status === "incomplete");
  assert.ok(ranOut >= 0);
  for (const result of results.slice(ranOut + 1)) {
    if (result.status === "skip") continue;
    assert.equal(result.status, "timeout");
    assert.match(result.reason!, /^not run: .* ran out of time/);
  }
});

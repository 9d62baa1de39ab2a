import { WordList } from "../conformance/program/word_list.ts";
import assert from "node:assert/strict";
import { formatStep } from "../conformance/judge/print.ts";
import { HANGS_AFTER_A_PASS, ROOT, runCli } from "./testdata/run_cli.ts";

Deno.test("a HAL that cannot load gets its error alone: no header, no empty summary, exit 3", async () => {
  const run = await runCli(["--hal", "cli/testdata/throws_on_import.ts"]);
  assert.equal(run.code, 3);
  assert.equal(run.stdout, "");
  assert.match(run.stderr, /^halconf: Cannot load HAL module "cli\/testdata\/throws_on_import.ts": it threw on import/);
});

Deno.test("a load failure is reported by its message, not by the last stack frame", async () => {
  const run = await runCli(["--hal", "cli/testdata/dies_with_stack_trace.ts"]);
  assert.equal(run.code, 3);
  assert.match(run.stderr, /exited with code 1 while loading: Error: the firmware table is missing\n$/);
});

Deno.test("methods that disagree with the edition, or a method every edition has missing, are a profile error (exit 3) naming the fix", async () => {
  const cases: [string, RegExp][] = [
    [
      "contiguous_without_contract",
      /the HAL has allocContiguousFrames and deallocContiguousFrames, but its contract is axvcpu-hal.*declare contract "axvisor-memory"/,
    ],
    [
      "contract_without_contiguous",
      /the axvisor-memory edition has alloc_contiguous_frames and dealloc_contiguous_frames, and the HAL lacks allocContiguousFrames and deallocContiguousFrames/,
    ],
    ["lacks_dealloc", /create\(\) returned an instance without deallocFrame: every edition of the contract has/],
  ];
  for (const [file, message] of cases) {
    const run = await runCli(["--hal", `cli/testdata/${file}.ts`, "--check", "alloc.unique"]);
    assert.equal(run.code, 3, `${file}: ${run.stderr}`);
    assert.equal(run.stdout, "");
    assert.match(run.stderr, message);
    assert.equal(run.stderr.trim().split("\n").length, 1, run.stderr);
  }
});

Deno.test("a fill that returned numbers shows numbers, and why it stopped", () => {
  const values = Array.from({ length: 257 }, () => 2147483648);
  const line = formatStep({ index: 0, op: { op: "fill" }, cpu: 0, result: WordList.of(values), dispatched: [] });
  assert.equal(
    line,
    "1. fill() -> 257 values (2147483648 (a number), 2147483648 (a number) ... 2147483648 (a number)), " +
      "(stopped at the fill limit)",
  );
  const result = WordList.of([0x1000n, null]);
  const ended = formatStep({ index: 1, op: { op: "fill" }, cpu: 0, result, dispatched: [] });
  assert.equal(ended, "2. fill() -> 0x1000, then null");
});

Deno.test("in CI (stderr not a terminal) every finished check and HAL is a line, and a long check a heartbeat", async () => {
  const run = await runCli([
    ...HANGS_AFTER_A_PASS,
    "--timeout",
    "1",
    "--heartbeat",
    "0.25",
    "--format",
    "json",
  ]);
  assert.equal(run.code, 1);
  // The hanging check lasts until its 0.8 s time budget (spinning a core), so heartbeats at 0.25 s intervals come before its
  // result. Its duration is whatever the machine's load made it (1.0 s once, beside the rest of the suite): the line's
  // shape is the claim, not the time. On a loaded machine the passing check may outlast a heartbeat too (0.5 s once,
  // beside two other suites): its heartbeats are allowed, the hanging check's required.
  assert.match(
    run.stderr,
    /^(halconf: hangs-in-irq-fetch alloc\.unique still running after \d+\.\d s\n)*halconf: \[1\/2\] hangs-in-irq-fetch alloc\.unique PASS \(\d+\.\d s\)\n(halconf: hangs-in-irq-fetch irq\.idle still running after \d+\.\d s\n)+halconf: \[2\/2\] hangs-in-irq-fetch irq\.idle TIMEOUT \(\d+\.\d s\)\nhalconf: hangs-in-irq-fetch done: 2 checks, 1 not passed\n$/,
  );
  JSON.parse(run.stdout);
});

Deno.test("the README's example failure is what the command it names prints", async () => {
  const readme = await Deno.readTextFile(`${ROOT}README.md`);
  const command = /A failure looks like this\s+\(`deno\s+task\s+conform\s+([^`]+)`/.exec(readme)![1].trim().split(
    /\s+/,
  );
  const shown = /```\n(free-list-slip \(conformance[\s\S]*?)\n```/.exec(readme)![1];
  const run = await runCli(command);
  assert.equal(run.code, 1);
  const printed = run.stdout.split("\n").slice(2, 2 + shown.split("\n").length).join("\n").replaceAll(ROOT, "");
  assert.equal(printed, shown);
});

import assert from "node:assert/strict";
import { UsageError } from "./exit_codes.ts";
import { parseCommandLine, parseShard } from "./options.ts";

Deno.test("conform is the default command, with documented defaults", () => {
  const parsed = parseCommandLine([], 4);
  assert.equal(parsed.command, "conform");
  if (parsed.command !== "conform") return;
  assert.deepEqual(parsed.options, {
    hals: [],
    drivers: [],
    targets: [],
    checks: [],
    seed: undefined,
    runs: undefined,
    drainFrames: undefined,
    timeoutSeconds: 60,
    jobs: 4,
    format: "pretty",
    report: undefined,
    saveFailures: undefined,
    isolate: false,
    expect: undefined,
    updateExpectations: undefined,
    shard: undefined,
    memoryMiB: 2048,
    allowIncomplete: false,
    failFast: false,
    heartbeatSeconds: 30,
    reach: false,
    warmUp: true,
  });
  const cold = parseCommandLine(["--no-warm-up"]);
  assert.ok(cold.command === "conform");
  assert.equal(cold.options.warmUp, false);
});

Deno.test("repeatable flags collect, numbers are checked", () => {
  const parsed = parseCommandLine([
    "--hal",
    "a.ts",
    "--hal",
    "b.ts",
    "--check",
    "irq.*",
    "--timeout",
    "0.5",
    "--jobs",
    "2",
  ]);
  assert.ok(parsed.command === "conform");
  assert.deepEqual(parsed.options.hals, ["a.ts", "b.ts"]);
  assert.equal(parsed.options.timeoutSeconds, 0.5);
  assert.throws(() => parseCommandLine(["--jobs", "0"]), UsageError);
  assert.throws(() => parseCommandLine(["--seed", "1.5"]), /--seed must be a whole number/);
  assert.throws(() => parseCommandLine(["--isolate=yes"]), /--isolate is a switch and takes no value/);
  assert.throws(() => parseCommandLine(["--report", ""]), /--report needs a value/);
  const drain = parseCommandLine(["--drain-budget", "4194304"]);
  assert.ok(drain.command === "conform");
  assert.equal(drain.options.drainFrames, 4194304);
  assert.throws(() => parseCommandLine(["--drain-budget", "0"]), /--drain-budget must be between 1 and/);
  assert.throws(() => parseCommandLine(["--drain-budget", "lots"]), /--drain-budget must be a whole number/);
});

Deno.test("parseShard", () => {
  assert.deepEqual(parseShard("2/3"), { index: 2, count: 3 });
  for (const bad of ["0/3", "3/2", "1/0", "a/b", "1", "1/2/3"]) assert.throws(() => parseShard(bad), UsageError);
});

Deno.test("help for a command, and positional commands", () => {
  assert.deepEqual(parseCommandLine(["merge", "--help"]), { command: "help", topic: "merge" });
  assert.deepEqual(parseCommandLine(["explain", "irq.order"]), { command: "explain", check: "irq.order" });
  assert.deepEqual(parseCommandLine(["init", "x", "--force"]), {
    command: "init",
    dir: "x",
    force: true,
    link: undefined,
    registry: false,
    rust: false,
  });
  assert.equal((parseCommandLine(["init", "x", "--rust"]) as { rust: boolean }).rust, true);
  assert.throws(() => parseCommandLine(["init", "x", "--registry", "--link", "y"]), /--link or --registry, not both/);
});

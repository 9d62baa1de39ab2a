/**
 * The Rust path end to end: the adapter crate and the axvisor-shaped example, built with cargo, driven by halconf.
 * Without cargo these tests are skipped, and say so.
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { programArbitrary } from "../../conformance/program/arbitraries.ts";
import { CHECKS } from "../../conformance/checks/catalogue.ts";
import type { Program } from "../../conformance/program/program.ts";
import { validateProfile } from "../../conformance/contract/profile.ts";
import { runCli } from "../../cli/testdata/run_cli.ts";
import { DriverSession } from "../../driver/session.ts";
import twin from "./twin.ts";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const MANIFEST = `${ROOT}examples/rust-hal/Cargo.toml`;
const BINARY = `${ROOT}examples/rust-hal/target/debug/rust-hal`;

async function cargoBuild(): Promise<string | undefined> {
  try {
    const build = await new Deno.Command("cargo", {
      args: ["build", "--offline", "-q", "--manifest-path", MANIFEST],
      stderr: "piped",
    }).output();
    return build.success ? undefined : `cargo build failed: ${new TextDecoder().decode(build.stderr)}`;
  } catch (error) {
    return error instanceof Deno.errors.NotFound ? "cargo not found" : String(error);
  }
}

const buildProblem = await cargoBuild();
const skip = buildProblem === "cargo not found";
if (skip) console.log("examples/rust-hal: Rust driver tests skipped: cargo is not installed on this machine");
const rustTest = (name: string, fn: () => Promise<void>) => Deno.test({ name, ignore: skip, fn });

interface JsonResult {
  check: string;
  status: string;
  reason?: string;
  counterexample?: { steps: string[]; violation: { clause: string } };
}

async function conformDriver(command: string, extra: string[] = []) {
  const run = await runCli(["--driver", command, "--format", "json", "--seed", "1", ...extra]);
  return { ...run, results: run.stdout ? JSON.parse(run.stdout).results as JsonResult[] : [] };
}

rustTest(
  "the example builds and passes every applicable check: reset per program, and a fork per program",
  async () => {
    assert.equal(buildProblem, undefined, buildProblem);
    for (const command of [BINARY, `${BINARY} --fork`]) {
      const run = await conformDriver(command);
      assert.equal(run.code, 0, `${command}: ${run.stderr}`);
      const statuses = new Set(run.results.map((result) => result.status));
      assert.deepEqual([...statuses].sort(), ["pass", "skip"]);
      assert.equal(run.results.filter((result) => result.status === "pass").length, 25);
    }
  },
);

rustTest("the README's command runs it with cargo from the repository root and exits 0", async () => {
  const run = await runCli(["--driver", "cargo run -q --offline --manifest-path examples/rust-hal/Cargo.toml"]);
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /25 passed, 0 failed, 10 skipped, 0 errors, 0 timeouts, 0 incomplete/);
});

rustTest("each Rust mutant fails with the clause of its TypeScript twin", async () => {
  const twins: [string, string][] = [
    ["frame-twice", "free_list_slip"],
    ["first-region-only", "first_region_only"],
    ["frame-zero", "hands_out_frame_zero"],
    ["silent-double-free", "silent_double_free"],
    ["v2p-off-by-page", "v2p_off_by_page"],
    ["unacked-high-lines", "unacked_high_lines"],
  ];
  for (const [rust, typescript] of twins) {
    const { breaks } = await import(`../../conformance/testdata/mutants/${typescript}.ts`) as { breaks: string[] };
    // The checks of that clause, not all of them: the other checks' verdicts on a mutant are not what this compares.
    const checks = CHECKS.filter((check) => check.clauses.includes(breaks[0])).flatMap((
      check,
    ) => ["--check", check.id]);
    assert.ok(checks.length > 0, breaks[0]);
    const run = await conformDriver(`${BINARY} --mutant ${rust}`, checks);
    assert.equal(run.code, 1, rust);
    const clauses = run.results.filter((result) => result.status === "fail").map((r) =>
      r.counterexample!.violation.clause
    );
    // Every failure names a clause the twin breaks (a violation fails whichever check saw it), and there is one.
    assert.ok(
      clauses.length > 0 && clauses.every((clause) => breaks.includes(clause)),
      `${rust} fails ${clauses.join(", ")}, its twin ${typescript} ${breaks.join(", ")}`,
    );
  }
});

rustTest(
  "the Rust adapter and the TypeScript driver give the same trace for the same program, step by step",
  async () => {
    const rust = await DriverSession.start({ source: { command: [BINARY] }, label: "rust-hal" });
    const typescript = await DriverSession.start({
      source: { module: `${ROOT}examples/rust-hal/twin.ts` },
      label: "twin",
    });
    try {
      const profile = validateProfile(twin.profile);
      assert.deepEqual(rust.profile, profile, "the same profile, declared in Rust and in TypeScript");
      assert.deepEqual([...rust.methods].sort(), [...typescript.methods].sort());
      const shapes = CHECKS.filter((check) =>
        ["state.model", "mem.isolation", "free.atomic", "irq.no-loss"].includes(check.id)
      );
      const programs: Program[] = shapes.flatMap((check) =>
        fc.sample(programArbitrary(profile, check.shape), { seed: 21, numRuns: 60 })
      );
      const options = { fillLimit: 400, deadline: performance.now() + 60_000 };
      const fromRust = await rust.execute(programs, options);
      const fromTypescript = await typescript.execute(programs, options);
      assert.equal(fromRust.failure, undefined, fromRust.failure?.reason);
      assert.equal(fromTypescript.failure, undefined, fromTypescript.failure?.reason);
      for (const [index, trace] of fromRust.traces.entries()) {
        assert.deepEqual(trace, fromTypescript.traces[index], `program ${index + 1}`);
      }
      const threw = fromRust.traces.flatMap((trace) => trace.steps).filter((step) => step.threw);
      assert.ok(threw.length > 0 && threw.every((step) => step.threw!.name === "panic"), "panics are throws");
    } finally {
      await rust.close();
      await typescript.close();
    }
  },
);

rustTest("a driver that aborts is an error naming the program, and the run goes on with a fresh driver", async () => {
  const run = await conformDriver(`${BINARY} --mutant aborts`, ["--check", "alloc.unique", "--check", "xlate.range"]);
  assert.equal(run.code, 1);
  const [unique, range] = run.results;
  assert.equal(unique.status, "error");
  assert.match(unique.reason!, /the HAL process exited \(signal SIGABRT\) while it ran the program below/);
  assert.ok(unique.counterexample!.steps.length >= 1);
  assert.equal(range.status, "pass", "xlate.range allocates at most once per program: it never aborts");
});

rustTest("a failure of a Rust driver is saved, and replayed when the command is given again", async () => {
  const dir = await Deno.makeTempDir({ prefix: "halconf_rust_" });
  try {
    const run = await conformDriver(`${BINARY} --mutant frame-twice`, [
      "--check",
      "alloc.unique",
      "--save-failures",
      dir,
    ]);
    assert.equal(run.code, 1);
    const file = `${dir}/rust-hal-frame-twice.alloc.unique.json`;
    const refused = await runCli(["replay", file]);
    assert.equal(refused.code, 2, "a command read from a file is not run on its own");
    assert.match(refused.stderr, /halconf runs no command it read from a file; pass it with --driver to replay/);
    const replayed = await runCli(["replay", file, "--driver", `${BINARY} --mutant frame-twice`]);
    assert.equal(replayed.code, 1, replayed.stderr);
    assert.match(replayed.stdout, /ALLOC-6 broken/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

rustTest(
  "as the axvisor-memory edition, contiguous frames pass, and the wrong-address-space free is CONTIG-5",
  async () => {
    assert.equal(buildProblem, undefined, buildProblem);
    const run = await conformDriver(`${BINARY} --axvisor-memory`);
    assert.equal(run.code, 0, run.stderr);
    const contig = run.results.filter((result) => result.check.startsWith("contig."));
    assert.equal(contig.length, 6);
    assert.ok(contig.every((result) => result.status === "pass"), JSON.stringify(contig));
    const broken = await conformDriver(`${BINARY} --axvisor-memory --mutant contig-free-wrong-space`, [
      "--check",
      "contig.reuse",
    ]);
    assert.equal(broken.code, 1, broken.stderr);
    const [result] = broken.results;
    assert.equal(result.counterexample?.violation.clause, "CONTIG-5");
    assert.ok(result.counterexample!.steps.length <= 4, result.counterexample!.steps.join("\n"));
  },
);

rustTest(
  "contiguous functions served without the axvisor-memory contract are refused (exit 3), not skipped",
  async () => {
    const run = await conformDriver(`${BINARY} --contiguous-without-contract`);
    assert.equal(run.code, 3, run.stderr);
    assert.match(run.stderr, /has allocContiguousFrames and deallocContiguousFrames, but its contract is axvcpu-hal/);
    assert.match(run.stderr, /Profile::contract\("axvisor-memory"\)/);
  },
);

rustTest("a driver that does not compile is a load error with the compiler's file, line and message", async () => {
  const dir = await Deno.makeTempDir({ prefix: "halconf_broken_driver_" });
  try {
    await Deno.mkdir(`${dir}/src`);
    await Deno.writeTextFile(
      `${dir}/Cargo.toml`,
      '[package]\nname = "broken-driver"\nversion = "0.1.0"\nedition = "2021"\n',
    );
    await Deno.writeTextFile(
      `${dir}/src/main.rs`,
      'fn main() {\n    let x: u32 = "not a number";\n    println!("{x}");\n}\n',
    );
    const run = await runCli(["--driver", `cargo run -q --offline --manifest-path ${dir}/Cargo.toml`]);
    assert.equal(run.code, 3, run.stderr);
    assert.match(run.stderr, /the driver exited with code 101 while loading: error: could not compile `broken-driver`/);
    assert.match(run.stderr, /\n {2}error\[E0308\]: mismatched types\n {3}--> src\/main\.rs:2:18\n/);
    assert.match(run.stderr, /let x: u32 = "not a number";/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

rustTest(
  "locks poisoned by a caught panic: the driver restarts itself, and the real counterexamples show",
  async () => {
    const run = await conformDriver(`${BINARY} --poisoning-locks --mutant frame-twice`);
    assert.equal(run.code, 1, run.stderr);
    assert.deepEqual(run.results.filter((result) => result.status === "error"), [], "no check is an error");
    assert.ok(run.results.every((result) => !/create\(\) threw|PoisonError.*create/.test(result.reason ?? "")));
    const unique = run.results.find((result) => result.check === "alloc.unique")!;
    assert.equal(unique.counterexample?.violation.clause, "ALLOC-6");
  },
);

rustTest("a driver that restarts itself hands the batch sent ahead to its new image, which answers it", async () => {
  const session = await DriverSession.start({
    source: { command: [BINARY, "--poisoning-locks"] },
    label: "rust-hal --poisoning-locks",
  });
  try {
    const options = { fillLimit: 10, deadline: performance.now() + 10_000 };
    // The refused double free panics with the HAL's lock held: the next reset panics, and the driver restarts itself
    // while the next batch, sent ahead, may already sit in what it had read of its channel.
    const poisoning = [[{ op: "alloc" }, { op: "free", frame: 0 }, { op: "freeAgain", frame: 0 }], [{ op: "alloc" }]];
    const ahead = [[{ op: "alloc" }, { op: "alloc" }], [{ op: "alloc" }]] as Program[];
    const first = await session.execute(poisoning as Program[], { ...options, next: ahead });
    assert.equal(first.failure, undefined);
    assert.equal(first.traces[1].steps[0].result, first.traces[0].steps[0].result, "the second program ran fresh");
    const second = await session.execute(ahead, options);
    assert.equal(second.failure, undefined, "the batch sent ahead was answered by the restarted driver");
    assert.deepEqual(second.traces.map((trace) => trace.steps.length), [2, 1]);
  } finally {
    await session.close();
  }
});

rustTest(
  "init --rust: the generated HAL crate and driver pass from a fresh folder; beside a crate, only the driver",
  async () => {
    const dir = await Deno.makeTempDir({ prefix: "halconf_init_rust_" });
    try {
      const init = await runCli(["init", "--rust", `${dir}/my-rust-hal`]);
      assert.equal(init.code, 0, init.stderr);
      // As its user would, from the project's folder (crates from cargo's cache: CI fetched them for the examples).
      // Its build shares the example's target folder, as a shared CARGO_TARGET_DIR would: the published crates it
      // depends on are the example's, built there already (the project's own three crates are built: 1 s, not 11).
      const run = await new Deno.Command(Deno.execPath(), {
        args: ["task", "--quiet", "conform", "--seed", "3"],
        cwd: `${dir}/my-rust-hal`,
        env: { NO_COLOR: "1", CARGO_NET_OFFLINE: "true", CARGO_TARGET_DIR: `${ROOT}examples/rust-hal/target` },
      }).output();
      const text = new TextDecoder().decode(run.stdout) + new TextDecoder().decode(run.stderr);
      assert.equal(run.code, 0, text);
      assert.match(text, /PASS +irq\.dispatch/);
      assert.match(
        await Deno.readTextFile(`${dir}/my-rust-hal/halconf-driver/src/main.rs`),
        /Hal::from_axvcpu::<AxVCpuHalImpl>\(\)/,
      );

      // Beside an author's own crate: the driver crate and the tasks, the crate and its README untouched.
      await Deno.mkdir(`${dir}/theirs/src`, { recursive: true });
      await Deno.writeTextFile(`${dir}/theirs/Cargo.toml`, '[package]\nname = "board-hal"\nversion = "0.1.0"\n');
      await Deno.writeTextFile(`${dir}/theirs/README.md`, "theirs\n");
      const beside = await runCli(["init", "--rust", `${dir}/theirs`]);
      assert.equal(beside.code, 0, beside.stderr);
      assert.equal(await Deno.readTextFile(`${dir}/theirs/README.md`), "theirs\n");
      assert.match(
        await Deno.readTextFile(`${dir}/theirs/halconf-driver/Cargo.toml`),
        /board-hal = \{ path = "\.\." \}/,
      );
      assert.match(await Deno.readTextFile(`${dir}/theirs/halconf-driver/src/main.rs`), /use board_hal::/);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
);

rustTest(
  "with a fork per program, several run at once and answer in order; one that aborts is that program's error",
  async () => {
    const run = await conformDriver(`${BINARY} --fork --mutant aborts`, [
      "--check",
      "alloc.unique",
      "--check",
      "xlate.range",
    ]);
    assert.equal(run.code, 1);
    const [unique, range] = run.results;
    assert.equal(unique.status, "error");
    assert.match(unique.reason!, /the program's process was killed by signal 6/);
    assert.ok(unique.counterexample!.steps.length >= 5, "the program that aborted, at its fifth allocation");
    assert.equal(range.status, "pass");
  },
);

/**
 * halconf against the test a Rust developer would otherwise write: the proptest model test of `bench/peer/` (a
 * `Vec<Op>` strategy, a reference model, `reset()` per case) and halconf's driver run on the same HAL,
 * `examples/rust-hal`, all release builds, in alternated rounds. The peer runs two ways: programmatically
 * (`src/main.rs`, for its in-process rate and detection time) and as the `proptest!` test binary a developer's
 * `cargo test` runs (`tests/model.rs`: libtest, proptest's default configuration, failure persistence). `deno task bench:peer [--rounds N]` prints the
 * medians and ends with one line of a pinned form (other tools read it):
 *
 *   peer: driver/proptest calls/s 0.41; start-up 0.27 s; fail-fast detection 38.2x; fork/reset 9.8x
 *
 * - calls/s: HAL calls halconf judged through the driver per second of a full default run, over the HAL calls per
 *   second proptest makes in process (4,900 cases: as many programs as halconf's run);
 * - start-up: the wall time of a run of one program of one check (halconf started, the driver built and started, its
 *   handshake, one program, the report);
 * - fail-fast detection: for each of the example's mutants, `--fail-fast` wall time over the proptest test binary's
 *   (its process, to the shrunk failure and its report; the regression file is removed first, so each is a first
 *   detection, not a replay), the median over the mutants proptest catches (one it misses is listed as such); the
 *   programmatic peer's detection time is printed beside it, and so is halconf's time after start-up (its run's
 *   wall time less the start-up run's: checks to the counterexample, shrinking, report), with its own median ratio;
 * - fork/reset: a full default run with a fork per program over the same with `reset_with`.
 *
 * Timing only: no assertion. Needs cargo (the crates come from crates.io, or cargo's cache with `--offline`).
 *
 * @module
 */

import { fileURLToPath } from "node:url";
import { RUN_ENVIRONMENT, V8_FLAGS } from "../cli/run_settings.ts";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const HAL = `${ROOT}examples/rust-hal/target/release/rust-hal`;
const PEER = `${ROOT}bench/peer/target/release/halconf-peer`;
const REGRESSIONS = `${ROOT}bench/peer/tests/model.proptest-regressions`;
const MUTANTS = [
  "frame-twice",
  "first-region-only",
  "frame-zero",
  "silent-double-free",
  "v2p-off-by-page",
  "unacked-high-lines",
];

const rounds = Number(Deno.args[Deno.args.indexOf("--rounds") + 1] ?? 0) || 5;

async function run(
  command: string,
  args: string[],
  env: Record<string, string> = {},
): Promise<{ seconds: number; stdout: string; code: number }> {
  const started = performance.now();
  // A backtrace per panic (this machine sets RUST_BACKTRACE=1) would cost the peer's test binary 60-90 ms of
  // symbolising per failure: every process here runs as a developer's shell does by default, without.
  env = { RUST_BACKTRACE: "0", ...env };
  const output = await new Deno.Command(command, { args, env, stdout: "piped", stderr: "null", cwd: ROOT })
    .output();
  return {
    seconds: (performance.now() - started) / 1000,
    stdout: new TextDecoder().decode(output.stdout),
    code: output.code,
  };
}

async function build(manifest: string): Promise<void> {
  const built = await new Deno.Command("cargo", {
    args: ["build", "--release", "-q", "--manifest-path", `${ROOT}${manifest}`],
    stderr: "inherit",
  }).output();
  if (!built.success) throw new Error(`cargo build --release failed for ${manifest}`);
}

/** Builds the peer's `proptest!` test and returns its binary (libtest's, as `cargo test --release` runs it). */
async function buildTest(manifest: string): Promise<string> {
  const built = await new Deno.Command("cargo", {
    args: ["test", "--release", "--no-run", "-q", "--message-format=json", "--manifest-path", `${ROOT}${manifest}`],
    stdout: "piped",
    stderr: "inherit",
  }).output();
  if (!built.success) throw new Error(`cargo test --no-run failed for ${manifest}`);
  const executable = new TextDecoder().decode(built.stdout).split("\n").filter((line) => line.startsWith("{"))
    .map((line) => JSON.parse(line)).find((message) => message.target?.name === "model" && message.executable)
    ?.executable;
  if (!executable) throw new Error(`cargo test --no-run built no test binary named model for ${manifest}`);
  return executable;
}

/** The peer's test binary on one mutant: a first detection, with no regression file to replay. */
async function peerTest(binary: string, mutant: string | undefined, seed: string) {
  await Deno.remove(REGRESSIONS).catch(() => {});
  const env: Record<string, string> = { PROPTEST_RNG_SEED: seed };
  if (mutant) env.HALCONF_PEER_MUTANT = mutant;
  const outcome = await run(binary, ["-q"], env);
  await Deno.remove(REGRESSIONS).catch(() => {});
  return outcome;
}

/** halconf as a user runs it, through the CLI, with the settings `deno task conform` starts it with. */
function halconf(args: string[]) {
  return run(Deno.execPath(), [
    "run",
    "--allow-read",
    "--allow-write",
    "--allow-run",
    "--allow-env",
    V8_FLAGS,
    `${ROOT}cli/main.ts`,
    "conform",
    ...args,
  ], { ...RUN_ENVIRONMENT });
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

await build("examples/rust-hal/Cargo.toml");
await build("bench/peer/Cargo.toml");
const PEER_TEST = await buildTest("bench/peer/Cargo.toml");

const rates = { halconf: [] as number[], proptest: [] as number[] };
const startUp: number[] = [];
const fork: number[] = [];
const reset: number[] = [];
const testPass: number[] = [];
const detection = new Map<string, { halconf: number[]; proptest: number[]; inProcess: number[]; missed: number }>(
  MUTANTS.map((mutant) => [mutant, { halconf: [], proptest: [], inProcess: [], missed: 0 }]),
);
for (let round = 1; round <= rounds; round++) {
  const seed = String(round);
  const full = await halconf(["--driver", HAL, "--seed", seed, "--format", "json"]);
  const results = JSON.parse(full.stdout).results as { calls?: number }[];
  const calls = results.reduce((sum, result) => sum + (result.calls ?? 0), 0);
  rates.halconf.push(calls / full.seconds);
  reset.push(full.seconds);
  const peer = JSON.parse((await run(PEER, ["--cases", "4900", "--seed", seed])).stdout);
  rates.proptest.push(peer.calls / peer.seconds);
  fork.push((await halconf(["--driver", `${HAL} --fork`, "--seed", seed, "--format", "json"])).seconds);
  startUp.push((await halconf(["--driver", HAL, "--check", "alloc.unique", "--runs", "1", "--seed", seed])).seconds);
  const passed = await peerTest(PEER_TEST, undefined, seed);
  if (passed.code !== 0) throw new Error(`the peer's test failed on the correct HAL (exit ${passed.code})`);
  testPass.push(passed.seconds);
  for (const mutant of MUTANTS) {
    const times = detection.get(mutant)!;
    const caught = await halconf(["--driver", `${HAL} --mutant ${mutant}`, "--fail-fast", "--seed", seed]);
    if (caught.code !== 1) throw new Error(`halconf --fail-fast did not catch ${mutant} (exit ${caught.code})`);
    times.halconf.push(caught.seconds);
    const test = await peerTest(PEER_TEST, mutant, seed);
    const inProcess = JSON.parse((await run(PEER, ["--mutant", mutant, "--seed", seed])).stdout);
    // Both run the same seed through the same runner: they fail together or pass together.
    if ((test.code !== 0) !== inProcess.failed) {
      throw new Error(`the peer's test and its programmatic run disagree on ${mutant} (seed ${seed})`);
    }
    if (test.code === 0) times.missed++;
    else {
      times.proptest.push(test.seconds);
      times.inProcess.push(inProcess.seconds);
    }
  }
}

const callsRatio = median(rates.halconf) / median(rates.proptest);
const forkRatio = median(fork) / median(reset);
// A mutant the peer did not catch has no detection time of its own: it is left out of the median.
const caughtByPeer = MUTANTS.filter((mutant) => detection.get(mutant)!.missed === 0);
const detectionRatios = caughtByPeer.map((mutant) => {
  const times = detection.get(mutant)!;
  return median(times.halconf) / median(times.proptest);
});
const fmt = (value: number) => value.toLocaleString("en-US", { maximumFractionDigits: 2 });
console.log(`rounds: ${rounds} (medians, alternated)`);
console.log(
  `HAL calls/s: halconf through the driver ${fmt(median(rates.halconf))}, proptest in process ${
    fmt(median(rates.proptest))
  }`,
);
console.log(`full run: reset ${median(reset).toFixed(3)} s, fork ${median(fork).toFixed(3)} s`);
console.log(`proptest test binary, correct HAL (256 cases): ${median(testPass).toFixed(3)} s`);
// Start-up has its own target: the time after it (the checks run to the counterexample, shrinking, the report) is
// printed beside each whole run, and its ratio on a line of its own. The pinned line keeps whole processes.
const startUpMedian = median(startUp);
const afterStartUp = (mutant: string) => Math.max(0, median(detection.get(mutant)!.halconf) - startUpMedian);
for (const mutant of MUTANTS) {
  const times = detection.get(mutant)!;
  const peer = times.missed > 0
    ? `proptest missed it in ${times.missed} of ${rounds} rounds (256 cases)`
    : `proptest test binary ${median(times.proptest).toFixed(3)} s (${
      (median(times.halconf) / median(times.proptest)).toFixed(1)
    }x), in process ${median(times.inProcess).toFixed(4)} s`;
  console.log(
    `detection ${mutant}: halconf --fail-fast ${median(times.halconf).toFixed(3)} s (${
      afterStartUp(mutant).toFixed(3)
    } s after start-up), ${peer}`,
  );
}
const afterRatios = caughtByPeer.map((mutant) => afterStartUp(mutant) / median(detection.get(mutant)!.proptest));
console.log(`fail-fast detection after start-up: ${median(afterRatios).toFixed(1)}x (median over the mutants)`);
console.log(
  `peer: driver/proptest calls/s ${callsRatio.toFixed(2)}; start-up ${startUpMedian.toFixed(2)} s; ` +
    `fail-fast detection ${median(detectionRatios).toFixed(1)}x; fork/reset ${forkRatio.toFixed(1)}x`,
);

/**
 * halconf against the test a Rust developer would otherwise write: the proptest model test of `bench/peer/` (a
 * `Vec<Op>` strategy, a reference model, `reset()` per case) and halconf's driver run on the same HAL,
 * `examples/rust-hal`, both release builds, in alternated rounds. `deno task bench:peer [--rounds N]` prints the
 * medians and ends with one line of a pinned form (other tools read it):
 *
 *   peer: driver/proptest calls/s 0.41; start-up 0.27 s; fail-fast detection 38.2x; fork/reset 9.8x
 *
 * - calls/s: HAL calls halconf judged through the driver per second of a full default run, over the HAL calls per
 *   second proptest makes in process (4,900 cases: as many programs as halconf's run);
 * - start-up: the wall time of a run of one program of one check (halconf started, the driver built and started, its
 *   handshake, one program, the report);
 * - fail-fast detection: for each of the example's mutants, `--fail-fast` wall time over proptest's (its process, to
 *   the shrunk failure), the median over the mutants proptest catches (one it misses is listed as such);
 * - fork/reset: a full default run with a fork per program over the same with `reset_with`.
 *
 * Timing only: no assertion. Needs cargo (the crates come from crates.io, or cargo's cache with `--offline`).
 *
 * @module
 */

import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const HAL = `${ROOT}examples/rust-hal/target/release/rust-hal`;
const PEER = `${ROOT}bench/peer/target/release/halconf-peer`;
const MUTANTS = [
  "frame-twice",
  "first-region-only",
  "frame-zero",
  "silent-double-free",
  "v2p-off-by-page",
  "unacked-high-lines",
];

const rounds = Number(Deno.args[Deno.args.indexOf("--rounds") + 1] ?? 0) || 5;

async function run(command: string, args: string[]): Promise<{ seconds: number; stdout: string; code: number }> {
  const started = performance.now();
  const output = await new Deno.Command(command, { args, stdout: "piped", stderr: "null", cwd: ROOT }).output();
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

/** halconf as a user runs it, through the CLI. */
function halconf(args: string[]) {
  return run(Deno.execPath(), [
    "run",
    "--allow-read",
    "--allow-write",
    "--allow-run",
    "--allow-env",
    "--v8-flags=--max-semi-space-size=8,--turbo-filter=~",
    `${ROOT}cli/main.ts`,
    "conform",
    ...args,
  ]);
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

await build("examples/rust-hal/Cargo.toml");
await build("bench/peer/Cargo.toml");

const rates = { halconf: [] as number[], proptest: [] as number[] };
const startUp: number[] = [];
const fork: number[] = [];
const reset: number[] = [];
const detection = new Map<string, { halconf: number[]; proptest: number[]; missed: number }>(
  MUTANTS.map((mutant) => [mutant, { halconf: [], proptest: [], missed: 0 }]),
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
  for (const mutant of MUTANTS) {
    const times = detection.get(mutant)!;
    const caught = await halconf(["--driver", `${HAL} --mutant ${mutant}`, "--fail-fast", "--seed", seed]);
    if (caught.code !== 1) throw new Error(`halconf --fail-fast did not catch ${mutant} (exit ${caught.code})`);
    times.halconf.push(caught.seconds);
    const peer = await run(PEER, ["--mutant", mutant, "--seed", seed]);
    times.proptest.push(peer.seconds);
    if (!JSON.parse(peer.stdout).failed) times.missed++;
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
for (const mutant of MUTANTS) {
  const times = detection.get(mutant)!;
  const peer = times.missed > 0
    ? `proptest missed it in ${times.missed} of ${rounds} rounds (256 cases)`
    : `proptest ${median(times.proptest).toFixed(3)} s (${
      (median(times.halconf) / median(times.proptest)).toFixed(1)
    }x)`;
  console.log(`detection ${mutant}: halconf --fail-fast ${median(times.halconf).toFixed(3)} s, ${peer}`);
}
console.log(
  `peer: driver/proptest calls/s ${callsRatio.toFixed(2)}; start-up ${median(startUp).toFixed(2)} s; ` +
    `fail-fast detection ${median(detectionRatios).toFixed(1)}x; fork/reset ${forkRatio.toFixed(1)}x`,
);

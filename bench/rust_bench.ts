/**
 * Programs per second of the same HAL design three ways, on the same programs: the Rust example through the Rust
 * adapter, its TypeScript twin through the TypeScript driver, and the twin in this process (the baseline). Builds
 * the example with cargo; without cargo the cases are skipped with a printed reason.
 */

import { CHECKS } from "../conformance/checks/catalogue.ts";
import { inProcessExecutor, type ProgramExecutor } from "../conformance/run/program_executor.ts";
import { runCheckWith } from "../conformance/run/runner.ts";
import { DriverSession } from "../driver/session.ts";
import twin from "../examples/rust-hal/twin.ts";

const ROOT = new URL("../", import.meta.url).pathname;
let cargo = true;
try {
  const build = await new Deno.Command("cargo", {
    args: ["build", "--offline", "-q", "--manifest-path", `${ROOT}examples/rust-hal/Cargo.toml`],
  }).output();
  cargo = build.success;
} catch {
  cargo = false;
}
if (!cargo) console.log("bench/rust_bench.ts: skipped: cargo is not installed (or the example does not build)");

/** The same name for all three, so that every check draws the same programs from the same seed. */
function named(executor: ProgramExecutor): ProgramExecutor {
  return {
    name: "rust-hal",
    profile: executor.profile,
    methods: executor.methods,
    execute: (programs, options) => executor.execute(programs, options),
    takeOutput: () => executor.takeOutput(),
  };
}

const rust = cargo
  ? await DriverSession.start({
    source: { command: [`${ROOT}examples/rust-hal/target/debug/rust-hal`] },
    label: "rust",
  })
  : undefined;
const typescript = await DriverSession.start({ source: { module: `${ROOT}examples/rust-hal/twin.ts` }, label: "twin" });
const programs = { rust: [] as number[], typescript: [] as number[], inProcess: [] as number[] };

async function fullRun(executor: ProgramExecutor, rates: number[]): Promise<void> {
  const started = performance.now();
  let count = 0;
  for (const check of CHECKS) count += (await runCheckWith(named(executor), check, { seed: 42 })).runs;
  rates.push(count / ((performance.now() - started) / 1000));
}

const group = "full conformance run of the rust-hal design, same programs";
Deno.bench({
  name: "TypeScript twin, in process",
  group,
  baseline: true,
  n: 5,
  async fn() {
    await fullRun(inProcessExecutor(twin), programs.inProcess);
  },
});
Deno.bench({
  name: "TypeScript twin, through the TypeScript driver",
  group,
  n: 5,
  async fn() {
    await fullRun(typescript, programs.typescript);
  },
});
Deno.bench({
  name: "Rust example, through the Rust adapter (cargo's dev profile)",
  group,
  n: 5,
  ignore: !rust,
  async fn() {
    await fullRun(rust!, programs.rust);
  },
});

globalThis.addEventListener("unload", () => {
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1] ?? 0;
  const format = (values: number[]) => Math.round(median(values)).toLocaleString("en-US");
  console.log(
    `\nprograms per second: in process ${format(programs.inProcess)}, TypeScript driver ${
      format(programs.typescript)
    }, Rust adapter ${rust ? format(programs.rust) : "skipped"}`,
  );
  rust?.kill();
  typescript.kill();
});

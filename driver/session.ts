/**
 * The supervisor's side of the driver protocol: starts a driver process in
 * a sandbox, reads its handshake, sends it batches of programs and reads
 * back traces that `TraceReader` checks step by step. A driver that crashes,
 * hangs past the deadline, or says anything the protocol does not allow is
 * killed; the batch reports which program it was running, and the next
 * batch starts a fresh driver.
 *
 * Nothing a driver says is a verdict: the session only returns traces.
 *
 * @module
 */

import { fileURLToPath } from "node:url";
import type { BatchOptions, BatchOutcome, ProgramExecutor } from "../conformance/run/program_executor.ts";
import type { Program } from "../conformance/program/program.ts";
import { nameProblem, type ResolvedProfile, validateProfile } from "../conformance/contract/profile.ts";
import { editionProblem } from "../conformance/contract/editions.ts";
import { join } from "node:path";
import { moduleUrl } from "./load_target.ts";
import { findProject, importMapFor } from "./project.ts";
import { OutputBuffer } from "./output_buffer.ts";
import { TraceReader } from "./trace_reader.ts";
import type { Handshake } from "./handshake.ts";
import { LIMITS } from "./wire.ts";
import { type DriverLaunch, DriverLoadError, DriverProcess } from "./driver_process.ts";
import { EventLoopTurns } from "./event_loop_turns.ts";

export { CHANNEL_VARIABLE, DriverLoadError } from "./driver_process.ts";

/** The halconf checkout: the TypeScript driver and the import map HAL modules may use. */
const HALCONF_ROOT: URL = new URL("../", import.meta.url);

/** Where a driver comes from: a TypeScript HAL module, a reference HAL run isolated, or any driver executable. */
export type DriverSource = { module: string } | { reference: string } | { command: string[]; cwd?: string };

/** How to start and bound a driver. */
export interface SessionOptions {
  /** The driver. */
  source: DriverSource;
  /** How the user named it (for messages before the handshake). */
  label: string;
  /** The most memory the driver process may use, in MiB (default 2048). */
  memoryMiB?: number;
  /** How long starting and the handshake may take, in milliseconds (default 30,000). */
  loadTimeoutMs?: number;
}

/** Event-loop turns given to the output readers, after the timer that polls the pipes, before output is taken. */
const SETTLE_TURNS = 3;

/** Default memory cap of a driver, in MiB. */
export const DEFAULT_MEMORY_MIB = 2048;

let denoDir: string | undefined;

/** Deno's cache directory, so that a driver with a cleared environment still finds what halconf has cached. */
async function cacheDir(): Promise<string> {
  if (denoDir !== undefined) return denoDir;
  const fromEnv = Deno.env.get("DENO_DIR");
  if (fromEnv) return denoDir = fromEnv;
  // Where Deno puts it when DENO_DIR is not set (its deno_dir resolution), when that exists: asking `deno info` costs a
  // Deno start (7 ms) on the way to every driver's first program.
  const usual = usualCacheDir();
  if (usual && isDirectory(usual)) return denoDir = usual;
  try {
    const output = await new Deno.Command(Deno.execPath(), {
      args: ["info", "--json"],
      stdout: "piped",
      stderr: "null",
    })
      .output();
    denoDir = String(JSON.parse(new TextDecoder().decode(output.stdout)).denoDir ?? "");
  } catch {
    denoDir = "";
  }
  return denoDir;
}

/** Deno's cache directory by its platform's convention: `$XDG_CACHE_HOME/deno`, else the user's cache folder's. */
function usualCacheDir(): string | undefined {
  const xdg = Deno.env.get("XDG_CACHE_HOME");
  if (xdg) return `${xdg}/deno`;
  if (Deno.build.os === "windows") {
    const local = Deno.env.get("LOCALAPPDATA");
    return local ? `${local}\\deno` : undefined;
  }
  const home = Deno.env.get("HOME");
  if (!home) return undefined;
  return Deno.build.os === "darwin" ? `${home}/Library/Caches/deno` : `${home}/.cache/deno`;
}

function isDirectory(path: string): boolean {
  try {
    return Deno.statSync(path).isDirectory;
  } catch {
    return false;
  }
}

/**
 * How cargo builds, kept for a native driver: a shared `CARGO_TARGET_DIR` reused rather than a build from nothing in
 * the crate's own `target/` (11 s for a generated HAL crate, 1 s with the example's), offline, the same flags. None is
 * a credential (cargo's tokens are `CARGO_REGISTRY_TOKEN` and `CARGO_REGISTRIES_<name>_TOKEN`, never kept).
 */
const CARGO_BUILD_VARIABLES = [
  "CARGO_TARGET_DIR",
  "CARGO_BUILD_TARGET_DIR",
  "CARGO_NET_OFFLINE",
  "CARGO_BUILD_JOBS",
  "CARGO_INCREMENTAL",
  "RUSTFLAGS",
  "RUSTC_BOOTSTRAP",
];

/**
 * What a native driver keeps of halconf's environment: the `PATH` (to find `cargo`), where the Rust toolchain lives
 * (the driver's `HOME` is a private empty directory) and how cargo builds. Nothing else: no tokens, no credentials.
 */
function nativeEnvironment(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of CARGO_BUILD_VARIABLES) {
    const value = Deno.env.get(name);
    if (value !== undefined) env[name] = value;
  }
  const home = Deno.env.get("HOME");
  const path = Deno.env.get("PATH");
  if (path) env.PATH = path;
  for (const [name, fallback] of [["CARGO_HOME", ".cargo"], ["RUSTUP_HOME", ".rustup"]] as const) {
    const value = Deno.env.get(name) ?? (home ? `${home}/${fallback}` : undefined);
    if (value) env[name] = value;
  }
  const toolchain = Deno.env.get("RUSTUP_TOOLCHAIN");
  if (toolchain) env.RUSTUP_TOOLCHAIN = toolchain;
  return env;
}

/**
 * A private Deno directory for one driver, in `workDir` (removed with it). It links to the caches of `denoDir` that
 * hold what halconf itself cached (npm packages, analysed and emitted modules), and shares nothing a HAL can fill with
 * bytes of its choosing: Web Storage and the Cache API (`location_data`) start empty, and V8's code cache (which a
 * HAL's `data:` imports would grow) is not there (the driver runs with `--no-code-cache`).
 */
async function privateDenoDir(denoDir: string, workDir: string): Promise<string> {
  const dir = join(workDir, "deno_dir");
  await Deno.mkdir(dir);
  const entries: string[] = [];
  try {
    for await (const entry of Deno.readDir(denoDir)) entries.push(entry.name);
  } catch {
    return dir; // no cache yet: a fresh one, private
  }
  for (const name of entries) {
    // V8's code cache stays out: a copy of it taken while another Deno process wrote it could hold a torn entry, and V8
    // reading one ends the process ("Check failed: ReadSingleBytecodeData", twice in a day of test runs: a correct
    // HAL that "exited while loading"). Without it a driver starts 2-3 ms later and a full run takes as long.
    if (name === "location_data" || name.startsWith("v8_code_cache")) continue;
    await Deno.symlink(join(denoDir, name), join(dir, name)).catch(() => {});
  }
  return dir;
}

/** A folder the driver may read, refused when Deno's comma-separated permission lists cannot express it. */
function readableFolder(dir: string, what: string): string {
  if (dir.includes(",")) {
    throw new DriverLoadError(
      `Cannot load HAL module "${what}": its folder "${dir}" contains a comma, which Deno's permission lists ` +
        "cannot express (it would grant more than the folder); move or rename it",
    );
  }
  return dir;
}

/**
 * How a driver is started. A TypeScript HAL runs with its own project's `deno.json` (import map, `nodeModulesDir`,
 * lock file used frozen) and may read that project's folder, and its channel's ends, nothing else; `@halconf/halconf`
 * resolves to the running halconf through an import map written in the driver's private directory. A native driver
 * starts where halconf was started (or where the run it replays was), so that the relative paths of its command
 * (`--manifest-path examples/rust-hal/Cargo.toml`) mean what the user typed.
 */
async function launchOf(options: SessionOptions, workDir: string): Promise<DriverLaunch> {
  const { source, label } = options;
  const memoryMiB = options.memoryMiB ?? DEFAULT_MEMORY_MIB;
  const env: Record<string, string> = { NO_COLOR: "1", HOME: workDir, TMPDIR: workDir, PATH: "/usr/bin:/bin" };
  const deno = await cacheDir();
  if (deno) env.DENO_DIR = deno;
  const base = { env, memoryKiB: memoryMiB * 1024, workDir, label };
  if ("command" in source) {
    return { ...base, env: { ...env, ...nativeEnvironment() }, argv: source.command, cwd: source.cwd ?? Deno.cwd() };
  }
  const root = fileURLToPath(HALCONF_ROOT);
  if (root.includes(",")) throw new DriverLoadError(`halconf's own path "${root}" contains a comma: move it`);
  const readable = [root];
  let target: string;
  let config: string[];
  if ("module" in source) {
    const file = fileURLToPath(moduleUrl(source.module));
    const project = findProject(file);
    readable.push(readableFolder(project.root, file));
    const importMap = join(workDir, "import_map.json");
    Deno.writeTextFileSync(importMap, JSON.stringify(importMapFor(project, root)));
    config = [
      ...project.config
        ? [`--config=${project.config}`, project.lock ? "--frozen" : "--no-lock"]
        : ["--no-config", "--no-lock"],
      `--import-map=${importMap}`,
    ];
    target = `module:${source.module}`;
  } else {
    config = [`--config=${root}deno.json`, "--no-lock"];
    target = `reference:${source.reference}`;
  }
  // Deno's directory as the driver sees it: the module caches it needs, shared read-mostly, and everything a HAL could
  // make Deno write (Web Storage, the Cache API's data, emitted code) in a private one, removed with the driver.
  if (deno) env.DENO_DIR = await privateDenoDir(deno, workDir);
  const channel = DriverProcess.channelOf(workDir);
  const argv = [
    Deno.execPath(),
    "run",
    "--no-prompt",
    "--quiet",
    "--no-remote",
    "--cached-only",
    "--no-code-cache",
    ...config,
    // A young generation of 4 MiB per semi-space: the same speed, less resident memory (see DESIGN.md).
    `--v8-flags=--max-old-space-size=${memoryMiB},--max-semi-space-size=4`,
    // Its channel's ends, which the driver opens and then gives up the permission to before it loads the HAL.
    `--allow-read=${readable.join(",")},${channel}.in`,
    `--allow-write=${channel}.out`,
    `${root}driver/ts_driver.ts`,
    target,
    Deno.cwd(),
    channel,
  ];
  return { ...base, argv, cwd: workDir };
}

/**
 * One driver process and the HAL it holds, as a `ProgramExecutor`.
 *
 * @example
 * ```ts ignore
 * const session = await DriverSession.start({ source: { module: "./my_hal.ts" }, label: "./my_hal.ts" });
 * const { traces } = await session.execute([[{ op: "alloc" }]], { fillLimit: 257, deadline: performance.now() + 5000 });
 * await session.close();
 * ```
 */
export class DriverSession implements ProgramExecutor {
  readonly name: string;
  readonly profile: ResolvedProfile;
  readonly methods: ReadonlySet<string>;
  readonly probeError?: string;
  readonly #options: SessionOptions;
  readonly #handshake: Handshake;
  readonly #output: OutputBuffer;
  #process: DriverProcess | undefined;
  #killed = false;
  /** Whether a program ran (or the driver started) since output was last taken settled. */
  #ranSinceTake = true;

  private constructor(options: SessionOptions, process: DriverProcess, handshake: Handshake, output: OutputBuffer) {
    this.#options = options;
    this.#output = output;
    this.#process = process;
    this.#handshake = handshake;
    this.name = handshake.name;
    this.methods = new Set(handshake.methods);
    if (handshake.probeError !== undefined) this.probeError = handshake.probeError;
    const problem = nameProblem(handshake.name);
    if (problem) {
      throw new DriverLoadError(`HAL "${options.label}": its name ${problem}, got ${JSON.stringify(handshake.name)}`);
    }
    try {
      this.profile = validateProfile(handshake.profile);
    } catch (error) {
      throw new DriverLoadError(`HAL "${options.label}": ${(error as Error).message.split("\n")[0]}`);
    }
    // Methods that disagree with the edition would skip or fail checks for a reason that is the profile's.
    const disagreement = handshake.probeError === undefined
      ? editionProblem(this.profile.contract, this.methods)
      : undefined;
    if (disagreement) {
      throw new DriverLoadError(`HAL "${options.label}": ${disagreement}`);
    }
  }

  /** Starts the driver and reads its handshake. Throws `DriverLoadError` when the HAL cannot be checked. */
  static async start(options: SessionOptions): Promise<DriverSession> {
    const output = new OutputBuffer(LIMITS.outputBytes);
    const process = await startProcess(options, output);
    const handshake = await process.handshake(options.loadTimeoutMs ?? 30_000);
    try {
      return new DriverSession(options, process, handshake, output);
    } catch (error) {
      await process.end();
      throw error;
    }
  }

  /** How many bytes of output the HAL has printed so far (taken or not): whether it printed since an earlier look. */
  get outputReceived(): number {
    return this.#output.received;
  }

  /** What the HAL printed since the last call (stderr, and stdout for TypeScript HALs), bounded. */
  takeOutput(): string | undefined {
    return this.#output.take();
  }

  /**
   * The same, once the output readers have had their turns: a driver writes what its HAL printed before the answers
   * that follow it, but on other pipes, so the last lines may still wait to be read when the answers are in.
   */
  async takeSettledOutput(): Promise<string | undefined> {
    // Nothing ran since the last take (a skipped check): nothing new can be on its way.
    if (!this.#ranSinceTake) return this.#output.take();
    this.#ranSinceTake = false;
    // One zero-delay timer makes the event loop park, and the poll that parking does is what hands the readers what
    // the pipes hold; the turns after it, by a message to ourselves, let the reads' results reach the buffer. Three
    // timers (the way before) cost 6 ms a check, a quarter of a full run of a fast driver; messages alone lost the
    // last lines of a check 3 runs in 10 beside two busy loops (20 of 20 kept with the timer, measured).
    const turns = new EventLoopTurns();
    try {
      await new Promise((resolve) => setTimeout(resolve, 0));
      for (let turn = 0; turn < SETTLE_TURNS; turn++) await turns.next();
    } finally {
      turns.close();
    }
    return this.#output.take();
  }

  /** Runs `programs`, each on a fresh instance, in one round trip. */
  async execute(programs: readonly Program[], options: BatchOptions): Promise<BatchOutcome> {
    if (programs.length > LIMITS.batchPrograms) {
      throw new RangeError(`at most ${LIMITS.batchPrograms} programs a batch`);
    }
    // After kill() nothing runs again: a restarted driver would hold Ctrl-C up until the check's deadline.
    const interrupted: BatchOutcome = { traces: [], completed: 0, failure: { status: "error", reason: "interrupted" } };
    if (this.#killed) return interrupted;
    this.#ranSinceTake = true;
    let process = this.#process;
    // A batch sent ahead and not asked for (the check stopped at a failure): its answers are read and dropped first.
    if (process && !process.dead && process.hasAhead && !process.isAhead(programs, options.fillLimit)) {
      const readerFor = (fillLimit: number) => new TraceReader(this.profile, this.methods, fillLimit);
      if (!await process.dropAhead(options.deadline, readerFor)) await process.end();
    }
    if (!process || process.dead) {
      await process?.end();
      this.#process = undefined;
      try {
        process = await startProcess(this.#options, this.#output);
        const handshake = await process.handshake(this.#options.loadTimeoutMs ?? 30_000);
        if (
          handshake.name !== this.name ||
          JSON.stringify(handshake, replacer) !== JSON.stringify(this.#handshake, replacer)
        ) {
          await process.end();
          return {
            traces: [],
            completed: 0,
            failure: { status: "error", reason: "the restarted driver declared another HAL" },
          };
        }
        this.#process = process;
        if (this.#killed) {
          await process.end(); // killed while this one started
          return interrupted;
        }
      } catch (error) {
        return { traces: [], completed: 0, failure: { status: "error", reason: (error as Error).message } };
      }
    }
    return await process.run(programs, options, new TraceReader(this.profile, this.methods, options.fillLimit));
  }

  /**
   * Ends the driver process for now, keeping what its handshake declared: the next batch starts a fresh one (and checks
   * that it declares the same HAL). A run of more HALs than `--jobs` keeps only the drivers whose turn it is alive.
   */
  async suspend(): Promise<void> {
    const process = this.#process;
    this.#process = undefined;
    await process?.close();
  }

  /** Kills the driver at once, for good (Ctrl-C): later batches are not run, and the driver is not restarted. */
  kill(): void {
    this.#killed = true;
    this.#process?.kill();
  }

  /** Closes the driver's input and waits briefly for it to exit; a driver that lingers is killed. */
  async close(): Promise<void> {
    await this.#process?.close();
  }
}

/** A driver process for `options`, in a private directory of its own (removed when the process ends). */
async function startProcess(options: SessionOptions, output: OutputBuffer): Promise<DriverProcess> {
  const workDir = await Deno.makeTempDir({ prefix: "halconf_driver_" });
  try {
    // The channel is made while the launch is prepared (each is a few milliseconds of waiting on the system).
    const [launch] = await Promise.all([
      launchOf(options, workDir),
      DriverProcess.makeChannel(workDir, options.label),
    ]);
    return DriverProcess.spawn(launch, output);
  } catch (error) {
    await Deno.remove(workDir, { recursive: true }).catch(() => {});
    throw error;
  }
}

function replacer(_key: string, value: unknown): unknown {
  return typeof value === "bigint" ? `0x${value.toString(16)}` : value;
}

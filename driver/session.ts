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
import type { Trace } from "../conformance/program/executor.ts";
import type { BatchOptions, BatchOutcome, ProgramExecutor } from "../conformance/run/program_executor.ts";
import type { Program } from "../conformance/program/program.ts";
import { nameProblem, type ResolvedProfile, validateProfile } from "../conformance/contract/profile.ts";
import { editionProblem } from "../conformance/contract/editions.ts";
import { join } from "node:path";
import { moduleUrl } from "./load_target.ts";
import { findProject, importMapFor } from "./project.ts";
import { LineReader } from "./line_reader.ts";
import { OutputBuffer } from "./output_buffer.ts";
import { TraceReader } from "./trace_reader.ts";
import { decodeHandshake, type Handshake } from "./handshake.ts";
import { encodeProgram } from "./program_codec.ts";
import { LIMITS, ProtocolError, show } from "./wire.ts";

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

/** The driver could not be started or did not complete its handshake: the HAL cannot be checked at all. */
export class DriverLoadError extends Error {
  /** An error whose message is one line naming the HAL and the problem. */
  constructor(message: string) {
    super(message);
    this.name = "DriverLoadError";
  }
}

/** Default memory cap of a driver, in MiB. */
export const DEFAULT_MEMORY_MIB = 2048;
/** How long a driver may take to exit after its input closes before it is killed. */
const EXIT_GRACE_MS = 2_000;

let denoDir: string | undefined;

/** Deno's cache directory, so that a driver with a cleared environment still finds what halconf has cached. */
async function cacheDir(): Promise<string> {
  if (denoDir !== undefined) return denoDir;
  const fromEnv = Deno.env.get("DENO_DIR");
  if (fromEnv) return denoDir = fromEnv;
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

/**
 * What a native driver keeps of halconf's environment: the `PATH` (to find `cargo`) and where the Rust toolchain
 * lives (the driver's `HOME` is a private empty directory). Nothing else: no tokens, no credentials.
 */
function nativeEnvironment(): Record<string, string> {
  const env: Record<string, string> = {};
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
 * The command that starts a driver. A TypeScript HAL runs with its own project's `deno.json` (import map,
 * `nodeModulesDir`, lock file used frozen) and may read that project's folder; `@halconf/halconf` resolves to the
 * running halconf through an import map written in the driver's private directory.
 */
function driverCommand(source: DriverSource, memoryMiB: number, workDir: string): string[] {
  if ("command" in source) return source.command;
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
  return [
    Deno.execPath(),
    "run",
    "--no-prompt",
    "--quiet",
    "--no-remote",
    "--cached-only",
    ...config,
    // A young generation of 4 MiB per semi-space: the same speed, less resident memory (see DESIGN.md).
    `--v8-flags=--max-old-space-size=${memoryMiB},--max-semi-space-size=4`,
    `--allow-read=${readable.join(",")}`,
    `${root}driver/ts_driver.ts`,
    target,
    Deno.cwd(),
  ];
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
      process.kill();
      throw new DriverLoadError(`HAL "${options.label}": its name ${problem}, got ${JSON.stringify(handshake.name)}`);
    }
    try {
      this.profile = validateProfile(handshake.profile);
    } catch (error) {
      process.kill();
      throw new DriverLoadError(`HAL "${options.label}": ${(error as Error).message.split("\n")[0]}`);
    }
    // Methods that disagree with the edition would skip or fail checks for a reason that is the profile's.
    const disagreement = handshake.probeError === undefined
      ? editionProblem(this.profile.contract, this.methods)
      : undefined;
    if (disagreement) {
      process.kill();
      throw new DriverLoadError(`HAL "${options.label}": ${disagreement}`);
    }
  }

  /** Starts the driver and reads its handshake. Throws `DriverLoadError` when the HAL cannot be checked. */
  static async start(options: SessionOptions): Promise<DriverSession> {
    const output = new OutputBuffer(LIMITS.outputBytes);
    const process = await DriverProcess.spawn(options, output);
    const handshake = await process.handshake(options);
    return new DriverSession(options, process, handshake, output);
  }

  /** What the HAL printed since the last call (stderr, and stdout for TypeScript HALs), bounded. */
  takeOutput(): string | undefined {
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
    let process = this.#process;
    if (!process || process.dead) {
      try {
        process = await DriverProcess.spawn(this.#options, this.#output);
        const handshake = await process.handshake(this.#options);
        if (
          handshake.name !== this.name ||
          JSON.stringify(handshake, replacer) !== JSON.stringify(this.#handshake, replacer)
        ) {
          process.kill();
          return {
            traces: [],
            completed: 0,
            failure: { status: "error", reason: "the restarted driver declared another HAL" },
          };
        }
        this.#process = process;
        if (this.#killed) {
          process.kill(); // killed while this one started
          return interrupted;
        }
      } catch (error) {
        return { traces: [], completed: 0, failure: { status: "error", reason: (error as Error).message } };
      }
    }
    return await process.run(programs, options, new TraceReader(this.profile, this.methods, options.fillLimit));
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

function replacer(_key: string, value: unknown): unknown {
  return typeof value === "bigint" ? `0x${value.toString(16)}` : value;
}

/** One running driver process. */
class DriverProcess {
  readonly #child: Deno.ChildProcess;
  readonly #stdout: LineReader;
  readonly #stdin: WritableStreamDefaultWriter<Uint8Array>;
  readonly #workDir: string;
  readonly #label: string;
  readonly #stderrDone: Promise<void>;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #timedOut = false;
  dead = false;
  readonly output: OutputBuffer;

  private constructor(child: Deno.ChildProcess, workDir: string, label: string, output: OutputBuffer) {
    this.#child = child;
    this.#workDir = workDir;
    this.#label = label;
    this.output = output;
    this.#stdout = new LineReader(child.stdout, LIMITS.lineBytes);
    this.#stdin = child.stdin.getWriter();
    this.#stdin.closed.catch(() => {});
    this.#stderrDone = (async () => {
      const decoder = new TextDecoder();
      try {
        for await (const chunk of child.stderr) this.#print(decoder.decode(chunk, { stream: true }));
      } catch {
        // the process is gone
      }
    })();
    child.status.then(() => this.dead = true);
  }

  #print(text: string): void {
    this.output.add(text);
  }

  static async spawn(options: SessionOptions, output: OutputBuffer): Promise<DriverProcess> {
    const memoryMiB = options.memoryMiB ?? DEFAULT_MEMORY_MIB;
    const workDir = await Deno.makeTempDir({ prefix: "halconf_driver_" });
    let argv: string[];
    try {
      argv = driverCommand(options.source, memoryMiB, workDir);
    } catch (error) {
      await Deno.remove(workDir, { recursive: true }).catch(() => {});
      throw error;
    }
    const env: Record<string, string> = { NO_COLOR: "1", HOME: workDir, TMPDIR: workDir, PATH: "/usr/bin:/bin" };
    const deno = await cacheDir();
    if (deno) env.DENO_DIR = deno;
    const native = "command" in options.source;
    if (native) Object.assign(env, nativeEnvironment());
    let child: Deno.ChildProcess;
    try {
      // ulimit -d caps the data segment (heap and array buffers) of the driver and of everything it starts.
      child = new Deno.Command("/bin/sh", {
        args: [
          "-c",
          'ulimit -d "$1" 2>/dev/null; shift; exec "$@"',
          "halconf-driver",
          String(memoryMiB * 1024),
          ...argv,
        ],
        // A native driver starts where halconf was started (or where the run it replays was), so that the relative
        // paths of its command (`--manifest-path examples/rust-hal/Cargo.toml`) mean what the user typed.
        cwd: "command" in options.source ? options.source.cwd ?? Deno.cwd() : workDir,
        clearEnv: true,
        env,
        stdin: "piped",
        stdout: "piped",
        stderr: "piped",
      }).spawn();
    } catch (error) {
      await Deno.remove(workDir, { recursive: true }).catch(() => {});
      throw new DriverLoadError(`Cannot start the driver of "${options.label}": ${(error as Error).message}`);
    }
    return new DriverProcess(child, workDir, options.label, output);
  }

  /** Reads the handshake, within the load deadline. */
  async handshake(options: SessionOptions): Promise<Handshake> {
    const timeoutMs = options.loadTimeoutMs ?? 30_000;
    this.#arm(performance.now() + timeoutMs);
    const lines: string[] = [];
    let bytes = 0;
    try {
      while (true) {
        const line = await this.#stdout.next();
        if (line === null) {
          const status = await this.#child.status;
          const why = this.#timedOut
            ? `it did not finish loading within ${timeoutMs / 1000} s`
            : `the driver exited with ${describeStatus(status)} while loading: ${
              this.output.lastLine() ?? "no output"
            }`;
          throw new DriverLoadError(`Cannot load HAL "${this.#label}": ${why}`);
        }
        if (line.startsWith("error ")) {
          throw new DriverLoadError(
            decodeURIComponent(line.slice(6)).split("\n")[0] || `Cannot load HAL "${this.#label}"`,
          );
        }
        if (line === "ready") break;
        lines.push(line);
        bytes += line.length + 1;
        if (bytes > LIMITS.handshakeBytes) {
          throw new ProtocolError(`the handshake is longer than ${LIMITS.handshakeBytes} bytes (the protocol's limit)`);
        }
      }
      return decodeHandshake(lines);
    } catch (error) {
      this.kill();
      await this.#cleanup();
      if (error instanceof DriverLoadError) throw error;
      throw new DriverLoadError(
        `Cannot load HAL "${this.#label}": the driver broke the protocol: ${(error as Error).message}`,
      );
    } finally {
      clearTimeout(this.#timer);
    }
  }

  /** Sends a batch and reads one trace per program. */
  async run(programs: readonly Program[], options: BatchOptions, reader: TraceReader): Promise<BatchOutcome> {
    const traces: Trace[] = [];
    let completed = 0;
    const request = `run ${options.fillLimit} ${programs.length}\n${
      programs.map((p) => encodeProgram(p) + "\n").join("")
    }`;
    this.#arm(options.deadline);
    // Not awaited: a large batch fills the pipe while the driver is already answering.
    this.#stdin.write(new TextEncoder().encode(request)).catch(() => {});
    try {
      for (const program of programs) {
        const trace = reader.begin(await this.#expectLine());
        if (!trace.createError) {
          const lines: string[] = [];
          for (let i = 0; i < program.length; i++) lines.push(await this.#expectLine());
          reader.steps(trace, program, lines);
        }
        // Judged while the driver runs the next program.
        if (options.onTrace) options.onTrace(completed, trace);
        else traces.push(trace);
        completed++;
      }
      const end = await this.#expectLine();
      if (end !== "end") throw new ProtocolError(`expected "end" after the batch, got ${show(end)}`);
      return { traces, completed };
    } catch (error) {
      this.kill();
      const status = await this.#child.status;
      await this.#cleanup();
      const which = "the program below";
      if (this.#timedOut) {
        return {
          traces,
          completed,
          failure: { status: "timeout", reason: `the HAL process was killed while it ran ${which}` },
        };
      }
      if (error instanceof DriverExited) {
        const tail = this.output.lastLine();
        return {
          traces,
          completed,
          failure: {
            status: "error",
            reason: `the HAL process exited (${describeStatus(status)}) while it ran ${which}${
              tail ? `: ${tail}` : ""
            }`,
          },
        };
      }
      return {
        traces,
        completed,
        failure: { status: "error", reason: `the driver broke the protocol in ${which}: ${(error as Error).message}` },
      };
    } finally {
      clearTimeout(this.#timer);
    }
  }

  async #expectLine(): Promise<string> {
    const line = await this.#stdout.next();
    if (line === null) throw new DriverExited();
    if (line.startsWith("error ")) throw new ProtocolError(`the driver gave up: ${decodeURIComponent(line.slice(6))}`);
    return line;
  }

  #arm(deadline: number): void {
    clearTimeout(this.#timer);
    const ms = Math.max(0, Math.min(deadline - performance.now(), 2 ** 31 - 1));
    if (!Number.isFinite(deadline)) return;
    this.#timer = setTimeout(() => {
      this.#timedOut = true;
      this.kill();
    }, ms);
  }

  kill(): void {
    try {
      this.#child.kill("SIGKILL");
    } catch {
      // already gone
    }
    this.dead = true;
  }

  async close(): Promise<void> {
    await this.#stdin.close().catch(() => {});
    const timer = setTimeout(() => this.kill(), EXIT_GRACE_MS);
    await this.#child.status;
    clearTimeout(timer);
    await this.#cleanup();
  }

  async #cleanup(): Promise<void> {
    await this.#stdout.cancel();
    await this.#stderrDone;
    await Deno.remove(this.#workDir, { recursive: true }).catch(() => {});
  }
}

class DriverExited extends Error {
  constructor() {
    super("the driver exited");
  }
}

function describeStatus(status: Deno.CommandStatus): string {
  return status.signal ? `signal ${status.signal}` : `code ${status.code}`;
}

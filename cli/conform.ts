/**
 * The `conform` command: runs the suite against reference HALs (in process,
 * or isolated) and custom HAL modules (always behind the driver protocol, in
 * a sandboxed process), in parallel, with shards, expectations and every
 * output format. Programs are generated, judged and shrunk here, never in a
 * process a custom HAL can reach.
 *
 * @module
 */

import { fileURLToPath } from "node:url";
import { CHECKS, selectChecks } from "../conformance/catalogue.ts";
import type { Check } from "../conformance/check.ts";
import type { HalTarget } from "../conformance/hal.ts";
import { inProcessExecutor, type ProgramExecutor } from "../conformance/program_executor.ts";
import { type CheckResult, deniedPermission, randomSeed, runCheckWith } from "../conformance/runner.ts";
import { DriverLoadError, DriverSession, type DriverSource } from "../driver/session.ts";
import { referenceHals } from "../impls/mod.ts";
import { EXIT_INTERRUPTED, EXIT_LOAD, LoadError, UsageError } from "./exit_codes.ts";
import {
  applyExpectation,
  type Expectations,
  expectationsFrom,
  readExpectations,
  type ReportedResult,
} from "./expectations.ts";
import { splitCommand } from "./command_words.ts";
import { didYouMean } from "./suggest.ts";
import { moduleUrl } from "./load_target.ts";
import type { ConformOptions } from "./options.ts";
import {
  buildReport,
  type CliReport,
  exitCodeOf,
  formatGithub,
  formatJson,
  formatJunit,
  formatPretty,
  formatTap,
  githubSummary,
} from "./report.ts";

/** Where the command writes: stdout and stderr, replaceable in tests. */
export interface Io {
  /** Writes to standard output. */
  out(text: string): void;
  /** Writes to standard error. */
  err(text: string): void;
  /** Whether stderr is a terminal (live progress). */
  errIsTerminal: boolean;
  /** Whether stdout is a terminal (colours). */
  outIsTerminal: boolean;
  /** Environment lookups (NO_COLOR, GITHUB_STEP_SUMMARY). */
  env(name: string): string | undefined;
}

/** The default Io: the process's own streams. */
export function processIo(): Io {
  const encoder = new TextEncoder();
  const write = (file: typeof Deno.stdout, text: string) => {
    const bytes = encoder.encode(text);
    for (let done = 0; done < bytes.length;) done += file.writeSync(bytes.subarray(done));
  };
  return {
    out: (text) => write(Deno.stdout, text),
    err: (text) => write(Deno.stderr, text),
    errIsTerminal: Deno.stderr.isTerminal(),
    outIsTerminal: Deno.stdout.isTerminal(),
    env: (name) => Deno.env.get(name),
  };
}

/** The command that runs the CLI, for replay hints. */
export const SELF_COMMAND: string = `deno run -A ${decodeURIComponent(new URL("./main.ts", import.meta.url).pathname)}`;

interface PlannedTarget {
  label: string;
  source: DriverSource;
  reference?: HalTarget;
  checks: Check[];
}

async function ensureWritable(path: string, what: string): Promise<void> {
  try {
    const file = await Deno.open(path, { write: true, create: true, append: true });
    file.close();
  } catch (error) {
    throw new UsageError(
      `Cannot write ${what} to "${path}": ${(error as Error).message.split("\n")[0].replace(/, (open|stat) '.*$/, "")}`,
    );
  }
}

async function ensureDirectory(path: string): Promise<void> {
  try {
    await Deno.mkdir(path, { recursive: true });
    const probe = `${path}/.halconf-write-test`;
    await Deno.writeTextFile(probe, "");
    await Deno.remove(probe);
  } catch (error) {
    throw new UsageError(`Cannot write failures to directory "${path}": ${(error as Error).message.split("\n")[0]}`);
  }
}

function plan(options: ConformOptions): PlannedTarget[] {
  const references = referenceHals();
  const names = references.map((target) => target.name);
  for (const name of options.targets) {
    if (!names.includes(name)) {
      throw new UsageError(
        `unknown --target "${name}"${didYouMean(name, names)} (reference HALs: ${names.join(", ")})`,
      );
    }
  }
  const chosen = options.targets.length === 0 && options.hals.length === 0 && options.drivers.length === 0
    ? references
    : references.filter((target) => options.targets.includes(target.name));
  for (const pattern of options.checks) {
    if (selectChecks([pattern]).length === 0) {
      const suggestion = didYouMean(pattern, CHECKS.map((check) => check.id));
      throw new UsageError(`unknown --check "${pattern}"${suggestion} (see: halconf list)`);
    }
  }
  const selected = options.checks.length ? selectChecks(options.checks) : selectChecks();
  const planned: PlannedTarget[] = [
    ...chosen.map((target) => ({
      label: target.name,
      source: { reference: target.name } as DriverSource,
      reference: target,
      checks: selected,
    })),
    ...options.hals.map((path) => ({ label: path, source: { module: path } as DriverSource, checks: selected })),
    ...options.drivers.map((command) => ({
      label: command,
      source: { command: splitCommand(command), cwd: Deno.cwd() } as DriverSource,
      checks: selected,
    })),
  ];
  if (options.shard) {
    const { index, count } = options.shard;
    let pair = 0;
    for (const target of planned) target.checks = target.checks.filter(() => pair++ % count === index - 1);
  }
  return planned;
}

async function checkModulesExist(options: ConformOptions): Promise<void> {
  for (const path of options.hals) {
    try {
      const info = await Deno.stat(moduleUrl(path));
      if (!info.isFile) throw new LoadError(`Cannot load HAL module "${path}": it is not a file`);
    } catch (error) {
      if (error instanceof LoadError) throw error;
      throw new LoadError(`Cannot load HAL module "${path}": no such file (check the --hal path)`);
    }
  }
}

/** What running one target gave: its name as the HAL declares it, or why it could not be run. */
interface TargetOutcome {
  name?: string;
  loadError?: string;
}

/**
 * Runs the checks of one target: a trusted reference HAL in this process,
 * anything else through a driver session. Results go to `onResult` as each
 * check ends, with what the HAL printed during it.
 */
async function runTarget(
  target: PlannedTarget,
  options: ConformOptions,
  seed: number,
  signal: AbortSignal,
  onResult: (result: CheckResult) => void,
): Promise<TargetOutcome> {
  let executor: ProgramExecutor;
  let session: DriverSession | undefined;
  if (target.reference && !options.isolate) {
    executor = inProcessExecutor(target.reference);
  } else {
    try {
      session = await DriverSession.start({
        source: target.source,
        label: target.label,
        memoryMiB: options.memoryMiB,
        loadTimeoutMs: Math.max(options.timeoutSeconds * 1000, 30_000),
      });
    } catch (error) {
      if (error instanceof DriverLoadError || error instanceof LoadError) return { loadError: error.message };
      throw error;
    }
    executor = session;
  }
  const kill = () => session?.kill();
  signal.addEventListener("abort", kill);
  try {
    const timeoutMs = options.timeoutSeconds * 1000;
    for (const check of target.checks) {
      if (signal.aborted) break;
      const result = await runCheckWith(executor, check, {
        seed,
        runs: options.runs,
        timeLimitMs: timeoutMs * 0.8,
        deadlineMs: timeoutMs,
      });
      // A check cut short by Ctrl-C has no result: the partial report keeps only finished ones.
      if (signal.aborted) break;
      const output = executor.takeOutput();
      const denied = result.denied ?? (output ? deniedPermission(output) : undefined);
      onResult({ ...result, ...(output ? { output } : {}), ...(denied ? { denied } : {}) });
      // Lets Ctrl-C through between checks of a HAL that runs in this process.
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
  } finally {
    signal.removeEventListener("abort", kill);
    await session?.close();
  }
  return { name: executor.name };
}

/** Where a target came from, as reports and replay hints name it: a module path, `driver:<command>`, or `reference`. */
function sourceOf(target: PlannedTarget): string {
  if ("module" in target.source) return target.source.module;
  if ("command" in target.source) return `driver:${target.label}`;
  return "reference";
}

async function pool<T>(items: readonly T[], size: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(size, items.length) }, async () => {
    while (next < items.length) await work(items[next++]);
  }));
}

/** A word as a POSIX shell reads it back unchanged (for the replay hints people copy). */
function shellQuote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}

function fileSafe(text: string): string {
  return text.replace(/[^A-Za-z0-9._-]+/g, "_");
}

/**
 * Runs `conform` and returns the exit code.
 *
 * @example
 * ```ts ignore
 * const code = await conform(options, processIo());
 * ```
 */
export async function conform(options: ConformOptions, io: Io): Promise<number> {
  const started = performance.now();
  // Validate everything the user typed before creating any output file.
  const planned = plan(options);
  const expectations: Expectations | undefined = options.expect ? await readExpectations(options.expect) : undefined;
  if (options.report) await ensureWritable(options.report, "the report");
  if (options.updateExpectations) await ensureWritable(options.updateExpectations, "expectations");
  if (options.saveFailures) await ensureDirectory(options.saveFailures);
  await checkModulesExist(options);
  const seed = options.seed ?? randomSeed();
  const total = planned.reduce((sum, target) => sum + target.checks.length, 0);

  const results: ReportedResult[] = [];
  const names = new Map<PlannedTarget, string>(planned.map((target) => [target, target.label]));
  const sources = new Map<string, string>();
  const loadErrors: string[] = [];
  const controller = new AbortController();
  const onInterrupt = () => controller.abort();
  Deno.addSignalListener("SIGINT", onInterrupt);
  const progress = (result: CheckResult) => {
    if (!io.errIsTerminal) return;
    const failing = results.filter((r) => r.unexpected).length;
    io.err(
      `\r\u001b[2K[${results.length}/${total}] ${failing} failing · ${result.target} ${result.check} ${result.status}`,
    );
  };
  const collect = (result: CheckResult) => {
    const reported = applyExpectation(result, expectations);
    results.push(reported);
    progress(result);
  };

  try {
    await pool(planned, options.jobs, async (target) => {
      if (controller.signal.aborted) return;
      const outcome = await runTarget(target, options, seed, controller.signal, collect);
      if (outcome.name !== undefined) names.set(target, outcome.name);
      sources.set(names.get(target)!, sourceOf(target));
      if (outcome.loadError) loadErrors.push(outcome.loadError);
    });
  } finally {
    Deno.removeSignalListener("SIGINT", onInterrupt);
    if (io.errIsTerminal && total > 0) io.err("\r\u001b[2K");
  }

  const interrupted = controller.signal.aborted;
  const seen = new Map<string, string>();
  for (const target of planned) {
    const name = names.get(target)!;
    if (seen.has(name)) {
      loadErrors.push(
        `HALs "${seen.get(name)}" and "${target.label}" are both named "${name}": give each a distinct name`,
      );
    }
    seen.set(name, target.label);
  }
  const report = buildReport(seed, planned.map((target) => names.get(target)!), results, {
    shard: options.shard,
    interrupted,
  });
  // A run in which nothing could be loaded has no report to show: only why.
  const nothingRan = loadErrors.length > 0 && results.length === 0 && !interrupted;
  if (!nothingRan) await writeOutputs(report, options, io, sources, performance.now() - started);
  for (const message of loadErrors) io.err(`halconf: ${message}\n`);
  if (interrupted) {
    io.err(
      `halconf: interrupted; ${results.length} of ${total} results kept${
        options.report ? ` in ${options.report}` : ""
      }\n`,
    );
    return EXIT_INTERRUPTED;
  }
  if (loadErrors.length > 0) return EXIT_LOAD;
  return exitCodeOf(report, options);
}

async function writeOutputs(
  report: CliReport,
  options: ConformOptions,
  io: Io,
  sources: Map<string, string>,
  elapsedMs: number,
): Promise<void> {
  const saved = new Map<ReportedResult, string>();
  if (options.saveFailures) {
    for (const result of report.results) {
      if (!result.counterexample) continue;
      const path = `${options.saveFailures}/${fileSafe(result.target)}.${fileSafe(result.check)}.json`;
      const source = sources.get(result.target);
      const counterexample = {
        ...result.counterexample,
        source: source === undefined || source === "reference"
          ? `reference:${result.target}`
          : source.startsWith("driver:")
          ? source
          : fileURLToPath(moduleUrl(source)),
        // A driver command's relative paths are relative to where conform ran: replay starts it there too.
        ...(source?.startsWith("driver:") ? { cwd: Deno.cwd() } : {}),
      };
      await Deno.writeTextFile(path, JSON.stringify(counterexample, null, 2) + "\n");
      saved.set(result, path);
    }
  }
  const replayCommand = (result: ReportedResult) => {
    const file = saved.get(result);
    if (file) return `${SELF_COMMAND} replay ${file}`;
    const source = sources.get(result.target);
    const target = source === undefined || source === "reference"
      ? `--target ${result.target}`
      : source.startsWith("driver:")
      ? `--driver ${shellQuote(source.slice("driver:".length))}`
      : `--hal ${source}`;
    return `${SELF_COMMAND} conform ${target} --check ${result.check} --seed ${report.seed}`;
  };
  const color = io.outIsTerminal && !io.env("NO_COLOR");
  switch (options.format) {
    case "pretty":
      io.out(formatPretty(report, { color, replayCommand, sources, elapsedMs }));
      break;
    case "json":
      io.out(formatJson(report));
      break;
    case "junit":
      io.out(formatJunit(report));
      break;
    case "tap":
      io.out(formatTap(report));
      break;
    case "github": {
      io.out(formatGithub(report, sources));
      const summaryPath = io.env("GITHUB_STEP_SUMMARY");
      if (summaryPath) await Deno.writeTextFile(summaryPath, githubSummary(report), { append: true });
      break;
    }
  }
  if (options.report) await Deno.writeTextFile(options.report, formatJson(report));
  if (options.updateExpectations) {
    let previous: Expectations = {};
    try {
      previous = await readExpectations(options.updateExpectations);
    } catch {
      // a new or empty file: nothing to keep
    }
    await Deno.writeTextFile(
      options.updateExpectations,
      JSON.stringify(expectationsFrom(report.results, previous), null, 2) + "\n",
    );
  }
}

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
import { CHECKS, selectChecks } from "../conformance/checks/catalogue.ts";
import type { Check } from "../conformance/checks/check.ts";
import type { HalTarget } from "../conformance/contract/hal.ts";
import { inProcessExecutor, type ProgramExecutor } from "../conformance/run/program_executor.ts";
import { capacityOf } from "../conformance/contract/profile.ts";
import { programFromJson } from "../conformance/program/program.ts";
import {
  type CheckResult,
  type Counterexample,
  decidedBeforeRunning,
  DEFAULT_RUNS,
  deniedPermission,
  deriveSeed,
  randomSeed,
  ranOutOfTime,
  runCheckWith,
} from "../conformance/run/runner.ts";
import { DriverLoadError, DriverSession, type DriverSource } from "../driver/session.ts";
import { referenceHals } from "../impls/mod.ts";
import { EXIT_INTERRUPTED, EXIT_LOAD, LoadError, UsageError } from "./exit_codes.ts";
import {
  applyExpectation,
  type Expectations,
  expectationsFrom,
  listedAndExpected,
  readExpectations,
  type ReportedResult,
} from "./expectations.ts";
import { splitCommand } from "./command_words.ts";
import { EventLoopTurns } from "../driver/event_loop_turns.ts";
import type { ReferenceJob } from "./reference_worker.ts";
import { formatHtml } from "./report_html.ts";
import { itemsByFamily, LaneQueues, runLanes } from "./lanes.ts";
import { didYouMean } from "./suggest.ts";
import { WorkerLane } from "./worker_lane.ts";
import { WARM_UP_MIN_RUNS, warmUp } from "./warm_up.ts";
import { moduleUrl } from "../driver/load_target.ts";
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
  printable,
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

/**
 * What `--report` holds while a run has not finished: a run that cannot finish (a crash, a kill, nothing loaded) leaves
 * this, never an earlier run's report. `merge` refuses it by name.
 */
async function markUnfinished(path: string): Promise<void> {
  const note = "the halconf run writing this report has not finished, or did not finish: it holds no results";
  await Deno.writeTextFile(
    path,
    path.toLowerCase().endsWith(".html")
      ? `<!doctype html>\n<meta charset="utf-8">\n<title>halconf: no results</title>\n<p>${note}.</p>\n`
      : JSON.stringify({ unfinished: true, note }, null, 2) + "\n",
  );
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
  const chosenChecks = options.checks.length ? selectChecks(options.checks) : selectChecks();
  // --fail-fast wants the first failure soon: the model check, which judges every clause with a generic mix and
  // finds most bugs in a few dozen programs, runs first (the report lists results in the catalogue's order anyway).
  const selected = options.failFast
    ? [...chosenChecks.filter((check) => check.judgesAll), ...chosenChecks.filter((check) => !check.judgesAll)]
    : chosenChecks;
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

/** A target ready to run: its executor (a driver session, or this process for a trusted reference HAL). */
interface OpenedTarget {
  target: PlannedTarget;
  executor?: ProgramExecutor;
  session?: DriverSession;
  loadError?: string;
  /** Lines to show under the load error (already escaped): a compiler's diagnostic. */
  loadDetail?: string;
}

/** Loads a target: starts its driver and reads the handshake (name, profile), or wraps a reference HAL. */
async function openTarget(target: PlannedTarget, options: ConformOptions): Promise<OpenedTarget> {
  if (target.reference && !options.isolate) return { target, executor: inProcessExecutor(target.reference) };
  try {
    const session = await DriverSession.start({
      source: target.source,
      label: target.label,
      memoryMiB: options.memoryMiB,
      loadTimeoutMs: Math.max(options.timeoutSeconds * 1000, 30_000),
    });
    return { target, executor: session, session };
  } catch (error) {
    if (error instanceof DriverLoadError) {
      // The compiler's own words, line by line under the one-line error (each line escaped as the message is).
      const detail = error.detail
        ? `\n${error.detail.split("\n").map((line) => `  ${printable(line)}`).join("\n")}`
        : "";
      return { target, loadError: error.message, loadDetail: detail };
    }
    if (error instanceof LoadError) return { target, loadError: error.message };
    throw error;
  }
}

/** Runs the checks of an opened target; results go to `onResult` as each check ends, with what the HAL printed. */
async function runChecks(
  opened: OpenedTarget,
  checks: readonly Check[],
  options: ConformOptions,
  seed: number,
  signal: AbortSignal,
  onResult: (result: CheckResult) => void,
  heartbeat: (target: string, check: string) => () => void,
): Promise<void> {
  const executor = opened.executor!;
  const kill = () => opened.session?.kill();
  signal.addEventListener("abort", kill);
  const turns = opened.session ? undefined : new EventLoopTurns();
  try {
    const timeoutMs = options.timeoutSeconds * 1000;
    // A check that ran out of time says the HAL is slow everywhere (or hangs): its remaining checks are not run, so
    // that a HAL whose every call is slow ends in one check's time, not in every check's.
    let outOfTime: CheckResult | undefined;
    // Whether the HAL's output comes after the answers it belongs with: unknown until a counterexample asks.
    let printsLate: boolean | undefined;
    for (const check of checks) {
      if (signal.aborted) break;
      if (outOfTime) {
        // A check decided without running anything (a skip) is still reported as what it is.
        const decided = decidedBeforeRunning(executor, check);
        const base = notRun(executor.name, check, seed, outOfTime);
        onResult(decided ? { ...base, ...decided } : base);
        continue;
      }
      const stopHeartbeat = heartbeat(executor.name, check.id);
      // What came before the check's programs (a driver's start-up lines, on the first check) is the check's output,
      // but says nothing of whether its programs print: its counterexample's run alone need not wait for more.
      const before = opened.session?.outputReceived ?? 0;
      const result = await runCheckWith(executor, check, {
        seed,
        runs: options.runs,
        drainFrames: options.drainFrames,
        timeLimitMs: timeoutMs * 0.8,
        deadlineMs: timeoutMs,
      }).finally(stopHeartbeat);
      // A check cut short by Ctrl-C has no result: the partial report keeps only finished ones.
      if (signal.aborted) break;
      let output = opened.session ? await opened.session.takeSettledOutput() : executor.takeOutput();
      // Under a counterexample, only what its own program printed: it runs once more, alone, on a fresh instance,
      // once what the check's programs printed has all come (else its last lines would be taken for the program's).
      if (opened.session && result.counterexample && !signal.aborted && !options.failFast) {
        // A driver writes what its HAL prints before the answer that follows it; only a HAL that prints from a thread
        // or a worker prints later. What still comes after the check is waited for until quiet, and the first time a
        // HAL that printed has a counterexample, as long as a run alone would be (a probe): if nothing comes, the HAL
        // prints on time. Then, as when the check printed nothing and nothing came after it, the run alone brings its
        // output with its answer, taken once the pipes have been polled. (A Rust HAL whose caught panics print, with 11
        // failing checks, spent 2.3 s of a 3 s run waiting for output its counterexamples did not print.)
        const printed = opened.session.outputReceived > before;
        let late = "";
        if (printsLate !== false) {
          const probe = printed && printsLate === undefined;
          late = await quietOutput(opened.session, probe);
          if (probe || late !== "") printsLate = late !== "";
        }
        output = ((output ?? "") + late) || undefined;
        const onTime = printsLate === false || (!printed && late === "");
        const own = await programOutput(opened.session, result.counterexample.program, timeoutMs, printed, onTime);
        if (own !== undefined) result.counterexample.output = own;
      }
      const denied = result.denied ?? (output ? deniedPermission(output) : undefined);
      onResult({ ...result, ...(output ? { output } : {}), ...(denied ? { denied } : {}) });
      if (ranOutOfTime(result, timeoutMs)) outOfTime = result;
      // Lets Ctrl-C (and a worker's results) through between checks of a HAL that runs in this thread.
      await turns?.next();
    }
  } finally {
    turns?.close();
    signal.removeEventListener("abort", kill);
    await opened.session?.close();
  }
}

/**
 * What a driver's HAL prints while it runs one program alone, and why that run did not end if it did not. Output
 * travels on other pipes than the answers: from a HAL that prints `onTime` (before its answers) it is what the pipes
 * hold once polled; else it is taken until it has been quiet a moment, and when the HAL printed during its check, not
 * before something came (within the bound).
 */
async function programOutput(
  session: DriverSession,
  program: Counterexample["program"],
  timeoutMs: number,
  printsSomething: boolean,
  onTime: boolean,
): Promise<string | undefined> {
  const fillLimit = Math.min(Number(capacityOf(session.profile)) + 1, 1 << 20);
  const outcome = await session.execute([programFromJson(program)], {
    fillLimit,
    deadline: performance.now() + Math.min(timeoutMs, 10_000),
  }).catch(() => undefined);
  const output = onTime ? await session.takeSettledOutput() ?? "" : await quietOutput(session, printsSomething);
  if (!outcome) return undefined;
  // The same program broke the driver when run again: said under it, with what the HAL printed.
  return outcome.failure ? `${output}(run again alone, the program did not end: ${outcome.failure.reason})\n` : output;
}

/**
 * What the HAL printed that is still coming: output travels on other pipes than the answers, so it is taken until it
 * has been quiet a moment, bounded; with `expected`, not before something came or a longer moment passed.
 */
async function quietOutput(session: DriverSession, expected: boolean): Promise<string> {
  let output = "";
  const started = performance.now();
  for (const until = started + OUTPUT_SETTLE_MAX_MS; performance.now() < until;) {
    await new Promise((resolve) => setTimeout(resolve, OUTPUT_SETTLE_MS));
    const more = session.takeOutput();
    const waited = performance.now() - started >= OUTPUT_AWAITED_MS;
    if (!more && (output || !expected || waited)) break;
    output += more ?? "";
  }
  return output;
}

/** How long output must be quiet after a program's answers to be all of it (attribution only, never a verdict). */
const OUTPUT_SETTLE_MS = 20;
/** The most time spent taking it (a HAL that prints without a pause). */
const OUTPUT_SETTLE_MAX_MS = 1_000;
/**
 * How long output expected from a counterexample's run alone is waited for when none comes: a driver writes what its
 * HAL printed before the answer, so only a HAL printing from elsewhere (a worker) is later than the answer. A program
 * that printed nothing, in a check whose other programs did, cost the whole second before (7 s of a 7.3 s run of a
 * Rust HAL whose caught panics print).
 */
const OUTPUT_AWAITED_MS = 250;

/** The result of a check not run because an earlier check of the same HAL ran out of time. */
function notRun(target: string, check: Check, runSeed: number, outOfTime: CheckResult): CheckResult {
  return {
    target,
    check: check.id,
    clauses: check.clauses,
    status: "timeout",
    runs: 0,
    durationMs: 0,
    seed: deriveSeed(runSeed, target, check.id),
    reason: `not run: ${outOfTime.check} ran out of time (${outOfTime.status}${
      outOfTime.reason ? `: ${outOfTime.reason.split("\n")[0]}` : `, after ${Math.round(outOfTime.durationMs / 1000)} s`
    }), so no later check of this HAL is run; a larger --timeout gives each check more time`,
  };
}

/** A reference HAL's checks as a job for a worker thread of this process (reference HALs are trusted code). */
function referenceJob(
  opened: OpenedTarget,
  checks: readonly Check[],
  options: ConformOptions,
  seed: number,
): ReferenceJob {
  return {
    reference: opened.target.reference!.name,
    checks: checks.map((check) => check.id),
    seed,
    runs: options.runs,
    drainFrames: options.drainFrames,
    timeoutMs: options.timeoutSeconds * 1000,
  };
}

/** `fn` of every item, at most `limit` at a time, in order. */
async function mapLimited<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index]);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, lane));
  return results;
}

/** Two targets that declare the same name: reported before any check runs (results would be indistinguishable). */
function nameClashes(opened: readonly OpenedTarget[]): string[] {
  const seen = new Map<string, string>();
  const clashes: string[] = [];
  for (const { target, executor } of opened) {
    if (!executor) continue;
    const earlier = seen.get(executor.name);
    if (earlier !== undefined) {
      clashes.push(
        `HALs "${earlier}" and "${target.label}" are both named "${executor.name}": give each a distinct name`,
      );
    }
    seen.set(executor.name, target.label);
  }
  return clashes;
}

/** Where a target came from, as reports and replay hints name it: a module path, `driver:<command>`, or `reference`. */
function sourceOf(target: PlannedTarget): string {
  if ("module" in target.source) return target.source.module;
  if ("command" in target.source) return `driver:${target.label}`;
  return "reference";
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
  if (options.report) await markUnfinished(options.report);
  await checkModulesExist(options);
  const seed = options.seed ?? randomSeed();
  const total = planned.reduce((sum, target) => sum + target.checks.length, 0);

  const results: ReportedResult[] = [];
  const names = new Map<PlannedTarget, string>(planned.map((target) => [target, target.label]));
  const sources = new Map<string, string>();
  const loadErrors: { message: string; detail: string }[] = [];
  const controller = new AbortController();
  const onInterrupt = () => controller.abort();
  Deno.addSignalListener("SIGINT", onInterrupt);
  const progress = (result: CheckResult) => {
    const failing = results.filter((r) => r.unexpected).length;
    if (io.errIsTerminal) {
      io.err(
        `\r\u001b[2K[${results.length}/${total}] ${failing} failing · ${result.target} ${result.check} ${result.status}`,
      );
      return;
    }
    // A CI log is not a terminal: one plain line per check, so the log shows where a run is.
    io.err(
      `halconf: [${results.length}/${total}] ${result.target} ${result.check} ${result.status.toUpperCase()} ` +
        `(${(result.durationMs / 1000).toFixed(1)} s)\n`,
    );
  };
  // --fail-fast: the first unexpected result stops the run (as Ctrl-C would, without being an interruption).
  let failedFast: ReportedResult | undefined;
  const collect = (result: CheckResult) => {
    if (failedFast) return;
    const reported = applyExpectation(result, expectations);
    results.push(reported);
    progress(result);
    if (options.failFast && reported.unexpected) {
      failedFast = reported;
      controller.abort();
    }
  };

  /** While a check runs longer than --heartbeat, a line every --heartbeat seconds says so (CI logs only). */
  const heartbeat = (target: string, check: string): () => void => {
    if (io.errIsTerminal) return () => {};
    const started = performance.now();
    const timer = setInterval(() => {
      io.err(
        `halconf: ${target} ${check} still running after ${((performance.now() - started) / 1000).toFixed(1)} s\n`,
      );
    }, options.heartbeatSeconds * 1000);
    return () => clearInterval(timer);
  };
  // Every HAL is loaded first: a name declared twice is refused before any check runs. At most --jobs drivers are
  // alive at once: with more HALs than that, each driver is ended after its handshake and started again on its turn.
  const drivers = planned.filter((target) => !target.reference || options.isolate).length;
  const opened = await mapLimited(planned, options.jobs, async (target) => {
    const one = await openTarget(target, options);
    if (drivers > options.jobs) await one.session?.suspend();
    return one;
  });
  for (const { target, executor, loadError, loadDetail } of opened) {
    if (loadError) loadErrors.push({ message: loadError, detail: loadDetail ?? "" });
    if (executor) {
      names.set(target, executor.name);
      sources.set(executor.name, sourceOf(target));
    }
  }
  const clashes = nameClashes(opened);
  if (clashes.length > 0) {
    await Promise.all(opened.map((target) => target.session?.close()));
    Deno.removeSignalListener("SIGINT", onInterrupt);
    for (const message of clashes) io.err(`halconf: ${message}\n`);
    return EXIT_LOAD;
  }
  // Trusted reference HALs are shared out when there is more than one thing to do, so that every core works: lane 0
  // runs its share in this thread, each other lane in a worker thread of its own (one isolate fewer than a worker per
  // lane: about 25 MB of peak memory), which lives for the whole run (module loading and JIT warm-up are paid once).
  const laneWorkers = new Map<number, WorkerLane>();
  const workerOf = (lane: number) => {
    let worker = laneWorkers.get(lane);
    if (worker === undefined) laneWorkers.set(lane, worker = new WorkerLane());
    return worker;
  };
  const stopWorkers = () => laneWorkers.forEach((worker) => worker.terminate());
  const inWorker = (target: OpenedTarget) =>
    options.jobs > 1 && opened.length > 1 && !target.session && target.target.reference !== undefined;
  // A reference HAL's checks go to a home lane by family, in pieces a lane that runs out can take (see lanes.ts); a
  // custom HAL's go to any lane at once.
  const work: { target: OpenedTarget; checks: Check[]; home?: number }[] = opened
    .filter((target) => target.executor)
    .flatMap((target) =>
      inWorker(target)
        ? itemsByFamily(target.target.checks, options.jobs).map((item) => ({ target, ...item }))
        : [{ target, checks: target.target.checks }]
    );
  const atHome = (target: OpenedTarget, lane: number) =>
    work.filter((item) => item.target === target && item.home === lane).flatMap((item) => item.checks);
  try {
    // Each thread that checks reference HALs warms up on the checks at home on its lane (see warm_up.ts): the worker
    // is started first, so that it warms up while this thread does.
    const warming = options.warmUp && (options.runs ?? DEFAULT_RUNS) >= WARM_UP_MIN_RUNS;
    const toWorker = opened.filter((target) => inWorker(target) && atHome(target, 1).length > 0);
    if (warming && toWorker.length > 0) {
      workerOf(1).warmUp({
        warmUp: toWorker.map((target) => ({
          reference: target.target.reference!.name,
          checks: atHome(target, 1).map((check) => check.id),
        })),
      });
    }
    const inThisThread = warming
      ? opened.filter((target) => target.executor && !target.session).map((target) => ({
        executor: target.executor!,
        checks: inWorker(target) ? atHome(target, 0) : target.target.checks,
      })).filter((job) => job.checks.length > 0)
      : [];
    if (inThisThread.length > 0) {
      const turns = new EventLoopTurns();
      try {
        await warmUp(inThisThread, {
          between: () => turns.next(),
          stopped: () => controller.signal.aborted,
        });
      } finally {
        turns.close();
      }
    }
    const ranInWorker = (target: OpenedTarget, lane: number) => inWorker(target) && lane > 0;
    controller.signal.addEventListener("abort", stopWorkers, { once: true });
    await runLanes(new LaneQueues(work, options.jobs), options.jobs, async ({ target, checks }, lane) => {
      if (controller.signal.aborted) return target.session?.close();
      if (ranInWorker(target, lane)) {
        const job = referenceJob(target, checks, options, seed);
        await workerOf(lane).run(job, (result) => {
          if (!controller.signal.aborted) collect(result);
        });
      } else {
        await runChecks(target, checks, options, seed, controller.signal, collect, heartbeat);
      }
      const mine = results.filter((result) => result.target === target.executor!.name);
      if (!io.errIsTerminal && mine.length === target.target.checks.length) {
        const bad = mine.filter((result) => result.unexpected).length;
        io.err(`halconf: ${target.executor!.name} done: ${mine.length} checks, ${bad} not passed\n`);
      }
    }, ({ target }, lane) => ranInWorker(target, lane));
    controller.signal.removeEventListener("abort", stopWorkers);
  } finally {
    stopWorkers();
    Deno.removeSignalListener("SIGINT", onInterrupt);
    if (io.errIsTerminal && total > 0) io.err("\r\u001b[2K");
  }

  const interrupted = controller.signal.aborted && !failedFast;
  const report = buildReport(
    seed,
    planned.map((target) => names.get(target)!),
    listedAndExpected(results, expectations),
    {
      shard: options.shard,
      interrupted,
    },
  );
  // A run in which nothing could be loaded has no report to show: only why.
  const nothingRan = loadErrors.length > 0 && results.length === 0 && !interrupted;
  if (!nothingRan) await writeOutputs(report, options, io, sources, performance.now() - started);
  // A load error quotes what the HAL threw: shown inert, like everything a HAL says.
  for (const { message, detail } of loadErrors) io.err(`halconf: ${printable(message)}${detail}\n`);
  if (interrupted) {
    io.err(
      `halconf: interrupted; ${results.length} of ${total} results kept${
        options.report ? ` in ${options.report}` : ""
      }\n`,
    );
    return EXIT_INTERRUPTED;
  }
  if (failedFast) {
    io.err(
      `halconf: --fail-fast: stopped at ${failedFast.target} ${failedFast.check} (${failedFast.status}); ` +
        `${results.length} of ${total} checks reported, the rest not run\n`,
    );
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
    const source = sources.get(result.target);
    if (file) {
      const driver = source?.startsWith("driver:") ? ` --driver ${shellQuote(source.slice("driver:".length))}` : "";
      return `${SELF_COMMAND} replay ${file}${driver}`;
    }
    const target = source === undefined || source === "reference"
      ? `--target ${result.target}`
      : source.startsWith("driver:")
      ? `--driver ${shellQuote(source.slice("driver:".length))}`
      : `--hal ${source}`;
    // A failure listed under its clause's check but found by another check's program replays with that check.
    return `${SELF_COMMAND} conform ${target} --check ${result.seenBy ?? result.check} --seed ${report.seed}`;
  };
  const color = io.outIsTerminal && !io.env("NO_COLOR");
  switch (options.format) {
    case "pretty":
      io.out(formatPretty(report, { color, replayCommand, sources, elapsedMs, reach: options.reach }));
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
    case "html":
      io.out(formatHtml(report, { replayCommand, elapsedMs }));
      break;
    case "github": {
      io.out(formatGithub(report, sources));
      const summaryPath = io.env("GITHUB_STEP_SUMMARY");
      if (summaryPath) await Deno.writeTextFile(summaryPath, githubSummary(report), { append: true });
      break;
    }
  }
  if (options.report) {
    // A report named *.html is the matrix page; any other name, the JSON report (what merge reads).
    const html = options.report.toLowerCase().endsWith(".html");
    await Deno.writeTextFile(
      options.report,
      html ? formatHtml(report, { replayCommand, elapsedMs }) : formatJson(report),
    );
  }
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

/**
 * The runner: drives fast-check over each check's programs, with a seed per
 * (target, check) derived from one run seed, a budget per check, and shrunk,
 * replayable counterexamples. Programs are drawn by `ProgramDraw`
 * (`program/program_draw.ts`), planned to drain RAM by `drain_plan.ts`,
 * and, after a failure, shrunk by `counterexample.ts`.
 *
 * @module
 */

import fc from "fast-check";
import type { ProgramShape } from "../program/arbitraries.ts";
import { programArbitrary } from "../program/arbitraries.ts";
import { CHECKS, DEFAULT_EXHAUSTION_LIMIT, needIsBroken, unmetNeed } from "../checks/catalogue.ts";
import { applicableStates } from "../judge/reach.ts";
import type { Check } from "../checks/check.ts";
import { executeProgram, type Trace } from "../program/executor.ts";
import type { HalTarget } from "../contract/hal.ts";
import { HARNESS_ERROR, judgeTrace, judgeTraceReach, type Violation } from "../judge/judge.ts";
import { formatProgram, formatTrace } from "../judge/print.ts";
import { deniedPermission } from "../program/permission.ts";
import { type ExecutionFailure, inProcessExecutor, type ProgramExecutor } from "./program_executor.ts";
import { type JsonOperation, type Program, programFromJson, programToJson } from "../program/program.ts";
import { WordList } from "../program/word_list.ts";
import { ProgramDraw } from "../program/program_draw.ts";
import { vacuousReason } from "../contract/vacuity.ts";
import { DRAIN_FRAMES, drainOnceShape, drainRuns, fillCost, stepsAfterDrain, withinBudget } from "./drain_plan.ts";
import { searchCounterexample } from "./counterexample.ts";
import { listUnderOwnChecks } from "./cross_list.ts";
import { capacityOf, type ResolvedProfile, validateProfile } from "../contract/profile.ts";

/**
 * The most frames one `fill` takes in a check that does not need to exhaust RAM (a 4 MiB sample of 4 KiB frames):
 * smaller RAM is still drained whole, larger RAM costs those checks no more than this.
 */
const SAMPLE_FILL = 1024;

/** Programs per check unless a run says otherwise. */
export const DEFAULT_RUNS = 200;

/**
 * fast-check's random generator for programs. A program starts from the run's generator jumped ahead, and
 * xorshift128plus (the default) jumps in 128 steps of 64-bit arithmetic done in halves, which V8's mid tier (the
 * `conform` task's top tier) ran slowly; congruential32 jumps in one multiplication. Its period is 2^32 and a jump
 * skips 65,536 draws, more than any program makes, so programs of a check do not share draws.
 */
const RANDOM_TYPE = "congruential32";

/** The version of the suite; reports and counterexamples carry it. */
export const SUITE_VERSION = "0.1.0";

/**
 * The outcome of one check on one target. `incomplete`: the check did not
 * run to its end (time budget spent, or its clauses never exercised); it
 * did not pass, and fails a gate unless the user accepts it.
 */
export type CheckStatus = "pass" | "fail" | "skip" | "error" | "timeout" | "incomplete";

/** How the reason of a check stopped by its time budget begins. */
const TIME_BUDGET_SPENT = "time budget spent";

/**
 * Whether a check ended by the clock, not by its programs: it timed out, its time budget ran out before its programs
 * did, or (given the check's deadline) it was still shrinking a failure when the deadline came. A HAL that does this
 * once is slow everywhere (or hangs): the CLI runs none of its remaining checks.
 *
 * @example
 * ```ts
 * import { ranOutOfTime } from "./runner.ts";
 *
 * ranOutOfTime({ status: "incomplete", reason: "time budget spent after 3 of 100 programs", durationMs: 48_000 }); // true
 * ranOutOfTime({ status: "fail", durationMs: 60_012 }, 60_000); // true: shrinking was cut by the deadline
 * ranOutOfTime({ status: "incomplete", reason: "no program exercised IRQ-3 (100 programs)", durationMs: 30 }); // false
 * ```
 */
export function ranOutOfTime(
  result: { status: CheckStatus; reason?: string; durationMs: number },
  deadlineMs = Infinity,
): boolean {
  return result.status === "timeout" || result.durationMs >= deadlineMs ||
    result.status === "incomplete" && (result.reason ?? "").startsWith(TIME_BUDGET_SPENT);
}

/** A failure, shrunk, with everything needed to replay it. */
export interface Counterexample {
  /** The suite version that found it. */
  version: string;
  /** The target's name. */
  target: string;
  /** The check id. */
  check: string;
  /** The run seed. */
  runSeed: number;
  /** The seed fast-check used for this (target, check). */
  seed: number;
  /** fast-check's path to the shrunk case (replay with `seed` and `path`). */
  path: string;
  /** The shrunk program. */
  program: JsonOperation[];
  /** The program's steps as run, with values, the broken one marked. */
  steps: string[];
  /** The broken clause. */
  violation: Violation;
  /** Where the HAL came from, when known (filled in by the CLI): a module path, `driver:<command>` or `reference:<name>`. */
  source?: string;
  /** What the HAL printed while this program ran once more, alone (filled in by the CLI for drivers). */
  output?: string;
  /** For a driver command: the directory it ran in (its relative paths are relative to it). */
  cwd?: string;
}

/** The result of one check on one target. */
export interface CheckResult {
  /** The target's name. */
  target: string;
  /** The check id. */
  check: string;
  /** The clauses the check enforces. */
  clauses: string[];
  /** The outcome. */
  status: CheckStatus;
  /** Programs run (including the failing one). */
  runs: number;
  /** The HAL calls those programs made and halconf judged (a fill's every allocFrame counted); shrinking not counted. */
  calls?: number;
  /** Wall time in milliseconds. */
  durationMs: number;
  /** The seed of this (target, check). */
  seed: number;
  /** Why it was skipped, errored or stopped early. */
  reason?: string;
  /**
   * For a check that drains RAM on a large profile: how its program count was
   * scaled down ("4 of 200 programs: RAM holds 1048576 frames, ..."). A pass
   * with a note ran every program it planned; the note says how many that was.
   */
  note?: string;
  /**
   * For each model state that applies to the profile, how many of the
   * check's programs visited it (see reach.ts): what the generators reached.
   */
  reach?: Record<string, number>;
  /** On failure or error: the shrunk counterexample. */
  counterexample?: Counterexample;
  /** The permission the HAL asked for and was denied (`read access to "/etc/passwd"`). */
  denied?: string;
  /** What the HAL printed while the check ran (isolated runs only). */
  output?: string;
  /** The clauses the check's programs exercised (of those it enforces). */
  reached?: string[];
  /** For a failure listed under this check's clause but found by another check's program: that check (replay it). */
  seenBy?: string;
}

export { deniedPermission } from "../program/permission.ts";
export { DRAIN_FRAMES, MIN_DRAINS } from "./drain_plan.ts";
export { pinPicks } from "./shrink.ts";

/** The budget and seed of a run. */
export interface RunOptions {
  /** The run seed (default: random). */
  seed?: number;
  /** Programs per check (default 200). */
  runs?: number;
  /** Longest program (default: each check's own). */
  maxLength?: number;
  /** Time budget per check in milliseconds (default 30,000): no new batch of programs starts once it is spent. */
  timeLimitMs?: number;
  /** Hard deadline per check in milliseconds (default 1.25 x the budget): a driver still running then is stopped. */
  deadlineMs?: number;
  /** Checks to run (default: all). */
  checks?: readonly Check[];
  /** Most frames a check allocates to exhaust RAM (default 2^20). */
  exhaustionLimit?: number;
  /**
   * Frames a check that drains RAM may allocate over all its programs (default `DRAIN_FRAMES`): on a profile larger
   * than this allows for the requested runs, it runs fewer programs (at least one) and says so in its note.
   */
  drainFrames?: number;
  /** Called with each result as it is produced. */
  onResult?: (result: CheckResult) => void;
  /** fast-check's path to a failure (a counterexample's `path`): with the same seed, goes straight to it. */
  path?: string;
}

/** The structured report of a run. */
export interface ConformanceReport {
  /** The suite version. */
  version: string;
  /** The run seed. */
  seed: number;
  /** Target names, in run order. */
  targets: string[];
  /** One result per (target, check). */
  results: CheckResult[];
  /** Counts by status. */
  summary: ReportSummary;
}

/** Counts of results by status. */
export interface ReportSummary {
  /** Passed. */
  passed: number;
  /** Failed. */
  failed: number;
  /** Skipped. */
  skipped: number;
  /** Errored. */
  errors: number;
  /** Timed out. */
  timeouts: number;
  /** Stopped before their end (budget spent, or clauses never reached). */
  incomplete: number;
}

/**
 * The seed of one (target, check) pair: FNV-1a over the run seed, the target
 * name and the check id, so any single result can be reproduced alone and
 * runs can be split in any way.
 *
 * @example
 * ```ts
 * import { deriveSeed } from "@halconf/halconf";
 *
 * deriveSeed(42, "identity", "alloc.unique") === deriveSeed(42, "identity", "alloc.unique"); // true
 * ```
 */
export function deriveSeed(runSeed: number, target: string, check: string): number {
  let hash = 0x811c9dc5;
  for (const char of `${runSeed}\u0000${target}\u0000${check}`) {
    hash ^= char.codePointAt(0)!;
    hash = Math.imul(hash, 0x01000193);
  }
  return hash | 0;
}

/** A random run seed (a 31-bit integer). */
export function randomSeed(): number {
  return Math.floor(Math.random() * 0x7fff_ffff);
}

/** The operations a check may generate for this profile and instance. */
function fittedShape(
  shape: ProgramShape,
  profile: ResolvedProfile,
  methods: ReadonlySet<string>,
  options: RunOptions,
  drains: boolean,
): ProgramShape {
  const mix = { ...shape.mix };
  // A check that drains RAM cannot when RAM is larger than the exhaustion limit (such checks are skipped then);
  // every other check fills a bounded sample, which stays cheap however large RAM is.
  const exhaustible = capacityOf(profile) <= BigInt(options.exhaustionLimit ?? DEFAULT_EXHAUSTION_LIMIT);
  if (!exhaustible && drains) delete mix.fill;
  if (!profile.strictFree) {
    delete mix.freeAgain;
    delete mix.freeRaw;
  }
  if (unmetNeed("irq", profile, methods)) {
    delete mix.raise;
    delete mix.fetch;
    delete mix.handle;
  }
  if (unmetNeed("memory-ports", profile, methods)) {
    delete mix.read;
    delete mix.write;
  }
  if (unmetNeed("contiguous", profile, methods)) {
    for (const kind of ["allocContig", "freeContig", "freeContigBad", "freeInRange", "p2vContig"] as const) {
      delete mix[kind];
    }
  }
  if (!profile.strictFree) {
    delete mix.freeContigBad;
    delete mix.freeInRange;
  }
  if (profile.cpus === 1) delete mix.setCpu;
  if (Object.keys(mix).length === 0) mix.alloc = 1;
  return {
    ...shape,
    mix,
    maxLength: options.maxLength ?? shape.maxLength,
    then: shape.then && fittedShape(shape.then, profile, methods, options, drains),
  };
}

/** The most programs in one batch; fewer when fills are large, so a batch holds about 2^20 frames at most. */
const MAX_BATCH = 128;
const FRAMES_PER_BATCH = 1 << 20;

/**
 * The HAL calls a program made: one per step that called the HAL, every `allocFrame` of a fill and every free of a
 * `freeMany`.
 */
function callsIn(trace: Trace): number {
  let calls = 0;
  for (const step of trace.steps) {
    if (step.skipped !== undefined || step.missing !== undefined) continue;
    if (step.op.op === "fill" && step.result instanceof WordList) calls += step.result.length;
    else if (step.op.op === "freeMany" && typeof step.result === "number") calls += step.result;
    else calls++;
  }
  return calls;
}

/** Frames the fills of a trace handed out (for the note of a check that drains RAM). */
function framesFilled(trace: Trace): number {
  let frames = 0;
  for (const step of trace.steps) {
    if (step.op.op !== "fill" || !(step.result instanceof WordList)) continue;
    const values = step.result;
    frames += values.length - (values.length > 0 && (values.at(values.length - 1) ?? null) === null ? 1 : 0);
  }
  return frames;
}

/**
 * Runs one check against one target **in this process** (a HAL you trust).
 *
 * @example
 * ```ts
 * import { identityHal, runCheck, selectChecks } from "@halconf/halconf";
 *
 * const [check] = selectChecks(["alloc.unique"]);
 * (await runCheck(identityHal(), check, { seed: 1, runs: 20 })).status; // "pass"
 * ```
 */
export function runCheck(target: HalTarget, check: Check, options: RunOptions = {}): Promise<CheckResult> {
  return runCheckWith(inProcessExecutor(target), check, options);
}

/**
 * How a check ends before any program runs, when it does: the HAL's first instance could not be made (`error`), the
 * profile lacks what the check needs (`skip`, or `error` when what it declares is broken), or every clause of the check
 * cannot arise under the profile (`skip`). `undefined` when the check has programs to run.
 *
 * @example
 * ```ts
 * import { decidedBeforeRunning, identityHal, inProcessExecutor, selectChecks } from "@halconf/halconf";
 *
 * const [check] = selectChecks(["numa.local-first"]);
 * decidedBeforeRunning(inProcessExecutor(identityHal()), check)?.status; // "skip": no cpuNodes
 * ```
 */
export function decidedBeforeRunning(
  executor: Pick<ProgramExecutor, "profile" | "methods" | "probeError">,
  check: Check,
  options: Pick<RunOptions, "exhaustionLimit"> = {},
): { status: CheckStatus; reason: string; denied?: string } | undefined {
  const profile = executor.profile;
  if (executor.probeError) {
    const denied = deniedPermission(executor.probeError);
    return { status: "error", reason: executor.probeError, ...(denied ? { denied } : {}) };
  }
  const exhaustionLimit = options.exhaustionLimit ?? DEFAULT_EXHAUSTION_LIMIT;
  for (const need of check.needs) {
    const reason = unmetNeed(need, profile, executor.methods, exhaustionLimit);
    if (reason) return { status: needIsBroken(need, profile) ? "error" : "skip", reason };
  }
  // Clauses that cannot arise under the profile are not asked of the programs; a check of nothing else is skipped.
  const vacuous = check.judgesAll ? [] : check.clauses.filter((clause) => vacuousReason(clause, profile));
  if (vacuous.length === check.clauses.length) {
    const reasons = [...new Set(vacuous.map((clause) => vacuousReason(clause, profile)!))];
    return { status: "skip", reason: `${vacuous.join(", ")} cannot arise: ${reasons.join("; ")}` };
  }
  return undefined;
}

/**
 * Runs one check on a HAL behind any executor (in process, or a driver
 * process). Programs are generated, judged and shrunk here; the executor
 * only runs them. Generated programs travel in batches; only shrinking
 * sends candidates one at a time.
 *
 * Any violation a program shows fails the check, whichever clause it
 * breaks. A check passes only when all its programs ran and they exercised
 * its clauses (those that can arise under the profile: see vacuity.ts);
 * otherwise it is `incomplete` with the reason. A check whose clauses cannot
 * arise at all is skipped, with the reason.
 *
 * @example
 * ```ts
 * import { identityHal, inProcessExecutor, runCheckWith, selectChecks } from "@halconf/halconf";
 *
 * const [check] = selectChecks(["free.accept"]);
 * (await runCheckWith(inProcessExecutor(identityHal()), check, { seed: 1, runs: 20 })).status; // "pass"
 * ```
 */
export async function runCheckWith(
  executor: ProgramExecutor,
  check: Check,
  options: RunOptions = {},
): Promise<CheckResult> {
  const started = performance.now();
  const runSeed = options.seed ?? 0;
  const seed = deriveSeed(runSeed, executor.name, check.id);
  const base = { target: executor.name, check: check.id, clauses: check.clauses, seed };
  let calls = 0;
  const done = (status: CheckStatus, runs: number, extra: Partial<CheckResult> = {}): CheckResult => ({
    ...base,
    status,
    runs,
    ...(calls > 0 ? { calls } : {}),
    durationMs: Math.round(performance.now() - started),
    ...extra,
  });
  const profile = executor.profile;
  const decided = decidedBeforeRunning(executor, check, options);
  if (decided) return done(decided.status, 0, decided);
  const exhaustionLimit = options.exhaustionLimit ?? DEFAULT_EXHAUSTION_LIMIT;
  const vacuous = check.judgesAll ? [] : check.clauses.filter((clause) => vacuousReason(clause, profile));
  const shape = fittedShape(check.shape, profile, executor.methods, options, check.needs.includes("exhaustible"));
  const arbitrary = programArbitrary(profile, shape);
  // Only the checks that need to exhaust RAM drain all of it; the others fill a bounded sample of the pool, so that
  // their cost does not grow with declared RAM.
  const drains = check.needs.includes("exhaustible");
  const capacity = Number(capacityOf(profile));
  // A draining fill makes one call past the capacity, so that it ends on the null that says RAM is drained.
  const fillLimit = drains ? Math.min(capacity, exhaustionLimit) + 1 : Math.min(capacity + 1, SAMPLE_FILL);
  const budgetMs = options.timeLimitMs ?? 30_000;
  const deadlineMs = options.deadlineMs ?? budgetMs * 1.25;
  const deadline = started + deadlineMs;
  const requestedRuns = Math.max(1, Math.round((options.runs ?? DEFAULT_RUNS) * (check.runsShare ?? 1)));
  const drainFrames = options.drainFrames ?? DRAIN_FRAMES;
  const shadowed = check.clauses.includes("IRQ-1") && profile.irq && profile.irq.none < profile.irq.lines
    ? `line ${profile.irq.none} is shadowed by none ${profile.irq.none}: a real IRQ ${profile.irq.none} would read as ` +
      "nothing pending, so it is never raised"
    : undefined;
  // The programs: the requested ones, or, when a check that drains RAM would drain more than the drain budget over
  // all of them, fewer and longer ones that each drain once and then run the check's mix in the drained state.
  // Drawn as batches need them (a check that fails early never draws the rest); a check that drains RAM draws all
  // at once, to know whether they would drain more than the budget.
  let programs: ProgramDraw | Program[] = options.path === undefined
    ? new ProgramDraw(arbitrary, { seed, randomType: RANDOM_TYPE }, requestedRuns)
    : [];
  const drainOnce = drains && programs instanceof ProgramDraw &&
    programs.all().reduce((sum, program) => sum + fillCost(program, capacity), 0) > drainFrames;
  let stepsAfter = 0;
  if (drainOnce) {
    const runs = drainRuns(capacity, drainFrames, requestedRuns);
    stepsAfter = stepsAfterDrain(shape, requestedRuns, runs);
    const long = programArbitrary(profile, drainOnceShape(shape, stepsAfter));
    programs = withinBudget(fc.sample(long, { seed, numRuns: runs, randomType: RANDOM_TYPE }), capacity, drainFrames);
  }
  const numRuns = options.path === undefined ? programs.length : requestedRuns;
  // A window is the author's choice of what to drain: say so wherever a check drains, so a green line cannot hide it.
  const windowNote = drains && profile.testWindow
    ? `drained the test window only: ${capacity} usable frames of ${
      profile.board.reduce((sum, region) => sum + region.size / BigInt(profile.frameSize), 0n)
    } declared`
    : undefined;

  // Generated programs, in batches that grow while the HAL keeps up.
  let ran = 0;
  let filled = 0;
  const reached = new Set<string>();
  const states = applicableStates(profile);
  const visits = new Map<string, number>(states.map((state) => [state, 0]));
  let failing = options.path !== undefined;
  // The first failing program as it ran: the counterexample if shrinking cannot finish before the deadline.
  let firstFailure: { program: Program; trace: Trace; violation: Violation } | undefined;
  if (!failing) {
    // The few long programs of a large board travel in one batch, so that the driver runs the next while this
    // process judges one (each is judged as it arrives, and none is kept).
    const batchCap = drainOnce
      ? programs.length
      : hasFill(shape)
      ? Math.max(1, Math.min(MAX_BATCH, Math.floor(FRAMES_PER_BATCH / fillLimit)))
      : MAX_BATCH;
    let size = drainOnce ? batchCap : Math.min(8, batchCap);
    let batch = programs.slice(0, size);
    // Milliseconds a program took in the last batch; unknown before the first has run.
    let perProgram: number | undefined;
    while (ran < programs.length && !failing) {
      if (performance.now() - started > budgetMs) break;
      const batchStarted = performance.now();
      // A first program that cannot end within the whole time budget will not be followed by more: it is cut there.
      const first = ran === 0 && !drainOnce;
      const batchDeadline = first ? Math.min(deadline, started + budgetMs) : deadline;
      // The next batch goes with this one, so that the driver runs it while this one is judged (no idle turn at each
      // batch's start: a sixth of a fast driver's full run, measured). Only once a batch has shown the pace, and only
      // as many programs as the rest of the budget can run at that pace after this batch.
      const afterThis = perProgram === undefined
        ? 0
        : Math.floor((budgetMs - (performance.now() - started)) / Math.max(perProgram, 1e-3)) - batch.length;
      size = Math.max(1, Math.min(size * 2, batchCap));
      const nextSize = Math.min(size, afterThis, programs.length - ran - batch.length);
      const next = drainOnce || nextSize < 1
        ? undefined
        : programs.slice(ran + batch.length, ran + batch.length + nextSize);
      const outcome = await executor.execute(batch, {
        fillLimit,
        deadline: batchDeadline,
        ...(next ? { next } : {}),
        onTrace(index, trace) {
          if (failing) return; // the rest of a batch after the first failure is not judged
          const judgement = judgeTraceReach(trace, profile);
          ran++;
          calls += callsIn(trace);
          if (drains) filled += framesFilled(trace);
          for (const clause of judgement.reached) reached.add(clause);
          for (const state of judgement.visited) if (visits.has(state)) visits.set(state, visits.get(state)! + 1);
          // Any violation fails the check, whichever clause it breaks: a violation observed is a violation.
          if (judgement.violation) {
            failing = true;
            firstFailure = { program: batch[index], trace, violation: judgement.violation };
          }
        },
      });
      if (!failing && outcome.failure) {
        const failure = outcome.failure.status === "timeout"
          ? {
            ...outcome.failure,
            reason: `no result within ${
              Number(((batchDeadline - started) / 1000).toFixed(3))
            } s: ${outcome.failure.reason}`,
          }
          : outcome.failure;
        return executionFailed(done, ran + 1, failure, batch[outcome.completed], executor, check, {
          runSeed,
          seed,
        });
      }
      // Grow while the HAL keeps up, but never past what the rest of the budget can run at the pace just seen.
      perProgram = (performance.now() - batchStarted) / Math.max(1, outcome.completed);
      const affordable = Math.floor((budgetMs - (performance.now() - started)) / Math.max(perProgram, 1e-3));
      batch = next ?? programs.slice(ran, ran + Math.max(1, Math.min(size, affordable)));
    }
  }
  const drainNote = drainOnce
    ? `${ran} of ${requestedRuns} programs, each draining all ${capacity} usable frames once and then running up to ` +
      `${stepsAfter} steps in the drained state (${filled} frames handed out by fills): the drain budget is ` +
      `${drainFrames} frames per check (--drain-budget buys more programs)`
    : undefined;
  const note = [drainNote, windowNote, shadowed].filter(Boolean).join("; ") || undefined;
  const exercised = {
    reached: check.clauses.filter((clause) => reached.has(clause)),
    ...(note ? { note } : {}),
    ...(ran > 0 ? { reach: Object.fromEntries(visits) } : {}),
  };
  const replayOne = async (program: Program) => {
    if (performance.now() > deadline) return undefined;
    const outcome = await executor.execute([program], { fillLimit, deadline });
    if (outcome.failure) return undefined;
    const trace = outcome.traces[0];
    return { trace, violation: judgeTrace(trace, profile) };
  };

  if (failing) {
    const search = await searchCounterexample({
      check,
      arbitrary,
      parameters: { seed, randomType: RANDOM_TYPE, numRuns: requestedRuns, path: options.path },
      deadline,
      drainOnce,
      judged: programs.slice(0, ran),
      firstFailure,
      replayOne,
    });
    if ("error" in search) return done("error", search.runs, { reason: search.error });
    if ("passed" in search) return done("pass", search.passed, exercised);
    const { program, trace, violation } = search.shown;
    return failed(program, trace, violation, search.path, search.unshrunk, search.runs);
  }

  if (ran < numRuns) {
    return done("incomplete", ran, {
      reason: `${TIME_BUDGET_SPENT} after ${ran} of ${numRuns} programs`,
      ...exercised,
    });
  }
  const unreached = check.judgesAll
    ? (reached.has("STATE-1") ? [] : ["STATE-1"])
    : check.clauses.filter((clause) => !reached.has(clause) && !vacuous.includes(clause));
  if (unreached.length > 0) {
    return done("incomplete", ran, {
      reason: `no program exercised ${unreached.join(", ")} (${ran} programs): more --runs, or a HAL that gets there`,
      ...exercised,
    });
  }
  return done("pass", ran, exercised);

  /** The result of a failure: the program as shown, with its steps and the broken clause. */
  function failed(
    program: Program,
    trace: Trace,
    violation: Violation,
    path: string,
    unshrunk: string,
    runs: number,
  ): CheckResult {
    const counterexample: Counterexample = {
      version: SUITE_VERSION,
      target: executor.name,
      check: check.id,
      runSeed,
      seed,
      path,
      program: programToJson(program),
      steps: formatTrace(trace, violation),
      violation,
    };
    const status = violation.clause === HARNESS_ERROR ? "error" : "fail";
    const denied = status === "error" ? violation.denied ?? deniedPermission(violation.message) : undefined;
    return done(status, runs, {
      counterexample,
      reason: violation.message + unshrunk,
      ...(denied ? { denied } : {}),
      ...exercised,
    });
  }
}

function hasFill(shape: ProgramShape): boolean {
  return (shape.mix.fill ?? 0) > 0 || (shape.then !== undefined && hasFill(shape.then));
}

/** The result of a check whose program crashed the HAL or ran out of time: it names the program. */
function executionFailed(
  done: (status: CheckStatus, runs: number, extra?: Partial<CheckResult>) => CheckResult,
  runs: number,
  failure: ExecutionFailure,
  program: Program,
  executor: ProgramExecutor,
  check: Check,
  seeds: { runSeed: number; seed: number },
): CheckResult {
  const violation: Violation = { step: -1, clause: HARNESS_ERROR, message: failure.reason };
  return done(failure.status, runs, {
    reason: failure.reason,
    counterexample: {
      version: SUITE_VERSION,
      target: executor.name,
      check: check.id,
      ...seeds,
      path: "",
      program: programToJson(program),
      steps: formatProgram(program),
      violation,
    },
  });
}

function replayProgram(target: HalTarget, profile: ResolvedProfile, program: Program) {
  const trace = executeProgram(target, profile, program);
  return { trace, violation: judgeTrace(trace, profile) };
}

/** Counts results by status. */
export function summarize(results: readonly CheckResult[]): ReportSummary {
  const summary = { passed: 0, failed: 0, skipped: 0, errors: 0, timeouts: 0, incomplete: 0 };
  for (const result of results) {
    if (result.status === "pass") summary.passed++;
    else if (result.status === "fail") summary.failed++;
    else if (result.status === "skip") summary.skipped++;
    else if (result.status === "error") summary.errors++;
    else if (result.status === "timeout") summary.timeouts++;
    else summary.incomplete++;
  }
  return summary;
}

/**
 * Runs the suite (or the checks chosen in `options`) against one or more
 * targets **in this process** and returns the report. The HAL shares this
 * process with the judge, so use it for HALs you trust (your own, in your
 * own tests); `halconf conform` runs every other HAL behind the driver
 * protocol, in a sandboxed process of its own.
 *
 * @example
 * ```ts
 * import { identityHal, runConformance } from "@halconf/halconf";
 *
 * const report = await runConformance(identityHal(), { seed: 7, runs: 10 });
 * report.summary.failed; // 0
 * ```
 */
export async function runConformance(
  targets: HalTarget | readonly HalTarget[],
  options: RunOptions = {},
): Promise<ConformanceReport> {
  const list = Array.isArray(targets) ? targets as readonly HalTarget[] : [targets as HalTarget];
  const seed = options.seed ?? randomSeed();
  const checks = options.checks ?? CHECKS;
  const results: CheckResult[] = [];
  for (const target of list) {
    const executor = inProcessExecutor(target);
    for (const check of checks) {
      const result = await runCheckWith(executor, check, { ...options, seed });
      results.push(result);
      options.onResult?.(result);
    }
  }
  // A violation is listed under its clause's own check too, whichever check's program saw it.
  const listed = listUnderOwnChecks(results);
  return {
    version: SUITE_VERSION,
    seed,
    targets: list.map((t) => t.name),
    results: listed,
    summary: summarize(listed),
  };
}

/** What `replay` found. */
export interface ReplayResult {
  /** The trace of the program on a fresh instance. */
  trace: Trace;
  /** The broken clause, if the HAL still breaks one. */
  violation?: Violation;
  /** The steps as text, the broken one marked. */
  steps: string[];
}

/**
 * Runs a saved counterexample's program again on a fresh instance.
 *
 * @example
 * ```ts
 * import { identityHal, replay } from "@halconf/halconf";
 *
 * const result = replay(identityHal(), { program: [{ op: "alloc" }, { op: "free", frame: 0 }] });
 * result.violation; // undefined: the identity HAL keeps the contract
 * ```
 */
export function replay(target: HalTarget, counterexample: Pick<Counterexample, "program">): ReplayResult {
  const profile = validateProfile(target.profile);
  const program = programFromJson(counterexample.program);
  const { trace, violation } = replayProgram(target, profile, program);
  return { trace, violation, steps: formatTrace(trace, violation) };
}

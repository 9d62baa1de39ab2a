/**
 * The runner: drives fast-check over each check's programs, with a seed per
 * (target, check) derived from one run seed, a budget per check, and shrunk,
 * replayable counterexamples.
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
import {
  type JsonOperation,
  MANY_LIMIT,
  type Operation,
  type Program,
  programFromJson,
  programToJson,
  type StepRef,
} from "../program/program.ts";
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
  /** Programs that broke another check's clause first, and so were judged no further. */
  blocked?: number;
}

export { deniedPermission } from "../program/permission.ts";

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

function fails(check: Check, violation: Violation | undefined): boolean {
  if (!violation) return false;
  return violation.clause === HARNESS_ERROR || check.judgesAll === true ||
    check.clauses.includes(violation.clause) || (violation.also ?? []).some((clause) => check.clauses.includes(clause));
}

/**
 * Frames a draining check may allocate over all its programs before it runs fewer of them: 2^19, so that the four
 * draining checks cost a whole run about as much at 256 MiB as 200 programs of the rest (each program may drain all
 * of RAM; a smaller RAM is drained in every program).
 */
export const DRAIN_FRAMES = 1 << 19;
/** The fewest programs a draining check runs, however large RAM is. */
export const MIN_DRAIN_RUNS = 1;

/** The most programs in one batch; fewer when fills are large, so a batch holds about 2^20 frames at most. */
const MAX_BATCH = 128;
const FRAMES_PER_BATCH = 1 << 20;

/** What the runner remembers of a program it ran: enough to answer fast-check again without running it. */
interface Verdict {
  violation?: Violation;
  fails: boolean;
}

/** The key a program is remembered by (programs hold bigints, so JSON needs a replacer). */
function programKey(program: Program): string {
  return JSON.stringify(program, (_key, value) => typeof value === "bigint" ? `0x${value.toString(16)}` : value);
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
 * Runs one check on a HAL behind any executor (in process, or a driver
 * process). Programs are generated, judged and shrunk here; the executor
 * only runs them. Generated programs travel in batches; only shrinking
 * sends candidates one at a time.
 *
 * A check passes only when all its programs ran and they exercised its
 * clauses; otherwise it is `incomplete` with the reason.
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
  const done = (status: CheckStatus, runs: number, extra: Partial<CheckResult> = {}): CheckResult => ({
    ...base,
    status,
    runs,
    durationMs: Math.round(performance.now() - started),
    ...extra,
  });
  const profile = executor.profile;
  if (executor.probeError) {
    const denied = deniedPermission(executor.probeError);
    return done("error", 0, { reason: executor.probeError, ...(denied ? { denied } : {}) });
  }
  const exhaustionLimit = options.exhaustionLimit ?? DEFAULT_EXHAUSTION_LIMIT;
  for (const need of check.needs) {
    const reason = unmetNeed(need, profile, executor.methods, exhaustionLimit);
    if (reason) return done(needIsBroken(need, profile) ? "error" : "skip", 0, { reason });
  }
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
  // all of them (every fill may drain the whole pool), those of them that drain and still fit the budget, in order (at
  // least MIN_DRAIN_RUNS); the note says so. A program without a fill would spend a run on nothing the check is about.
  const sampled = options.path === undefined
    ? fc.sample(arbitrary, { seed, numRuns: requestedRuns, randomType: RANDOM_TYPE })
    : [];
  const budgeted = drains ? withinDrainBudget(sampled, capacity, drainFrames) : undefined;
  const fewer = budgeted !== undefined;
  const programs: Program[] = budgeted?.programs ?? sampled;
  const numRuns = options.path === undefined ? programs.length : requestedRuns;
  const drainNote = budgeted
    ? `${programs.length} of ${requestedRuns} programs (those that drain, as the budget holds), ${budgeted.fills} fills that may each ` +
      `drain all ${capacity} frames: the drain budget is ${drainFrames} frames per check (--drain-budget)`
    : undefined;
  // A window is the author's choice of what to drain: say so wherever a check drains, so a green line cannot hide it.
  const windowNote = drains && profile.testWindow
    ? `drained the test window only: ${capacity} usable frames of ${
      profile.board.reduce((sum, region) => sum + region.size / BigInt(profile.frameSize), 0n)
    } declared`
    : undefined;
  const note = [drainNote, windowNote, shadowed].filter(Boolean).join("; ") || undefined;
  const verdicts = new Map<string, Verdict>();

  // Generated programs, in batches that grow while the HAL keeps up.
  let ran = 0;
  let blocked = 0;
  const blockers = new Map<string, number>();
  const reached = new Set<string>();
  const states = applicableStates(profile);
  const visits = new Map<string, number>(states.map((state) => [state, 0]));
  let failing = options.path !== undefined;
  // The first failing program as it ran: the counterexample if shrinking cannot finish before the deadline.
  let firstFailure: { program: Program; trace: Trace; violation: Violation } | undefined;
  // Verdicts of the generated programs, in order: keyed for fast-check only if a failure needs shrinking.
  const judged: Verdict[] = [];
  if (!failing) {
    const usesFill = hasFill(shape);
    const batchCap = usesFill ? Math.max(1, Math.min(MAX_BATCH, Math.floor(FRAMES_PER_BATCH / fillLimit))) : MAX_BATCH;
    let size = Math.min(8, batchCap);
    while (ran < programs.length && !failing) {
      if (performance.now() - started > budgetMs) break;
      const batch = programs.slice(ran, ran + size);
      const batchStarted = performance.now();
      const outcome = await executor.execute(batch, {
        fillLimit,
        deadline,
        onTrace(index, trace) {
          if (failing) return; // the rest of a batch after the first failure is not judged
          const judgement = judgeTraceReach(trace, profile);
          const fail = fails(check, judgement.violation);
          judged.push({ violation: judgement.violation, fails: fail });
          ran++;
          for (const clause of judgement.reached) reached.add(clause);
          for (const state of judgement.visited) if (visits.has(state)) visits.set(state, visits.get(state)! + 1);
          if (fail) {
            failing = true;
            firstFailure = { program: batch[index], trace, violation: judgement.violation! };
          } else if (judgement.violation) {
            blocked++;
            blockers.set(judgement.violation.clause, (blockers.get(judgement.violation.clause) ?? 0) + 1);
          }
        },
      });
      if (!failing && outcome.failure) {
        const failure = outcome.failure.status === "timeout"
          ? {
            ...outcome.failure,
            reason: `no result within ${Number((deadlineMs / 1000).toFixed(3))} s: ${outcome.failure.reason}`,
          }
          : outcome.failure;
        return executionFailed(done, ran + 1, failure, batch[outcome.completed], executor, check, {
          runSeed,
          seed,
        });
      }
      // Grow while the HAL keeps up, but never past what the rest of the budget can run at the pace just seen.
      const perProgram = (performance.now() - batchStarted) / Math.max(1, outcome.completed);
      const affordable = Math.floor((budgetMs - (performance.now() - started)) / Math.max(perProgram, 1e-3));
      size = Math.max(1, Math.min(size * 2, batchCap, affordable));
    }
  }
  const exercised = {
    reached: check.clauses.filter((clause) => reached.has(clause)),
    ...(blocked ? { blocked } : {}),
    ...(note ? { note } : {}),
    ...(ran > 0 ? { reach: Object.fromEntries(visits) } : {}),
  };

  if (failing) {
    judged.forEach((verdict, index) => verdicts.set(programKey(programs[index]), verdict));
    const replayOne = async (program: Program) => {
      if (performance.now() > deadline) return undefined;
      const outcome = await executor.execute([program], { fillLimit, deadline });
      if (outcome.failure) return undefined;
      const trace = outcome.traces[0];
      return { trace, violation: judgeTrace(trace, profile) };
    };
    // fast-check regenerates the same programs (same seed): answered from memory until the failing one. Programs a
    // draining check passed over (it ran those that drain, as the budget holds) come before it unanswered: they are not run.
    let shrinking = options.path !== undefined;
    const property = fc.asyncProperty(arbitrary, async (program: Program) => {
      const key = programKey(program);
      let verdict = verdicts.get(key);
      if (!verdict && fewer && !shrinking) return true;
      if (verdict?.fails) shrinking = true;
      if (!verdict) {
        const replayed = await replayOne(program);
        // A candidate that crashed or ran out of time is not taken as a smaller failure.
        verdict = { violation: replayed?.violation, fails: replayed ? fails(check, replayed.violation) : false };
        verdicts.set(key, verdict);
      }
      return !verdict.fails;
    });
    const outcome = await fc.check(property, {
      seed,
      randomType: RANDOM_TYPE,
      numRuns: requestedRuns,
      interruptAfterTimeLimit: Math.max(1_000, deadline - performance.now()),
      markInterruptAsFailure: false,
      ...(options.path ? { path: options.path } : {}),
    });
    if (outcome.failed && outcome.counterexample) {
      const shrunk = outcome.counterexample[0] as Program;
      const found = await replayOne(shrunk);
      const clause = found?.violation?.clause;
      const program = found === undefined || clause === undefined ? shrunk : await dropNeedlessSteps(
        pinPicks(shrunk, found.trace),
        async (candidate) => (await replayOne(candidate))?.violation?.clause === clause,
      );
      const final = await replayOne(program);
      const runs = fewer ? ran : Math.max(ran, outcome.numRuns);
      const outOfTime = performance.now() > deadline;
      let shown: { program: Program; trace: Trace; violation: Violation } | undefined;
      if (final?.violation) shown = { program, trace: final.trace, violation: final.violation };
      else if (found?.violation) shown = { program: shrunk, trace: found.trace, violation: found.violation };
      else if (outOfTime) shown = firstFailure;
      if (!shown) {
        return done("error", runs, {
          reason: "a failing program did not fail again when replayed: the HAL is not deterministic " +
            "(same program, another outcome)",
        });
      }
      const { violation } = shown;
      const counterexample: Counterexample = {
        version: SUITE_VERSION,
        target: executor.name,
        check: check.id,
        runSeed,
        seed,
        path: shown === firstFailure ? "" : outcome.counterexamplePath ?? "",
        program: programToJson(shown.program),
        steps: formatTrace(shown.trace, violation),
        violation,
      };
      const status = violation.clause === HARNESS_ERROR ? "error" : "fail";
      const denied = status === "error" ? violation.denied ?? deniedPermission(violation.message) : undefined;
      const unshrunk = shown !== firstFailure ? "" : " (not shrunk: the check's deadline passed while shrinking)";
      return done(status, runs, {
        counterexample,
        reason: violation.message + unshrunk,
        ...(denied ? { denied } : {}),
        ...exercised,
      });
    }
    if (outcome.failed) {
      return done("error", ran, { reason: `internal error: ${String(outcome.errorInstance)}` });
    }
    if (!options.path) {
      return done("error", ran, {
        reason: "a failing program passed when fast-check generated it again: the HAL is not deterministic",
      });
    }
    return done("pass", outcome.numRuns, exercised);
  }

  if (ran < numRuns) {
    return done("incomplete", ran, { reason: `time budget spent after ${ran} of ${numRuns} programs`, ...exercised });
  }
  const [topBlocker] = [...blockers.entries()].sort((a, b) => b[1] - a[1]);
  const blockerText = topBlocker
    ? `${topBlocker[0]} (${CHECKS.find((other) => other.clauses.includes(topBlocker[0]))?.id ?? "see SPEC.md"})`
    : "";
  if (ran > 0 && blocked === ran) {
    return done("incomplete", ran, {
      reason: `every program broke ${blockerText} before this check's clauses could be judged: fix that first`,
      ...exercised,
    });
  }
  const unreached = check.judgesAll
    ? (reached.has("STATE-1") ? [] : ["STATE-1"])
    : check.clauses.filter((clause) => !reached.has(clause));
  if (unreached.length > 0) {
    return done("incomplete", ran, {
      reason: `no program exercised ${unreached.join(", ")} (${ran} programs${
        blocked ? `; ${blocked} stopped early at ${blockerText}` : ""
      }): more --runs, or a HAL that gets there`,
      ...exercised,
    });
  }
  return done("pass", ran, exercised);
}

/**
 * The programs a draining check runs when all of `programs` would drain more than `budget` frames (each fill counted
 * as a whole pool of `capacity` frames): those that fill, in order, each that still fits the budget, or the one with the
 * fewest fills when none fits (MIN_DRAIN_RUNS is one). Undefined when all of them fit.
 */
function withinDrainBudget(
  programs: Program[],
  capacity: number,
  budget: number,
): { programs: Program[]; fills: number } | undefined {
  const fillsOf = new Map(programs.map((program) => [program, program.filter((op) => op.op === "fill").length]));
  let total = 0;
  for (const count of fillsOf.values()) total += count;
  if (total * capacity <= budget) return undefined;
  const draining = programs.filter((program) => fillsOf.get(program)! > 0);
  const chosen: Program[] = [];
  let fills = 0;
  for (const program of draining) {
    const more = fillsOf.get(program)!;
    if ((fills + more) * capacity > budget) continue;
    chosen.push(program);
    fills += more;
  }
  // When not even one fits (a pool larger than the budget), the least costly: the first with the fewest fills (some
  // program fills, or the total would fit).
  if (chosen.length === 0) {
    const cheapest = draining.reduce((best, program) => fillsOf.get(program)! < fillsOf.get(best)! ? program : best);
    chosen.push(cheapest);
    fills += fillsOf.get(cheapest)!;
  }
  return { programs: chosen, fills };
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

const PICK_FIELDS = ["frame", "pick", "range"] as const;

/**
 * Replaces every pick by a reference to the step whose result it resolved to
 * in `trace`, so that removing an unrelated step no longer changes what later
 * steps operate on.
 */
export function pinPicks(program: Program, trace: Trace): Program {
  return program.map((op, index) => {
    const step = trace.steps[index];
    if (!step || step.source === undefined) return op;
    const pinned: Record<string, unknown> = { ...op };
    for (const field of PICK_FIELDS) {
      if (field in pinned) pinned[field] = { step: step.source, nth: step.sourceNth ?? 0 };
    }
    return pinned as Operation;
  });
}

/** `program` without step `index`, references renumbered; `undefined` if a later step refers to it. */
function withoutStep(program: Program, index: number): Program | undefined {
  const out: Program = [];
  for (const [position, op] of program.entries()) {
    if (position === index) continue;
    const copy: Record<string, unknown> = { ...op };
    for (const field of PICK_FIELDS) {
      const ref = copy[field] as StepRef | number | undefined;
      if (typeof ref !== "object") continue;
      if (ref.step === index) return undefined;
      if (ref.step > index) copy[field] = { ...ref, step: ref.step - 1 };
    }
    out.push(copy as Operation);
  }
  return out;
}

/**
 * Polishes fast-check's shrunk program: with picks pinned to the steps they
 * refer to, single steps are removed one at a time, keeping every removal
 * after which the same clause still breaks. Steps after the violation go
 * first: running is deterministic and judging stops at the violation.
 */
async function dropNeedlessSteps(
  program: Program,
  stillBreaks: (candidate: Program) => Promise<boolean>,
): Promise<Program> {
  let current = program;
  for (let changed = true; changed;) {
    changed = false;
    for (let index = current.length - 1; index >= 0; index--) {
      const candidate = withoutStep(current, index);
      if (candidate && await stillBreaks(candidate)) {
        current = candidate;
        changed = true;
      }
    }
    // A free of many that frees every live frame is simpler to read, and lets later steps go.
    for (let index = current.length - 1; index >= 0; index--) {
      const op = current[index];
      if (op.op !== "freeMany" || op.count === MANY_LIMIT) continue;
      const candidate = current.with(index, { ...op, count: MANY_LIMIT });
      if (await stillBreaks(candidate)) {
        current = candidate;
        changed = true;
      }
    }
    // Two frees of many in a row become one: a slow leak needs hundreds of frees in all, not in one step, so
    // fast-check (which only makes counts smaller) leaves them split.
    for (let index = current.length - 2; index >= 0; index--) {
      const candidate = mergedFrees(current, index);
      if (candidate && await stillBreaks(candidate)) {
        current = candidate;
        changed = true;
      }
    }
  }
  return current;
}

/** The program with steps `index` and `index + 1`, both `freeMany` with one stride, as one; or undefined. */
function mergedFrees(program: Program, index: number): Program | undefined {
  const [first, second] = [program[index], program[index + 1]];
  if (first.op !== "freeMany" || second.op !== "freeMany" || first.stride !== second.stride) return undefined;
  const replaced = [...program];
  replaced[index] = { ...first, count: Math.min(first.count + second.count, MANY_LIMIT) };
  // A freeMany produces no address, so nothing refers to the step removed; later references shift by one.
  return withoutStep(replaced, index + 1);
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
  return { version: SUITE_VERSION, seed, targets: list.map((t) => t.name), results, summary: summarize(results) };
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

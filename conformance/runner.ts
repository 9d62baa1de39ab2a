/**
 * The runner: drives fast-check over each check's programs, with a seed per
 * (target, check) derived from one run seed, a budget per check, and shrunk,
 * replayable counterexamples.
 *
 * @module
 */

import fc from "fast-check";
import type { ProgramShape } from "./arbitraries.ts";
import { programArbitrary } from "./arbitraries.ts";
import { CHECKS, DEFAULT_EXHAUSTION_LIMIT, unmetNeed } from "./catalogue.ts";
import type { Check } from "./check.ts";
import { executeProgram, type Trace } from "./executor.ts";
import type { HalHost, HalInstance, HalTarget } from "./hal.ts";
import { HARNESS_ERROR, judgeTrace, type Violation } from "./judge.ts";
import { formatTrace } from "./print.ts";
import {
  type JsonOperation,
  type Operation,
  type Program,
  programFromJson,
  programToJson,
  type StepRef,
} from "./program.ts";
import { capacityOf, type ResolvedProfile, validateProfile } from "./profile.ts";

/** Programs per check unless a run says otherwise. */
export const DEFAULT_RUNS = 200;

/** The version of the suite; reports and counterexamples carry it. */
export const SUITE_VERSION = "0.1.0";

/** The outcome of one check on one target. */
export type CheckStatus = "pass" | "fail" | "skip" | "error" | "timeout";

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
  /** Where the HAL module was loaded from, when known (filled in by the CLI). */
  source?: string;
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
  /** On failure or error: the shrunk counterexample. */
  counterexample?: Counterexample;
  /** The permission the HAL asked for and was denied (`read access to "/etc/passwd"`). */
  denied?: string;
  /** What the HAL printed while the check ran (isolated runs only). */
  output?: string;
}

/** The permission named in a Deno permission error message, if any. */
export function deniedPermission(message: string): string | undefined {
  return /Requires (\w+ access(?: to "[^"]*")?)/.exec(message)?.[1];
}

/** The budget and seed of a run. */
export interface RunOptions {
  /** The run seed (default: random). */
  seed?: number;
  /** Programs per check (default 200). */
  runs?: number;
  /** Longest program (default: each check's own). */
  maxLength?: number;
  /** Time budget per check in milliseconds (default 30,000): generation stops when it is spent. */
  timeLimitMs?: number;
  /** Checks to run (default: all). */
  checks?: readonly Check[];
  /** Most frames a check allocates to exhaust RAM (default 65,536). */
  exhaustionLimit?: number;
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

const silentHost: HalHost = { dispatchIrq() {}, currentCpu: () => 0 };

function probe(target: HalTarget): HalInstance | string {
  try {
    const instance = target.create(silentHost);
    if (typeof instance !== "object" || instance === null) return `create() returned ${String(instance)}`;
    return instance;
  } catch (error) {
    return `create() threw ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`;
  }
}

/** The operations a check may generate for this profile and instance. */
function fittedShape(
  shape: ProgramShape,
  profile: ResolvedProfile,
  instance: HalInstance,
  options: RunOptions,
): ProgramShape {
  const mix = { ...shape.mix };
  const exhaustible = capacityOf(profile) <= BigInt(options.exhaustionLimit ?? DEFAULT_EXHAUSTION_LIMIT);
  if (!exhaustible) delete mix.fill;
  if (!profile.strictFree) {
    delete mix.freeAgain;
    delete mix.freeRaw;
  }
  if (unmetNeed("irq", profile, instance)) {
    delete mix.raise;
    delete mix.fetch;
    delete mix.handle;
  }
  if (unmetNeed("memory-ports", profile, instance)) {
    delete mix.read;
    delete mix.write;
  }
  if (profile.cpus === 1) delete mix.setCpu;
  if (Object.keys(mix).length === 0) mix.alloc = 1;
  return {
    ...shape,
    mix,
    maxLength: options.maxLength ?? shape.maxLength,
    then: shape.then && fittedShape(shape.then, profile, instance, options),
  };
}

function fails(check: Check, violation: Violation | undefined): boolean {
  if (!violation) return false;
  return violation.clause === HARNESS_ERROR || check.judgesAll === true || check.clauses.includes(violation.clause);
}

/**
 * Runs one check against one target.
 *
 * @example
 * ```ts
 * import { identityHal, runCheck, selectChecks } from "@halconf/halconf";
 *
 * const [check] = selectChecks(["alloc.unique"]);
 * runCheck(identityHal(), check, { seed: 1, runs: 20 }).status; // "pass"
 * ```
 */
export function runCheck(target: HalTarget, check: Check, options: RunOptions = {}): CheckResult {
  const started = performance.now();
  const runSeed = options.seed ?? 0;
  const seed = deriveSeed(runSeed, target.name, check.id);
  const base = { target: target.name, check: check.id, clauses: check.clauses, seed };
  const done = (status: CheckStatus, runs: number, extra: Partial<CheckResult> = {}): CheckResult => ({
    ...base,
    status,
    runs,
    durationMs: Math.round(performance.now() - started),
    ...extra,
  });
  const profile = validateProfile(target.profile);
  const instance = probe(target);
  if (typeof instance === "string") {
    const denied = deniedPermission(instance);
    return done("error", 0, { reason: instance, ...(denied ? { denied } : {}) });
  }
  for (const need of check.needs) {
    const reason = unmetNeed(need, profile, instance, options.exhaustionLimit);
    if (reason) return done("skip", 0, { reason });
  }
  const shape = fittedShape(check.shape, profile, instance, options);
  const executeOptions = {
    fillLimit: Math.min(Number(capacityOf(profile)) + 1, options.exhaustionLimit ?? DEFAULT_EXHAUSTION_LIMIT),
  };
  let runs = 0;
  const property = fc.property(programArbitrary(profile, shape), (program: Program) => {
    runs++;
    return !fails(check, judgeTrace(executeProgram(target, profile, program, executeOptions), profile));
  });
  const numRuns = options.runs ?? DEFAULT_RUNS;
  const outcome = fc.check(property, {
    seed,
    numRuns,
    interruptAfterTimeLimit: options.timeLimitMs ?? 30_000,
    markInterruptAsFailure: false,
    ...(options.path ? { path: options.path } : {}),
  });
  if (outcome.failed && outcome.counterexample) {
    const shrunk = outcome.counterexample[0] as Program;
    const found = replayProgram(target, profile, shrunk);
    const clause = found.violation?.clause;
    const program = clause === undefined ? shrunk : dropNeedlessSteps(
      pinPicks(shrunk, found.trace),
      (candidate) => replayProgram(target, profile, candidate).violation?.clause === clause,
    );
    const { trace, violation } = replayProgram(target, profile, program);
    if (outcome.errorInstance !== undefined && !violation) {
      return done("error", outcome.numRuns, { reason: `internal error: ${String(outcome.errorInstance)}` });
    }
    const counterexample: Counterexample = {
      version: SUITE_VERSION,
      target: target.name,
      check: check.id,
      runSeed,
      seed,
      path: outcome.counterexamplePath ?? "",
      program: programToJson(program),
      steps: formatTrace(trace, violation),
      violation: violation!,
    };
    const status = violation!.clause === HARNESS_ERROR ? "error" : "fail";
    const denied = status === "error" ? deniedPermission(violation!.message) : undefined;
    return done(status, outcome.numRuns, { counterexample, reason: violation!.message, ...(denied ? { denied } : {}) });
  }
  if (outcome.failed) {
    return done("error", outcome.numRuns, { reason: `internal error: ${String(outcome.errorInstance)}` });
  }
  const extra = outcome.interrupted
    ? { reason: `time budget spent after ${outcome.numRuns} of ${numRuns} programs` }
    : {};
  return done("pass", outcome.numRuns, extra);
}

const PICK_FIELDS = ["frame", "pick"] as const;

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
function dropNeedlessSteps(program: Program, stillBreaks: (candidate: Program) => boolean): Program {
  let current = program;
  for (let changed = true; changed;) {
    changed = false;
    for (let index = current.length - 1; index >= 0; index--) {
      const candidate = withoutStep(current, index);
      if (candidate && stillBreaks(candidate)) {
        current = candidate;
        changed = true;
      }
    }
  }
  return current;
}

function replayProgram(target: HalTarget, profile: ResolvedProfile, program: Program) {
  const trace = executeProgram(target, profile, program);
  return { trace, violation: judgeTrace(trace, profile) };
}

/** Counts results by status. */
export function summarize(results: readonly CheckResult[]): ReportSummary {
  const summary = { passed: 0, failed: 0, skipped: 0, errors: 0, timeouts: 0 };
  for (const result of results) {
    if (result.status === "pass") summary.passed++;
    else if (result.status === "fail") summary.failed++;
    else if (result.status === "skip") summary.skipped++;
    else if (result.status === "error") summary.errors++;
    else summary.timeouts++;
  }
  return summary;
}

/**
 * Runs the suite (or the checks chosen in `options`) against one or more
 * targets, in process, and returns the report.
 *
 * @example
 * ```ts
 * import { identityHal, runConformance } from "@halconf/halconf";
 *
 * const report = runConformance(identityHal(), { seed: 7, runs: 10 });
 * report.summary.failed; // 0
 * ```
 */
export function runConformance(targets: HalTarget | readonly HalTarget[], options: RunOptions = {}): ConformanceReport {
  const list = Array.isArray(targets) ? targets as readonly HalTarget[] : [targets as HalTarget];
  const seed = options.seed ?? randomSeed();
  const checks = options.checks ?? CHECKS;
  const results: CheckResult[] = [];
  for (const target of list) {
    for (const check of checks) {
      const result = runCheck(target, check, { ...options, seed });
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

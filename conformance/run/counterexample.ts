/**
 * From a check's first failure to the counterexample it reports: the
 * program that failed, shrunk while it keeps breaking the same way, or the
 * reason it cannot be (a HAL that does not fail again, a deadline).
 *
 * Two ways, by what a candidate costs. A program that drains the whole pool
 * is cut after its violation and its steps dropped in chunks (`shrink.ts`);
 * any other is shrunk by fast-check, regenerating the check's programs from
 * the seed with the ones already judged answered from memory, then polished
 * step by step.
 *
 * @module
 */

import fc from "fast-check";
import type { Check } from "../checks/check.ts";
import type { Trace } from "../program/executor.ts";
import type { Program } from "../program/program.ts";
import { HARNESS_ERROR, type Violation } from "../judge/judge.ts";
import { dropChunks, dropNeedlessSteps, pinPicks } from "./shrink.ts";

/** A program as it ran and the violation judged in its trace. */
export interface Failure {
  program: Program;
  trace: Trace;
  violation: Violation;
}

/** What the search needs of the check and its run so far. */
export interface SearchContext {
  check: Check;
  /** The check's programs, as fast-check generates them. */
  arbitrary: fc.Arbitrary<Program>;
  /** fast-check's parameters of the check's runs (`path`: a counterexample replayed, not a failure seen). */
  parameters: {
    seed: number;
    randomType: NonNullable<fc.Parameters<unknown>["randomType"]>;
    numRuns: number;
    path?: string;
  };
  /** When shrinking stops (`performance.now()` time). */
  deadline: number;
  /** Whether each program drains the whole pool (then every candidate is a whole drain). */
  drainOnce: boolean;
  /** The programs judged so far, in order: all kept the contract but the last, the first failure (when one was seen). */
  judged: readonly Program[];
  firstFailure?: Failure;
  /** Runs one program on a fresh instance and judges it; `undefined` if it crashed or ran out of time. */
  replayOne(program: Program): Promise<{ trace: Trace; violation: Violation | undefined } | undefined>;
}

/**
 * How the search ended: a failure to show (`unshrunk` says why it is shown as first seen, if it is), an error (the HAL
 * is not deterministic, or fast-check failed), or a replayed counterexample that passed (`passed` runs).
 */
export type Search =
  | { shown: Failure; path: string; unshrunk: string; runs: number }
  | { error: string; runs: number }
  | { passed: number };

/** Why a violation is shown as first seen: its program did not break the contract again on a fresh instance. */
const NOT_AGAIN = " (seen once, not shrunk: the same program on a fresh instance did not fail again, so the HAL is " +
  "not deterministic: do its instances share state?)";

const OUT_OF_TIME = " (not shrunk: the check's deadline passed while shrinking)";

/** Whether a violation breaks one of the check's own clauses (or is a harness error, which every check reports). */
function breaksOwnClause(check: Check, violation: Violation): boolean {
  return violation.clause === HARNESS_ERROR || check.judgesAll === true ||
    check.clauses.includes(violation.clause) || (violation.also ?? []).some((clause) => check.clauses.includes(clause));
}

/**
 * What a shrinking candidate must break to stand for the first failure: one of the check's own clauses when the
 * first failure broke one, or else the very clause the first failure broke (a violation of another check's clause
 * fails this check too, and is shrunk as itself).
 */
function failureLike(check: Check, first: Violation): (violation: Violation | undefined) => boolean {
  if (breaksOwnClause(check, first)) return (violation) => violation !== undefined && breaksOwnClause(check, violation);
  return (violation) =>
    violation !== undefined && (violation.clause === first.clause || (violation.also ?? []).includes(first.clause));
}

/** What is remembered of a program already run: enough to answer fast-check again without running it. */
interface Verdict {
  violation?: Violation;
  fails: boolean;
}

/** The key a program is remembered by (programs hold bigints, so JSON needs a replacer). */
function programKey(program: Program): string {
  return JSON.stringify(program, (_key, value) => typeof value === "bigint" ? `0x${value.toString(16)}` : value);
}

/**
 * Searches for the counterexample of a check that failed (or replays one, with `parameters.path`).
 *
 * @example
 * ```ts
 * import fc from "fast-check";
 * import { searchCounterexample } from "./counterexample.ts";
 * import { CHECKS } from "../checks/catalogue.ts";
 * import { executeProgram } from "../program/executor.ts";
 * import { judgeTrace } from "../judge/judge.ts";
 * import { validateProfile } from "../contract/profile.ts";
 * import type { Program } from "../program/program.ts";
 * import { identityHal } from "../../impls/mod.ts";
 *
 * // A counterexample replayed on a correct HAL: its program no longer fails, so the check passes.
 * const target = identityHal();
 * const profile = validateProfile(target.profile);
 * const search = await searchCounterexample({
 *   check: CHECKS.find((check) => check.id === "alloc.unique")!,
 *   arbitrary: fc.constant<Program>([{ op: "alloc" }, { op: "alloc" }]),
 *   parameters: { seed: 1, randomType: "congruential32", numRuns: 5, path: "0" },
 *   deadline: Infinity,
 *   drainOnce: false,
 *   judged: [],
 *   replayOne(program) {
 *     const trace = executeProgram(target, profile, program);
 *     return Promise.resolve({ trace, violation: judgeTrace(trace, profile) });
 *   },
 * });
 * "passed" in search; // true
 * ```
 */
export async function searchCounterexample(context: SearchContext): Promise<Search> {
  const { check, deadline, firstFailure, replayOne } = context;
  const ran = context.judged.length;
  if (context.drainOnce && firstFailure) {
    // Every candidate drains the whole pool: fast-check's shrinker would run hundreds of them. The program is cut
    // after its violation (judging stops there), its picks pinned, and its steps dropped in chunks, then one by one,
    // while the deadline allows.
    const like = failureLike(check, firstFailure.violation);
    const stillBreaks = async (candidate: Program) => {
      const replayed = await replayOne(candidate);
      return replayed === undefined ? undefined : like(replayed.violation);
    };
    const cut = pinPicks(firstFailure.program.slice(0, firstFailure.violation.step + 1), firstFailure.trace);
    // A program that does not fail again on a fresh instance is not shrunk: every candidate would be a whole drain.
    const again = await stillBreaks(cut);
    const keepLast = { keepLast: true };
    const program = again
      ? await dropNeedlessSteps(await dropChunks(cut, stillBreaks, keepLast), stillBreaks, keepLast)
      : cut;
    const final = await replayOne(program);
    if (final?.violation && like(final.violation)) {
      return { shown: { program, trace: final.trace, violation: final.violation }, path: "", unshrunk: "", runs: ran };
    }
    const why = performance.now() > deadline ? OUT_OF_TIME : NOT_AGAIN;
    return { shown: firstFailure, path: "", unshrunk: why, runs: ran };
  }

  const like = firstFailure
    ? failureLike(check, firstFailure.violation)
    : (violation: Violation | undefined) => violation !== undefined && breaksOwnClause(check, violation);
  // The generated programs before the first failure kept the contract; the failing one breaks it.
  const verdicts = new Map<string, Verdict>();
  context.judged.forEach((program, index) =>
    verdicts.set(
      programKey(program),
      index === ran - 1 && firstFailure ? { violation: firstFailure.violation, fails: true } : { fails: false },
    )
  );
  // fast-check regenerates the same programs (same seed): answered from memory until the failing one.
  const property = fc.asyncProperty(context.arbitrary, async (program: Program) => {
    const key = programKey(program);
    let verdict = verdicts.get(key);
    if (!verdict) {
      const replayed = await replayOne(program);
      // A candidate that crashed or ran out of time is not taken as a smaller failure.
      verdict = { violation: replayed?.violation, fails: replayed ? like(replayed.violation) : false };
      verdicts.set(key, verdict);
    }
    return !verdict.fails;
  });
  const { seed, randomType, numRuns, path } = context.parameters;
  const outcome = await fc.check(property, {
    seed,
    randomType,
    numRuns,
    interruptAfterTimeLimit: Math.max(1_000, deadline - performance.now()),
    markInterruptAsFailure: false,
    ...(path ? { path } : {}),
  });
  if (outcome.failed && outcome.counterexample) {
    const shrunk = outcome.counterexample[0] as Program;
    const found = await replayOne(shrunk);
    const clause = found?.violation?.clause;
    const program = found === undefined || clause === undefined ? shrunk : await dropNeedlessSteps(
      pinPicks(shrunk, found.trace),
      async (candidate) => {
        const replayed = await replayOne(candidate);
        return replayed === undefined ? undefined : replayed.violation?.clause === clause;
      },
    );
    const final = await replayOne(program);
    const runs = Math.max(ran, outcome.numRuns);
    const outOfTime = performance.now() > deadline;
    let shown: Failure | undefined;
    if (final?.violation) shown = { program, trace: final.trace, violation: final.violation };
    else if (found?.violation) shown = { program: shrunk, trace: found.trace, violation: found.violation };
    else if (outOfTime) shown = firstFailure;
    if (!shown && firstFailure) {
      // Seen once, never again: still a violation, reported as it was seen.
      return { shown: firstFailure, path: "", unshrunk: NOT_AGAIN, runs };
    }
    if (!shown) {
      return {
        error: "a failing program did not fail again when replayed: the HAL is not deterministic " +
          "(same program, another outcome)",
        runs,
      };
    }
    return shown === firstFailure
      ? { shown, path: "", unshrunk: OUT_OF_TIME, runs }
      : { shown, path: outcome.counterexamplePath ?? "", unshrunk: "", runs };
  }
  if (outcome.failed) return { error: `internal error: ${String(outcome.errorInstance)}`, runs: ran };
  if (!path && firstFailure) return { shown: firstFailure, path: "", unshrunk: NOT_AGAIN, runs: ran };
  if (!path) {
    return {
      error: "a failing program passed when fast-check generated it again: the HAL is not deterministic",
      runs: ran,
    };
  }
  return { passed: outcome.numRuns };
}

/**
 * Known failures: an expectations file says, per target and check, which
 * status is expected and why, so a known bug does not fail CI while a new one
 * does.
 *
 * ```json
 * { "my-hal": { "irq.order": { "status": "fail", "reason": "priority not modelled", "link": "https://..." } } }
 * ```
 *
 * @module
 */

import type { CheckResult, CheckStatus } from "../conformance/run/runner.ts";
import { listUnderOwnChecks } from "../conformance/run/cross_list.ts";
import { UsageError } from "./exit_codes.ts";
import { readJsonFile } from "./read_json.ts";

/** One expected outcome. */
export interface Expectation {
  /** The expected status. */
  status: CheckStatus;
  /** Why (a bug, a missing feature). */
  reason?: string;
  /** Where to read more. */
  link?: string;
}

/** Expectations by target name, then check id. */
export type Expectations = Record<string, Record<string, Expectation>>;

/** A result as reported: with its expectation and whether it matched. */
export interface ReportedResult extends CheckResult {
  /** The expected status, when the expectations file names this result. */
  expected?: CheckStatus;
  /** Why it is expected. */
  expectedReason?: string;
  /** True when the status differs from what is expected (a pass or skip is expected by default). */
  unexpected: boolean;
}

const STATUSES: readonly CheckStatus[] = ["pass", "fail", "skip", "error", "timeout", "incomplete"];

/** Reads and checks an expectations file. */
export async function readExpectations(path: string): Promise<Expectations> {
  const data = await readJsonFile(path, "expectations file");
  if (typeof data !== "object" || data === null || Array.isArray(data)) {
    throw new UsageError(
      `Expectations file "${path}" must be an object: { "<target>": { "<check>": { "status": ... } } }`,
    );
  }
  for (const [target, checks] of Object.entries(data)) {
    if (typeof checks !== "object" || checks === null) {
      throw new UsageError(`Expectations file "${path}": "${target}" must map check ids to { status, reason }`);
    }
    for (const [check, expectation] of Object.entries(checks as Record<string, unknown>)) {
      const status = (expectation as Expectation | null)?.status;
      if (!STATUSES.includes(status as CheckStatus)) {
        throw new UsageError(
          `Expectations file "${path}": ${target} ${check} needs a "status" among ${STATUSES.join(", ")}`,
        );
      }
    }
  }
  return data as Expectations;
}

/** Marks a result as expected or not. */
export function applyExpectation(result: CheckResult, expectations: Expectations | undefined): ReportedResult {
  const expectation = expectations?.[result.target]?.[result.check];
  if (!expectation) {
    return { ...result, unexpected: result.status !== "pass" && result.status !== "skip" };
  }
  return {
    ...result,
    expected: expectation.status,
    ...(expectation.reason ? { expectedReason: expectation.reason } : {}),
    unexpected: expectation.status !== result.status,
  };
}

/**
 * The results with every violation also listed under its clause's own check (see `listUnderOwnChecks`), each
 * result that changed marked against its expectation again: the form every report is built from.
 */
export function listedAndExpected(
  results: readonly ReportedResult[],
  expectations?: Expectations,
): ReportedResult[] {
  return listUnderOwnChecks(results).map((result, index) =>
    result === results[index] ? result : expectations ? applyExpectation(result, expectations) : {
      ...result,
      unexpected: result.expected !== undefined
        ? result.expected !== result.status
        : result.status !== "pass" && result.status !== "skip",
    }
  );
}

/** Expectations that make every current non-passing result expected, keeping reasons and links already written. */
export function expectationsFrom(results: readonly CheckResult[], previous: Expectations = {}): Expectations {
  const out: Expectations = {};
  for (const result of results) {
    if (result.status === "pass" || result.status === "skip") continue;
    const before = previous[result.target]?.[result.check];
    const kept = before && before.status === result.status ? before : undefined;
    (out[result.target] ??= {})[result.check] = {
      status: result.status,
      reason: kept?.reason ?? result.reason ?? result.counterexample?.violation.message,
      ...(kept?.link ? { link: kept.link } : {}),
    };
  }
  return out;
}

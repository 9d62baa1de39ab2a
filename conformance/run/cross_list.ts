/**
 * A violation belongs to its clause, whichever check's program saw it: a
 * check that saw a violation of another check's clause fails with it, and
 * this lists the failure under the clause's own check too when that check
 * passed (its own programs never got there) or did not finish, so that no
 * report shows a clause as kept while it holds a violation of it.
 *
 * @module
 */

import { HARNESS_ERROR } from "../judge/judge.ts";
import type { CheckResult } from "./runner.ts";

/**
 * The results with every foreign violation (a failure whose clause another check enforces) also listed under
 * that check, for the same target, when it passed or ended incomplete. The listed result keeps the
 * counterexample, and `seenBy` names the check whose program found it (replay that check).
 *
 * @example
 * ```ts
 * import { listUnderOwnChecks } from "@halconf/halconf";
 *
 * listUnderOwnChecks([]); // []
 * ```
 */
export function listUnderOwnChecks<R extends CheckResult>(results: readonly R[]): R[] {
  const listed = [...results];
  for (const found of results) {
    const violation = found.counterexample?.violation;
    if (found.status !== "fail" || !violation || violation.clause === HARNESS_ERROR) continue;
    if (found.clauses.includes(violation.clause)) continue;
    for (let index = 0; index < listed.length; index++) {
      const own = listed[index];
      if (own.target !== found.target || !own.clauses.includes(violation.clause)) continue;
      if (own.status !== "pass" && own.status !== "incomplete") continue;
      listed[index] = {
        ...own,
        status: "fail",
        reason: `${violation.clause} broken in a program of ${found.check}: ${violation.message}`,
        counterexample: found.counterexample,
        seenBy: found.check,
      };
    }
  }
  return listed;
}

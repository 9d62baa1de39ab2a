/**
 * The exact verdicts of the boards that drain gigabytes (issue 19), on seeds 1-10: correct HALs of 1, 4 and 16 GiB
 * pass by default, the checks that drain RAM running long programs that each drain it once; an 8 GiB HAL that leaks
 * every freed frame fails.
 */
import assert from "node:assert/strict";
import { DRAINING, only, testEdges } from "./testdata/edges.ts";

testEdges([
  {
    // Only the checks that drain RAM grow with it; every other check samples a bounded part of it.
    fixture: "legal/ram_16gib",
    checks: DRAINING,
    report(results, seed) {
      for (const result of results.filter((result) => result.status === "pass")) {
        assert.match(
          result.note ?? "",
          /of \d+ programs, each draining all 4194304 usable frames once .*\((\d+) frames handed out by fills\)/,
          `seed ${seed}: ${result.check}`,
        );
      }
    },
  },
  { fixture: "legal/ram_4gib" },
  { fixture: "legal/high_1gib" },
  {
    fixture: "mutants/leak_8gib",
    checks: only("free.reuse"),
    expect: { "free.reuse": { status: "fail", clause: "FREE-2" } },
  },
]);

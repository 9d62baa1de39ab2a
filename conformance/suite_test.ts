import assert from "node:assert/strict";
import { CHECKS } from "./checks/catalogue.ts";
import { clauseById } from "./contract/clauses.ts";
import { runConformance } from "./run/runner.ts";
import { loadLegalHals } from "./testdata/load.ts";
import { corpusLegalHals, testPassesEverywhere } from "./testdata/suite.ts";

// Half the legal test HALs of the corpus loop (the small edges have verdicts of their own); the other half is in
// legal_suite_test.ts and the reference HALs in reference_suite_test.ts (three files of about equal cost, so that
// --parallel keeps both cores busy to the end).
testPassesEverywhere((await corpusLegalHals()).filter((_, index) => index % 2 === 0));

Deno.test("every check is of some clause, and every clause has a check or is enforced by the runner", () => {
  const enforced = new Set(CHECKS.flatMap((check) => check.clauses));
  for (const check of CHECKS) {
    for (const clause of check.clauses) assert.ok(clauseById(clause), `${check.id} names unknown clause ${clause}`);
  }
  const ids = CHECKS.map((check) => check.id);
  assert.equal(new Set(ids).size, ids.length, "check ids are unique");
  enforced.add("IRQ-7");
  for (const clause of ["ALLOC-1", "FREE-4", "XLATE-6", "MEM-2", "IRQ-6", "NUMA-2", "STATE-1"]) {
    assert.ok(enforced.has(clause), clause);
  }
});

Deno.test("skips say why: missing claims, trait defaults, no ports", async () => {
  const legal = await loadLegalHals();
  const reasons = async (name: string) => {
    const report = await runConformance(legal.find((t) => t.name === name)!, { seed: 1, runs: 5 });
    return new Map(report.results.filter((r) => r.status === "skip").map((r) => [r.check, r.reason]));
  };
  const defaults = await reasons("trait-default-irq");
  assert.match(defaults.get("irq.idle")!, /IRQ not implemented: the HAL keeps the trait defaults/);
  const bare = await reasons("bare-trait");
  assert.equal(bare.get("irq.idle"), "profile declares no irq");
  assert.equal(bare.get("free.strict"), "profile does not claim strictFree");
  assert.equal(bare.get("mem.readback"), "the HAL has no readMemory/writeMemory test ports");
  assert.equal(bare.get("numa.local-first"), "profile declares no cpuNodes");
  assert.ok(!bare.has("alloc.unique"));
});

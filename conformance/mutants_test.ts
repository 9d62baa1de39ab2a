import assert from "node:assert/strict";
import { CHECKS } from "./checks/catalogue.ts";
import { CLAUSES } from "./contract/clauses.ts";
import { programFromJson } from "./program/program.ts";
import { replay, runCheck } from "./run/runner.ts";
import { loadMutants } from "./testdata/load.ts";

const SEEDS = Array.from({ length: 20 }, (_, i) => 17 + i * 104729);
const all = await loadMutants();
// Those that drain gigabytes, or show their fault only now and then, have their own test (edges_test.ts).
const mutants = all.filter((mutant) => !mutant.ownTest);

Deno.test("the mutant corpus has at least 20 mutants and covers every clause the checks enforce", () => {
  assert.ok(mutants.length >= 20, `${mutants.length} mutants`);
  const covered = new Set(all.map((mutant) => mutant.breaks[0]));
  for (const clause of CLAUSES.filter((c) => c.id !== "IRQ-7")) {
    assert.ok(covered.has(clause.id), `no mutant written for ${clause.id}`);
  }
  const names = mutants.map((mutant) => mutant.target.name);
  assert.equal(new Set(names).size, names.length);
});

for (const mutant of mutants) {
  Deno.test(`mutant ${mutant.target.name} is caught for ${mutant.breaks[0]} on ${SEEDS.length} seeds, in at most ${mutant.maxSteps} steps, and named only by what it breaks`, async () => {
    const checks = CHECKS.filter((check) => check.clauses.some((clause) => mutant.breaks.includes(clause)));
    assert.ok(checks.length > 0);
    for (const seed of SEEDS) {
      const results = [];
      for (const check of checks) results.push(await runCheck(mutant.target, check, { seed }));
      const caught = results.filter((result) => result.status === "fail");
      assert.ok(caught.length > 0, `seed ${seed}: not caught by ${checks.map((c) => c.id).join(", ")}`);
      // Every check that fails names a clause the mutant breaks: a violation is labelled by what was observed.
      for (const result of caught) {
        const counterexample = result.counterexample!;
        const named = [counterexample.violation.clause, ...counterexample.violation.also ?? []];
        assert.ok(
          named.some((clause) => mutant.breaks.includes(clause)),
          `seed ${seed}: ${result.check} names ${counterexample.violation.clause}, which ${mutant.target.name} is ` +
            `not known to break:\n${counterexample.steps.join("\n")}\n${result.reason}`,
        );
        assert.ok(
          counterexample.program.length <= mutant.maxSteps,
          `${counterexample.program.length} steps:\n${counterexample.steps.join("\n")}`,
        );
        assert.match(counterexample.steps.at(-1)!, new RegExp(`<-- ${counterexample.violation.clause} broken$`));
        const again = replay(mutant.target, counterexample);
        assert.deepEqual(again.violation, counterexample.violation, "replay reproduces the violation");
        assert.deepEqual(
          programFromJson(JSON.parse(JSON.stringify(counterexample.program))).length,
          counterexample.program.length,
        );
      }
    }
  });
}

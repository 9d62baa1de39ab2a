import assert from "node:assert/strict";
import { CHECKS } from "../checks/catalogue.ts";
import { CLAUSE_FAMILIES, CLAUSES } from "./clauses.ts";
import { editionHasClause, EDITIONS } from "./editions.ts";
import { runConformance } from "../run/runner.ts";
import model from "../testdata/models/axvisor_aarch64.ts";
import { axvisorHal, identityHal } from "../../impls/mod.ts";

Deno.test("every edition names existing families and every family belongs to an edition", () => {
  const families = new Set(CLAUSE_FAMILIES.map((family) => family.id));
  for (const edition of EDITIONS) for (const family of edition.families) assert.ok(families.has(family), family);
  for (const family of families) assert.ok(EDITIONS.some((edition) => edition.families.includes(family)), family);
  assert.ok(!editionHasClause("axvcpu-hal", "CONTIG-1"));
  assert.ok(editionHasClause("axvisor-memory", "CONTIG-1"));
  assert.ok(EDITIONS.some((edition) => edition.methods.some((method) => method.aliases?.includes("irq_fecth"))));
  for (const clause of CLAUSES) assert.ok(EDITIONS.some((edition) => editionHasClause(edition.id, clause.id)));
});

Deno.test("contiguous checks skip on the seed's edition and are errors when an axvisor-memory HAL lacks the methods", async () => {
  const seed = await runConformance(identityHal(), {
    seed: 3,
    runs: 5,
    checks: CHECKS.filter((c) => c.id.startsWith("contig.")),
  });
  assert.ok(seed.results.every((result) => result.status === "skip" && /axvcpu-hal edition/.test(result.reason!)));
  const base = axvisorHal();
  const lacking = {
    ...base,
    name: "lacks-contig",
    create: (host: Parameters<typeof base.create>[0]) => {
      const hal = base.create(host);
      delete hal.allocContiguousFrames;
      delete hal.deallocContiguousFrames;
      return hal;
    },
  };
  const report = await runConformance(lacking, {
    seed: 3,
    runs: 5,
    checks: CHECKS.filter((c) => c.id.startsWith("contig.")),
  });
  for (const result of report.results) {
    assert.equal(result.status, "error");
    assert.match(result.reason!, /axvisor-memory edition has alloc_contiguous_frames .* lacks allocContiguousFrames/);
  }
});

Deno.test("axvisor's aarch64 HAL, modelled faithfully, fails IRQ-9 and nothing else", async () => {
  const report = await runConformance(model, { seed: 7 });
  const bad = report.results.filter((result) => result.status !== "pass" && result.status !== "skip");
  const failed = bad.map((result) => `${result.check} ${result.status} ${result.counterexample?.violation.clause}`);
  assert.ok(failed.includes("irq.acknowledge fail IRQ-9"), failed.join("\n"));
  for (const result of bad) {
    assert.equal(result.status, "fail", `${result.check}: ${result.reason}`);
    const clauses = [result.counterexample!.violation.clause, ...(result.counterexample!.violation.also ?? [])];
    assert.ok(clauses.includes("IRQ-9") || result.check.startsWith("state."), `${result.check}: ${result.reason}`);
  }
  const shown = report.results.find((result) => result.check === "irq.acknowledge")!.counterexample!;
  assert.ok(shown.steps.length <= 3, shown.steps.join("\n")); // raise, fetch, handle
});

Deno.test("a draining check on a windowed board says it drained the window only, and a shadowed line is named", async () => {
  const { default: board } = await import("../testdata/legal/board_window.ts");
  const [capacity] = CHECKS.filter((check) => check.id === "alloc.capacity");
  const result = (await runConformance(board, { seed: 2, runs: 20, checks: [capacity] })).results[0];
  assert.equal(result.status, "pass");
  assert.match(result.note!, /drained the test window only: 128 usable frames of \d+ declared/);
  const [idle] = CHECKS.filter((check) => check.id === "irq.idle");
  const shadowed = (await runConformance(model, { seed: 2, runs: 20, checks: [idle] })).results[0];
  assert.match(shadowed.note!, /line 0 is shadowed by none 0/);
});

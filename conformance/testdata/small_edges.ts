/**
 * The small edge fixtures (issue 19) and their exact verdicts: a correct HAL at an edge passes (its vacuous checks
 * skipped with the reason), a broken one fails wherever its violation shows. `small_edges_test.ts` asserts them on
 * seeds 1-10; the legal ones among them are left out of the corpus loop (`testdata/suite.ts`), whose claim (every
 * check passes or is skipped) their verdicts already make on as many seeds.
 */
import assert from "node:assert/strict";
import { type EdgeVerdict, only } from "./edges.ts";

/** The small edge fixtures' verdicts. */
export const SMALL_EDGES: readonly EdgeVerdict[] = [
  {
    fixture: "legal/single_frame",
    expect: {
      "alloc.unique": {
        status: "skip",
        reason: /ALLOC-6 cannot arise: one usable frame: two live frames cannot exist/,
      },
      "xlate.injective": { status: "skip", reason: /XLATE-4 cannot arise: one frame of declared RAM/ },
      "mem.isolation": { status: "skip", reason: /MEM-2 cannot arise: one usable frame/ },
    },
  },
  {
    fixture: "legal/one_irq_line",
    expect: { "irq.order": { status: "skip", reason: /IRQ-3 cannot arise: one raisable line/ } },
  },
  {
    fixture: "legal/gic_one_cpu",
    expect: { "irq.banked": { status: "skip", reason: /IRQ-10 cannot arise: one CPU/ } },
  },
  { fixture: "legal/acknowledge_fifo" },
  { fixture: "legal/readmemory_view", expect: { "mem.readback": { status: "pass" } } },
  {
    // A live frame handed out twice, seen only by programs that drain: every such check fails, and alloc.unique too.
    fixture: "mutants/twice_after_drain",
    others: "any",
    expect: { "alloc.unique": { status: "fail", clause: "ALLOC-6" } },
    report(results, seed) {
      const failing = results.filter((result) => result.status === "fail");
      assert.ok(failing.length > 1, `seed ${seed}`);
      for (const result of results) {
        assert.ok(result.status === "fail" || result.status === "pass" || result.status === "skip", result.check);
        assert.ok(result.status !== "pass" || !result.counterexample, `seed ${seed}: ${result.check} passed with one`);
      }
    },
  },
  {
    // Shared state, once in 300 instances: still a violation, shown as seen, and said to be not deterministic.
    fixture: "mutants/flaky_shared_state",
    others: "any",
    // The clause depends on where the faulty instance falls: a live frame handed out again (ALLOC-6) or, when it was
    // freed in between, the allocator's own double free (FREE-1); both are among the clauses it breaks.
    expect: { "alloc.unique": { status: "fail" } },
    report(results, seed) {
      const flaky = results.filter((result) => /not deterministic/.test(result.reason ?? ""));
      assert.ok(flaky.length > 0, `seed ${seed}: no result says the HAL is not deterministic`);
      for (const result of flaky) assert.equal(result.status, "fail");
    },
  },
  {
    fixture: "mutants/active_shared_refetched",
    checks: only("irq.*"),
    others: "any",
    expect: { "irq.acknowledge": { status: "fail" } },
  },
  {
    fixture: "mutants/one_ack_queue",
    checks: only("irq.*"),
    others: "any",
    expect: { "irq.acknowledge": { status: "fail" } },
  },
];

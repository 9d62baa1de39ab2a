import assert from "node:assert/strict";
import { CLAUSES } from "./contract/clauses.ts";
import { renderSpec } from "./spec.ts";

Deno.test("SPEC.md is up to date with the clauses and the catalogue (run deno task spec)", async () => {
  const written = await Deno.readTextFile(new URL("../SPEC.md", import.meta.url));
  assert.equal(written, renderSpec());
});

Deno.test("SPEC.md covers every trait method, including the defaults of irq_fetch and irq_hanlder", () => {
  const spec = renderSpec();
  for (const method of ["alloc_frame", "dealloc_frame", "phys_to_virt", "virt_to_phys", "irq_fetch", "irq_hanlder"]) {
    assert.ok(spec.includes(`\`${method}`), method);
  }
  assert.match(spec, /irq_fetch\(\) -> usize` \(default: returns 0\)/);
  assert.match(spec, /unimplemented!\(\)/);
  for (const clause of CLAUSES) assert.ok(spec.includes(`### ${clause.id}\n`), clause.id);
});

/** Spawns a process when freeing. */
import { identityHal } from "../../impls/mod.ts";
import { patched } from "../../conformance/testdata/mutants/_mutant.ts";

export default patched("spawns-process", identityHal(), (hal) => ({
  deallocFrame(paddr) {
    new Deno.Command("true").outputSync();
    hal.deallocFrame(paddr);
  },
}));

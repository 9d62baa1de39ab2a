/** Reads a file on every allocation. */
import { identityHal } from "../../impls/mod.ts";
import { patched } from "../../conformance/testdata/mutants/_mutant.ts";

export default patched("reads-file", identityHal(), (hal) => ({
  allocFrame() {
    Deno.readTextFileSync("/etc/hostname");
    return hal.allocFrame();
  },
}));

/** Calls Deno.exit in physToVirt: the child process dies mid-check. */
import { identityHal } from "../../impls/mod.ts";
import { patched } from "../../conformance/testdata/mutants/_mutant.ts";

export default patched("exits-process", identityHal(), () => ({ physToVirt: () => Deno.exit(7) }));

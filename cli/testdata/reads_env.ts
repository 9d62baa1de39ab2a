/** Reads the environment when an instance is created. */
import { identityHal } from "../../impls/mod.ts";
import { patched } from "../../conformance/testdata/mutants/_mutant.ts";

export default patched("reads-env", identityHal(), () => {
  Deno.env.get("HOME");
  return {};
});

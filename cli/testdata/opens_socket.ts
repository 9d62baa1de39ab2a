/** Tries to reach the network when an instance is created. */
import { identityHal } from "../../impls/mod.ts";
import { patched } from "../../conformance/testdata/mutants/_mutant.ts";

export default patched("opens-socket", identityHal(), () => {
  Deno.connect({ hostname: "127.0.0.1", port: 9 });
  return {};
});

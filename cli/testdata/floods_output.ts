/** Keeps the contract but prints a megabyte without a newline on every instance. */
import { identityHal } from "../../impls/mod.ts";
import { patched } from "../../conformance/testdata/mutants/_mutant.ts";

const flood = new TextEncoder().encode("x".repeat(1 << 20));

export default patched("floods-output", identityHal(), () => {
  for (let done = 0; done < flood.length;) done += Deno.stdout.writeSync(flood.subarray(done));
  return {};
});

/** Keeps the contract but prints a megabyte without a newline on every instance. */
import { identityHal } from "../../impls/mod.ts";
import type { HalTarget } from "../../conformance/hal.ts";

const base = identityHal({ name: "floods-output" });
const flood = new TextEncoder().encode("x".repeat(1 << 20));
const target: HalTarget = {
  ...base,
  create(host) {
    for (let done = 0; done < flood.length;) done += Deno.stdout.writeSync(flood.subarray(done));
    return base.create(host);
  },
};
export default target;

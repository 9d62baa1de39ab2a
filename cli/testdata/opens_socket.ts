/** Tries to reach the network when an instance is created. */
import { identityHal } from "../../impls/mod.ts";
import type { HalTarget } from "../../conformance/hal.ts";

const base = identityHal({ name: "opens-socket" });
const target: HalTarget = {
  ...base,
  create(host) {
    Deno.connect({ hostname: "127.0.0.1", port: 9 });
    return base.create(host);
  },
};
export default target;

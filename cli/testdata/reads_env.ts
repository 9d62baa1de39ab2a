/** Reads the environment when an instance is created. */
import { identityHal } from "../../impls/mod.ts";
import type { HalTarget } from "../../conformance/hal.ts";

const base = identityHal({ name: "reads-env" });
const target: HalTarget = {
  ...base,
  create(host) {
    Deno.env.get("HOME");
    return base.create(host);
  },
};
export default target;

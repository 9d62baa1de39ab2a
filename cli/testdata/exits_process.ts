/** Calls Deno.exit in physToVirt: the child process dies mid-check. */
import { identityHal } from "../../impls/mod.ts";
import type { HalTarget } from "../../conformance/hal.ts";

const base = identityHal({ name: "exits-process" });
const target: HalTarget = {
  ...base,
  create(host) {
    const hal = base.create(host);
    return { ...hal, physToVirt: () => Deno.exit(7) };
  },
};
export default target;

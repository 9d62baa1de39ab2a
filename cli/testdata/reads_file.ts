/** Reads a file on every allocation. */
import { identityHal } from "../../impls/mod.ts";
import type { HalTarget } from "../../conformance/hal.ts";

const base = identityHal({ name: "reads-file" });
const target: HalTarget = {
  ...base,
  create(host) {
    const hal = base.create(host);
    return {
      ...hal,
      allocFrame() {
        Deno.readTextFileSync("/etc/hostname");
        return hal.allocFrame();
      },
    };
  },
};
export default target;

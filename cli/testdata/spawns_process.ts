/** Spawns a process when freeing. */
import { identityHal } from "../../impls/mod.ts";
import type { HalTarget } from "../../conformance/hal.ts";

const base = identityHal({ name: "spawns-process" });
const target: HalTarget = {
  ...base,
  create(host) {
    const hal = base.create(host);
    return {
      ...hal,
      deallocFrame(paddr) {
        new Deno.Command("true").outputSync();
        hal.deallocFrame(paddr);
      },
    };
  },
};
export default target;

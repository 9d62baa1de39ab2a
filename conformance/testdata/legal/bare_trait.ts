/** Legal: only the four required trait methods; no IRQs, no test ports, no claims. */
import type { HalTarget } from "../../contract/hal.ts";
import { identityHal } from "../../../impls/mod.ts";

const base = identityHal({ irq: undefined, zeroedFrames: false, strictFree: false });
const target: HalTarget = {
  name: "bare-trait",
  profile: base.profile,
  create(host) {
    const hal = base.create(host);
    return {
      allocFrame: () => hal.allocFrame(),
      deallocFrame: (paddr) => hal.deallocFrame(paddr),
      physToVirt: (paddr) => hal.physToVirt(paddr),
      virtToPhys: (vaddr) => hal.virtToPhys(vaddr),
    };
  },
};
export default target;

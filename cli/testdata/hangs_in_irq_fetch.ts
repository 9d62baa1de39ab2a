/** Keeps the contract, except that irqFetch never returns once a line is pending. */
import { identityHal } from "../../impls/mod.ts";
import type { HalTarget } from "../../conformance/hal.ts";

const base = identityHal({ name: "hangs-in-irq-fetch" });
const target: HalTarget = {
  ...base,
  create(host) {
    const hal = base.create(host);
    return {
      ...hal,
      irqFetch() {
        const irq = hal.irqFetch!();
        if (irq !== 1023) { while (true) { /* stuck */ } }
        return irq;
      },
    };
  },
};
export default target;

/** Keeps the contract, except that irqFetch never returns once a line is pending. */
import { identityHal } from "../../impls/mod.ts";
import { patched } from "../../conformance/testdata/mutants/_mutant.ts";

export default patched("hangs-in-irq-fetch", identityHal(), (hal) => ({
  irqFetch() {
    const irq = hal.irqFetch!();
    if (irq !== 1023) { while (true) { /* stuck */ } }
    return irq;
  },
}));

/**
 * A faithful model of axvisor's aarch64 host HAL over a simulated GIC, as the
 * hypervisor's code reads (see SPEC.md, "What halconf reports for axvisor's
 * aarch64 HAL"):
 *
 * - `irq_fetch()` is `axhal::irq::fetch_irq()`: a read of GICC_IAR, which
 *   acknowledges; "nothing pending" comes back as 0
 *   (`unwrap_or_default()` of the spurious id);
 * - `irq_hanlder()` fetches again and hands what it got to the host's
 *   handler, which dispatches it and writes end of interrupt.
 *
 * The profile says so: fetch `acknowledge`, none `0`, lines 0-31 banked.
 * halconf reports IRQ-9 on `irq.acknowledge`: a line fetched by `irq_fetch`
 * (the vCPU exit path reports it as `ExternalInterrupt { vector }`) is never
 * dispatched nor completed when `irq_hanlder` runs next.
 */
import type { HalTarget } from "../../contract/hal.ts";
import { axvisorHal } from "../../../impls/axvisor.ts";
import { Gic } from "../../../impls/gic.ts";

const SPURIOUS = 1023;

const base = axvisorHal({
  name: "axvisor-aarch64-model",
  irq: { lines: 64, none: 0, order: "lowest-first", fetch: "acknowledge", banked: 32 },
});

const model: HalTarget = {
  ...base,
  create(host) {
    const hal = base.create(host);
    const gic = new Gic(64, 32, 4, SPURIOUS);
    const fetchIrq = () => {
      const irq = gic.acknowledge(host.currentCpu());
      return irq === SPURIOUS ? 0 : irq; // .unwrap_or_default()
    };
    return {
      ...hal,
      raiseIrq: (irq) => gic.raise(irq, host.currentCpu()),
      irqFetch: fetchIrq,
      irqHandler() {
        const irq = fetchIrq();
        if (irq === 0) return;
        host.dispatchIrq(irq);
        gic.complete(host.currentCpu(), irq);
      },
    };
  },
};

export default model;

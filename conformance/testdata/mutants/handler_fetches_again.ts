/**
 * Under acknowledge semantics, irqHandler acknowledges again instead of
 * handling what irqFetch acknowledged (axvisor's aarch64 `irq_hanlder`): the
 * fetched line stays active and is never dispatched. Breaks IRQ-9.
 */
import { Gic } from "../../../impls/gic.ts";
import { axvisorPatched } from "./_mutant.ts";

export const breaks = ["IRQ-9", "IRQ-6"];
export default axvisorPatched("handler-fetches-again", (_hal, { host, profile }) => {
  const gic = new Gic(64, 32, profile.cpus, 1023);
  return {
    raiseIrq: (line) => gic.raise(line, host.currentCpu()),
    irqFetch: () => gic.acknowledge(host.currentCpu()),
    irqHandler() {
      const cpu = host.currentCpu();
      const line = gic.acknowledge(cpu);
      if (line === 1023) return;
      host.dispatchIrq(line);
      gic.complete(cpu, line);
    },
  };
});

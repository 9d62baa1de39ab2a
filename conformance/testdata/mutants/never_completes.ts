/** irqHandler dispatches but never writes end of interrupt: a line raised again is never delivered. Breaks IRQ-6. */
import { Gic } from "../../../impls/gic.ts";
import { axvisorPatched } from "./_mutant.ts";

export const breaks = ["IRQ-6"];
export default axvisorPatched("never-completes", (_hal, { host, profile }) => {
  const gic = new Gic(64, 32, profile.cpus, 1023);
  const fetched: number[][] = Array.from({ length: profile.cpus }, () => []);
  return {
    raiseIrq: (line) => gic.raise(line, host.currentCpu()),
    irqFetch() {
      const line = gic.acknowledge(host.currentCpu());
      if (line !== 1023) fetched[host.currentCpu()].push(line);
      return line;
    },
    irqHandler() {
      const cpu = host.currentCpu();
      const line = fetched[cpu].shift() ?? gic.acknowledge(cpu);
      if (line !== 1023) host.dispatchIrq(line);
    },
  };
});

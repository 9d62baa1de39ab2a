/** The GIC model keeps one copy of every line: a CPU sees and handles another CPU's SGIs and PPIs. Breaks IRQ-10. */
import { Gic } from "../../../impls/gic.ts";
import { axvisorPatched } from "./_mutant.ts";

export const breaks = ["IRQ-10"];
export default axvisorPatched("banked-lines-shared", (_hal, { host, profile }) => {
  const gic = new Gic(64, 0, profile.cpus, 1023);
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
      if (line === 1023) return;
      host.dispatchIrq(line);
      gic.complete(cpu, line);
    },
  };
});

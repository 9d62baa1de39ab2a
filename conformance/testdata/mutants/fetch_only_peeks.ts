/** Declares acknowledge semantics, but irqFetch only peeks: a second fetch returns the same line. Breaks IRQ-8. */
import { axvisorPatched, profileGic } from "./_mutant.ts";

export const breaks = ["IRQ-8"];
export default axvisorPatched("fetch-only-peeks", (_hal, { host, profile }) => {
  const gic = profileGic(profile);
  const peeked: (number | undefined)[] = [];
  return {
    raiseIrq: (line) => gic.raise(line, host.currentCpu()),
    irqFetch() {
      const cpu = host.currentCpu();
      // Acknowledges once and keeps reporting that line until it is handled.
      peeked[cpu] ??= gic.acknowledge(cpu);
      const line = peeked[cpu]!;
      if (line === 1023) peeked[cpu] = undefined;
      return line;
    },
    irqHandler() {
      const cpu = host.currentCpu();
      const line = peeked[cpu] ?? gic.acknowledge(cpu);
      peeked[cpu] = undefined;
      if (line === 1023) return;
      host.dispatchIrq(line);
      gic.complete(cpu, line);
    },
  };
});

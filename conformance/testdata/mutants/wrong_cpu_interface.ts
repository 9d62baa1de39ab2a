/** irqFetch reads the acknowledge register of the next CPU's interface. Breaks IRQ-10. */
import { gicMutant } from "./_mutant.ts";

export const breaks = ["IRQ-10", "IRQ-6", "IRQ-3", "IRQ-9", "IRQ-1", "IRQ-8"];
// Seen from another CPU: the counterexample moves between CPUs, a step each time.
export const maxSteps = 10;
export default gicMutant("wrong-cpu-interface", { wrongCpuInterface: true });

/** The lines irqFetch acknowledged wait on one list for all CPUs: irqHandler on one CPU dispatches
 * another CPU's line. Breaks IRQ-9. */
import { gicMutant } from "./_mutant.ts";

export const breaks = ["IRQ-9", "IRQ-5", "IRQ-3", "IRQ-1", "IRQ-8", "IRQ-2"];
export default gicMutant("one-ack-queue", { oneQueueForAllCpus: true });

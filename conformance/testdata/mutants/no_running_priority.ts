/** The controller acknowledges the next pending line while one is active, where a GIC holds it back
 * until a strictly higher priority preempts. Breaks IRQ-8. */
import { gicMutant } from "./_mutant.ts";

export const breaks = ["IRQ-8"];
export default gicMutant("no-running-priority", { ignoresRunningPriority: true });

/** The controller serves the lowest numbered pending line whatever the priorities. Breaks IRQ-3. */
import { gicMutant } from "./_mutant.ts";

export const breaks = ["IRQ-3", "IRQ-8"];
export default gicMutant("priority-inversion", { priorityBlind: true });

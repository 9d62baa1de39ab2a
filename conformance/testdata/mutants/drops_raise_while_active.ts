/** A line raised while another is active on the CPU is dropped: lost while another is active. Breaks
 * IRQ-6. */
import { gicMutant } from "./_mutant.ts";

export const breaks = ["IRQ-6", "IRQ-3"];
export default gicMutant("drops-raise-while-active", { dropsRaiseWhileActive: true });

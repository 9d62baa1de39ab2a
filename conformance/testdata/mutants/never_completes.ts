/** irqHandler dispatches but never writes end of interrupt: a line raised again is never delivered. Breaks
 * IRQ-6; a line served while it should be waiting shows as IRQ-3 (the order, or the loss). */
import { gicMutant } from "./_mutant.ts";

export const breaks = ["IRQ-6", "IRQ-3"];
export default gicMutant("never-completes", { completes: false });

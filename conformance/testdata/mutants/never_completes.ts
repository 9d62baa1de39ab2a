/** irqHandler dispatches but never writes end of interrupt: a line raised again is never delivered. Breaks IRQ-6. */
import { gicMutant } from "./_mutant.ts";

export const breaks = ["IRQ-6"];
export default gicMutant("never-completes", { completes: false });

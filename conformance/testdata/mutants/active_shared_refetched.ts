/** A shared line raised again while it is active is fetched again before its end of interrupt. Breaks IRQ-8. */
import { gicMutant } from "./_mutant.ts";

export const breaks = ["IRQ-8", "IRQ-3", "IRQ-2", "IRQ-1", "IRQ-5"];
// The stale line shows as soon as it is fetched (4 steps), or, handled first, only after a second handler.
export const maxSteps = 10;
export default gicMutant("active-shared-refetched", { refetchesActiveShared: true });

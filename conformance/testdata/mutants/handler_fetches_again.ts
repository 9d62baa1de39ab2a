/**
 * Under acknowledge semantics, irqHandler acknowledges again instead of
 * handling what irqFetch acknowledged (axvisor's aarch64 `irq_hanlder`): the
 * fetched line stays active and is never dispatched. Breaks IRQ-9.
 */
import { gicMutant } from "./_mutant.ts";

export const breaks = ["IRQ-9", "IRQ-6"];
export default gicMutant("handler-fetches-again", { handlerFetchesAgain: true });

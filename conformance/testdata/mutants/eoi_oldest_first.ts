/** Nested lines are completed oldest first, where a GIC drops the most recent priority first. Breaks
 * IRQ-9. */
import { gicMutant } from "./_mutant.ts";

export const breaks = ["IRQ-9"];
export default gicMutant("eoi-oldest-first", { completesOldestFirst: true });

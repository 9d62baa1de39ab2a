/** The end of interrupt names another active line of the CPU than the one dispatched: the dispatched line
 * stays active and is never delivered again. Breaks IRQ-6. */
import { gicMutant } from "./_mutant.ts";

export const breaks = ["IRQ-6", "IRQ-3", "IRQ-8"];
// Nesting, a wrong end of interrupt, and a line raised again: the shortest counterexample is 7 steps, and the one
// shrinking ends at depends on which of them shows first.
export const maxSteps = 12;
export default gicMutant("eoi-wrong-line", { eoiWrongLine: true });

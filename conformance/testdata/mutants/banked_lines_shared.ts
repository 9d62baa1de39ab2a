/** The GIC model keeps one copy of every line: a CPU sees and handles another CPU's SGIs and PPIs. Breaks IRQ-10. */
import { gicMutant } from "./_mutant.ts";

export const breaks = ["IRQ-10", "IRQ-6"];
export default gicMutant("banked-lines-shared", { banked: 0 });

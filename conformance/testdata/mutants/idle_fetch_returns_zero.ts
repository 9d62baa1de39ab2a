/** Returns 0 when nothing is pending, as the trait default irq_fetch does: indistinguishable from IRQ 0. Breaks IRQ-1. */
import { InterruptController, withController } from "./_mutant.ts";

export const breaks = ["IRQ-1"];
export default withController(
  "idle-fetch-returns-zero",
  ({ irq }) => new InterruptController(irq!.lines, irq!.none, irq!.order),
  (_hal, irq) => ({
    irqFetch() {
      const current = irq.current();
      return current === irq.none ? 0 : current;
    },
  }),
);

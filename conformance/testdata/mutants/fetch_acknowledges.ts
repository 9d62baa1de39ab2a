/** irqFetch acknowledges the line it returns, so the handler then has nothing to dispatch. Breaks IRQ-4. */
import { InterruptController, withController } from "./_mutant.ts";

export const breaks = ["IRQ-4"];
export default withController(
  "fetch-acknowledges",
  ({ irq }) => new InterruptController(irq!.lines, irq!.none, irq!.order),
  (_hal, irq) => ({
    irqFetch() {
      const current = irq.current();
      irq.acknowledge(current);
      return current;
    },
  }),
);

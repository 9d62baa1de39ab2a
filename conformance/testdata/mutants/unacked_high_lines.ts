/** Only the first bank of 32 lines is acknowledged: lines 32 and up are dispatched again and again. Breaks IRQ-5. */
import { InterruptController, withController } from "./_mutant.ts";

export const breaks = ["IRQ-5", "IRQ-6"];
export default withController(
  "unacked-high-lines",
  ({ irq }) => new InterruptController(irq!.lines, irq!.none, irq!.order),
  (_hal, irq, host) => ({
    irqHandler() {
      const current = irq.current();
      if (current === irq.none) return;
      if (current < 32) irq.acknowledge(current);
      host.dispatchIrq(current);
    },
  }),
);

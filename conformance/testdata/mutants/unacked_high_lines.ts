/**
 * Only the first bank of 32 lines is acknowledged: lines 32 and up are dispatched again and again. Breaks IRQ-5;
 * a fetch that reports such a line as current again, with nothing raised, breaks IRQ-1 or IRQ-2 as seen.
 */
import { InterruptController, withController } from "./_mutant.ts";

export const breaks = ["IRQ-5", "IRQ-6", "IRQ-1", "IRQ-2"];
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

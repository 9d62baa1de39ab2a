/** The pending queue holds two lines: a third line raised while two are pending is lost. Breaks IRQ-6;
 * a later handler that serves a higher line before it breaks IRQ-3 as seen (the order, or the loss). */
import { InterruptController, withController } from "./_mutant.ts";

class SmallQueue extends InterruptController {
  override raise(irq: number): void {
    if (this.pendingCount >= 2 && !this.pending().includes(irq)) return;
    super.raise(irq);
  }
}

export const breaks = ["IRQ-6", "IRQ-3"];
export default withController(
  "drops-third-pending",
  ({ irq }) => new SmallQueue(irq!.lines, irq!.none, irq!.order),
);

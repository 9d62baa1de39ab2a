/** Declares lowest-first but serves the highest line once three or more are pending. Breaks IRQ-3. */
import { InterruptController, withController } from "./_mutant.ts";

class CrowdedController extends InterruptController {
  override current(): number {
    const pending = this.pending();
    return pending.length >= 3 ? Math.max(...pending) : super.current();
  }
}

export const breaks = ["IRQ-3"];
export default withController(
  "wrong-order-when-crowded",
  ({ irq }) => new CrowdedController(irq!.lines, irq!.none, irq!.order),
);

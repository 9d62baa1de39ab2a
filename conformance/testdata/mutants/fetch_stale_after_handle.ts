/** The "current IRQ" register is not cleared by the handler: the next fetch returns the line just handled. Breaks IRQ-2. */
import { InterruptController, withController } from "./_mutant.ts";

export const breaks = ["IRQ-2", "IRQ-1", "IRQ-4"];
export default withController(
  "fetch-stale-after-handle",
  ({ irq }) => new InterruptController(irq!.lines, irq!.none, irq!.order),
  (hal, irq) => {
    let stale: number | undefined;
    return {
      irqFetch() {
        const value = stale ?? irq.current();
        stale = undefined;
        return value;
      },
      irqHandler() {
        const current = irq.current();
        hal.irqHandler!();
        if (current !== irq.none) stale = current;
      },
      raiseIrq(line) {
        hal.raiseIrq!(line);
      },
    };
  },
);

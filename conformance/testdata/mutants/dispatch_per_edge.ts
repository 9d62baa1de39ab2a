/** Counts edges instead of coalescing: a line raised twice while pending is dispatched twice in one handler call. Breaks IRQ-5. */
import { InterruptController, withController } from "./_mutant.ts";

export const breaks = ["IRQ-5"];
export default withController(
  "dispatch-per-edge",
  ({ irq }) => new InterruptController(irq!.lines, irq!.none, irq!.order),
  (hal, irq, host) => {
    const edges = new Map<number, number>();
    return {
      raiseIrq(line) {
        hal.raiseIrq!(line);
        edges.set(line, (edges.get(line) ?? 0) + 1);
      },
      irqHandler() {
        const current = irq.current();
        if (current === irq.none) return;
        irq.acknowledge(current);
        for (let n = edges.get(current) ?? 1; n > 0; n--) host.dispatchIrq(current);
        edges.delete(current);
      },
    };
  },
);

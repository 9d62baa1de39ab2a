/**
 * Legal but unusual (axvisor-memory edition): every contiguous range is
 * aligned to 64 frames whatever was asked, so ranges come from few places and
 * run out early; IRQs peek with none 0 (line 0 is never used), on 2 CPUs with
 * 8 banked lines.
 */
import type { HalTarget } from "../../contract/hal.ts";
import { axvisorHal } from "../../../impls/axvisor.ts";
import { Gic } from "../../../impls/gic.ts";

const base = axvisorHal({
  name: "contig-over-aligned",
  cpus: 2,
  irq: { lines: 16, none: 0, order: "lowest-first", fetch: "peek", banked: 8 },
});

const target: HalTarget = {
  ...base,
  create(host) {
    const hal = base.create(host);
    const gic = new Gic(16, 8, 2, 0);
    // Peek: acknowledge only in the handler; the current line is found without side effects by a copy's read.
    const peek = () => {
      const cpu = host.currentCpu();
      const line = gic.acknowledge(cpu);
      if (line !== 0) {
        gic.complete(cpu, line);
        gic.raise(line, cpu);
      }
      return line;
    };
    return {
      ...hal,
      allocContiguousFrames: (count, alignPow2) => hal.allocContiguousFrames!(count, Math.max(alignPow2, 6)),
      raiseIrq: (line) => gic.raise(line, host.currentCpu()),
      irqFetch: peek,
      irqHandler() {
        const cpu = host.currentCpu();
        const line = gic.acknowledge(cpu);
        if (line === 0) return;
        host.dispatchIrq(line);
        gic.complete(cpu, line);
      },
    };
  },
};

export default target;

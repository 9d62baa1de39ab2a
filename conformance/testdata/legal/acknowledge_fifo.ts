/**
 * Legal: acknowledge semantics without a GIC's running priority: a second fetch acknowledges the next pending line,
 * and the handler completes the oldest line fetched on its CPU first.
 */
import { axvisorHal } from "../../../impls/axvisor.ts";

export default axvisorHal({
  name: "acknowledge-fifo",
  irq: { lines: 64, none: 1023, order: "lowest-first", fetch: "acknowledge", banked: 32 },
});

/** Legal: a controller with one line. There is no order between lines: irq.order is skipped, the rest passes. */
import { identityHal } from "../../../impls/identity.ts";

export default identityHal({ name: "one-irq-line", irq: { lines: 1, none: 1023, order: "lowest-first" } });

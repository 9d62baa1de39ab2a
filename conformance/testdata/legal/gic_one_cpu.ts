/**
 * Legal: a single-core board's GIC, which banks SGIs and PPIs all the same. With one CPU a banked line has no other
 * CPU to be hidden from: irq.banked is skipped, the rest passes.
 */
import { axvisorHal } from "../../../impls/axvisor.ts";

export default axvisorHal({ name: "gic-one-cpu", cpus: 1 });

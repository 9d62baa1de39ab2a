/** allocContiguousFrames panics when no range fits instead of returning None. Breaks CONTIG-1. */
import { axvisorPatched } from "./_mutant.ts";

export const breaks = ["CONTIG-1"];
export default axvisorPatched("contig-throws-when-full", (hal) => ({
  allocContiguousFrames(count, alignPow2) {
    const first = hal.allocContiguousFrames!(count, alignPow2);
    if (first === null && count > 0) throw new Error("called `Option::unwrap()` on a `None` value");
    return first;
  },
}));

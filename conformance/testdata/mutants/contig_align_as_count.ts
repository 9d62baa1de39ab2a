/**
 * allocContiguousFrames reads alignPow2 as a frame count, as one real
 * implementation does: alignPow2 = 3 aligns to 4 frames (the power of two
 * that holds 3), not 8. Breaks CONTIG-3.
 */
import { axvisorPatched } from "./_mutant.ts";

export const breaks = ["CONTIG-3"];
export default axvisorPatched("contig-align-as-count", (hal) => ({
  allocContiguousFrames: (count, alignPow2) =>
    hal.allocContiguousFrames!(count, alignPow2 <= 1 ? alignPow2 : Math.ceil(Math.log2(alignPow2))),
}));

/** allocContiguousFrames(0, ...) returns an address instead of null. Breaks CONTIG-2. */
import { axvisorPatched } from "./_mutant.ts";

export const breaks = ["CONTIG-2"];
export default axvisorPatched("contig-zero-count", (hal) => ({
  allocContiguousFrames: (count, alignPow2) => hal.allocContiguousFrames!(Math.max(count, 1), alignPow2),
}));

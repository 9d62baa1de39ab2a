/** allocContiguousFrames leaves its last frame unmarked: allocFrame hands it out again. Breaks
 * CONTIG-4; after the range is freed, its bookkeeping refuses a valid free of that frame (FREE-1). */
import { axvisorPatched } from "./_mutant.ts";

export const breaks = ["CONTIG-4", "ALLOC-6", "FREE-1"];
export default axvisorPatched("contig-overlaps-single", (hal) => {
  const unmarked = new Set<bigint>();
  return {
    allocContiguousFrames(count, alignPow2) {
      const first = hal.allocContiguousFrames!(count, alignPow2);
      if (first !== null && count > 1) unmarked.add(first + BigInt(count - 1) * 4096n);
      return first;
    },
    allocFrame() {
      const [frame] = unmarked;
      if (frame !== undefined) {
        unmarked.delete(frame);
        return frame;
      }
      return hal.allocFrame();
    },
  };
});

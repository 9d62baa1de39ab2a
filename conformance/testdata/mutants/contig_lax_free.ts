/** deallocContiguousFrames frees whatever range starts at the address, whatever the count (strictFree claimed). Breaks CONTIG-6. */
import { axvisorPatched } from "./_mutant.ts";

export const breaks = ["CONTIG-6"];
export default axvisorPatched("contig-lax-free", (hal) => {
  const counts = new Map<bigint, number>();
  return {
    allocContiguousFrames(count, alignPow2) {
      const first = hal.allocContiguousFrames!(count, alignPow2);
      if (first !== null) counts.set(first, count);
      return first;
    },
    deallocContiguousFrames(first, count) {
      const live = counts.get(first);
      if (live === undefined) return hal.deallocContiguousFrames!(first, count);
      counts.delete(first);
      hal.deallocContiguousFrames!(first, live);
    },
  };
});

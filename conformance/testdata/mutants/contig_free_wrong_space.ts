/**
 * deallocContiguousFrames hands the physical address it was given to an
 * allocator that expects a virtual one (a real bug): the allocator finds no
 * range there, and a release build ignores the error, so the frames never come
 * back. Breaks CONTIG-5.
 */
import { PHYS_VIRT_OFFSET } from "../../../impls/offset.ts";
import { axvisorPatched } from "./_mutant.ts";

export const breaks = ["CONTIG-5"];
export default axvisorPatched("contig-free-wrong-space", (hal) => ({
  deallocContiguousFrames(first, count) {
    const taken = (first - PHYS_VIRT_OFFSET) & 0xffff_ffff_ffff_ffffn; // virt_to_phys of a physical address
    try {
      hal.deallocContiguousFrames!(taken, count);
    } catch {
      // debug_assert! only: nothing in a release build
    }
  },
}));

/**
 * Each frame is translated on its own, through a window that swaps every pair
 * of frames: XLATE holds frame by frame, but a range is not virtually
 * contiguous. Breaks CONTIG-7.
 */
import { axvisorPatched } from "./_mutant.ts";

export const breaks = ["CONTIG-7"];
const swap = (address: bigint) => address ^ 0x1000n;
export default axvisorPatched("contig-scattered-pages", (hal) => ({
  physToVirt: (paddr) => hal.physToVirt(swap(paddr)),
  virtToPhys: (vaddr) => swap(hal.virtToPhys(vaddr)),
}));

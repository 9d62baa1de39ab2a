/** The free path's bound check is off by one: freeing the last frame of a region throws. Breaks FREE-1. */
import { sparseHal } from "../../../impls/mod.ts";
import { patched } from "./_mutant.ts";

export const breaks = ["FREE-1"];
export default patched("rejects-last-frame-free", sparseHal(), (hal, { profile }) => ({
  deallocFrame(paddr) {
    if (profile.memory.some((region) => paddr + 4096n === region.end)) {
      throw new RangeError(`Cannot free ${paddr}: outside RAM`);
    }
    hal.deallocFrame(paddr);
  },
}));

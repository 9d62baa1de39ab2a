/** physToVirt's bound check is off by one: it throws for the last frame of every region. Breaks XLATE-1. */
import { sparseHal } from "../../../impls/mod.ts";
import { patched } from "./_mutant.ts";

export const breaks = ["XLATE-1"];
export default patched("xlate-throws-last-frame", sparseHal(), (hal, { profile }) => ({
  physToVirt(paddr) {
    if (profile.memory.some((region) => paddr >= region.end - 4096n && paddr < region.end)) {
      throw new RangeError("not in RAM");
    }
    return hal.physToVirt(paddr);
  },
}));

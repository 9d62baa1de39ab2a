/** After an odd number of frees, physToVirt reads a stale window base, so translations move. Breaks XLATE-5. */
import { identityHal } from "../../../impls/mod.ts";
import { patched } from "./_mutant.ts";

export const breaks = ["XLATE-5", "XLATE-2"];
export default patched("remaps-after-free", identityHal(), (hal) => {
  let frees = 0;
  return {
    deallocFrame(paddr) {
      hal.deallocFrame(paddr);
      frees++;
    },
    physToVirt: (paddr) => hal.physToVirt(paddr) + (frees % 2 === 1 ? 0x1_0000_0000n : 0n),
  };
});

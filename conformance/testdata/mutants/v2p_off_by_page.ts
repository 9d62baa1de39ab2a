/** virtToPhys is off by one page in the second region's window only. Breaks XLATE-2. */
import { sparseHal } from "../../../impls/mod.ts";
import { patched } from "./_mutant.ts";

export const breaks = ["XLATE-2"];
export default patched("v2p-off-by-page", sparseHal(), (hal, { profile }) => {
  const second = profile.memory[1];
  return {
    virtToPhys(vaddr) {
      const paddr = hal.virtToPhys(vaddr);
      return paddr >= second.start && paddr < second.end ? paddr + 0x1000n : paddr;
    },
  };
});

/** The third region's window is mapped on top of the second's (a copy-pasted window base). Breaks XLATE-4. */
import { sparseHal } from "../../../impls/mod.ts";
import { patched } from "./_mutant.ts";

export const breaks = ["XLATE-4", "XLATE-2"];
export default patched("overlapping-windows", sparseHal(), (hal, { profile }) => {
  const [, second, third] = profile.memory;
  return {
    physToVirt(paddr) {
      if (paddr >= third.start && paddr < third.end && paddr - third.start < second.size) {
        return hal.physToVirt(second.start + (paddr - third.start));
      }
      return hal.physToVirt(paddr);
    },
  };
});

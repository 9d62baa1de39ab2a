/** Adds the linear-map offset in JS numbers: virtual addresses above 2^53 lose their low bits. Breaks XLATE-3. */
import { offsetHal, PHYS_VIRT_OFFSET } from "../../../impls/mod.ts";
import { patched } from "./_mutant.ts";

export const breaks = ["XLATE-3", "XLATE-2", "XLATE-6", "XLATE-1"];
export default patched("precision-loss", offsetHal(), () => ({
  physToVirt: (paddr) => BigInt(Number(paddr) + Number(PHYS_VIRT_OFFSET)),
}));

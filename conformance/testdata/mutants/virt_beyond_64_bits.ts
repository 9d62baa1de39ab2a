/** Computes phys + 0xffff_8000_0000_0000 without wrapping: high RAM maps beyond 2^64. Breaks XLATE-6. */
import { offsetHal, PHYS_VIRT_OFFSET } from "../../../impls/mod.ts";
import { patched } from "./_mutant.ts";

export const breaks = ["XLATE-6"];
export default patched(
  "virt-beyond-64-bits",
  offsetHal({ memory: [{ start: 0x8000_0000_0000n, size: 0x10_0000n }, { start: 0x40_0000_0000n, size: 0x10_0000n }] }),
  (hal) => ({
    physToVirt(paddr) {
      hal.physToVirt(paddr);
      return paddr + PHYS_VIRT_OFFSET;
    },
  }),
);

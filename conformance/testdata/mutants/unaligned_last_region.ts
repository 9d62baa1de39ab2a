/** Frames of the highest region are off by half a page (its base misread from the memory map). Breaks ALLOC-3. */
import { sparseHal } from "../../../impls/mod.ts";
import { patched } from "./_mutant.ts";

export const breaks = ["ALLOC-3"];
export default patched("unaligned-last-region", sparseHal(), (hal, { profile }) => {
  const last = profile.memory.at(-1)!;
  const inLast = (paddr: bigint) => paddr >= last.start && paddr < last.end;
  return {
    allocFrame() {
      const frame = hal.allocFrame();
      return frame !== null && inLast(frame) ? frame + 0x800n : frame;
    },
    deallocFrame: (paddr) => hal.deallocFrame(inLast(paddr) && paddr % 0x1000n === 0x800n ? paddr - 0x800n : paddr),
  };
});

/** Memory is backed per pair of frames: writes to one frame also land in its buddy. Breaks MEM-2. */
import { identityHal } from "../../../impls/mod.ts";
import { patched } from "./_mutant.ts";

export const breaks = ["MEM-2"];
export default patched("aliased-frames", identityHal(), (hal, { profile }) => ({
  writeMemory(vaddr, bytes) {
    hal.writeMemory!(vaddr, bytes);
    const buddy = hal.virtToPhys(vaddr) ^ 0x1000n;
    if (profile.memory.some((region) => buddy >= region.start && buddy < region.end)) {
      hal.writeMemory!(hal.physToVirt(buddy), bytes);
    }
  },
}));

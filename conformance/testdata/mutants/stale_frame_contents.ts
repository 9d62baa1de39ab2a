/** Reused frames keep the bytes of their previous owner although zeroedFrames is claimed. Breaks ALLOC-8. */
import { identityHal } from "../../../impls/mod.ts";
import { patched } from "./_mutant.ts";

export const breaks = ["ALLOC-8"];
export default patched("stale-frame-contents", identityHal(), (hal) => {
  const previous = new Map<bigint, Uint8Array>();
  return {
    allocFrame() {
      const frame = hal.allocFrame();
      const stale = frame === null ? undefined : previous.get(frame);
      if (stale) hal.writeMemory!(hal.physToVirt(frame!), stale);
      return frame;
    },
    deallocFrame(paddr) {
      const bytes = hal.readMemory!(hal.physToVirt(paddr), 4096);
      hal.deallocFrame(paddr);
      previous.set(paddr, bytes);
    },
  };
});

/** Throws "out of memory" instead of returning null when no frame is free. Breaks ALLOC-1. */
import { identityHal } from "../../../impls/mod.ts";
import { patched } from "./_mutant.ts";

export const breaks = ["ALLOC-1"];
export default patched("throw-on-exhaustion", identityHal(), (hal) => ({
  allocFrame() {
    const frame = hal.allocFrame();
    if (frame === null) throw new Error("out of memory");
    return frame;
  },
}));

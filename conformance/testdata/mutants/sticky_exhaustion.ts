/** Once it has returned null, it keeps returning null even after frames are freed (a sticky "full" flag). Breaks FREE-2. */
import { identityHal } from "../../../impls/mod.ts";
import { patched } from "./_mutant.ts";

export const breaks = ["FREE-2"];
export default patched("sticky-exhaustion", identityHal(), (hal) => {
  let full = false;
  return {
    allocFrame() {
      if (full) return null;
      const frame = hal.allocFrame();
      full = frame === null;
      return frame;
    },
  };
});

/** An off-by-one bound (`<=` for `<`) hands out the frame just past the end of RAM once RAM is full. Breaks ALLOC-4. */
import { identityHal } from "../../../impls/mod.ts";
import { patched } from "./_mutant.ts";

export const breaks = ["ALLOC-4"];
export default patched("frame-past-region-end", identityHal(), (hal, { profile }) => {
  let extraHandedOut = false;
  return {
    allocFrame() {
      const frame = hal.allocFrame();
      if (frame !== null || extraHandedOut) return frame;
      extraHandedOut = true;
      return profile.memory[0].end;
    },
  };
});

/** Manages only the first of several memory regions (a known real bug). Breaks ALLOC-7. */
import { sparseHal } from "../../../impls/mod.ts";
import { patched } from "./_mutant.ts";

export const breaks = ["ALLOC-7"];
export default patched("first-region-only", sparseHal(), (hal, { profile }) => {
  const first = profile.memory[0];
  return {
    allocFrame() {
      const frame = hal.allocFrame();
      if (frame === null || frame < first.end) return frame;
      hal.deallocFrame(frame);
      return null;
    },
  };
});

/** Counts free frames off by one: reports exhaustion while one frame is still free. Breaks ALLOC-7. */
import { identityHal } from "../../../impls/mod.ts";
import { patched } from "./_mutant.ts";

export const breaks = ["ALLOC-7", "FREE-2"];
export default patched("null-with-one-left", identityHal(), (hal, { profile }) => {
  let live = 0;
  const capacity = Number(profile.memory[0].size / 4096n);
  return {
    allocFrame() {
      if (live + 1 >= capacity) return null;
      const frame = hal.allocFrame();
      if (frame !== null) live++;
      return frame;
    },
    deallocFrame(paddr) {
      hal.deallocFrame(paddr);
      live--;
    },
  };
});

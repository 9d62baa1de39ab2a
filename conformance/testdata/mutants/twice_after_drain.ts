/**
 * Once RAM was drained, the first frame freed is handed out twice. Only programs that drain see it (alloc.exhaustion,
 * free.reuse, a sampling fill that drains a small board): a violation whichever check saw it, listed under
 * alloc.unique too. Breaks ALLOC-6.
 */
import { identityHal } from "../../../impls/mod.ts";
import { patched } from "./_mutant.ts";

export const breaks = ["ALLOC-6", "FREE-1"];
export default patched("twice-after-drain", identityHal(), (hal) => {
  let drained = false;
  let twice: bigint | undefined;
  return {
    allocFrame() {
      if (twice !== undefined) {
        const again = twice;
        twice = undefined;
        return again;
      }
      const frame = hal.allocFrame();
      if (frame === null) drained = true;
      else if (drained) {
        drained = false;
        twice = frame;
      }
      return frame;
    },
  };
});

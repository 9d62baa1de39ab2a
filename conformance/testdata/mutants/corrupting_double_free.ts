/** Pushes a double-freed frame on the free list before noticing and throwing. Breaks FREE-4. */
import { identityHal } from "../../../impls/mod.ts";
import { patched } from "./_mutant.ts";

export const breaks = ["FREE-4", "ALLOC-6"];
export default patched("corrupting-double-free", identityHal(), (hal) => {
  const pushed: bigint[] = [];
  return {
    allocFrame: () => pushed.pop() ?? hal.allocFrame(),
    deallocFrame(paddr) {
      try {
        hal.deallocFrame(paddr);
      } catch (error) {
        if (paddr % 4096n === 0n) pushed.push(paddr);
        throw error;
      }
    },
  };
});

/** Every third free pushes the frame on the free list twice, so it is later handed out twice. Breaks
 * ALLOC-6; a free of the frame handed out once may be refused as a double free first (FREE-1). */
import { identityHal } from "../../../impls/mod.ts";
import { patched } from "./_mutant.ts";

export const breaks = ["ALLOC-6", "FREE-1"];
export default patched("free-list-slip", identityHal(), (hal) => {
  let frees = 0;
  const slipped: bigint[] = [];
  return {
    allocFrame: () => slipped.pop() ?? hal.allocFrame(),
    deallocFrame(paddr) {
      hal.deallocFrame(paddr);
      if (++frees % 3 === 0) slipped.push(paddr);
    },
  };
});

/** Every third free pushes the frame on the free list twice, so it is later handed out twice. Breaks ALLOC-6. */
import { identityHal } from "../../../impls/mod.ts";
import { patched } from "./_mutant.ts";

export const breaks = ["ALLOC-6"];
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

/** Every third free is silently dropped, so the frame never comes back. Breaks FREE-2. */
import { identityHal } from "../../../impls/mod.ts";
import { patched } from "./_mutant.ts";

export const breaks = ["FREE-2"];
export default patched("leak-every-third-free", identityHal(), (hal) => {
  let frees = 0;
  return {
    deallocFrame(paddr) {
      if (++frees % 3 !== 0) hal.deallocFrame(paddr);
    },
  };
});

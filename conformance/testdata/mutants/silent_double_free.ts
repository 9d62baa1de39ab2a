/** Claims strictFree but silently ignores invalid frees, as mock HALs do. Breaks FREE-3. */
import { identityHal } from "../../../impls/mod.ts";
import { patched } from "./_mutant.ts";

export const breaks = ["FREE-3"];
export default patched("silent-double-free", identityHal(), (hal) => ({
  deallocFrame(paddr) {
    try {
      hal.deallocFrame(paddr);
    } catch {
      // the bug: swallowed
    }
  },
}));

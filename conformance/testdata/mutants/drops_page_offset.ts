/** physToVirt translates the page and forgets the offset inside it. Breaks XLATE-3. */
import { pagedHal } from "../../../impls/mod.ts";
import { patched } from "./_mutant.ts";

export const breaks = ["XLATE-3", "XLATE-2"];
export default patched("drops-page-offset", pagedHal(), (hal) => ({
  physToVirt: (paddr) => hal.physToVirt(paddr - paddr % 4096n),
}));

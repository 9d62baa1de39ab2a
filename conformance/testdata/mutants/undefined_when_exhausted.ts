/** Returns undefined (a JS `Option` slip) instead of null when no frame is free. Breaks ALLOC-2. */
import { identityHal } from "../../../impls/mod.ts";
import { patched } from "./_mutant.ts";

export const breaks = ["ALLOC-2"];
export default patched("undefined-when-exhausted", identityHal(), (hal) => ({
  allocFrame: () => hal.allocFrame() ?? (undefined as unknown as null),
}));

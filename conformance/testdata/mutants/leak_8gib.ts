/**
 * An 8 GiB board whose allocator never hands out a freed frame again: the leak class on a real board's RAM, caught by
 * default (the exhaustion family drains up to 16 GiB). Breaks FREE-2.
 */
import { identityHal } from "../../../impls/mod.ts";
import { patched } from "./_mutant.ts";

export const breaks = ["FREE-2"];
/** Drains gigabytes: tested on its own, seeds 1-10 (conformance/edges_test.ts), not in the corpus loop. */
export const heavy = true;
export default patched(
  "leak-8gib",
  // A free that does nothing is what this HAL does with every free: it does not claim strictFree.
  identityHal({ memory: [{ start: 0x4000_0000n, size: 0x2_0000_0000n }], strictFree: false }),
  () => ({ deallocFrame() {} }),
);

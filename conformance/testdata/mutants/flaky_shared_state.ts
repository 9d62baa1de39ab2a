/**
 * Instances share a counter by mistake: every 300th instance made hands out its first frame twice. The same program
 * on a fresh instance then passes, so the violation is reported as it was seen, unshrunk, with the note that the HAL
 * is not deterministic. Breaks ALLOC-6, once in a while.
 */
import { identityHal } from "../../../impls/mod.ts";
import { patched } from "./_mutant.ts";

export const breaks = ["ALLOC-6", "FREE-1"];
/** Not caught by every check on every seed: the corpus test leaves it to its own test (conformance/edges_test.ts). */
export const flaky = true;

let made = 0;
export default patched("flaky-shared-state", identityHal(), (hal) => {
  const faulty = ++made % 300 === 0;
  let first: bigint | undefined;
  let repeated = false;
  return {
    allocFrame() {
      if (faulty && first !== undefined && !repeated) {
        repeated = true;
        return first;
      }
      const frame = hal.allocFrame();
      first ??= frame ?? undefined;
      return frame;
    },
  };
});

/** RAM starts at address 0 and the bump allocator starts there too: the first frame is address 0. Breaks ALLOC-5. */
import { identityHal } from "../../../impls/mod.ts";
import { patched } from "./_mutant.ts";

export const breaks = ["ALLOC-5"];
export default patched(
  "hands-out-frame-zero",
  identityHal({ memory: [{ start: 0n, size: 0x4_0000n }] }),
  (hal) => {
    let first = true;
    return {
      allocFrame() {
        if (!first) return hal.allocFrame();
        first = false;
        return 0n;
      },
    };
  },
);

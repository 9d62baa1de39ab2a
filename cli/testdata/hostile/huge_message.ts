/** The broken HAL, whose every failing call throws a 30 MB message: the supervisor keeps 2,000 characters of it. */
import { broken } from "./_broken.ts";

const base = broken("huge-message");
const huge = "m".repeat(30_000_000);
export default {
  ...base,
  create(host) {
    const hal = base.create(host);
    return {
      ...hal,
      deallocFrame(paddr: bigint) {
        if (paddr % 0x2000n === 0n) throw new RangeError(huge);
        return hal.deallocFrame(paddr);
      },
    };
  },
} satisfies typeof base;

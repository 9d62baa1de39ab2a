/** Prints terminal escape sequences and throws a message made of them, to repaint a failure as a pass on screen. */
import { broken } from "./_broken.ts";

const repaint = "\u001b[1A\u001b[2K  PASS     alloc.unique      200 programs";
console.error(repaint);
const base = broken("escape-sequences");
export default {
  ...base,
  create(host) {
    const hal = base.create(host);
    return {
      ...hal,
      deallocFrame(paddr) {
        if (paddr % 0x2000n === 0n) throw new Error(repaint);
        hal.deallocFrame(paddr);
      },
    };
  },
} satisfies typeof base;

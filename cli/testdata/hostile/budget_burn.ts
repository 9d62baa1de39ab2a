/** Burns time in create(), so that the time budget runs out after a few programs. */
import { broken } from "./_broken.ts";

const base = broken("budget-burn");
let created = 0;
export default {
  ...base,
  create(host) {
    // The first instance (the probe) is quick; every later one takes 400 ms.
    if (created++ > 0) {
      const until = performance.now() + 400;
      while (performance.now() < until) { /* burn */ }
    }
    return base.create(host);
  },
} satisfies typeof base;

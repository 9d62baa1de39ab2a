/** Makes every array iterate as empty once the first program runs: a judge iterating traces would see no steps. */
import { broken } from "./_broken.ts";

const base = broken("iterator-patch");
let created = 0;
export default {
  ...base,
  create(host) {
    // deno-lint-ignore no-explicit-any
    if (created++ === 1) (Array.prototype as any)[Symbol.iterator] = function* () {};
    return base.create(host);
  },
} satisfies typeof base;

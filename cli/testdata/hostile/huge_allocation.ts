/** Asks for 4 GiB in create(). */
import { broken } from "./_broken.ts";

const base = broken("huge-allocation");
export default {
  ...base,
  create(host) {
    const memory = new Uint8Array(4 * 2 ** 30);
    memory.fill(1, 0, 4 * 2 ** 30);
    return base.create(host);
  },
} satisfies typeof base;

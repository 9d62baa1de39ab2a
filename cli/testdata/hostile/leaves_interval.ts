/** Leaves a timer running in every instance: the driver must still end when its work is done. */
import { broken } from "./_broken.ts";

const base = broken("leaves-interval");
export default {
  ...base,
  create(host) {
    setInterval(() => {}, 10);
    return base.create(host);
  },
} satisfies typeof base;

/** Gives the IRQ methods and memory ports only to the first instance: later ones have the bare trait. */
import { broken } from "./_broken.ts";

const base = broken("first-instance-only");
let created = 0;
export default {
  ...base,
  create(host) {
    const hal = base.create(host);
    if (created++ === 0) return hal;
    const { irqFetch: _f, irqHandler: _h, raiseIrq: _r, readMemory: _rm, writeMemory: _wm, ...bare } = hal;
    return bare;
  },
} satisfies typeof base;

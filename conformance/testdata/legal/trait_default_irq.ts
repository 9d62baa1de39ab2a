/** Claims IRQ lines but keeps the trait defaults for irq_fetch and irq_hanlder: reported "not implemented". */
import type { HalTarget } from "../../contract/hal.ts";
import { identityHal } from "../../../impls/mod.ts";

const base = identityHal();
const target: HalTarget = {
  name: "trait-default-irq",
  profile: base.profile,
  create(host) {
    const { irqFetch: _fetch, irqHandler: _handler, ...rest } = base.create(host);
    return rest;
  },
};
export default target;

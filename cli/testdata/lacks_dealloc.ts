/** A HAL whose instances lack deallocFrame, which every edition has: it cannot be checked (exit 3). */
import type { HalTarget } from "../../conformance/contract/hal.ts";
import { identityHal } from "../../impls/mod.ts";

const base = identityHal({ name: "lacks-dealloc" });
export default {
  ...base,
  create(host) {
    const { deallocFrame: _, ...rest } = base.create(host);
    return rest as ReturnType<typeof base.create>;
  },
} satisfies HalTarget;

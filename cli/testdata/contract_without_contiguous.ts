/** Names the axvisor-memory contract but has no contiguous functions: a profile error (exit 3) naming the fix. */
import type { HalTarget } from "../../conformance/contract/hal.ts";
import { identityHal } from "../../impls/mod.ts";

const base = identityHal({ name: "contract-without-contiguous", contract: "axvisor-memory" });
export default base satisfies HalTarget;

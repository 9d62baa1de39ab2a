/** Legal: the identity HAL declared under the axmm-hal edition (the memory functions on `AxMmHal`). */
import { identityHal } from "../../../impls/identity.ts";

export default identityHal({ name: "axmm-edition", contract: "axmm-hal" });

/**
 * Has the axvisor memory API's contiguous functions but names no contract: the axvcpu-hal edition has no contiguous
 * frames, so the CONTIG checks would be skipped in silence. A profile error (exit 3) that names the fix.
 */
import type { HalTarget } from "../../conformance/contract/hal.ts";
import { axvisorHal } from "../../impls/mod.ts";

const base = axvisorHal({ name: "contiguous-without-contract" });
const { contract: _, ...profile } = base.profile;
export default { ...base, profile } satisfies HalTarget;

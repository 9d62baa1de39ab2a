/** A HAL whose profile has an unaligned region. */
import { identityHal } from "../../impls/mod.ts";

const base = identityHal();
export default { ...base, name: "invalid-profile", profile: { memory: [{ start: 0x8000_0800n, size: 0x1000n }] } };

/**
 * Legal: a board with one usable frame. Two live frames cannot exist, so ALLOC-6, XLATE-4 and MEM-2 cannot arise:
 * their checks are skipped with the reason, and every other check passes.
 */
import { identityHal } from "../../../impls/identity.ts";

export default identityHal({ name: "single-frame", memory: [{ start: 0x8000_0000n, size: 0x1000n }] });

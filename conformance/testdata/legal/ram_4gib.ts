/**
 * Legal: 4 GiB of RAM (2^20 frames), a small real board. The draining checks run a few long programs that each drain
 * it once; every check passes.
 */
import { identityHal } from "../../../impls/identity.ts";

/** Drains gigabytes: tested on its own, seeds 1-10 (conformance/edges_test.ts), not in the corpus loop. */
export const heavy = true;
export default identityHal({ name: "ram-4gib", memory: [{ start: 0x4000_0000n, size: 0x1_0000_0000n }] });

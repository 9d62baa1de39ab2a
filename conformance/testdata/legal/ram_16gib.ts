/** Legal: 16 GiB of RAM (2^22 frames), the largest board the exhaustion family drains whole without a testWindow. */
import { identityHal } from "../../../impls/identity.ts";

/** Drains gigabytes: tested on its own, seeds 1-10 (conformance/edges_test.ts), not in the corpus loop. */
export const heavy = true;
export default identityHal({ name: "ram-16gib", memory: [{ start: 0x4000_0000n, size: 0x4_0000_0000n }] });

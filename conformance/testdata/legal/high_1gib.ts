/** Legal: 1 GiB of RAM at high addresses (from 0x8_0000_0000_0000), above 2^53 where addresses are no exact doubles. */
import { offsetHal } from "../../../impls/offset.ts";

/** Drains a gigabyte: tested on its own, seeds 1-10 (conformance/edges_test.ts), not in the corpus loop. */
export const heavy = true;
export default offsetHal({ name: "high-1gib", memory: [{ start: 0x8_0000_0000_0000n, size: 0x4000_0000n }] });

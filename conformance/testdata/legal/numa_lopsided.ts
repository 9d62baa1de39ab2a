/** Legal: NUMA where every CPU but one sits on node 1, with nodes of very different sizes. */
import { numaHal } from "../../../impls/mod.ts";

export default numaHal({
  name: "numa-lopsided",
  memory: [
    { start: 0x1000n, size: 0x1000n, node: 0 },
    { start: 0x8000_0000n, size: 0x8_0000n, node: 1 },
  ],
  cpus: 3,
  cpuNodes: [1, 0, 1],
});

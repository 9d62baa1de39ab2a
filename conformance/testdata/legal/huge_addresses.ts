/** Legal but unusual: RAM and its windows just below 2^64, far above 2^53. */
import { sparseHal } from "../../../impls/mod.ts";

export default sparseHal({
  name: "huge-addresses",
  memory: [
    { start: 0x20_0000_0000_0000n, size: 0x4_0000n },
    { start: 0xffff_ffff_fff8_0000n, size: 0x8_0000n },
  ],
});

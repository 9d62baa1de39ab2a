/** Legal but unusual: a permuted page table whose virtual window sits just below 2^64, large frames. */
import { pagedHal } from "../../../impls/mod.ts";

export default pagedHal({
  name: "scrambled-translation",
  frameSize: 16384,
  memory: [{ start: 0x4000n, size: 0x20_0000n }, { start: 0x1_0000_0000n, size: 0x10_0000n }],
  virtBase: 0xffff_ffff_0000_0000n,
  seed: 99,
});

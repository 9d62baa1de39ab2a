/** writeMemory stops one byte short of a frame's end (an off-by-one in the span). Breaks MEM-1. */
import { identityHal } from "../../../impls/mod.ts";
import { patched } from "./_mutant.ts";

export const breaks = ["MEM-1"];
export default patched("write-lost-at-frame-end", identityHal(), (hal) => ({
  writeMemory(vaddr, bytes) {
    const room = Number(4096n - vaddr % 4096n);
    hal.writeMemory!(vaddr, bytes.length >= room ? bytes.subarray(0, room - 1) : bytes);
  },
}));

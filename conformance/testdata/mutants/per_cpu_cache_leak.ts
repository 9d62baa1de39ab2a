/**
 * A per-CPU cache of freed frames is drained back to the shared allocator when
 * another CPU allocates, but not emptied: returning to the first CPU hands out
 * a frame that is live elsewhere. Only CPU switches interleaved with frees and
 * allocations reach it. Breaks STATE-1 (through ALLOC-6).
 */
import { identityHal } from "../../../impls/mod.ts";
import { patched } from "./_mutant.ts";

export const breaks = ["STATE-1", "ALLOC-6", "FREE-3", "FREE-2"];
export default patched("per-cpu-cache-leak", identityHal({ cpus: 2 }), (hal, { host }) => {
  const caches = [[] as bigint[], [] as bigint[]];
  let lastCpu = 0;
  return {
    allocFrame() {
      const cpu = host.currentCpu();
      if (cpu !== lastCpu) {
        for (const frame of caches[lastCpu]) hal.deallocFrame(frame);
        lastCpu = cpu;
      }
      return caches[cpu].pop() ?? hal.allocFrame();
    },
    deallocFrame(paddr) {
      const cpu = host.currentCpu();
      if (caches[cpu].length < 2) caches[cpu].push(paddr);
      else hal.deallocFrame(paddr);
    },
  };
});

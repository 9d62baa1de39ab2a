/**
 * Deep-state bugs, parameterised: each shows only after many operations.
 * The mutant files fix a parameter each, so that the generators, not the
 * mutants, are what gets tuned.
 */
import type { HalTarget } from "../../contract/hal.ts";
import { deepMutant } from "./_mutant.ts";

/** Every `period`-th free (over the instance's life) is dropped: a slow leak. Breaks FREE-2. */
export function slowLeak(period: number): HalTarget {
  return deepMutant(`slow-leak-${period}`, (hal) => {
    let frees = 0;
    return {
      deallocFrame(paddr) {
        if (++frees % period === 0) return;
        hal.deallocFrame(paddr);
      },
    };
  });
}

/**
 * After the pool has run dry `drains` times, the next frame freed is pushed
 * twice on the free list (a bookkeeping drift): it is then handed out twice.
 * Breaks ALLOC-6.
 */
export function driftAfterDrains(drains: number): HalTarget {
  return deepMutant(`drift-after-${drains}-drains`, (hal) => {
    let dry = 0;
    let twice: bigint | undefined;
    return {
      allocFrame() {
        if (twice !== undefined) {
          const frame = twice;
          twice = undefined;
          return frame;
        }
        const frame = hal.allocFrame();
        if (frame === null) dry++;
        return frame;
      },
      deallocFrame(paddr) {
        hal.deallocFrame(paddr);
        if (dry >= drains && twice === undefined) {
          twice = paddr;
          dry = -Infinity; // once
        }
      },
    };
  });
}

/**
 * Each CPU keeps a cache of up to `size` freed frames; when it is full, the
 * frame freed is meant to go back to the shared pool but is dropped. Breaks
 * FREE-2 once one CPU frees more than `size` frames before allocating.
 */
export function perCpuOverflow(size: number): HalTarget {
  return deepMutant(`per-cpu-overflow-${size}`, (hal, host) => {
    const caches: bigint[][] = [[], [], [], []];
    return {
      allocFrame() {
        return caches[host.currentCpu()].pop() ?? hal.allocFrame();
      },
      deallocFrame(paddr) {
        const cache = caches[host.currentCpu()];
        if (cache.length < size) cache.push(paddr);
        // else: lost
      },
    };
  });
}

/**
 * The axvisor-shaped reference HAL: the `axvisor-memory` edition over a
 * bitmap allocator with contiguous ranges, a linear physical-to-virtual
 * offset, and a GIC with acknowledge semantics and banked lines.
 *
 * @module
 */

import type { HalInstance, HalTarget } from "../conformance/contract/hal.ts";
import { validateProfile } from "../conformance/contract/profile.ts";
import { assembleHal } from "./assemble.ts";
import { BitmapAllocator } from "./bitmap_allocator.ts";
import { Gic } from "./gic.ts";
import { PHYS_VIRT_OFFSET } from "./offset.ts";
import type { ReferenceOptions } from "./reference.ts";
import { offsetMap } from "./translation.ts";

/**
 * A HAL of the `axvisor-memory` edition, as axvisor's aarch64 host would be
 * if its IRQ functions kept the contract: `irqFetch` acknowledges (GIC IAR),
 * `irqHandler` dispatches and completes the line fetched on its CPU (the
 * most recent, under running priority), or acknowledges the next one itself.
 * Default: two regions (512 KiB and 256 KiB) on 4 CPUs, 64 lines of which 32
 * banked, spurious id 1023, GIC running priority with a few lines of other
 * priorities.
 *
 * @example
 * ```ts
 * import { axvisorHal } from "@halconf/halconf/impls";
 *
 * const hal = axvisorHal().create({ dispatchIrq() {}, currentCpu: () => 0 });
 * const range = hal.allocContiguousFrames!(8, 3); // 8 frames aligned to 32 KiB
 * hal.deallocContiguousFrames!(range!, 8);
 * ```
 */
export function axvisorHal(options: ReferenceOptions = {}): HalTarget {
  const { name = "axvisor", ...overrides } = options;
  const profile = {
    contract: "axvisor-memory" as const,
    memory: [
      { start: 0x4000_0000n, size: 0x8_0000n },
      { start: 0x8000_0000n, size: 0x4_0000n },
    ],
    cpus: 4,
    // A GICv2 as axvisor's aarch64 host programs it: SGIs and PPIs banked, the running priority of each CPU
    // interface, and a few lines of other priorities than the default 0xa0 (a timer PPI more urgent, an SPI less).
    irq: {
      lines: 64,
      none: 1023,
      order: "lowest-first" as const,
      fetch: "acknowledge" as const,
      banked: 32,
      runningPriority: true,
      priorities: { 1: 0x80, 27: 0x60, 40: 0x90, 50: 0xc0 },
    },
    zeroedFrames: true,
    strictFree: true,
    ...overrides,
  };
  const resolved = validateProfile(profile);
  const translation = offsetMap(resolved.board, PHYS_VIRT_OFFSET);
  return {
    name,
    profile,
    create(host) {
      const frames = new BitmapAllocator(resolved.memory, resolved.frameSize);
      const hal = assembleHal({
        profile: { ...profile, irq: undefined },
        frames: { alloc: () => frames.alloc(), free: (paddr) => frames.free(paddr) },
        translation,
        host,
      });
      const contiguous: Pick<HalInstance, "allocContiguousFrames" | "deallocContiguousFrames"> = {
        allocContiguousFrames: (count, alignPow2) => frames.allocContiguous(count, alignPow2),
        deallocContiguousFrames: (first, count) => frames.freeContiguous(first, count),
      };
      const irq = resolved.irq;
      // Each instance is one object literal: properties added after creation made V8 keep dead instances alive.
      if (!irq) return { ...hal, ...contiguous };
      const gic = new Gic(irq.lines, irq.banked, resolved.cpus, irq.none, {
        priorities: irq.priorities,
        runningPriority: irq.runningPriority,
      });
      // The lines each CPU acknowledged with irqFetch and has not handled yet, oldest first: a GIC with running
      // priority completes the most recent first (its end of interrupt drops the priority it raised last).
      const fetched = Array.from({ length: resolved.cpus }, () => [] as number[]);
      const nextToHandle = irq.runningPriority ? (lines: number[]) => lines.pop() : (lines: number[]) => lines.shift();
      return {
        ...hal,
        ...contiguous,
        raiseIrq: (line) => gic.raise(line, host.currentCpu()),
        irqFetch: () => {
          const cpu = host.currentCpu();
          const line = gic.acknowledge(cpu);
          if (line !== gic.spurious) fetched[cpu].push(line);
          return line;
        },
        irqHandler: () => {
          const cpu = host.currentCpu();
          const line = nextToHandle(fetched[cpu]) ?? gic.acknowledge(cpu);
          if (line === gic.spurious) return;
          host.dispatchIrq(line);
          gic.complete(cpu, line);
        },
      };
    },
  };
}

/**
 * The NUMA-aware reference HAL.
 *
 * @module
 */

import type { HalTarget } from "../conformance/contract/hal.ts";
import type { ResolvedProfile } from "../conformance/contract/profile.ts";
import type { FrameSource } from "./assemble.ts";
import { FrameAllocator } from "./frame_allocator.ts";
import { PHYS_VIRT_OFFSET } from "./offset.ts";
import { type ReferenceOptions, referenceTarget } from "./reference.ts";
import { offsetMap } from "./translation.ts";

/**
 * Frames from the caller's node first, then from the other nodes nearest
 * first (distance `|a - b|` between node ids), `null` only when all are empty.
 *
 * @example
 * ```ts
 * import { numaFrames, validateProfile } from "@halconf/halconf/impls";
 *
 * const profile = validateProfile({
 *   memory: [{ start: 0x1000n, size: 0x1000n, node: 0 }, { start: 0x10000n, size: 0x1000n, node: 1 }],
 *   cpus: 2,
 *   cpuNodes: [0, 1],
 * });
 * numaFrames(profile).alloc(1); // 0x10000n
 * ```
 */
export function numaFrames(profile: ResolvedProfile): FrameSource {
  const nodes = [...new Set(profile.memory.map((region) => region.node))].sort((a, b) => a - b);
  const allocators = new Map(nodes.map((node) => [
    node,
    new FrameAllocator(profile.memory.filter((region) => region.node === node), profile.frameSize),
  ]));
  const preference = new Map(nodes.map((home) => [
    home,
    [...nodes].sort((a, b) => Math.abs(a - home) - Math.abs(b - home) || a - b).map((node) => allocators.get(node)!),
  ]));
  // Plain arrays walked by index: these run per frame, and without TurboFan a for-of made an iterator per call.
  const all = [...allocators.values()];
  return {
    alloc(cpu) {
      const home = profile.cpuNodes[cpu] ?? profile.cpuNodes[0];
      const order = preference.get(home)!;
      for (let i = 0; i < order.length; i++) {
        const frame = order[i].alloc();
        if (frame !== null) return frame;
      }
      return null;
    },
    free(paddr) {
      for (let i = 0; i < all.length; i++) {
        if (all[i].contains(paddr)) return all[i].free(paddr);
      }
      allocators.get(nodes[0])!.free(paddr);
    },
  };
}

/**
 * A HAL over three NUMA nodes with four CPUs (`cpuNodes: [0, 0, 1, 2]`), node 1
 * split in two regions; linear map at ArceOS's offset; IRQs in any order.
 *
 * @example
 * ```ts
 * import { numaHal } from "@halconf/halconf";
 *
 * let cpu = 3;
 * const hal = numaHal().create({ dispatchIrq() {}, currentCpu: () => cpu });
 * hal.allocFrame(); // a frame of node 2
 * ```
 */
export function numaHal(options: ReferenceOptions = {}): HalTarget {
  return referenceTarget(
    "numa",
    {
      memory: [
        { start: 0x8000_0000n, size: 0x4_0000n, node: 0 },
        { start: 0x1_0000_0000n, size: 0x4_0000n, node: 1 },
        { start: 0x1_8000_0000n, size: 0x2_0000n, node: 1 },
        { start: 0x2_0000_0000n, size: 0x4_0000n, node: 2 },
      ],
      cpus: 4,
      cpuNodes: [0, 0, 1, 2],
      irq: { lines: 64, none: 1023, order: "any" },
      zeroedFrames: true,
      strictFree: true,
    },
    options,
    {
      frames: numaFrames,
      translation: (profile) => offsetMap(profile.board, PHYS_VIRT_OFFSET),
    },
  );
}

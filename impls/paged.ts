/**
 * The paged reference HAL: a translation no linear formula explains.
 *
 * @module
 */

import type { HalTarget } from "../conformance/contract/hal.ts";
import { type ReferenceOptions, referenceTarget } from "./reference.ts";
import { permutedFrames } from "./translation.ts";

/** Options of the paged HAL: any profile field, the window and the permutation seed. */
export interface PagedOptions extends ReferenceOptions {
  /** Base of the virtual window (default `0x7f00_0000_0000`). */
  virtBase?: bigint;
  /** Chooses the permutation of frames (default 2026). */
  seed?: number;
}

/**
 * A HAL whose translation goes through a simulated page table fixed at
 * creation: frames are permuted into one virtual window, so neighbouring
 * physical frames land far apart and no check can assume `virt = phys + c`.
 *
 * @example
 * ```ts
 * import { pagedHal } from "@halconf/halconf";
 *
 * const hal = pagedHal().create({ dispatchIrq() {}, currentCpu: () => 0 });
 * const a = hal.allocFrame()!, b = hal.allocFrame()!;
 * hal.physToVirt(b) - hal.physToVirt(a) !== b - a; // true for this seed
 * ```
 */
export function pagedHal(options: PagedOptions = {}): HalTarget {
  const { virtBase = 0x7f00_0000_0000n, seed = 2026, ...rest } = options;
  return referenceTarget(
    "paged",
    {
      memory: [
        { start: 0x8000_0000n, size: 0x8_0000n },
        { start: 0xc000_0000n, size: 0x4_0000n },
      ],
      irq: { lines: 256, none: 1023, order: "fifo" },
      zeroedFrames: true,
      strictFree: true,
    },
    rest,
    { translation: (profile) => permutedFrames(profile.board, profile.frameSize, virtBase, seed) },
  );
}

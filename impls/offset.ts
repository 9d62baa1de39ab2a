/**
 * The linear-map reference HAL that ArceOS uses on x86_64 and AArch64.
 *
 * @module
 */

import type { HalTarget } from "../conformance/contract/hal.ts";
import { type ReferenceOptions, referenceTarget } from "./reference.ts";
import { offsetMap } from "./translation.ts";

/** ArceOS's `PHYS_VIRT_OFFSET`: virtual = physical + this, modulo 2^64. */
export const PHYS_VIRT_OFFSET: bigint = 0xffff_8000_0000_0000n;

/**
 * A HAL with `virt = phys + 0xffff_8000_0000_0000`, RAM high in the physical
 * space (default 1 MiB at `0x40_0000_0000`), IRQs served first in, first out.
 *
 * @example
 * ```ts
 * import { offsetHal } from "@halconf/halconf";
 *
 * const hal = offsetHal().create({ dispatchIrq() {}, currentCpu: () => 0 });
 * hal.physToVirt(0x40_0000_0000n); // 0xffff_8040_0000_0000n
 * ```
 */
export function offsetHal(options: ReferenceOptions = {}): HalTarget {
  return referenceTarget(
    "offset",
    {
      memory: [{ start: 0x40_0000_0000n, size: 0x10_0000n }],
      irq: { lines: 32, none: 1023, order: "fifo" },
      zeroedFrames: true,
      strictFree: true,
    },
    options,
    { translation: (profile) => offsetMap(profile.board, PHYS_VIRT_OFFSET) },
  );
}

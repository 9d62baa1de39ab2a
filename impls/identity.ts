/**
 * The identity-mapped reference HAL: one region, physical == virtual.
 *
 * @module
 */

import type { HalTarget } from "../conformance/contract/hal.ts";
import { type ReferenceOptions, referenceTarget } from "./reference.ts";
import { offsetMap } from "./translation.ts";

/**
 * A HAL whose virtual addresses equal its physical ones, as on a kernel that
 * identity-maps RAM. Default: 1 MiB at `0x8000_0000`, 64 IRQ lines served
 * lowest first, spurious id 1023.
 *
 * @example
 * ```ts
 * import { identityHal } from "@halconf/halconf";
 *
 * const hal = identityHal({ memory: [{ start: 0x4000_0000n, size: 0x4000n }] })
 *   .create({ dispatchIrq() {}, currentCpu: () => 0 });
 * const frame = hal.allocFrame()!;
 * hal.physToVirt(frame) === frame; // true
 * ```
 */
export function identityHal(options: ReferenceOptions = {}): HalTarget {
  return referenceTarget(
    "identity",
    {
      memory: [{ start: 0x8000_0000n, size: 0x10_0000n }],
      irq: { lines: 64, none: 1023, order: "lowest-first" },
      zeroedFrames: true,
      strictFree: true,
    },
    options,
    { translation: (profile) => offsetMap(profile.board, 0n) },
  );
}

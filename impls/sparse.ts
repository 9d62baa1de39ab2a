/**
 * The sparse reference HAL: discontiguous regions, each with its own window.
 *
 * @module
 */

import { ADDRESS_LIMIT } from "../conformance/contract/address.ts";
import type { HalTarget } from "../conformance/contract/hal.ts";
import type { ResolvedProfile } from "../conformance/contract/profile.ts";
import { type ReferenceOptions, referenceTarget } from "./reference.ts";
import { linearWindows, type Translation } from "./translation.ts";

/**
 * Windows packed downward from the top of the 64-bit space, the first region
 * highest, with a one-frame guard gap between windows: the virtual order is
 * the reverse of the physical one, so no single offset explains the map.
 */
function topDownWindows(profile: ResolvedProfile): Translation {
  const frame = BigInt(profile.frameSize);
  let top = ADDRESS_LIMIT;
  const windows = profile.board.map((region) => {
    top -= region.size + frame;
    return { phys: region.start, virt: top, size: region.size };
  });
  return linearWindows(windows);
}

/**
 * A HAL over discontiguous RAM, as a device tree or e820 map gives it, with
 * each region mapped through its own window near the top of the address
 * space. Default: three regions with holes, the first at address 0 (whose
 * frame 0 must never be handed out); IRQs served highest first.
 *
 * @example
 * ```ts
 * import { sparseHal } from "@halconf/halconf";
 *
 * const target = sparseHal();
 * target.profile.memory.length; // 3
 * ```
 */
export function sparseHal(options: ReferenceOptions = {}): HalTarget {
  return referenceTarget(
    "sparse",
    {
      memory: [
        { start: 0x0n, size: 0x2_0000n },
        { start: 0x10_0000n, size: 0x4_0000n },
        { start: 0x2_0000_0000n, size: 0x8_0000n },
      ],
      irq: { lines: 128, none: 1023, order: "highest-first" },
      zeroedFrames: true,
      strictFree: true,
    },
    options,
    { translation: topDownWindows },
  );
}

/**
 * Reference HALs that keep the `AxVCpuHal` contract, and the building blocks
 * they share.
 *
 * @example
 * ```ts
 * import { referenceHals } from "@halconf/halconf/impls";
 *
 * for (const target of referenceHals()) console.log(target.name);
 * ```
 *
 * @module
 */

import type { HalTarget } from "../conformance/contract/hal.ts";
import { axvisorHal } from "./axvisor.ts";
import { identityHal } from "./identity.ts";
import { numaHal } from "./numa.ts";
import { offsetHal } from "./offset.ts";
import { pagedHal } from "./paged.ts";
import { sparseHal } from "./sparse.ts";

export { identityHal } from "./identity.ts";
export { axvisorHal } from "./axvisor.ts";
export { BitmapAllocator } from "./bitmap_allocator.ts";
export { Gic } from "./gic.ts";
export { offsetHal, PHYS_VIRT_OFFSET } from "./offset.ts";
export { sparseHal } from "./sparse.ts";
export { numaFrames, numaHal } from "./numa.ts";
export { pagedHal, type PagedOptions } from "./paged.ts";
export { type AllocatorRegion, FrameAllocator } from "./frame_allocator.ts";
export { InterruptController } from "./interrupt_controller.ts";
export { PageStore } from "./page_store.ts";
export { linearWindows, offsetMap, permutedFrames, type Translation, type Window } from "./translation.ts";
export { assembleHal, type FrameSource, type HalParts } from "./assemble.ts";
export { plainFrames, type ReferenceOptions, type ReferenceRecipe, referenceTarget } from "./reference.ts";
export { validateProfile } from "../conformance/contract/profile.ts";

/**
 * The six reference HALs with their default profiles, in a fixed order.
 *
 * @example
 * ```ts
 * import { referenceHals } from "@halconf/halconf/impls";
 *
 * referenceHals().map((target) => target.name); // ["identity", "offset", "sparse", "numa", "paged", "axvisor"]
 * ```
 */
export function referenceHals(): HalTarget[] {
  return [identityHal(), offsetHal(), sparseHal(), numaHal(), pagedHal(), axvisorHal()];
}

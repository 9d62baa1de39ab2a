/**
 * What the five reference HALs share: building a `HalTarget` from a profile
 * and a recipe for its frames and translation.
 *
 * @module
 */

import type { HalHost, HalProfile, HalTarget } from "../conformance/contract/hal.ts";
import { type ResolvedProfile, validateProfile } from "../conformance/contract/profile.ts";
import { assembleHal, type FrameSource } from "./assemble.ts";
import { FrameAllocator } from "./frame_allocator.ts";
import type { Translation } from "./translation.ts";

/** Options of every reference HAL: any profile field, and a name. */
export interface ReferenceOptions extends Partial<HalProfile> {
  /** The target's name in reports. */
  name?: string;
}

/** How one reference HAL lays out its frames and addresses. */
export interface ReferenceRecipe {
  /** The frame source for a fresh instance. */
  frames?(profile: ResolvedProfile, host: HalHost): FrameSource;
  /** The translation, fixed when the target is built. */
  translation(profile: ResolvedProfile): Translation;
}

/** A frame source over all of RAM, ignoring NUMA nodes. */
export function plainFrames(profile: ResolvedProfile): FrameSource {
  const allocator = new FrameAllocator(profile.memory, profile.frameSize);
  return { alloc: () => allocator.alloc(), free: (paddr) => allocator.free(paddr) };
}

/**
 * A reference `HalTarget`: `defaults` overridden by `options`, validated once.
 *
 * @example
 * ```ts
 * import { offsetMap, referenceTarget } from "@halconf/halconf/impls";
 *
 * const target = referenceTarget("tiny", { memory: [{ start: 0x1000n, size: 0x1000n }] }, {}, {
 *   translation: (profile) => offsetMap(profile.memory, 0n),
 * });
 * ```
 */
export function referenceTarget(
  defaultName: string,
  defaults: HalProfile,
  options: ReferenceOptions,
  recipe: ReferenceRecipe,
): HalTarget {
  const { name = defaultName, ...overrides } = options;
  const profile: HalProfile = { ...defaults, ...overrides };
  if (overrides.memory && !overrides.cpuNodes && !overrides.cpus) {
    delete profile.cpuNodes;
    delete profile.cpus;
  }
  const resolved = validateProfile(profile);
  const translation = recipe.translation(resolved);
  const frames = recipe.frames ?? plainFrames;
  return {
    name,
    profile,
    create: (host) => assembleHal({ profile, frames: frames(resolved, host), translation, host }),
  };
}

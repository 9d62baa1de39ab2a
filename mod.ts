/**
 * halconf: checks implementations of the ArceOS `AxVCpuHal` trait against a
 * written contract, with property-based and model-based tests.
 *
 * @example Check a reference HAL's profile
 * ```ts
 * import { identityHal, validateProfile } from "@halconf/halconf";
 *
 * const profile = validateProfile(identityHal().profile);
 * profile.frameSize; // 4096
 * ```
 *
 * @module
 */

export * from "./conformance/mod.ts";
export {
  axvisorHal,
  identityHal,
  numaHal,
  offsetHal,
  pagedHal,
  type PagedOptions,
  referenceHals,
  type ReferenceOptions,
  sparseHal,
} from "./impls/mod.ts";

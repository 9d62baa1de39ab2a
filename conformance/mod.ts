/**
 * The `AxVCpuHal` contract as types, profile validation, and the conformance
 * suite that checks a HAL against the contract.
 *
 * @example
 * ```ts
 * import { validateProfile } from "@halconf/halconf/conformance";
 *
 * validateProfile({ memory: [{ start: 0x8000_0000n, size: 0x10_0000n }] });
 * ```
 *
 * @module
 */

export type {
  AxVCpuHal,
  HalHost,
  HalInstance,
  HalPorts,
  HalProfile,
  HalTarget,
  HostPhysAddr,
  HostVirtAddr,
  IrqOrder,
  IrqProfile,
  MemoryRegion,
} from "./hal.ts";
export { ADDRESS_LIMIT, alignDown, alignUp, formatAddress, isAligned, parseAddress } from "./address.ts";
export {
  capacityOf,
  IRQ_ORDERS,
  type ResolvedProfile,
  type ResolvedRegion,
  validateProfile,
  validateTarget,
} from "./profile.ts";

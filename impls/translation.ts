/**
 * Physical/virtual translations for the reference HALs: linear windows (one
 * per region, or one for all) and a fixed non-linear permutation of frames.
 *
 * @module
 */

import { ADDRESS_LIMIT, formatAddress } from "../conformance/contract/address.ts";

/** A bijection between declared RAM and a set of virtual addresses. */
export interface Translation {
  /** Host physical to host virtual; throws a `RangeError` outside RAM. */
  toVirt(paddr: bigint): bigint;
  /** Host virtual to host physical; throws a `RangeError` outside the mapped windows. */
  toPhys(vaddr: bigint): bigint;
}

/** A physical range mapped linearly at a virtual base. */
export interface Window {
  /** First physical byte. */
  phys: bigint;
  /** First virtual byte. */
  virt: bigint;
  /** Length in bytes. */
  size: bigint;
}

/** A range of addresses, [start, end). */
interface Range {
  start: bigint;
  end: bigint;
}

/** A window seen from one side: its range there, and what to add to an address to go to the other side. */
interface Side extends Range {
  shift: bigint;
}

/**
 * The range holding `address`, by binary search over disjoint ranges sorted by start: no closure and no bigint made
 * per call (a translation runs on every `physToVirt`, `virtToPhys` and memory access).
 */
function within<T extends Range>(sorted: readonly T[], address: bigint): T | undefined {
  let low = 0, high = sorted.length - 1;
  while (low <= high) {
    const mid = (low + high) >> 1;
    const range = sorted[mid];
    if (address < range.start) high = mid - 1;
    else if (address >= range.end) low = mid + 1;
    else return range;
  }
  return undefined;
}

function checkAddress(kind: string, address: unknown): bigint {
  if (typeof address !== "bigint") {
    throw new TypeError(`Cannot translate ${kind} address: expected a bigint, got ${typeof address}`);
  }
  return address;
}

/**
 * Linear windows: each physical range maps to its own virtual base, so the
 * map as a whole need not be `virt = phys + c`.
 *
 * @example The ArceOS linear map
 * ```ts
 * import { linearWindows } from "@halconf/halconf/impls";
 *
 * const map = linearWindows([{ phys: 0x8000_0000n, virt: 0xffff_8000_8000_0000n, size: 0x1000_0000n }]);
 * map.toVirt(0x8000_1234n); // 0xffff_8000_8000_1234n
 * ```
 */
export function linearWindows(windows: readonly Window[]): Translation {
  for (const window of windows) {
    if (window.virt < 0n || window.virt + window.size > ADDRESS_LIMIT) {
      throw new RangeError(`Cannot map window at ${formatAddress(window.virt)}: beyond the 64-bit address space`);
    }
  }
  const byPhys = [...windows].sort((a, b) => (a.phys < b.phys ? -1 : 1))
    .map((w): Side => ({ start: w.phys, end: w.phys + w.size, shift: w.virt - w.phys }));
  const byVirt = [...windows].sort((a, b) => (a.virt < b.virt ? -1 : 1))
    .map((w): Side => ({ start: w.virt, end: w.virt + w.size, shift: w.phys - w.virt }));
  for (let i = 1; i < byVirt.length; i++) {
    if (byVirt[i].start < byVirt[i - 1].end) {
      throw new RangeError(`Cannot map windows: virtual windows overlap at ${formatAddress(byVirt[i].start)}`);
    }
  }
  return {
    toVirt(paddr) {
      const address = checkAddress("physical", paddr);
      const side = within(byPhys, address);
      if (side === undefined) {
        throw new RangeError(`Cannot translate physical address ${formatAddress(address)}: not in RAM`);
      }
      return address + side.shift;
    },
    toPhys(vaddr) {
      const address = checkAddress("virtual", vaddr);
      const side = within(byVirt, address);
      if (side === undefined) {
        throw new RangeError(`Cannot translate virtual address ${formatAddress(address)}: not mapped`);
      }
      return address + side.shift;
    },
  };
}

function gcd(a: bigint, b: bigint): bigint {
  while (b !== 0n) [a, b] = [b, a % b];
  return a;
}

function inverseModulo(a: bigint, modulus: bigint): bigint {
  let [oldR, r] = [a % modulus, modulus];
  let [oldS, s] = [1n, 0n];
  while (r !== 0n) {
    const q = oldR / r;
    [oldR, r] = [r, oldR - q * r];
    [oldS, s] = [s, oldS - q * s];
  }
  return ((oldS % modulus) + modulus) % modulus;
}

/**
 * A page-table-like translation that is not linear: the frames of all
 * regions, numbered in address order, are placed in one virtual window by the
 * permutation `i -> (a*i + b) mod n` fixed at creation. It takes O(regions)
 * memory whatever the size of RAM.
 *
 * @example
 * ```ts
 * import { permutedFrames } from "@halconf/halconf/impls";
 *
 * const map = permutedFrames([{ start: 0x1000n, size: 0x10000n }], 4096, 0x7000_0000_0000n, 7);
 * const v = map.toVirt(0x2010n);
 * map.toPhys(v); // 0x2010n
 * ```
 */
export function permutedFrames(
  regions: readonly { start: bigint; size: bigint }[],
  frameSize: number,
  virtBase: bigint,
  seed: number,
): Translation {
  const frame = BigInt(frameSize);
  const sorted = [...regions].sort((a, b) => (a.start < b.start ? -1 : 1));
  let total = 0n;
  const spans = sorted.map((region) => {
    const span = { start: region.start, end: region.start + region.size, firstIndex: total };
    total += region.size / frame;
    return span;
  });
  // The same spans by frame index (the index range each one's frames take).
  const byIndex = spans.map((span) => ({
    start: span.firstIndex,
    end: span.firstIndex + (span.end - span.start) / frame,
    span,
  }));
  if (virtBase < 0n || virtBase + total * frame > ADDRESS_LIMIT) {
    throw new RangeError(`Cannot map ${total} frames at ${formatAddress(virtBase)}: beyond the 64-bit address space`);
  }
  let multiplier = (BigInt(seed >>> 0) * 2654435761n) % total + 1n;
  while (gcd(multiplier, total) !== 1n) multiplier = multiplier % total + 1n;
  const increment = (BigInt(seed >>> 0) * 40503n) % total;
  const inverse = inverseModulo(multiplier, total);
  return {
    toVirt(paddr) {
      const address = checkAddress("physical", paddr);
      const span = within(spans, address);
      if (span === undefined) {
        throw new RangeError(`Cannot translate physical address ${formatAddress(address)}: not in RAM`);
      }
      const index = span.firstIndex + (address - span.start) / frame;
      const slot = (multiplier * index + increment) % total;
      return virtBase + slot * frame + address % frame;
    },
    toPhys(vaddr) {
      const address = checkAddress("virtual", vaddr);
      if (address < virtBase || address >= virtBase + total * frame) {
        throw new RangeError(`Cannot translate virtual address ${formatAddress(address)}: not mapped`);
      }
      const slot = (address - virtBase) / frame;
      const index = (inverse * (((slot - increment) % total) + total)) % total;
      const { span } = within(byIndex, index)!;
      return span.start + (index - span.firstIndex) * frame + address % frame;
    },
  };
}

/**
 * The linear map `virt = (phys + offset) mod 2^64` over declared RAM: identity
 * with offset 0, ArceOS's `phys + 0xffff_8000_0000_0000` otherwise.
 *
 * @example
 * ```ts
 * import { offsetMap } from "@halconf/halconf/impls";
 *
 * const map = offsetMap([{ start: 0x8000_0000n, size: 0x1000n }], 0xffff_8000_0000_0000n);
 * map.toVirt(0x8000_0010n); // 0xffff_8000_8000_0010n
 * ```
 */
export function offsetMap(regions: readonly { start: bigint; size: bigint }[], offset: bigint): Translation {
  const mask = ADDRESS_LIMIT - 1n;
  const sorted = [...regions].sort((a, b) => (a.start < b.start ? -1 : 1))
    .map((region): Range => ({ start: region.start, end: region.start + region.size }));
  const inRam = (paddr: bigint) => within(sorted, paddr) !== undefined;
  return {
    toVirt(paddr) {
      const address = checkAddress("physical", paddr);
      if (!inRam(address)) {
        throw new RangeError(`Cannot translate physical address ${formatAddress(address)}: not in RAM`);
      }
      return (address + offset) & mask;
    },
    toPhys(vaddr) {
      const address = checkAddress("virtual", vaddr);
      const paddr = (address - offset) & mask;
      if (address < 0n || address > mask || !inRam(paddr)) {
        throw new RangeError(`Cannot translate virtual address ${formatAddress(address)}: not mapped`);
      }
      return paddr;
    },
  };
}

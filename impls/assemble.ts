/**
 * Builds a `HalInstance` out of the reference building blocks, so that every
 * reference HAL shares one implementation of the trait and its test ports.
 *
 * @module
 */

import type { HalHost, HalInstance, HalProfile } from "../conformance/contract/hal.ts";
import { InterruptController } from "./interrupt_controller.ts";
import { PageStore } from "./page_store.ts";
import type { Translation } from "./translation.ts";

/** Where frames come from: a plain allocator or a NUMA-aware one. */
export interface FrameSource {
  /** A free frame for a caller on `cpu`, or `null`. */
  alloc(cpu: number): bigint | null;
  /** Gives a frame back; throws a `RangeError` when it is not live. */
  free(paddr: bigint): void;
}

/** The parts of a reference HAL. */
export interface HalParts {
  /** The profile the HAL was built for. */
  profile: HalProfile;
  /** Frames. */
  frames: FrameSource;
  /** Physical/virtual translation. */
  translation: Translation;
  /** The host the instance calls into. */
  host: HalHost;
  /** The interrupt controller (default: a new one built from `profile.irq`). */
  interrupts?: InterruptController;
}

/**
 * A full HAL instance: the trait, IRQ support when the profile declares it,
 * and memory ports over sparse memory (zeroed on allocation).
 *
 * @example
 * ```ts
 * import { assembleHal, FrameAllocator, linearWindows } from "@halconf/halconf/impls";
 *
 * const memory = [{ start: 0x1000n, size: 0x4000n }];
 * const allocator = new FrameAllocator(memory, 4096);
 * const hal = assembleHal({
 *   profile: { memory },
 *   frames: { alloc: () => allocator.alloc(), free: (p) => allocator.free(p) },
 *   translation: linearWindows([{ phys: 0x1000n, virt: 0x1000n, size: 0x4000n }]),
 *   host: { dispatchIrq() {}, currentCpu: () => 0 },
 * });
 * hal.allocFrame(); // 0x1000n
 * ```
 */
export function assembleHal(parts: HalParts): HalInstance {
  const { profile, frames, translation, host } = parts;
  const frameSize = BigInt(profile.frameSize ?? 4096);
  const memory = new PageStore(profile.frameSize ?? 4096);
  const spans = (vaddr: bigint, length: number, visit: (paddr: bigint, done: number, count: number) => void) => {
    let done = 0;
    while (done < length) {
      const address = vaddr + BigInt(done);
      const count = Math.min(Number(frameSize - address % frameSize), length - done);
      visit(translation.toPhys(address), done, count);
      done += count;
    }
  };
  // One object literal per shape: a property added after creation made V8 keep dead instances alive (and with them
  // the host and the trace it records into) until the next full collection.
  const trait: HalInstance = {
    allocFrame() {
      const frame = frames.alloc(host.currentCpu());
      if (frame !== null) memory.discard(frame);
      return frame;
    },
    deallocFrame: (paddr) => frames.free(paddr),
    physToVirt: (paddr) => translation.toVirt(paddr),
    virtToPhys: (vaddr) => translation.toPhys(vaddr),
    readMemory(vaddr, length) {
      const out = new Uint8Array(length);
      spans(vaddr, length, (paddr, done, count) => memory.readInto(paddr, out, done, count));
      return out;
    },
    writeMemory(vaddr, bytes) {
      spans(vaddr, bytes.length, (paddr, done, count) => memory.write(paddr, bytes.subarray(done, done + count)));
    },
  };
  if (!profile.irq) return trait;
  const controller = parts.interrupts ??
    new InterruptController(profile.irq.lines, profile.irq.none, profile.irq.order);
  const none = profile.irq.none;
  return {
    ...trait,
    raiseIrq: (irq) => controller.raise(irq),
    irqFetch: () => controller.current(),
    irqHandler: () => {
      const irq = controller.current();
      if (irq === none) return;
      controller.acknowledge(irq);
      host.dispatchIrq(irq);
    },
  };
}

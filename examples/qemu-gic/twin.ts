/**
 * The TypeScript twin of the QEMU guest's interrupts: halconf's reference GIC (`impls/gic.ts`) under the profile the
 * guest declares, with the guest's irqFetch and irqHandler written over it line for line. For the same IRQ program,
 * the guest on QEMU's GIC model and this twin must give the same trace (`qemu_gic_test.ts`): where they differ, the
 * model of the GIC in halconf and the emulated hardware disagree.
 *
 * Its memory is a bitmap allocator over the guest's pool, not the guest's own allocator: the twin programs are IRQ
 * programs, and the guest's memory is judged by the checks themselves.
 *
 * @module
 */
import type { HalProfile, HalTarget } from "../../mod.ts";
import { assembleHal, BitmapAllocator, Gic, offsetMap, validateProfile } from "../../impls/mod.ts";

/** What the guest is built as: its GIC's version and what its irqFetch does. */
export interface GuestVariant {
  /** 2 or 3, as `run --gic`. */
  gic: 2 | 3;
  /** `acknowledge` (IAR, the default) or `peek` (HPPIR), as `run --fetch`. */
  fetch: "acknowledge" | "peek";
}

const LINES = 64;
const SPURIOUS = 1023;
const CPUS = 4;

/**
 * The profile the guest declares in its handshake (`guest.c`, `handshake`): 4 CPUs, 2 MiB of frames at 0x44000000,
 * 64 lines with a few priorities; on a GICv2 every line is banked and only the timer PPIs 27 and 30 are raisable among
 * the PPIs (see README.md, "What QEMU's GIC models").
 */
export function guestProfile({ gic, fetch }: GuestVariant): HalProfile {
  const acknowledge = fetch === "acknowledge";
  return {
    memory: [{ start: 0x4400_0000n, size: 0x20_0000n, node: 0 }],
    cpus: CPUS,
    irq: {
      lines: LINES,
      none: SPURIOUS,
      order: "lowest-first",
      fetch,
      banked: gic === 2 ? 64 : 32,
      ...acknowledge ? { runningPriority: true } : {},
      priorities: { 1: 0x80, 27: 0x60, 40: 0x90, 50: 0xc0 },
      ...gic === 2 ? { raisable: [...range(0, 16), 27, 30, ...range(32, LINES)] } : {},
    },
    zeroedFrames: true,
    strictFree: true,
  };
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from }, (_, index) => from + index);
}

/**
 * The twin of one guest variant.
 *
 * @example
 * ```ts
 * import { qemuGicTwin } from "./twin.ts";
 *
 * const twin = qemuGicTwin({ gic: 3, fetch: "acknowledge" });
 * const hal = twin.create({ dispatchIrq() {}, currentCpu: () => 0 });
 * hal.raiseIrq!(40);
 * hal.irqFetch!(); // 40, now active on CPU 0
 * ```
 */
export function qemuGicTwin(variant: GuestVariant): HalTarget {
  const profile = guestProfile(variant);
  const resolved = validateProfile(profile);
  const irq = resolved.irq!;
  const translation = offsetMap(resolved.board, 0n);
  const peek = variant.fetch === "peek";
  return {
    name: `qemu-gic-v${variant.gic}${peek ? "-peek" : ""}-twin`,
    profile,
    create(host) {
      const frames = new BitmapAllocator(resolved.memory, resolved.frameSize);
      const hal = assembleHal({
        profile: { ...profile, irq: undefined },
        frames: { alloc: () => frames.alloc(), free: (paddr) => frames.free(paddr) },
        translation,
        host,
      });
      const gic = new Gic(LINES, irq.banked, CPUS, SPURIOUS, {
        priorities: irq.priorities,
        runningPriority: irq.runningPriority,
      });
      // guest.c's `fetched`: per CPU, the lines irqFetch acknowledged, the most recent last.
      const fetched = Array.from({ length: CPUS }, () => [] as number[]);
      return {
        ...hal,
        raiseIrq(line) {
          if (line >= LINES) throw Object.assign(new Error("raise_irq: no such line"), { name: "panic" });
          gic.raise(line, host.currentCpu());
        },
        irqFetch() {
          const cpu = host.currentCpu();
          if (peek) return gic.highestPending(cpu);
          const line = gic.acknowledge(cpu);
          if (line !== SPURIOUS) fetched[cpu].push(line);
          return line;
        },
        irqHandler() {
          const cpu = host.currentCpu();
          const line = fetched[cpu].pop() ?? gic.acknowledge(cpu);
          if (line === SPURIOUS) return;
          host.dispatchIrq(line);
          gic.complete(cpu, line);
        },
      };
    },
  };
}

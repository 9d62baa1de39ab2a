/**
 * The TypeScript twin of `src/lib.rs`: the same bitmap allocator over the same banks, the same linear map and the
 * same GIC-like controller, throwing what the Rust HAL panics with. For the same program, halconf's TypeScript
 * driver and the Rust adapter must give the same trace (`rust_hal_test.ts`).
 */
import type { HalTarget } from "../../mod.ts";

const PHYS_VIRT_OFFSET = 0xffff_8000_0000_0000n;
const PAGE = 4096n;
const MASK = (1n << 64n) - 1n;
const RAM: [bigint, bigint][] = [[0x4000_0000n, 0x10_0000n], [0x8000_0000n, 0x8_0000n]];
const SPURIOUS = 1023;

/** What a Rust `panic!` is in a trace: a throw named `panic`. */
function panic(message: string): never {
  throw Object.assign(new Error(message), { name: "panic" });
}

const hex = (value: bigint) => `0x${value.toString(16)}`;

export default {
  name: "rust-hal-twin",
  profile: {
    memory: RAM.map(([start, size]) => ({ start, size })),
    irq: { lines: 64, none: SPURIOUS, order: "lowest-first" },
    zeroedFrames: true,
    strictFree: true,
  },
  create(host) {
    const banks = RAM.map(([start, size]) => ({ start, used: new Array<boolean>(Number(size / PAGE)).fill(false) }));
    const memory = new Map<bigint, Uint8Array>();
    let pending = 0n;
    const lowestPending = () => {
      if (pending === 0n) return SPURIOUS;
      let irq = 0;
      while (((pending >> BigInt(irq)) & 1n) === 0n) irq++;
      return irq;
    };
    const physToVirt = (paddr: bigint) => (paddr + PHYS_VIRT_OFFSET) & MASK;
    const virtToPhys = (vaddr: bigint) => (vaddr - PHYS_VIRT_OFFSET) & MASK;
    const at = (vaddr: bigint) => {
      const paddr = virtToPhys(vaddr);
      return { frame: paddr - paddr % PAGE, offset: Number(paddr % PAGE) };
    };
    return {
      allocFrame() {
        for (const bank of banks) {
          const index = bank.used.indexOf(false);
          if (index < 0) continue;
          bank.used[index] = true;
          const paddr = bank.start + BigInt(index) * PAGE;
          memory.delete(paddr);
          return paddr;
        }
        return null;
      },
      deallocFrame(paddr) {
        const bank = banks.find(({ start, used }) =>
          paddr >= start && paddr % PAGE === 0n && (paddr - start) / PAGE < BigInt(used.length)
        );
        const index = bank ? Number((paddr - bank.start) / PAGE) : -1;
        if (!bank || !bank.used[index]) panic(`dealloc_frame(${hex(paddr)}): not an allocated frame`);
        bank.used[index] = false;
      },
      physToVirt,
      virtToPhys,
      irqFetch: lowestPending,
      irqHandler() {
        const irq = lowestPending();
        if (irq === SPURIOUS) return;
        pending &= ~(1n << BigInt(irq));
        host.dispatchIrq(irq);
      },
      raiseIrq(irq) {
        if (irq >= 64) panic(`raise_irq(${irq}): the controller has 64 lines`);
        pending |= 1n << BigInt(irq);
      },
      readMemory(vaddr, length) {
        const { frame, offset } = at(vaddr);
        const page = memory.get(frame);
        return Uint8Array.from({ length }, (_, i) => page?.[(offset + i) % 4096] ?? 0);
      },
      writeMemory(vaddr, bytes) {
        const { frame, offset } = at(vaddr);
        const page = memory.get(frame) ?? new Uint8Array(4096);
        memory.set(frame, page);
        bytes.forEach((byte, i) => page[(offset + i) % 4096] = byte);
      },
    };
  },
} satisfies HalTarget;

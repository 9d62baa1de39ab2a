/**
 * The `AxVCpuHal` contract of the ArceOS hypervisor, as TypeScript types.
 *
 * Addresses are `bigint`: the Rust side uses 64-bit `usize` newtypes, and a JS
 * `number` silently loses precision above 2^53.
 *
 * @module
 */

/** A host physical address (Rust `HostPhysAddr`): an unsigned 64-bit bigint. */
export type HostPhysAddr = bigint;

/** A host virtual address (Rust `HostVirtAddr`): an unsigned 64-bit bigint. */
export type HostVirtAddr = bigint;

/**
 * The `AxVCpuHal` trait: what a virtual CPU asks of its host.
 *
 * `irqFetch` and `irqHandler` are optional: leaving them out is keeping the
 * trait's defaults (`irq_fetch` returns 0, `irq_hanlder` is `unimplemented!()`).
 *
 * @example Implementing the trait over one identity-mapped frame
 * ```ts
 * import type { AxVCpuHal } from "@halconf/halconf";
 *
 * let free = true;
 * const hal: AxVCpuHal = {
 *   allocFrame: () => free ? (free = false, 0x1000n) : null,
 *   deallocFrame: () => { free = true; },
 *   physToVirt: (paddr) => paddr,
 *   virtToPhys: (vaddr) => vaddr,
 * };
 * hal.allocFrame(); // 0x1000n
 * ```
 */
export interface AxVCpuHal {
  /** One free frame, or `null` when none is free (never an exception). */
  allocFrame(): HostPhysAddr | null;
  /** Gives back a frame that `allocFrame` returned. */
  deallocFrame(paddr: HostPhysAddr): void;
  /** Host physical to host virtual. */
  physToVirt(paddr: HostPhysAddr): HostVirtAddr;
  /** Host virtual to host physical. */
  virtToPhys(vaddr: HostVirtAddr): HostPhysAddr;
  /** The number of the current IRQ, or the profile's `none` when none is pending. */
  irqFetch?(): number;
  /** Dispatches the current IRQ to the host (`HalHost.dispatchIrq`) and acknowledges it. */
  irqHandler?(): void;
  /**
   * `count` physically contiguous free frames whose first address is aligned
   * to `frameSize << alignPow2` bytes, or `null` (the `axvisor-memory`
   * edition's `alloc_contiguous_frames(num_frames, frame_align_pow2)`).
   */
  allocContiguousFrames?(count: number, alignPow2: number): HostPhysAddr | null;
  /** Gives back a range that `allocContiguousFrames` returned, with its count (`dealloc_contiguous_frames`). */
  deallocContiguousFrames?(first: HostPhysAddr, count: number): void;
}

/**
 * The host environment a HAL calls into.
 *
 * @example A host that records dispatched IRQs
 * ```ts
 * import type { HalHost } from "@halconf/halconf";
 *
 * const seen: number[] = [];
 * const host: HalHost = { dispatchIrq: (irq) => seen.push(irq), currentCpu: () => 0 };
 * host.dispatchIrq(33);
 * ```
 */
export interface HalHost {
  /** The host kernel's IRQ dispatcher, which `irqHandler` must call. */
  dispatchIrq(irq: number): void;
  /** The CPU the caller runs on (for per-CPU and NUMA HALs). */
  currentCpu(): number;
}

/**
 * Test ports: optional stand-ins for hardware that let checks observe a HAL.
 *
 * @example
 * ```ts
 * import type { HalPorts } from "@halconf/halconf";
 *
 * const pending: number[] = [];
 * const ports: HalPorts = { raiseIrq: (irq) => { pending.push(irq); } };
 * ports.raiseIrq?.(5);
 * ```
 */
export interface HalPorts {
  /** Asserts interrupt line `irq`. */
  raiseIrq?(irq: number): void;
  /** Reads `length` bytes through a virtual address. */
  readMemory?(vaddr: HostVirtAddr, length: number): Uint8Array;
  /** Writes bytes through a virtual address. */
  writeMemory?(vaddr: HostVirtAddr, bytes: Uint8Array): void;
}

/**
 * One instance of a HAL under test: the trait plus its optional test ports.
 *
 * @example
 * ```ts
 * import type { HalInstance } from "@halconf/halconf";
 * import { identityHal } from "@halconf/halconf";
 *
 * const hal: HalInstance = identityHal().create({ dispatchIrq() {}, currentCpu: () => 0 });
 * const frame = hal.allocFrame();
 * ```
 */
export interface HalInstance extends AxVCpuHal, HalPorts {}

/**
 * A region of usable physical RAM.
 *
 * @example
 * ```ts
 * import type { MemoryRegion } from "@halconf/halconf";
 *
 * const ram: MemoryRegion = { start: 0x8000_0000n, size: 0x400_0000n, node: 0 };
 * ```
 */
export interface MemoryRegion {
  /** First byte, frame-aligned. */
  start: HostPhysAddr;
  /** Length in bytes, a multiple of the frame size. */
  size: bigint;
  /** NUMA node of the region (default 0). */
  node?: number;
}

/**
 * The order in which `irqFetch` reports pending lines.
 *
 * - `any`: any pending line;
 * - `lowest-first` / `highest-first`: by line number;
 * - `fifo`: in the order the lines became pending.
 */
export type IrqOrder = "any" | "lowest-first" | "highest-first" | "fifo";

/**
 * The interrupt support a HAL claims.
 *
 * @example A GIC-like controller whose spurious id is 1023
 * ```ts
 * import type { IrqProfile } from "@halconf/halconf";
 *
 * const irq: IrqProfile = { lines: 64, none: 1023, order: "lowest-first" };
 * ```
 */
export interface IrqProfile {
  /** Lines are numbered `0..lines-1`; `none`, if in range, is never raised. */
  lines: number;
  /** What `irqFetch` returns when nothing is pending. */
  none: number;
  /** The order of `irqFetch` among pending lines. */
  order: IrqOrder;
  /**
   * What `irqFetch` does to the line it returns (default `"peek"`):
   * `"peek"` leaves it pending; `"acknowledge"` makes it active, as reading a
   * GIC's acknowledge register does, so the next fetch returns the next line
   * and `irqHandler` must dispatch and complete (end of interrupt) the line
   * that was fetched.
   */
  fetch?: IrqFetch;
  /**
   * Lines `0..banked-1` are banked per CPU (default 0): a GIC's SGIs and
   * PPIs (`banked: 32`). Raised on one CPU, such a line is pending on that
   * CPU only.
   */
  banked?: number;
  /**
   * A GIC CPU interface's running priority (needs `fetch: "acknowledge"`):
   * while a line is active on a CPU, `irqFetch` there returns `none` unless
   * a pending line has a strictly higher priority (a lower value), which then
   * preempts; `irqHandler` completes the most recently acknowledged line
   * first (priority drop is last in, first out). Default false.
   */
  runningPriority?: boolean;
  /**
   * The priority of lines whose priority is not `0xa0` (Linux's default on a
   * GIC), by line: 0 is the most urgent, 255 the least. The pending line
   * of the highest priority is served first (a GIC's acknowledge and its
   * highest priority pending register both do), and `order` breaks ties
   * among equal priorities.
   */
  priorities?: Record<number, number>;
  /**
   * The lines the `raiseIrq` test port can raise (default: every line but `none`), for a controller that lets
   * software pend only some: QEMU's GICv2 pends no PPI through `GICD_ISPENDR`, so a bare-metal HAL there raises the
   * timer PPIs through the timers and declares `raisable: [...sgis, 27, 30, ...spis]`. Lines not raisable are never
   * raised by generated programs.
   */
  raisable?: readonly number[];
}

/** The priority of a line a profile's `priorities` does not name: Linux's default on a GIC (`GICD_INT_DEF_PRI`). */
export const DEFAULT_IRQ_PRIORITY = 0xa0;

/** What `irqFetch` does to the line it returns: leave it pending, or acknowledge it (GIC-style). */
export type IrqFetch = "peek" | "acknowledge";

/**
 * The edition of the contract a HAL follows (see SPEC.md, "Editions"):
 *
 * - `axvcpu-hal`: the seed's `axvcpu::AxVCpuHal`, memory functions on the trait;
 * - `axmm-hal`: `axaddrspace::AxMmHal` behind `AxVCpuHal::MmHal`;
 * - `axvisor-memory`: the `axvisor_api::memory` interface, with contiguous frames.
 */
export type ContractEdition = "axvcpu-hal" | "axmm-hal" | "axvisor-memory";

/**
 * The part of declared RAM a HAL instance manages while it is tested: how a
 * board with more RAM than a test can drain (64 GiB) is checked. The HAL's
 * `create` must then hand out frames from the window only.
 */
export interface TestWindow {
  /** First byte, frame-aligned. */
  start: HostPhysAddr;
  /** Length in bytes, a multiple of the frame size. */
  size: bigint;
}

/**
 * Static facts about a HAL that the checks rely on. Every claim switches on
 * the checks that hold the HAL to it; an absent claim makes them skip.
 *
 * @example
 * ```ts
 * import type { HalProfile } from "@halconf/halconf";
 *
 * const profile: HalProfile = {
 *   memory: [{ start: 0x8000_0000n, size: 0x10_0000n }],
 *   irq: { lines: 32, none: 1023, order: "fifo" },
 *   strictFree: true,
 * };
 * ```
 */
export interface HalProfile {
  /** The edition of the contract the HAL follows (default `"axvcpu-hal"`). */
  contract?: ContractEdition;
  /** Frame size in bytes: a power of two, at least 4096 (default 4096). */
  frameSize?: number;
  /** Usable physical RAM. */
  memory: MemoryRegion[];
  /** Number of CPUs (default 1). */
  cpus?: number;
  /** The NUMA node of each CPU. */
  cpuNodes?: number[];
  /** Interrupt support; absent means the HAL claims none. */
  irq?: IrqProfile;
  /** Claims that `allocFrame` returns zero-filled frames. */
  zeroedFrames?: boolean;
  /** Claims that freeing a frame that is not live throws and changes nothing. */
  strictFree?: boolean;
  /** The part of `memory` the instance under test allocates from (default: all of it). */
  testWindow?: TestWindow;
}

/**
 * The plug-in point: the default export of a custom HAL module.
 *
 * @example
 * ```ts
 * import type { HalTarget } from "@halconf/halconf";
 * import { identityHal } from "@halconf/halconf";
 *
 * const base = identityHal();
 * const target: HalTarget = {
 *   name: "my-hal",
 *   profile: base.profile,
 *   create: (host) => base.create(host),
 * };
 * ```
 */
export interface HalTarget {
  /** A short name, used in reports. */
  name: string;
  /** What the HAL claims. */
  profile: HalProfile;
  /** A fresh, independent instance per test case. */
  create(host: HalHost): HalInstance;
}

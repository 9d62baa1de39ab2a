/**
 * The judge: reads a trace against a reference model of the contract and
 * names the first clause the HAL broke, with the step, what was expected and
 * what happened.
 *
 * The model accepts every legal behaviour (any free frame, any placement, any
 * translation that is a stable bijection) and nothing else. After the first
 * violation the model and the HAL disagree, so judging stops there.
 *
 * @module
 */

import { ADDRESS_LIMIT, formatAddress } from "./address.ts";
import type { Trace, TraceStep } from "./executor.ts";
import { capacityOf, type ResolvedProfile, type ResolvedRegion } from "./profile.ts";

/** The clause id for a failure of the harness to drive the HAL (reported as `error`). */
export const HARNESS_ERROR = "ERROR";

/** A broken clause, at a step. */
export interface Violation {
  /** 0-based index of the step, or -1 for `create`. */
  step: number;
  /** The SPEC.md clause (`ALLOC-6`), or `ERROR` when the harness could not drive the HAL. */
  clause: string;
  /** What went wrong, in one sentence. */
  message: string;
  /** What the contract required. */
  expected?: string;
  /** What the HAL did. */
  actual?: string;
}

interface FrameMemory {
  zeroed: boolean;
  bytes: Map<number, { value: number; step: number }>;
}

/** Describes any value for a message: bigints as addresses. */
export function describeValue(value: unknown): string {
  if (typeof value === "bigint") return formatAddress(value);
  if (value === null) return "null";
  if (value === undefined) return "undefined";
  if (typeof value === "number") return `${value} (a number)`;
  if (value instanceof Uint8Array) return `[${[...value].join(", ")}]`;
  if (typeof value === "string") return JSON.stringify(value);
  return typeof value;
}

const hex = formatAddress;

/**
 * Judges a trace: the first violation of any clause the profile makes
 * applicable, or `undefined` when the trace keeps the contract.
 *
 * @example
 * ```ts
 * import { executeProgram, identityHal, judgeTrace, validateProfile } from "@halconf/halconf";
 *
 * const target = identityHal();
 * const profile = validateProfile(target.profile);
 * const trace = executeProgram(target, profile, [{ op: "fill" }, { op: "alloc" }]);
 * judgeTrace(trace, profile); // undefined
 * ```
 */
export function judgeTrace(trace: Trace, profile: ResolvedProfile): Violation | undefined {
  if (trace.createError) {
    const { name, message } = trace.createError;
    return { step: -1, clause: HARNESS_ERROR, message: `create() threw ${name}: ${message}` };
  }
  if (trace.strayDispatches.length > 0) {
    return {
      step: -1,
      clause: "IRQ-5",
      message: `create() dispatched IRQ ${trace.strayDispatches.join(", ")} to the host outside irqHandler`,
    };
  }
  const model = new Model(profile);
  for (const step of trace.steps) {
    const violation = model.judge(step);
    if (violation) return violation;
    if (model.tainted) return undefined;
  }
  return undefined;
}

class Model {
  readonly profile: ResolvedProfile;
  readonly frameSize: bigint;
  readonly capacity: number;
  readonly nodeCapacity = new Map<number, number>();
  readonly nodeLive = new Map<number, number>();
  readonly live = new Map<bigint, number>();
  readonly handedOut = new Set<bigint>();
  readonly freedFree = new Map<bigint, number>();
  readonly rejected = new Set<bigint>();
  readonly xlate = new Map<bigint, { virtBase: bigint; offset: bigint; step: number }>();
  readonly virtPages = new Map<bigint, { physBase: bigint; step: number }>();
  readonly memory = new Map<bigint, FrameMemory>();
  readonly pending: number[] = [];
  readonly lastDispatch = new Map<number, number>();
  lastFetch: { irq: number; step: number } | undefined;
  cpu = 0;
  /** Set after an operation whose effect the contract leaves undefined. */
  tainted = false;

  constructor(profile: ResolvedProfile) {
    this.profile = profile;
    this.frameSize = BigInt(profile.frameSize);
    this.capacity = Number(capacityOf(profile));
    for (const region of profile.memory) {
      const frames = Number(region.size / this.frameSize) - (region.start === 0n ? 1 : 0);
      this.nodeCapacity.set(region.node, (this.nodeCapacity.get(region.node) ?? 0) + frames);
      this.nodeLive.set(region.node, 0);
    }
  }

  regionOf(address: bigint): ResolvedRegion | undefined {
    return this.profile.memory.find((region) => address >= region.start && address < region.end);
  }

  nodeFree(node: number): number {
    return (this.nodeCapacity.get(node) ?? 0) - (this.nodeLive.get(node) ?? 0);
  }

  judge(step: TraceStep): Violation | undefined {
    if (step.skipped) return undefined;
    const at = (clause: string, message: string, expected?: string, actual?: string): Violation => ({
      step: step.index,
      clause,
      message,
      expected,
      actual,
    });
    this.cpu = step.cpu;
    if (step.threw && (step.threw.name === "NotCapable" || step.threw.name === "PermissionDenied")) {
      return at(HARNESS_ERROR, `${step.threw.method} was denied by the sandbox: ${step.threw.message}`);
    }
    if (step.op.op !== "handle" && step.dispatched.length > 0) {
      return at(
        "IRQ-5",
        `the HAL dispatched IRQ ${step.dispatched.join(", ")} to the host during ${step.op.op}, outside irqHandler`,
      );
    }
    const threw = step.threw ? `threw ${step.threw.name}: ${step.threw.message}` : "";
    switch (step.op.op) {
      case "alloc":
        if (step.threw) {
          return at("ALLOC-1", `allocFrame ${threw}`, "a frame, or null when none is free", threw);
        }
        return this.allocated(step.result, step, at);
      case "fill": {
        const values = step.result as unknown[];
        for (const value of values) {
          const violation = this.allocated(value, step, at);
          if (violation) return violation;
        }
        if (step.threw) {
          const free = this.capacity - this.live.size;
          return at(
            "ALLOC-1",
            `allocFrame ${threw} after ${values.length} frames (${free} usable frames still free)`,
            free > 0 ? "a frame" : "null",
            threw,
          );
        }
        return undefined;
      }
      case "free":
      case "freeAgain":
      case "freeRaw":
        return this.freed(step, at, threw);
      case "p2v":
      case "p2vRaw": {
        if (!this.regionOf(step.paddr!)) return undefined;
        if (step.threw) {
          return at(
            "XLATE-1",
            `physToVirt(${hex(step.paddr!)}) ${threw}`,
            "a virtual address: physToVirt is defined on all declared RAM",
            threw,
          );
        }
        return this.translated(step.paddr!, step.result, step, at);
      }
      case "v2p": {
        const paddr = step.paddr!, vaddr = step.vaddr!;
        if (step.threw) {
          return at(
            "XLATE-1",
            `virtToPhys(${hex(vaddr)}) ${threw}, though physToVirt returned that page at step ${step.source! + 1}`,
            hex(paddr),
            threw,
          );
        }
        const result = step.result;
        if (typeof result !== "bigint" || result < 0n || result >= ADDRESS_LIMIT) {
          return at(
            "XLATE-6",
            `virtToPhys(${hex(vaddr)}) returned ${describeValue(result)}`,
            "a bigint in [0, 2^64)",
            describeValue(result),
          );
        }
        if (result !== paddr) {
          const source = this.xlate.get(paddr - paddr % this.frameSize);
          const sameOffset = source === undefined || source.offset === paddr % this.frameSize;
          return at(
            sameOffset ? "XLATE-2" : "XLATE-3",
            sameOffset
              ? `virtToPhys(physToVirt(${hex(paddr)})) returned ${hex(result)}: the round trip does not come back`
              : `virtToPhys(${hex(vaddr)}) returned ${hex(result)}: the offset inside the page was not kept`,
            hex(paddr),
            hex(result),
          );
        }
        return undefined;
      }
      case "raise":
        if (step.threw) {
          return at(HARNESS_ERROR, `raiseIrq(${step.op.irq}) ${threw}: the test port rejected a declared line`);
        }
        if (!this.pending.includes(step.op.irq)) this.pending.push(step.op.irq);
        this.lastFetch = undefined;
        return undefined;
      case "fetch":
        return this.fetched(step, at, threw);
      case "handle":
        return this.handled(step, at, threw);
      case "setCpu":
        return undefined;
      case "write":
      case "read":
        return this.memoryAccess(step, at, threw);
    }
  }

  allocated(value: unknown, step: TraceStep, at: (c: string, m: string, e?: string, a?: string) => Violation) {
    const fs = this.frameSize;
    if (value === null) {
      const free = this.capacity - this.live.size;
      if (free <= 0) return undefined;
      const local = this.profile.cpuNodes[this.cpu];
      if (this.profile.numa && this.nodeFree(local) === 0) {
        const other = [...this.nodeCapacity.keys()].find((node) => this.nodeFree(node) > 0)!;
        return at(
          "NUMA-2",
          `allocFrame returned null on CPU ${this.cpu} (node ${local}, empty) while node ${other} has ${
            this.nodeFree(other)
          } free frames`,
          "a frame from another node",
          "null",
        );
      }
      if (this.freedFree.size > 0) {
        const [frame, freedAt] = this.freedFree.entries().next().value!;
        return at(
          "FREE-2",
          `allocFrame returned null, but ${this.freedFree.size} freed frame(s) are free, e.g. ${
            hex(frame)
          } freed at step ${freedAt + 1}`,
          "a frame (a freed frame must become allocatable again)",
          "null",
        );
      }
      const hint = this.handedOut.size === 0
        ? " (on a fresh instance: does create() share state between instances?)"
        : "";
      return at(
        "ALLOC-7",
        `allocFrame returned null with ${this.live.size} of ${this.capacity} usable frames live; ` +
          `never handed out: ${this.neverHandedOut()}${hint}`,
        `a frame: all ${this.capacity} usable frames must be allocatable`,
        "null",
      );
    }
    if (typeof value !== "bigint") {
      return at(
        "ALLOC-2",
        `allocFrame returned ${describeValue(value)}`,
        "a bigint address, or exactly null",
        describeValue(value),
      );
    }
    if (value % fs !== 0n) {
      return at(
        "ALLOC-3",
        `allocFrame returned ${hex(value)}, not aligned to the frame size ${fs}`,
        `a multiple of ${hex(fs)}`,
        hex(value),
      );
    }
    if (value === 0n) {
      return at("ALLOC-5", "allocFrame returned address 0, which callers treat as invalid", "a non-zero frame", "0x0");
    }
    const region = this.regionOf(value);
    if (!region || value + fs > region.end) {
      return at(
        "ALLOC-4",
        `allocFrame returned ${hex(value)}, which is not wholly inside a declared region`,
        this.profile.memory.map((r) => `[${hex(r.start)}, ${hex(r.end)})`).join(" or "),
        hex(value),
      );
    }
    const owner = this.live.get(value);
    if (owner !== undefined) {
      if (this.rejected.has(value)) {
        return at(
          "FREE-4",
          `allocFrame returned ${hex(value)}, live since step ${
            owner + 1
          }: an earlier rejected free of it changed the allocator`,
          "a frame that is not live",
          hex(value),
        );
      }
      return at(
        "ALLOC-6",
        `allocFrame returned ${hex(value)}, which is still live (handed out at step ${owner + 1})`,
        "a frame that is not live",
        hex(value),
      );
    }
    const local = this.profile.cpuNodes[this.cpu];
    if (this.profile.numa && region.node !== local && this.nodeFree(local) > 0) {
      return at(
        "NUMA-1",
        `allocFrame on CPU ${this.cpu} (node ${local}) returned ${
          hex(value)
        } from node ${region.node} while node ${local} has ${this.nodeFree(local)} free frames`,
        `a frame of node ${local}`,
        `${hex(value)} (node ${region.node})`,
      );
    }
    this.live.set(value, step.index);
    this.handedOut.add(value);
    this.freedFree.delete(value);
    this.nodeLive.set(region.node, this.nodeLive.get(region.node)! + 1);
    this.memory.set(value, { zeroed: this.profile.zeroedFrames, bytes: new Map() });
    return undefined;
  }

  neverHandedOut(): string {
    const examples: string[] = [];
    for (const region of this.profile.memory) {
      let seen = 0;
      for (let frame = region.start; frame < region.end && seen < 100_000; frame += this.frameSize, seen++) {
        if (frame !== 0n && !this.handedOut.has(frame)) {
          examples.push(hex(frame));
          break;
        }
      }
      if (examples.length >= 3) break;
    }
    return examples.join(", ") || "(none found)";
  }

  freed(step: TraceStep, at: (c: string, m: string, e?: string, a?: string) => Violation, threw: string) {
    const paddr = step.paddr!;
    const owner = this.live.get(paddr);
    if (owner !== undefined) {
      if (step.threw) {
        return at(
          "FREE-1",
          `deallocFrame(${hex(paddr)}) ${threw}, though the frame is live (handed out at step ${owner + 1})`,
          "the frame is freed",
          threw,
        );
      }
      this.live.delete(paddr);
      this.freedFree.set(paddr, step.index);
      const node = this.regionOf(paddr)!.node;
      this.nodeLive.set(node, this.nodeLive.get(node)! - 1);
      this.memory.delete(paddr);
      return undefined;
    }
    if (!this.profile.strictFree) {
      this.tainted = true;
      return undefined;
    }
    if (!step.threw) {
      return at(
        "FREE-3",
        `deallocFrame(${hex(paddr)}) accepted ${this.whyNotLive(paddr)} without throwing`,
        "an exception, and no change (strictFree)",
        "returned normally",
      );
    }
    this.rejected.add(paddr - paddr % this.frameSize);
    return undefined;
  }

  whyNotLive(paddr: bigint): string {
    if (paddr % this.frameSize !== 0n) return "an unaligned address";
    if (!this.regionOf(paddr)) return "an address outside declared RAM";
    if (this.freedFree.has(paddr)) return `a double free (freed at step ${this.freedFree.get(paddr)! + 1})`;
    return "a frame that was never allocated";
  }

  translated(
    paddr: bigint,
    result: unknown,
    step: TraceStep,
    at: (c: string, m: string, e?: string, a?: string) => Violation,
  ) {
    const fs = this.frameSize;
    if (typeof result !== "bigint" || result < 0n || result >= ADDRESS_LIMIT) {
      return at(
        "XLATE-6",
        `physToVirt(${hex(paddr)}) returned ${describeValue(result)}`,
        "a bigint in [0, 2^64)",
        describeValue(result),
      );
    }
    const base = paddr - paddr % fs, offset = paddr % fs;
    const known = this.xlate.get(base);
    if (known) {
      const expected = known.virtBase + offset;
      if (result === expected) return undefined;
      if (known.offset === offset) {
        return at(
          "XLATE-5",
          `physToVirt(${hex(paddr)}) returned ${hex(result)}, but ${hex(known.virtBase + known.offset)} at step ${
            known.step + 1
          }: the translation changed`,
          hex(expected),
          hex(result),
        );
      }
      return at(
        "XLATE-3",
        `physToVirt(${hex(paddr)}) returned ${hex(result)}, but physToVirt(${hex(base + known.offset)}) was ${
          hex(known.virtBase + known.offset)
        } at step ${known.step + 1}: the offset inside the frame was not kept`,
        hex(expected),
        hex(result),
      );
    }
    const virtBase = result - offset;
    if (virtBase < 0n) {
      return at(
        "XLATE-3",
        `physToVirt(${hex(paddr)}) returned ${hex(result)}, below the page offset ${hex(offset)}`,
        `an address whose page holds offset ${hex(offset)}`,
        hex(result),
      );
    }
    for (const [otherBase, other] of this.virtPages) {
      const distance = otherBase > virtBase ? otherBase - virtBase : virtBase - otherBase;
      if (distance < fs && other.physBase !== base) {
        return at(
          "XLATE-4",
          `frames ${hex(base)} and ${hex(other.physBase)} (step ${other.step + 1}) map to overlapping virtual pages ${
            hex(virtBase)
          } and ${hex(otherBase)}`,
          "disjoint virtual pages",
          `${hex(virtBase)} overlaps ${hex(otherBase)}`,
        );
      }
    }
    this.xlate.set(base, { virtBase, offset, step: step.index });
    this.virtPages.set(virtBase, { physBase: base, step: step.index });
    return undefined;
  }

  memoryAccess(step: TraceStep, at: (c: string, m: string, e?: string, a?: string) => Violation, threw: string) {
    const fs = this.frameSize;
    const paddr = step.paddr!;
    const base = paddr - paddr % fs;
    if (step.threw?.method === "physToVirt") {
      return at("XLATE-1", `physToVirt(${hex(base)}) ${threw}`, "a virtual address", threw);
    }
    const translation = this.translated(base, step.translated, step, at);
    if (translation) return translation;
    const offset = Number(paddr % fs);
    const frame = this.memory.get(base);
    if (!frame) return undefined;
    if (step.op.op === "write") {
      if (step.threw) {
        return at("MEM-1", `writeMemory(${hex(step.vaddr!)}) ${threw}`, "the bytes are written", threw);
      }
      step.op.bytes.forEach((value, i) => frame.bytes.set(offset + i, { value, step: step.index }));
      return undefined;
    }
    if (step.op.op !== "read") return undefined;
    const length = step.op.length;
    if (step.threw) return at("MEM-1", `readMemory(${hex(step.vaddr!)}, ${length}) ${threw}`, "the bytes", threw);
    const bytes = step.result;
    if (!(bytes instanceof Uint8Array) || bytes.length !== length) {
      return at(
        "MEM-1",
        `readMemory(${hex(step.vaddr!)}, ${length}) returned ${describeValue(bytes)}`,
        `a Uint8Array of ${length} bytes`,
        describeValue(bytes),
      );
    }
    for (let i = 0; i < length; i++) {
      const known = frame.bytes.get(offset + i);
      const expected = known?.value ?? (frame.zeroed ? 0 : undefined);
      if (expected === undefined || bytes[i] === expected) continue;
      const where = `${hex(base)} + ${hex(BigInt(offset + i))}`;
      for (const [otherBase, other] of this.memory) {
        const write = other.bytes.get(offset + i);
        if (otherBase !== base && write && write.value === bytes[i] && write.step > (known?.step ?? -1)) {
          return at(
            "MEM-2",
            `frame ${hex(base)} reads ${bytes[i]} at offset ${hex(BigInt(offset + i))}: the byte written to frame ${
              hex(otherBase)
            } at step ${write.step + 1}`,
            `${expected}`,
            `${bytes[i]}`,
          );
        }
      }
      if (known) {
        return at(
          "MEM-1",
          `read ${bytes[i]} at ${where}, where step ${known.step + 1} wrote ${known.value}`,
          `${known.value}`,
          `${bytes[i]}`,
        );
      }
      return at(
        "ALLOC-8",
        `frame ${hex(base)}, just allocated, reads ${bytes[i]} at offset ${hex(BigInt(offset + i))}, not 0`,
        "0 (zeroedFrames)",
        `${bytes[i]}`,
      );
    }
    return undefined;
  }

  expectedCurrent(): number | undefined {
    if (this.pending.length === 0) return this.profile.irq?.none;
    switch (this.profile.irq?.order) {
      case "lowest-first":
        return Math.min(...this.pending);
      case "highest-first":
        return Math.max(...this.pending);
      case "fifo":
        return this.pending[0];
      default:
        return undefined;
    }
  }

  fetched(step: TraceStep, at: (c: string, m: string, e?: string, a?: string) => Violation, threw: string) {
    const none = this.profile.irq!.none;
    if (step.threw) return at("IRQ-2", `irqFetch ${threw}`, "a line number", threw);
    const irq = step.result;
    if (typeof irq !== "number" || !Number.isInteger(irq)) {
      return at("IRQ-2", `irqFetch returned ${describeValue(irq)}`, "an integer line number", describeValue(irq));
    }
    const pending = this.pending.length ? `pending: ${this.pending.join(", ")}` : "nothing pending";
    if (this.lastFetch && this.lastFetch.irq !== irq) {
      return at(
        "IRQ-4",
        `irqFetch returned ${irq}, but ${this.lastFetch.irq} at step ${
          this.lastFetch.step + 1
        } with nothing in between`,
        `${this.lastFetch.irq} (irqFetch has no side effect)`,
        `${irq}`,
      );
    }
    this.lastFetch = { irq, step: step.index };
    if (this.pending.length === 0) {
      if (irq !== none) {
        return at("IRQ-1", `irqFetch returned ${irq} with nothing pending`, `${none} (the profile's none)`, `${irq}`);
      }
      return undefined;
    }
    if (irq === none) {
      return at(
        "IRQ-6",
        `irqFetch returned none (${none}) with ${pending}: an IRQ was lost`,
        `one of ${this.pending.join(", ")}`,
        `${irq}`,
      );
    }
    if (!this.pending.includes(irq)) {
      return at(
        "IRQ-2",
        `irqFetch returned ${irq}, which is not pending (${pending})`,
        `one of ${this.pending.join(", ")}`,
        `${irq}`,
      );
    }
    const expected = this.expectedCurrent();
    if (expected !== undefined && irq !== expected) {
      return at(
        "IRQ-3",
        `irqFetch returned ${irq} with ${pending}; order ${this.profile.irq!.order} serves ${expected} first`,
        `${expected}`,
        `${irq}`,
      );
    }
    return undefined;
  }

  handled(step: TraceStep, at: (c: string, m: string, e?: string, a?: string) => Violation, threw: string) {
    const dispatched = step.dispatched;
    const fetched = this.lastFetch;
    this.lastFetch = undefined;
    if (step.threw) return at("IRQ-5", `irqHandler ${threw}`, "the current IRQ dispatched", threw);
    if (dispatched.length > 1) {
      return at(
        "IRQ-5",
        `irqHandler dispatched ${dispatched.length} times (${dispatched.join(", ")}) in one call`,
        "exactly one dispatch",
        dispatched.join(", "),
      );
    }
    const pending = this.pending.length ? `pending: ${this.pending.join(", ")}` : "nothing pending";
    if (dispatched.length === 0) {
      if (this.pending.length === 0) return undefined;
      if (fetched && this.pending.includes(fetched.irq)) {
        return at(
          "IRQ-4",
          `irqHandler dispatched nothing with ${pending}: IRQ ${fetched.irq} vanished after irqFetch at step ${
            fetched.step + 1
          }`,
          `dispatch of ${fetched.irq}`,
          "no dispatch",
        );
      }
      return at(
        "IRQ-6",
        `irqHandler dispatched nothing with ${pending}: an IRQ was lost`,
        `one of ${this.pending.join(", ")}`,
        "no dispatch",
      );
    }
    const irq = dispatched[0];
    if (!this.pending.includes(irq)) {
      const last = this.lastDispatch.get(irq);
      if (last !== undefined) {
        return at(
          "IRQ-5",
          `irqHandler dispatched IRQ ${irq} again (${pending}): the dispatch at step ${
            last + 1
          } did not acknowledge it`,
          this.pending.length ? `one of ${this.pending.join(", ")}` : "no dispatch",
          `${irq}`,
        );
      }
      return at(
        "IRQ-6",
        `irqHandler dispatched IRQ ${irq}, which was never raised (${pending})`,
        this.pending.length ? `one of ${this.pending.join(", ")}` : "no dispatch",
        `${irq}`,
      );
    }
    if (fetched && fetched.irq !== irq) {
      return at(
        "IRQ-5",
        `irqHandler dispatched ${irq}, but irqFetch reported ${fetched.irq} as current at step ${fetched.step + 1}`,
        `${fetched.irq}`,
        `${irq}`,
      );
    }
    const expected = this.expectedCurrent();
    if (expected !== undefined && irq !== expected) {
      return at(
        "IRQ-3",
        `irqHandler dispatched ${irq} with ${pending}; order ${this.profile.irq!.order} serves ${expected} first`,
        `${expected}`,
        `${irq}`,
      );
    }
    this.pending.splice(this.pending.indexOf(irq), 1);
    this.lastDispatch.set(irq, step.index);
    return undefined;
  }
}

/**
 * The executor: the only code that calls a HAL. It runs a program on a fresh
 * instance and returns a trace of what every step did. A HAL exception is
 * data in the trace, never an exception of the executor.
 *
 * @module
 */

import type { HalHost, HalInstance, HalTarget } from "./hal.ts";
import type { Operation, Pick, Program } from "./program.ts";
import { capacityOf, type ResolvedProfile } from "./profile.ts";

/** An exception a HAL threw, as data. */
export interface ThrownError {
  /** The HAL method (or port) that threw. */
  method: string;
  /** The error's class name (`RangeError`), or `non-Error` for thrown values. */
  name: string;
  /** The error's message. */
  message: string;
}

/** What one step did. */
export interface TraceStep {
  /** 0-based position in the program. */
  index: number;
  /** The operation. */
  op: Operation;
  /** The CPU `host.currentCpu()` reported during the step. */
  cpu: number;
  /** The physical address the step used (resolved from a pick, or raw). */
  paddr?: bigint;
  /** The virtual address the step used. */
  vaddr?: bigint;
  /** The step whose result the pick resolved to. */
  source?: number;
  /** Which of that step's results (a fill has many). */
  sourceNth?: number;
  /** What the call returned (for `fill`, every value returned, the last being null or the throw). */
  result?: unknown;
  /** For `write` and `read`: what `physToVirt` of the picked frame returned. */
  translated?: unknown;
  /** The exception, if a HAL method threw. */
  threw?: ThrownError;
  /** IRQs the HAL dispatched to the host during the step. */
  dispatched: number[];
  /** Why the step did nothing (a pick with nothing to pick). */
  skipped?: string;
}

/** What a program did on one instance. */
export interface Trace {
  /** The steps, in order. */
  steps: TraceStep[];
  /** Set when `target.create` threw: no step ran. */
  createError?: ThrownError;
  /** IRQs dispatched to the host while no step ran (during `create`). */
  strayDispatches: number[];
}

/** Options of the executor. */
export interface ExecuteOptions {
  /** The most `allocFrame` calls one `fill` makes (default: capacity + 1, at most 2^20). */
  fillLimit?: number;
}

interface Pickable {
  paddr: bigint;
  step: number;
  nth: number;
}

/** The entry a pick resolves to: an index modulo the length (negative from the end), or a step reference. */
function resolve<T extends { step: number; nth: number }>(list: readonly T[], pick: Pick): T | undefined {
  if (typeof pick === "number") {
    return list.length === 0 ? undefined : list[((pick % list.length) + list.length) % list.length];
  }
  return list.find((entry) => entry.step === pick.step && entry.nth === pick.nth);
}

function thrown(method: string, error: unknown): ThrownError {
  if (error instanceof Error) return { method, name: error.name, message: error.message };
  return { method, name: "non-Error", message: String(error) };
}

/**
 * Runs `program` on a fresh instance of `target` and returns its trace.
 *
 * @example
 * ```ts
 * import { executeProgram, identityHal, validateProfile } from "@halconf/halconf";
 *
 * const target = identityHal();
 * const trace = executeProgram(target, validateProfile(target.profile), [{ op: "alloc" }, { op: "free", frame: 0 }]);
 * trace.steps[0].result; // 0x8000_0000n
 * ```
 */
export function executeProgram(
  target: HalTarget,
  profile: ResolvedProfile,
  program: Program,
  options: ExecuteOptions = {},
): Trace {
  const fillLimit = options.fillLimit ?? Math.min(Number(capacityOf(profile)) + 1, 1 << 20);
  const frameSize = BigInt(profile.frameSize);
  let cpu = 0;
  let sink: number[] | undefined;
  const trace: Trace = { steps: [], strayDispatches: [] };
  const host: HalHost = {
    dispatchIrq: (irq) => void (sink ?? trace.strayDispatches).push(irq),
    currentCpu: () => cpu,
  };
  let hal: HalInstance;
  try {
    hal = target.create(host);
    if (typeof hal !== "object" || hal === null) {
      throw new TypeError(`create() returned ${String(hal)}, not a HAL instance`);
    }
  } catch (error) {
    trace.createError = thrown("create", error);
    return trace;
  }
  const live: Pickable[] = [];
  const freed: Pickable[] = [];
  const translated: { paddr: bigint; vaddr: bigint; step: number; nth: number }[] = [];
  const handedOut = (value: unknown, step: number, nth: number) => {
    if (typeof value !== "bigint") return;
    live.push({ paddr: value, step, nth });
    const again = freed.findIndex((entry) => entry.paddr === value);
    if (again >= 0) freed.splice(again, 1);
  };
  const released = (paddr: bigint, step: number) => {
    const at = live.findIndex((entry) => entry.paddr === paddr);
    if (at >= 0) live.splice(at, 1);
    freed.push({ paddr, step, nth: 0 });
  };

  // The helpers below act on the step being run; they are made once, not per step.
  let step: TraceStep = { index: -1, op: { op: "fetch" }, cpu, dispatched: [] };
  const call = (method: string, fn: () => unknown): unknown => {
    try {
      return fn();
    } catch (error) {
      step.threw = thrown(method, error);
      return undefined;
    }
  };
  const missing = (method: keyof HalInstance): boolean => {
    if (typeof hal[method] === "function") return false;
    step.skipped = `the HAL has no ${method}`;
    return true;
  };
  const pickFrom = <T extends { step: number; nth: number }>(list: readonly T[], pick: Pick, what: string) => {
    const entry = resolve(list, pick);
    if (entry === undefined) {
      step.skipped = typeof pick === "number"
        ? `no ${what} to pick`
        : `step ${pick.step + 1} left no ${what} #${pick.nth}`;
      return undefined;
    }
    step.source = entry.step;
    step.sourceNth = entry.nth;
    return entry;
  };
  const pickLive = (pick: Pick): Pickable | undefined => pickFrom(live, pick, "live frame");

  for (const [index, op] of program.entries()) {
    step = { index, op, cpu, dispatched: [] };
    sink = step.dispatched;
    trace.steps.push(step);
    switch (op.op) {
      case "alloc": {
        step.result = call("allocFrame", () => hal.allocFrame());
        if (!step.threw) handedOut(step.result, index, 0);
        break;
      }
      case "fill": {
        const values: unknown[] = [];
        for (let n = 0; n < fillLimit; n++) {
          const value = call("allocFrame", () => hal.allocFrame());
          if (step.threw) break;
          values.push(value);
          if (value === null || value === undefined) break;
          handedOut(value, index, n);
        }
        step.result = values;
        break;
      }
      case "free":
      case "freeAgain": {
        const entry = op.op === "free" ? pickLive(op.frame) : pickFrom(freed, op.frame, "freed frame");
        if (entry === undefined) break;
        step.paddr = entry.paddr;
        call("deallocFrame", () => hal.deallocFrame(entry.paddr));
        if (!step.threw) released(entry.paddr, index);
        break;
      }
      case "freeRaw": {
        step.paddr = op.addr;
        call("deallocFrame", () => hal.deallocFrame(op.addr));
        if (!step.threw) released(op.addr, index);
        break;
      }
      case "p2v":
      case "p2vRaw": {
        let paddr: bigint;
        if (op.op === "p2v") {
          const entry = pickLive(op.frame);
          if (entry === undefined) break;
          paddr = entry.paddr + BigInt(op.offset % profile.frameSize);
        } else {
          paddr = op.addr;
        }
        step.paddr = paddr;
        step.result = call("physToVirt", () => hal.physToVirt(paddr));
        if (!step.threw && typeof step.result === "bigint") {
          translated.push({ paddr, vaddr: step.result, step: index, nth: 0 });
        }
        break;
      }
      case "v2p": {
        const entry = pickFrom(translated, op.pick, "p2v result");
        if (entry === undefined) break;
        const offset = BigInt(op.offset % profile.frameSize);
        step.vaddr = entry.vaddr - entry.paddr % frameSize + offset;
        step.paddr = entry.paddr - entry.paddr % frameSize + offset;
        const vaddr = step.vaddr;
        step.result = call("virtToPhys", () => hal.virtToPhys(vaddr));
        break;
      }
      case "raise": {
        if (missing("raiseIrq")) break;
        call("raiseIrq", () => hal.raiseIrq!(op.irq));
        break;
      }
      case "fetch": {
        if (missing("irqFetch")) break;
        step.result = call("irqFetch", () => hal.irqFetch!());
        break;
      }
      case "handle": {
        if (missing("irqHandler")) break;
        call("irqHandler", () => hal.irqHandler!());
        break;
      }
      case "setCpu": {
        cpu = op.cpu % profile.cpus;
        step.cpu = cpu;
        break;
      }
      case "write":
      case "read": {
        if (missing(op.op === "write" ? "writeMemory" : "readMemory")) break;
        const entry = pickLive(op.frame);
        if (entry === undefined) break;
        const size = op.op === "write" ? op.bytes.length : op.length;
        const offset = Math.min(op.offset % profile.frameSize, profile.frameSize - size);
        step.paddr = entry.paddr + BigInt(offset);
        const base = call("physToVirt", () => hal.physToVirt(entry.paddr));
        step.translated = base;
        if (step.threw || typeof base !== "bigint") break;
        step.vaddr = base + BigInt(offset);
        if (op.op === "write") {
          const vaddr = step.vaddr;
          call("writeMemory", () => hal.writeMemory!(vaddr, Uint8Array.from(op.bytes)));
        } else {
          const vaddr = step.vaddr;
          step.result = call("readMemory", () => hal.readMemory!(vaddr, op.length));
        }
        break;
      }
    }
  }
  sink = undefined;
  return trace;
}

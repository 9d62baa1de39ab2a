/**
 * The executor: the only code that calls a HAL. It runs a program on a fresh
 * instance and returns a trace of what every step did. A HAL exception is
 * data in the trace, never an exception of the executor.
 *
 * @module
 */

import type { HalHost, HalInstance, HalTarget } from "../contract/hal.ts";
import type { Operation, Program } from "./program.ts";
import { capacityOf, type ResolvedProfile } from "../contract/profile.ts";
import { StepResolver } from "./step_resolver.ts";
import { MAX_WORD, WordList, WORDS_FROM } from "./word_list.ts";

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
  /** For `freeMany`: the frames it frees, in order (`result` is how many calls were made). */
  paddrs?: bigint[];
  /** For `freeContig` and `freeContigBad`: the frame count passed. */
  count?: number;
  /** The step whose result the pick resolved to. */
  source?: number;
  /** Which of that step's results (a fill has many). */
  sourceNth?: number;
  /**
   * What the call returned. For `fill`, a `WordList` of every value returned, in order (the last being null, or
   * undefined for a throw): frame addresses as 64-bit words, not a heap object each.
   */
  result?: unknown;
  /** For `write` and `read`: what `physToVirt` of the picked frame returned. */
  translated?: unknown;
  /** The exception, if a HAL method threw. */
  threw?: ThrownError;
  /** IRQs the HAL dispatched to the host during the step. */
  dispatched: number[];
  /** Why the step did nothing (a pick with nothing to pick, a method the HAL does not declare). */
  skipped?: string;
  /** A method the HAL declared (its first instance has it) that this instance lacks. */
  missing?: string;
  /** Permissions the sandbox denied the HAL during the step (`net access to "127.0.0.1:9"`). */
  denied?: string[];
}

/** What a program did on one instance. */
export interface Trace {
  /** The steps, in order. */
  steps: TraceStep[];
  /** Set when `target.create` threw: no step ran. */
  createError?: ThrownError;
  /** IRQs dispatched to the host while no step ran (during `create`). */
  strayDispatches: number[];
  /** Permissions the sandbox denied the HAL during `create`. */
  denied?: string[];
}

/** The optional methods and ports a HAL may have; the executor reports which one an instance lacks. */
export const OPTIONAL_METHODS = [
  "irqFetch",
  "irqHandler",
  "raiseIrq",
  "readMemory",
  "writeMemory",
  "allocContiguousFrames",
  "deallocContiguousFrames",
] as const;

/** One optional method or port. */
export type OptionalMethod = typeof OPTIONAL_METHODS[number];

/** Options of the executor. */
export interface ExecuteOptions {
  /** The most `allocFrame` calls one `fill` makes (default: capacity + 1, at most 2^20). */
  fillLimit?: number;
  /**
   * The optional methods the HAL declared (those of its first instance). An
   * instance without one of them gets `missing` steps, which the judge
   * reports; without this option every absent method is a skipped step.
   */
  methods?: ReadonlySet<string>;
  /** Called as each step starts (a driver charges asynchronous events to it). */
  onStep?: (index: number) => void;
}

/** The optional methods an instance has. */
export function methodsOf(instance: object): Set<OptionalMethod> {
  const record = instance as Record<string, unknown>;
  return new Set(OPTIONAL_METHODS.filter((method) => typeof record[method] === "function"));
}

/** The methods every edition has: an instance without one of them cannot be checked at all. */
export const REQUIRED_METHODS = ["allocFrame", "deallocFrame", "physToVirt", "virtToPhys"] as const;

/** What a HAL's first instance says about it: the optional methods it has, or why it could not be created. */
export interface Probe {
  /** The optional methods and ports of the first instance. */
  methods: Set<OptionalMethod>;
  /** Why `create` failed, as a sentence; every check is then an error. */
  probeError?: string;
  /** The methods every edition has that the first instance lacks (a HAL that cannot be loaded). */
  missingRequired?: string[];
}

/**
 * Creates a HAL's first instance to learn which optional methods it has
 * (the driver declares them in its handshake; every later instance must
 * have the same).
 *
 * @example
 * ```ts
 * import { identityHal, probeTarget } from "@halconf/halconf";
 *
 * probeTarget(identityHal()).methods.has("irqFetch"); // true
 * ```
 */
export function probeTarget(target: HalTarget): Probe {
  try {
    const instance = target.create({ dispatchIrq() {}, currentCpu: () => 0 });
    if (typeof instance !== "object" || instance === null) {
      return { methods: new Set(), probeError: `create() returned ${String(instance)}, not a HAL instance` };
    }
    const record = instance as unknown as Record<string, unknown>;
    const missing = REQUIRED_METHODS.filter((method) => typeof record[method] !== "function");
    if (missing.length > 0) {
      return {
        methods: methodsOf(instance),
        probeError: `create() returned an instance without ${missing.join(", ")}: every edition of the contract has ` +
          REQUIRED_METHODS.join(", "),
        missingRequired: missing,
      };
    }
    return { methods: methodsOf(instance) };
  } catch (error) {
    const { name, message } = thrown("create", error);
    return { methods: new Set(), probeError: `create() threw ${name}: ${message}` };
  }
}

function thrown(method: string, error: unknown): ThrownError {
  if (error instanceof Error) return { method, name: String(error.name), message: String(error.message) };
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
  const resolver = new StepResolver(profile, program);
  const trace: Trace = { steps: [], strayDispatches: [] };
  // Steps share one empty dispatch list until the HAL dispatches (most steps never do): no array per step.
  let step: TraceStep | undefined;
  // What the host reaches, let go when the program ends: an instance the garbage collector keeps a while (V8 can)
  // then holds neither the trace nor the resolver.
  let recording: Trace | undefined = trace;
  let cpuOf: StepResolver | undefined = resolver;
  const host: HalHost = {
    dispatchIrq(irq) {
      if (step === undefined) recording?.strayDispatches.push(irq);
      else if (step.dispatched === NO_DISPATCH) step.dispatched = [irq];
      else step.dispatched.push(irq);
    },
    currentCpu: () => cpuOf?.cpu ?? 0,
  };
  let hal: HalInstance;
  try {
    hal = target.create(host);
    if (typeof hal !== "object" || hal === null) {
      throw new TypeError(`create() returned ${String(hal)}, not a HAL instance`);
    }
  } catch (error) {
    trace.createError = thrown("create", error);
    recording = cpuOf = undefined;
    resolver.dispose();
    return trace;
  }

  for (let index = 0; index < program.length; index++) {
    const op = program[index];
    const current: TraceStep = { index, op, cpu: resolver.cpu, dispatched: NO_DISPATCH };
    step = current;
    trace.steps.push(current);
    options.onStep?.(index);
    const method = optionalMethodOf(op.op);
    if (method !== undefined && typeof hal[method] !== "function") {
      if (options.methods?.has(method)) current.missing = method;
      else current.skipped = `the HAL has no ${method}`;
      continue;
    }
    if (!resolver.resolve(current)) continue;
    // One try per step, naming the method about to be called: no closure per call (this loop runs per HAL call).
    let calling = "";
    // A call that returns a value has a result even when it throws (undefined), as the trace reader rebuilds it.
    if (RETURNS_VALUE.has(op.op)) current.result = undefined;
    try {
      switch (op.op) {
        case "alloc":
          calling = "allocFrame";
          current.result = hal.allocFrame();
          break;
        case "fill":
          calling = "allocFrame";
          fillFrames(hal, fillLimit, current);
          break;
        case "free":
        case "freeAgain":
        case "freeRaw":
        case "freeInRange":
          calling = "deallocFrame";
          hal.deallocFrame(current.paddr!);
          break;
        case "p2v":
        case "p2vRaw":
        case "p2vContig":
          calling = "physToVirt";
          current.result = hal.physToVirt(current.paddr!);
          break;
        case "v2p":
          calling = "virtToPhys";
          current.result = hal.virtToPhys(current.vaddr!);
          break;
        case "raise":
          calling = "raiseIrq";
          hal.raiseIrq!(op.irq);
          break;
        case "fetch":
          calling = "irqFetch";
          current.result = hal.irqFetch!();
          break;
        case "handle":
          calling = "irqHandler";
          hal.irqHandler!();
          break;
        case "setCpu":
          break;
        case "freeMany": {
          const frames = current.paddrs!;
          current.result = 0;
          calling = "deallocFrame";
          for (let calls = 0; calls < frames.length;) {
            current.result = ++calls;
            hal.deallocFrame(frames[calls - 1]);
          }
          break;
        }
        case "allocContig":
          calling = "allocContiguousFrames";
          current.result = hal.allocContiguousFrames!(op.count, op.alignPow2);
          break;
        case "freeContig":
        case "freeContigBad":
          calling = "deallocContiguousFrames";
          hal.deallocContiguousFrames!(current.paddr!, current.count!);
          break;
        case "write":
        case "read": {
          const frame = resolver.pickedFrame;
          calling = "physToVirt";
          const base = hal.physToVirt(frame);
          current.translated = base;
          if (typeof base !== "bigint") break;
          const vaddr = base + (current.paddr! - frame);
          current.vaddr = vaddr;
          if (op.op === "write") {
            calling = "writeMemory";
            hal.writeMemory!(vaddr, Uint8Array.from(op.bytes));
          } else {
            calling = "readMemory";
            current.result = undefined; // present even if readMemory throws, as for the calls in RETURNS_VALUE
            const bytes = hal.readMemory!(vaddr, op.length);
            // A view of the HAL's own memory would show later writes by the time the trace is read: copied now.
            current.result = bytes instanceof Uint8Array ? bytes.slice() : bytes;
          }
          break;
        }
      }
    } catch (error) {
      current.threw = thrown(calling, error);
    }
    resolver.settle(current);
  }
  step = recording = cpuOf = undefined;
  resolver.dispose();
  return trace;
}

/**
 * Calls `allocFrame` until it returns null or undefined, or `fillLimit` times, into `step.result` (kept there as it
 * grows, so that a throw leaves what the fill got). The hottest loop of a run (thousands of frames a fill), in a
 * function of its own: V8 compiles a long-running loop on its own (on-stack replacement), and this one is small.
 * A short fill is gathered in an array made to its largest size and cut to what it got (a growing array copies
 * itself several times); a long one goes on as words.
 */
function fillFrames(hal: HalInstance, fillLimit: number, step: TraceStep): void {
  const gathered: unknown[] = new Array(Math.min(fillLimit, WORDS_FROM + 1));
  let count = 0;
  let ended = false;
  let values: WordList;
  try {
    while (count < gathered.length && !ended) {
      const value = hal.allocFrame();
      gathered[count++] = value;
      ended = value === null || value === undefined;
    }
  } finally {
    // What the fill got, also when allocFrame threw.
    gathered.length = count;
    step.result = values = WordList.of(gathered);
  }
  let n = count;
  // A long fill of addresses goes straight into the words (no call per frame but the HAL's), until a value that is
  // not a 64-bit address: the list then takes it as any other (an ending, or a turn to a plain list).
  if (!ended && values.plain === undefined && values.ending === undefined) {
    let words = values.words;
    let length = values.length;
    try {
      while (n < fillLimit) {
        const value = hal.allocFrame();
        n++;
        if (typeof value === "bigint" && value >= 0n && value <= MAX_WORD) {
          if (length === words.length) {
            values.length = length;
            words = values.roomForWords(1);
          }
          words[length++] = value;
          continue;
        }
        values.length = length;
        values.push(value);
        length = values.length;
        ended = value === null || value === undefined;
        break;
      }
    } finally {
      // What the fill got, also when allocFrame threw.
      if (values.plain === undefined && values.ending === undefined) values.length = length;
    }
  }
  for (; n < fillLimit && !ended; n++) {
    const value = hal.allocFrame();
    values.push(value);
    ended = value === null || value === undefined;
  }
}

const RETURNS_VALUE: ReadonlySet<string> = new Set([
  "alloc",
  "p2v",
  "p2vRaw",
  "p2vContig",
  "v2p",
  "fetch",
  "allocContig",
]);

/** The dispatch list of a step during which the HAL dispatched nothing (shared, never written to). */
const NO_DISPATCH: number[] = Object.freeze([]) as unknown as number[];

/** The optional method an operation calls, if it calls one. */
function optionalMethodOf(kind: Operation["op"]): OptionalMethod | undefined {
  return (METHOD_OF as Partial<Record<Operation["op"], OptionalMethod>>)[kind];
}

/** The optional method each IRQ and memory operation calls. */
export const METHOD_OF: Record<
  "raise" | "fetch" | "handle" | "write" | "read" | "allocContig" | "freeContig" | "freeContigBad",
  OptionalMethod
> = {
  raise: "raiseIrq",
  fetch: "irqFetch",
  handle: "irqHandler",
  write: "writeMemory",
  read: "readMemory",
  allocContig: "allocContiguousFrames",
  freeContig: "deallocContiguousFrames",
  freeContigBad: "deallocContiguousFrames",
};

/**
 * Validation of HAL profiles and targets.
 *
 * @module
 */

import { ADDRESS_LIMIT, formatAddress } from "./address.ts";
import {
  type ContractEdition,
  DEFAULT_IRQ_PRIORITY,
  type HalProfile,
  type HalTarget,
  type IrqFetch,
  type IrqOrder,
  type MemoryRegion,
} from "./hal.ts";

/** The IRQ orders a profile may declare. */
export const IRQ_ORDERS: readonly IrqOrder[] = ["any", "lowest-first", "highest-first", "fifo"];

/** The fetch semantics a profile may declare. */
export const IRQ_FETCHES: readonly IrqFetch[] = ["peek", "acknowledge"];

/** The contract editions, by the name a profile's `contract` field gives. */
export const CONTRACT_EDITIONS: readonly ContractEdition[] = ["axvcpu-hal", "axmm-hal", "axvisor-memory"];

const PROFILE_KEYS = new Set([
  "contract",
  "frameSize",
  "memory",
  "cpus",
  "cpuNodes",
  "irq",
  "zeroedFrames",
  "strictFree",
  "testWindow",
]);

/** A region after validation: `node` is always set. */
export interface ResolvedRegion {
  /** First byte. */
  start: bigint;
  /** Length in bytes. */
  size: bigint;
  /** One past the last byte. */
  end: bigint;
  /** NUMA node. */
  node: number;
}

/** IRQ support after validation: defaults filled in. */
export interface ResolvedIrq {
  /** Lines `0..lines-1`. */
  lines: number;
  /** What `irqFetch` returns when nothing is pending. */
  none: number;
  /** The order among pending lines. */
  order: IrqOrder;
  /** Peek or acknowledge. */
  fetch: IrqFetch;
  /** Lines `0..banked-1` are per CPU. */
  banked: number;
  /** GIC running priority: a fetch while a line is active returns `none` unless it preempts; completion is LIFO. */
  runningPriority: boolean;
  /** Each line's priority (lower is more urgent): all `DEFAULT_IRQ_PRIORITY` unless the profile names others. */
  priorities: number[];
  /** The lines the test port can raise, ascending: every line but `none` unless the profile names fewer. */
  raisable: number[];
}

/** A profile after validation: defaults filled in, regions sorted by address. */
export interface ResolvedProfile {
  /** The contract edition. */
  contract: ContractEdition;
  /** Frame size in bytes. */
  frameSize: number;
  /**
   * The RAM the instance allocates from, in ascending address order: the
   * declared regions, cut to the test window when there is one.
   */
  memory: ResolvedRegion[];
  /** The declared regions, whole: `physToVirt` is defined on all of them. */
  board: ResolvedRegion[];
  /** The test window, if the profile names one. */
  testWindow?: { start: bigint; size: bigint };
  /** Number of CPUs. */
  cpus: number;
  /** NUMA node of each CPU (all 0 when not declared). */
  cpuNodes: number[];
  /** Whether the profile declared `cpuNodes` (the NUMA claim). */
  numa: boolean;
  /** Interrupt support, if claimed. */
  irq?: ResolvedIrq;
  /** Whether zero-filled frames are claimed. */
  zeroedFrames: boolean;
  /** Whether strict free is claimed. */
  strictFree: boolean;
}

const MAX_IRQ_LINES = 1 << 16;
const MAX_CPUS = 4096;

function describe(value: unknown): string {
  if (typeof value === "bigint") return `bigint ${formatAddress(value)}`;
  if (typeof value === "string") return `string "${value}"`;
  if (value === null) return "null";
  if (value === undefined) return "undefined";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "object") return "an object";
  return `${typeof value} ${String(value)}`;
}

function fail(kind: "type" | "range", where: string, message: string): never {
  const text = `Invalid HAL profile: ${where} ${message}`;
  throw kind === "type" ? new TypeError(text) : new RangeError(text);
}

function checkInteger(where: string, value: unknown, min: number, max: number): number {
  if (typeof value !== "number" || !Number.isInteger(value)) {
    fail("type", where, `must be an integer, got ${describe(value)}`);
  }
  if (value < min || value > max) {
    fail("range", where, `must be between ${min} and ${max}, got ${value}`);
  }
  return value;
}

function checkBoolean(where: string, value: unknown): boolean {
  if (value === undefined) return false;
  if (typeof value !== "boolean") fail("type", where, `must be a boolean, got ${describe(value)}`);
  return value;
}

function checkRegion(index: number, value: unknown, frameSize: bigint): ResolvedRegion {
  const where = `memory[${index}]`;
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    fail("type", where, `must be an object { start, size, node? }, got ${describe(value)}`);
  }
  const region = value as Partial<MemoryRegion> & Record<string, unknown>;
  for (const key of Object.keys(region)) {
    if (!["start", "size", "node"].includes(key)) {
      fail("type", `${where}.${key}`, "is not a region field (expected start, size, node)");
    }
  }
  const { start, size } = region;
  if (typeof start !== "bigint") {
    fail("type", `${where}.start`, `must be a bigint (write 0x8000_0000n), got ${describe(start)}`);
  }
  if (typeof size !== "bigint") {
    fail("type", `${where}.size`, `must be a bigint (write 0x10_0000n), got ${describe(size)}`);
  }
  if (start < 0n) fail("range", `${where}.start`, `must not be negative, got ${start}`);
  if (size <= 0n) fail("range", `${where}.size`, `must be positive, got ${size}`);
  if (start + size > ADDRESS_LIMIT) {
    fail(
      "range",
      where,
      `ends at ${formatAddress(start + size)}, beyond the 64-bit address space (2^64)`,
    );
  }
  if (start % frameSize !== 0n) {
    fail("range", `${where}.start`, `${formatAddress(start)} is not aligned to the frame size ${frameSize}`);
  }
  if (size % frameSize !== 0n) {
    fail("range", `${where}.size`, `${formatAddress(size)} is not a multiple of the frame size ${frameSize}`);
  }
  const node = region.node === undefined ? 0 : checkInteger(`${where}.node`, region.node, 0, MAX_CPUS);
  return { start, size, end: start + size, node };
}

function checkIrq(value: unknown): ResolvedIrq {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    fail("type", "irq", `must be an object { lines, none, order, fetch?, banked?, ... }, got ${describe(value)}`);
  }
  const irq = value as Record<string, unknown>;
  for (const key of Object.keys(irq)) {
    if (!IRQ_KEYS.includes(key)) fail("type", `irq.${key}`, `is not an irq field (expected ${IRQ_KEYS.join(", ")})`);
  }
  const lines = checkInteger("irq.lines", irq.lines, 1, MAX_IRQ_LINES);
  const none = checkInteger("irq.none", irq.none, 0, 2 ** 32 - 1);
  if (!IRQ_ORDERS.includes(irq.order as IrqOrder)) {
    fail("type", "irq.order", `must be one of ${IRQ_ORDERS.join(", ")}, got ${describe(irq.order)}`);
  }
  const fetch = irq.fetch === undefined ? "peek" : irq.fetch as IrqFetch;
  if (!IRQ_FETCHES.includes(fetch)) {
    fail("type", "irq.fetch", `must be one of ${IRQ_FETCHES.join(", ")}, got ${describe(irq.fetch)}`);
  }
  const banked = irq.banked === undefined ? 0 : checkInteger("irq.banked", irq.banked, 0, lines);
  const runningPriority = checkBoolean("irq.runningPriority", irq.runningPriority);
  if (runningPriority && fetch !== "acknowledge") {
    fail("range", "irq.runningPriority", 'needs fetch "acknowledge" (a GIC acknowledges by reading IAR)');
  }
  const priorities = new Array<number>(lines).fill(DEFAULT_IRQ_PRIORITY);
  if (irq.priorities !== undefined) {
    if (typeof irq.priorities !== "object" || irq.priorities === null || Array.isArray(irq.priorities)) {
      fail("type", "irq.priorities", `must be an object { [line]: priority }, got ${describe(irq.priorities)}`);
    }
    for (const [key, value] of Object.entries(irq.priorities as Record<string, unknown>)) {
      const line = /^(0|[1-9]\d*)$/.test(key) ? Number(key) : -1;
      if (line < 0 || line >= lines) {
        fail("range", `irq.priorities[${key}]`, `names no line (lines are 0..${lines - 1})`);
      }
      priorities[line] = checkInteger(`irq.priorities[${key}]`, value, 0, 255);
    }
  }
  let raisable = Array.from({ length: lines }, (_, line) => line).filter((line) => line !== none);
  if (irq.raisable !== undefined) {
    if (!Array.isArray(irq.raisable)) {
      fail("type", "irq.raisable", `must be an array of lines, got ${describe(irq.raisable)}`);
    }
    const named = new Set<number>();
    for (const [index, line] of (irq.raisable as unknown[]).entries()) {
      const checked = checkInteger(`irq.raisable[${index}]`, line, 0, lines - 1);
      if (checked === none) fail("range", `irq.raisable[${index}]`, `is the none value ${none}: it cannot be raised`);
      named.add(checked);
    }
    raisable = [...named].sort((a, b) => a - b);
    if (raisable.length === 0) {
      fail("range", "irq.raisable", "names no line: a controller with IRQs raises at least one");
    }
  }
  if (lines === 1 && none === 0 || raisable.length === 0) {
    fail("range", "irq", "has no raisable line: its only line 0 is the none value");
  }
  return { lines, none, order: irq.order as IrqOrder, fetch, banked, runningPriority, priorities, raisable };
}

const IRQ_KEYS = ["lines", "none", "order", "fetch", "banked", "runningPriority", "priorities", "raisable"];

function checkWindow(value: unknown, frameSize: bigint, board: readonly ResolvedRegion[]): ResolvedRegion[] {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    fail("type", "testWindow", `must be an object { start, size }, got ${describe(value)}`);
  }
  const window = value as Record<string, unknown>;
  for (const key of Object.keys(window)) {
    if (!["start", "size"].includes(key)) fail("type", `testWindow.${key}`, "is not a window field (start, size)");
  }
  const { start, size } = window;
  if (typeof start !== "bigint") fail("type", "testWindow.start", `must be a bigint, got ${describe(start)}`);
  if (typeof size !== "bigint") fail("type", "testWindow.size", `must be a bigint, got ${describe(size)}`);
  if (size <= 0n) fail("range", "testWindow.size", `must be positive, got ${size}`);
  if (start % frameSize !== 0n || size % frameSize !== 0n) {
    fail("range", "testWindow", `must be aligned to the frame size ${frameSize}`);
  }
  const end = start + size;
  const clipped = board
    .filter((region) => region.start < end && region.end > start)
    .map((region) => {
      const from = region.start > start ? region.start : start;
      const to = region.end < end ? region.end : end;
      return { start: from, size: to - from, end: to, node: region.node };
    });
  if (clipped.length === 0) {
    fail("range", "testWindow", `[${formatAddress(start)}, ${formatAddress(end)}) holds no RAM`);
  }
  return clipped;
}

/**
 * Checks a profile and returns it with defaults filled in.
 *
 * Throws a `TypeError` (wrong type, unknown field) or a `RangeError` (value
 * out of range, overlapping or unaligned regions) whose message names the
 * field and what was expected.
 *
 * @example
 * ```ts
 * import { validateProfile } from "@halconf/halconf";
 *
 * const profile = validateProfile({ memory: [{ start: 0x8000_0000n, size: 0x10_0000n }] });
 * profile.frameSize; // 4096
 * ```
 *
 * @example A rejection
 * ```ts
 * import { validateProfile } from "@halconf/halconf";
 *
 * try {
 *   validateProfile({ memory: [{ start: 0x8000_0800n, size: 0x1000n }] });
 * } catch (error) {
 *   // RangeError: Invalid HAL profile: memory[0].start 0x8000_0800 is not aligned ...
 * }
 * ```
 */
export function validateProfile(profile: unknown): ResolvedProfile {
  if (typeof profile !== "object" || profile === null || Array.isArray(profile)) {
    fail("type", "profile", `must be an object, got ${describe(profile)}`);
  }
  const raw = profile as HalProfile & Record<string, unknown>;
  for (const key of Object.keys(raw)) {
    if (!PROFILE_KEYS.has(key)) {
      fail("type", key, `is not a profile field (expected one of ${[...PROFILE_KEYS].join(", ")})`);
    }
  }
  const frameSize = raw.frameSize === undefined ? 4096 : checkInteger("frameSize", raw.frameSize, 4096, 2 ** 40);
  if ((BigInt(frameSize) & (BigInt(frameSize) - 1n)) !== 0n) {
    fail("range", "frameSize", `must be a power of two, got ${frameSize}`);
  }
  if (!Array.isArray(raw.memory)) fail("type", "memory", `must be an array of regions, got ${describe(raw.memory)}`);
  if (raw.memory.length === 0) fail("range", "memory", "must declare at least one region");
  const memory = raw.memory.map((region, index) => checkRegion(index, region, BigInt(frameSize)));
  const order = memory.map((region, index) => ({ region, index })).sort((a, b) =>
    a.region.start < b.region.start ? -1 : a.region.start > b.region.start ? 1 : 0
  );
  for (let i = 1; i < order.length; i++) {
    const previous = order[i - 1], current = order[i];
    if (current.region.start < previous.region.end) {
      fail(
        "range",
        "memory",
        `regions ${previous.index} and ${current.index} overlap at ${formatAddress(current.region.start)}`,
      );
    }
  }
  const board = order.map(({ region }) => region);
  const pool = raw.testWindow === undefined ? board : checkWindow(raw.testWindow, BigInt(frameSize), board);
  const onlyZero = pool.length === 1 && pool[0].start === 0n && pool[0].size === BigInt(frameSize);
  if (onlyZero) fail("range", "memory", "has no usable frame: its only frame is at address 0");
  const contract = raw.contract === undefined ? "axvcpu-hal" : raw.contract;
  if (!CONTRACT_EDITIONS.includes(contract)) {
    fail("type", "contract", `must be one of ${CONTRACT_EDITIONS.join(", ")}, got ${describe(raw.contract)}`);
  }
  const cpus = raw.cpus === undefined ? 1 : checkInteger("cpus", raw.cpus, 1, MAX_CPUS);
  const nodes = new Set(board.map((region) => region.node));
  let cpuNodes = new Array<number>(cpus).fill(0);
  if (raw.cpuNodes !== undefined) {
    if (!Array.isArray(raw.cpuNodes)) fail("type", "cpuNodes", `must be an array, got ${describe(raw.cpuNodes)}`);
    if (raw.cpuNodes.length !== cpus) {
      fail("range", "cpuNodes", `must name a node for each of the ${cpus} CPUs, got ${raw.cpuNodes.length}`);
    }
    cpuNodes = raw.cpuNodes.map((node, cpu) => {
      const value = checkInteger(`cpuNodes[${cpu}]`, node, 0, MAX_CPUS);
      if (!nodes.has(value)) fail("range", `cpuNodes[${cpu}]`, `names node ${value}, which has no memory`);
      return value;
    });
  } else if (nodes.size > 1 || !nodes.has(0)) {
    fail("range", "memory", "names NUMA nodes but the profile declares no cpuNodes");
  }
  return {
    contract,
    frameSize,
    memory: pool,
    board,
    ...(raw.testWindow ? { testWindow: { start: raw.testWindow.start, size: raw.testWindow.size } } : {}),
    cpus,
    cpuNodes,
    numa: raw.cpuNodes !== undefined,
    irq: raw.irq === undefined ? undefined : checkIrq(raw.irq),
    zeroedFrames: checkBoolean("zeroedFrames", raw.zeroedFrames),
    strictFree: checkBoolean("strictFree", raw.strictFree),
  };
}

/**
 * The profile a resolved one stands for, as a HAL would declare it: a fresh object made from validated values only,
 * so that what a HAL does to its own profile object after validation (a `create` that deletes its claims) changes
 * nothing that is declared or judged. `validateProfile(declaredProfile(p))` equals `p`.
 *
 * @example
 * ```ts
 * import { declaredProfile, validateProfile } from "@halconf/halconf";
 *
 * const declared = declaredProfile(validateProfile({ memory: [{ start: 0x8000_0000n, size: 0x10_0000n }] }));
 * declared.memory[0].node; // 0
 * ```
 */
export function declaredProfile(profile: ResolvedProfile): HalProfile {
  const irq = profile.irq;
  const priorities: Record<number, number> = {};
  if (irq) irq.priorities.forEach((value, line) => value !== DEFAULT_IRQ_PRIORITY && (priorities[line] = value));
  // Defaults are left out, as a HAL would leave them out.
  return {
    ...(profile.contract !== "axvcpu-hal" ? { contract: profile.contract } : {}),
    ...(profile.frameSize !== 4096 ? { frameSize: profile.frameSize } : {}),
    memory: profile.board.map(({ start, size, node }) => ({ start, size, node })),
    ...(profile.cpus !== 1 ? { cpus: profile.cpus } : {}),
    ...(profile.numa ? { cpuNodes: [...profile.cpuNodes] } : {}),
    ...(irq
      ? {
        irq: {
          lines: irq.lines,
          none: irq.none,
          order: irq.order,
          ...(irq.fetch !== "peek" || irq.banked !== 0 ? { fetch: irq.fetch, banked: irq.banked } : {}),
          ...(irq.runningPriority ? { runningPriority: true } : {}),
          ...(Object.keys(priorities).length > 0 ? { priorities } : {}),
          ...(irq.raisable.length !== irq.lines - (irq.none < irq.lines ? 1 : 0)
            ? { raisable: [...irq.raisable] }
            : {}),
        },
      }
      : {}),
    ...(profile.testWindow ? { testWindow: { ...profile.testWindow } } : {}),
    ...(profile.zeroedFrames ? { zeroedFrames: true } : {}),
    ...(profile.strictFree ? { strictFree: true } : {}),
  };
}

/**
 * Why a HAL name cannot be used, or `undefined` when it can: names appear
 * in every report format, so they must be one printable line.
 *
 * @example
 * ```ts
 * import { nameProblem } from "@halconf/halconf";
 *
 * nameProblem("my-hal"); // undefined
 * nameProblem("a\nb"); // "must be one line of printable characters"
 * ```
 */
export function nameProblem(name: unknown): string | undefined {
  if (typeof name !== "string" || name.trim() === "") return "must be a non-empty string";
  if (name.length > 100) return "must be at most 100 characters";
  // deno-lint-ignore no-control-regex
  if (/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/.test(name)) return "must be one line of printable characters";
  return undefined;
}

/**
 * Checks that a value has the shape of a `HalTarget` and a valid profile.
 *
 * @example
 * ```ts
 * import { identityHal, validateTarget } from "@halconf/halconf";
 *
 * validateTarget(identityHal(), "identity");
 * ```
 */
export function validateTarget(value: unknown, source: string): HalTarget {
  const prefix = `Cannot load HAL "${source}":`;
  if (typeof value !== "object" || value === null) {
    throw new TypeError(`${prefix} the default export must be a HalTarget object, got ${describe(value)}`);
  }
  const target = value as Partial<HalTarget>;
  const problem = nameProblem(target.name);
  if (problem) throw new TypeError(`${prefix} "name" ${problem}, got ${describe(target.name)}`);
  if (typeof target.create !== "function") {
    throw new TypeError(`${prefix} "create" must be a function (host) => HalInstance, got ${describe(target.create)}`);
  }
  if (target.profile === undefined) {
    throw new TypeError(`${prefix} "profile" is missing`);
  }
  try {
    validateProfile(target.profile);
  } catch (error) {
    const message = (error as Error).message;
    const Kind = error instanceof RangeError ? RangeError : TypeError;
    throw new Kind(`${prefix} ${message}`);
  }
  return target as HalTarget;
}

/** Number of usable frames: every frame in declared RAM except the one at address 0. */
export function capacityOf(profile: ResolvedProfile): bigint {
  const frame = BigInt(profile.frameSize);
  let frames = 0n;
  for (const region of profile.memory) {
    frames += region.size / frame;
    if (region.start === 0n) frames -= 1n;
  }
  return frames;
}

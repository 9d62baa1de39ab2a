/**
 * The reference model the judge keeps while it walks a trace: which frames
 * are live, which were freed, what each frame translates to, what memory
 * holds, which IRQ lines are pending. Each operation's rules live in a
 * module of their own beside this one.
 *
 * @module
 */

import { formatAddress } from "../../contract/address.ts";
import { capacityOf, type ResolvedProfile, type ResolvedRegion } from "../../contract/profile.ts";
import type { ReachState } from "../reach.ts";
import { FrameIndex, type FrameTable } from "../../program/frame_table.ts";

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
  /** Other clauses the same behaviour breaks (a dispatch repeated breaks IRQ-5 and IRQ-6). */
  also?: string[];
  /** The permission the sandbox denied the HAL (`net access to "127.0.0.1:9"`), for a harness error. */
  denied?: string;
}

/** Builds the violation of one step: clause, message, expected, actual. */
export type Report = (
  clause: string,
  message: string,
  expected?: string,
  actual?: string,
  also?: string[],
) => Violation;

/** What the model knows of one live frame's bytes: only frames written to have one (unwritten bytes are zero under zeroedFrames). */
export interface FrameMemory {
  /** The byte written at each offset (meaningful where `steps` is not 0). */
  values: Uint8Array;
  /** The step that wrote each offset, plus one; 0 where nothing was written. */
  steps: Int32Array;
  /** The offsets written lie in `[low, high)` (what must be cleared before the arrays are used again). */
  low: number;
  high: number;
}

/** The address of each region's last frame, per list of regions (made once: a model is made per program judged). */
const LAST_FRAMES = new WeakMap<readonly ResolvedRegion[], { frameSize: bigint; lasts: Map<ResolvedRegion, bigint> }>();

function lastFramesOf(regions: readonly ResolvedRegion[], frameSize: bigint): Map<ResolvedRegion, bigint> {
  let known = LAST_FRAMES.get(regions);
  if (known === undefined || known.frameSize !== frameSize) {
    known = { frameSize, lasts: new Map(regions.map((region) => [region, region.end - frameSize])) };
    LAST_FRAMES.set(regions, known);
  }
  return known.lasts;
}

/** Each profile's usable frames, in all and per node (made once: a model is made per program judged). */
const COUNTS = new WeakMap<ResolvedProfile, { capacity: number; nodeCapacity: number[]; nodes: number[] }>();

function countsOf(profile: ResolvedProfile): { capacity: number; nodeCapacity: number[]; nodes: number[] } {
  let counts = COUNTS.get(profile);
  if (counts === undefined) {
    const frameSize = BigInt(profile.frameSize);
    const nodeCapacity: number[] = [];
    for (const region of profile.memory) {
      const frames = Number(region.size / frameSize) - (region.start === 0n ? 1 : 0);
      nodeCapacity[region.node] = (nodeCapacity[region.node] ?? 0) + frames;
    }
    // Live frames start at 0 on every node that has RAM (and undefined elsewhere, as nodeCapacity).
    const nodes = nodeCapacity.map((frames) => (frames === undefined ? frames : 0)) as number[];
    counts = { capacity: Number(capacityOf(profile)), nodeCapacity, nodes };
    COUNTS.set(profile, counts);
  }
  return counts;
}

/**
 * The index of the region of `regions` (in address order, not overlapping) holding `address`, or -1: a loop over a
 * few (this runs for every frame a fill hands out), halves over a board of thousands.
 */
function regionIndex(regions: readonly ResolvedRegion[], address: bigint): number {
  if (regions.length <= 8) {
    for (let i = 0; i < regions.length; i++) {
      if (address >= regions[i].start && address < regions[i].end) return i;
    }
    return -1;
  }
  let low = 0, high = regions.length - 1;
  while (low < high) {
    const middle = (low + high + 1) >> 1;
    if (regions[middle].start <= address) low = middle;
    else high = middle - 1;
  }
  return address >= regions[low].start && address < regions[low].end ? low : -1;
}

/** Frame memories given back by models, by frame size: a pair of typed arrays is costly to make per write. */
const SPARE_MEMORIES = new Map<number, FrameMemory[]>();

/**
 * Describes any value for a message: bigints as addresses.
 *
 * @example
 * ```ts
 * import { describeValue } from "@halconf/halconf";
 *
 * describeValue(0x8000_1000n); // "0x8000_1000"
 * describeValue(4096); // "4096 (a number)"
 * ```
 */
export function describeValue(value: unknown): string {
  if (typeof value === "bigint") return formatAddress(value);
  if (value === null) return "null";
  if (value === undefined) return "undefined";
  if (typeof value === "number") return `${value} (a number)`;
  if (value instanceof Uint8Array) return `[${[...value].join(", ")}]`;
  if (typeof value === "string") {
    // A HAL chose this text: reports show enough to recognise it, not all of it.
    return value.length <= 80
      ? JSON.stringify(value)
      : `${JSON.stringify(value.slice(0, 80))}... (${value.length} characters)`;
  }
  return typeof value;
}

const hex = formatAddress;

/** A pending IRQ line: `cpu` is the CPU whose banked copy it is, or -1 for a shared line. */
export interface PendingIrq {
  /** The line. */
  irq: number;
  /** The CPU of a banked line, -1 for a shared one. */
  cpu: number;
  /** The step that raised it. */
  step: number;
}

/** A line `irqFetch` acknowledged (acknowledge semantics), waiting for `irqHandler` on CPU `on`. */
export interface ActiveIrq extends PendingIrq {
  /** The CPU that fetched it. */
  on: number;
}

/** A live contiguous range. */
export interface LiveRange {
  /** Its frame count. */
  count: number;
  /** The step that allocated it. */
  step: number;
  /** The first translation seen of one of its frames: the others must follow it (CONTIG-7). */
  anchor?: { paddr: bigint; vaddr: bigint; step: number };
}

/** The state of the contract's reference model after the steps judged so far. */
export class ContractModel {
  /** The profile the HAL declared. */
  readonly profile: ResolvedProfile;
  readonly frameSize: bigint;
  /** Usable frames in all. */
  readonly capacity: number;
  /** Usable frames per NUMA node (shared by every model of the profile: read only). */
  readonly nodeCapacity: readonly number[];
  /** Live frames per NUMA node. */
  readonly nodeLive: number[];
  /** Live frames, with the step that handed each out. */
  readonly live: FrameTable;
  /** Frames freed and not handed out since, with the step that freed them. */
  readonly freedFree: FrameTable;
  // The collections most programs never use are made on first use (a model is made per program judged: eight empty
  // maps each were 7% of a default run's allocation). The counts below read them without making them.
  #rejected: Set<bigint> | undefined;
  #xlate: Map<bigint, { virtBase: bigint; offset: bigint; step: number }> | undefined;
  #virtPages: Map<bigint, { physBase: bigint; step: number }> | undefined;
  #memory: Map<bigint, FrameMemory> | undefined;
  #lastDispatch: Map<number, number> | undefined;
  #lastRaise: Map<number, number> | undefined;
  #peeked: Map<number, number> | undefined;
  #writes: { frame: bigint; offset: number; bytes: readonly number[]; step: number }[] | undefined;
  #ranges: Map<bigint, LiveRange> | undefined;
  #rangeOwner: Map<bigint, bigint> | undefined;
  #freedFromRange: Set<bigint> | undefined;

  /** Frames a rejected (strict) free named. */
  get rejected(): Set<bigint> {
    return this.#rejected ??= new Set();
  }
  /** Each frame's translation as first seen: its virtual page, and the offset and step it was seen at. */
  get xlate(): Map<bigint, { virtBase: bigint; offset: bigint; step: number }> {
    return this.#xlate ??= new Map();
  }
  /** The same, by virtual page. */
  get virtPages(): Map<bigint, { physBase: bigint; step: number }> {
    return this.#virtPages ??= new Map();
  }
  /** What each live frame that was written to holds (a frame is forgotten when freed). */
  get memory(): Map<bigint, FrameMemory> {
    return this.#memory ??= new Map();
  }
  /** The step that last dispatched each line. */
  get lastDispatch(): Map<number, number> {
    return this.#lastDispatch ??= new Map();
  }
  /** Every write of the program, in order (few: what aliasing is traced back to once the frame written is freed). */
  get writes(): { frame: bigint; offset: number; bytes: readonly number[]; step: number }[] {
    return this.#writes ??= [];
  }
  /** Lines a peek fetch returned and no handler dispatched since, with the step of that fetch. */
  get peeked(): Map<number, number> {
    return this.#peeked ??= new Map();
  }
  /** The step that last raised each line. */
  get lastRaise(): Map<number, number> {
    return this.#lastRaise ??= new Map();
  }
  /** Live contiguous ranges, by first frame. */
  get ranges(): Map<bigint, LiveRange> {
    return this.#ranges ??= new Map();
  }
  /** The first frame of the live range each frame of a live range belongs to. */
  get rangeOwner(): Map<bigint, bigint> {
    return this.#rangeOwner ??= new Map();
  }
  /** Frames freed as part of a range and not handed out since (CONTIG-5 rather than FREE-2). */
  get freedFromRange(): Set<bigint> {
    return this.#freedFromRange ??= new Set();
  }
  /** How many frames a rejected free named (`rejected.size`). */
  get rejectedCount(): number {
    return this.#rejected?.size ?? 0;
  }
  /** How many frames hold written bytes (`memory.size`). */
  get writtenFrameCount(): number {
    return this.#memory?.size ?? 0;
  }
  /** How many ranges are live (`ranges.size`). */
  get liveRangeCount(): number {
    return this.#ranges?.size ?? 0;
  }
  /** How many frames belong to live ranges (`rangeOwner.size`). */
  get rangeFrameCount(): number {
    return this.#rangeOwner?.size ?? 0;
  }
  /** How many frames freed with their range wait to be handed out again (`freedFromRange.size`). */
  get freedFromRangeCount(): number {
    return this.#freedFromRange?.size ?? 0;
  }
  /** Pending IRQ lines, in the order they became pending. */
  readonly pending: PendingIrq[] = [];
  /** Lines acknowledged by irqFetch and not yet dispatched (acknowledge semantics). */
  readonly active: ActiveIrq[] = [];
  /** Whether a banked line was raised (IRQ-10 is exercised only then). */
  bankedRaised = false;
  /** The last irqFetch result since the pending set last changed (peek semantics). */
  lastFetch: { irq: number; step: number; cpu: number } | undefined;
  /** The CPU the program runs on. */
  cpu = 0;
  /** Set after an operation whose effect the contract leaves undefined. */
  tainted = false;
  /** Clauses a judged step could have broken: what the program exercised. */
  readonly reached = new Set<string>();
  /** Frees accepted so far (FREE-2 is exercised only after one). */
  frees = 0;
  /** The model states the program visited (see reach.ts). */
  readonly visited = new Set<ReachState>();
  /** Times `allocFrame` returned null with every frame live. */
  drains = 0;
  /** The drain after which a frame was last handed out (so the state is recorded once per drain, not per frame). */
  refilledAfter = 0;
  /** Regions and CPUs frames were handed out from and on, until all were (then these stop growing). */
  readonly regionsUsed = new Set<ResolvedRegion>();
  readonly cpusUsed = new Set<number>();

  /** Records a drained pool. */
  drained(): void {
    this.drains++;
    this.visited.add(this.drains > 1 ? "drained twice" : "pool drained");
  }

  /** Records where and when a frame was handed out: cheap after the first frames, as this runs per frame. */
  handedOut(region: ResolvedRegion): void {
    if (this.drains > this.refilledAfter) {
      this.refilledAfter = this.drains;
      this.visited.add("refilled after a drain");
    }
    if (this.liveRangeCount > 0) this.visited.add("frame allocated while a range is live");
    if (this.regionsUsed.size < this.profile.memory.length) {
      this.regionsUsed.add(region);
      if (this.regionsUsed.size === this.profile.memory.length) this.visited.add("every region touched");
    }
    if (this.cpusUsed.size < this.profile.cpus) {
      this.cpusUsed.add(this.cpu);
      if (this.cpusUsed.size === this.profile.cpus) this.visited.add("every CPU allocated on");
    }
  }
  /** Whether ALLOC-2, ALLOC-3 to 5 and ALLOC-6 were recorded as reached (checked per frame, recorded once). */
  allocationReached = false;
  placementReached = false;
  uniquenessReached = false;
  rejectedReached = false;
  reuseReached = false;

  /** Marks clauses as exercised by the step being judged (up to three; no array per call: this runs per frame). */
  reach(clause: string, second?: string, third?: string): void {
    this.reached.add(clause);
    if (second !== undefined) this.reached.add(second);
    if (third !== undefined) this.reached.add(third);
  }

  readonly #frames: FrameIndex;

  /** An empty model: nothing live, nothing pending. Call `dispose` when done with it. */
  constructor(profile: ResolvedProfile) {
    this.profile = profile;
    this.#frames = FrameIndex.ofProfile(profile);
    this.live = this.#frames.table();
    this.freedFree = this.#frames.table();
    this.frameSize = BigInt(profile.frameSize);
    const counts = countsOf(profile);
    this.capacity = counts.capacity;
    this.nodeCapacity = counts.nodeCapacity;
    this.nodeLive = counts.nodes.slice();
    this.#lastFrames = lastFramesOf(profile.memory, this.frameSize);
  }

  /** Gives the model's frame tables back for the next model of this profile; the model must not be used after. */
  dispose(): void {
    this.#frames.release(this.live);
    this.#frames.release(this.freedFree);
    if (this.#memory !== undefined) { for (const frame of this.#memory.keys()) this.forgetBytes(frame); }
  }

  /** What the model knows of `frame`'s bytes, made empty on first use. */
  bytesOf(frame: bigint): FrameMemory {
    let memory = this.memory.get(frame);
    if (memory === undefined) {
      const size = this.profile.frameSize;
      memory = SPARE_MEMORIES.get(size)?.pop() ??
        { values: new Uint8Array(size), steps: new Int32Array(size), low: size, high: 0 };
      this.memory.set(frame, memory);
    }
    return memory;
  }

  /** Forgets what `frame` holds (it was freed): its bytes read as unknown, or zero under zeroedFrames, again. */
  forgetBytes(frame: bigint): void {
    const memory = this.memory.get(frame);
    if (memory === undefined) return;
    this.memory.delete(frame);
    memory.steps.fill(0, memory.low, memory.high);
    memory.low = memory.steps.length;
    memory.high = 0;
    const spare = SPARE_MEMORIES.get(memory.steps.length) ?? [];
    SPARE_MEMORIES.set(memory.steps.length, spare);
    if (spare.length < 64) spare.push(memory);
  }

  /** The region last found by `regionOf`, by index: a fill's frames mostly follow each other. */
  #lastRegion = 0;

  /** The declared region (in the test window, if any) holding `address`. */
  regionOf(address: bigint): ResolvedRegion | undefined {
    const regions = this.profile.memory;
    // The region of the frame before, or the one after it: a fill moves through regions in order.
    for (let i = this.#lastRegion; i < this.#lastRegion + 2 && i < regions.length; i++) {
      if (address >= regions[i].start && address < regions[i].end) {
        this.#lastRegion = i;
        return regions[i];
      }
    }
    const found = regionIndex(regions, address);
    if (found < 0) return undefined;
    this.#lastRegion = found;
    return regions[found];
  }

  /** The declared region (whole, ignoring the test window) holding `address`: where `physToVirt` is defined. */
  boardRegionOf(address: bigint): ResolvedRegion | undefined {
    const found = regionIndex(this.profile.board, address);
    return found < 0 ? undefined : this.profile.board[found];
  }

  readonly #lastFrames: Map<ResolvedRegion, bigint>;

  /** The address of a region's last frame (precomputed: `end - frameSize` would allocate a bigint per frame). */
  lastFrameOf(region: ResolvedRegion): bigint {
    return this.#lastFrames.get(region)!;
  }

  /** Usable frames of `node` that are not live. */
  nodeFree(node: number): number {
    return (this.nodeCapacity[node] ?? 0) - (this.nodeLive[node] ?? 0);
  }

  /** A few frames never handed out, for messages. */
  neverHandedOut(): string {
    const examples: string[] = [];
    for (const region of this.profile.memory) {
      let seen = 0;
      for (let frame = region.start; frame < region.end && seen < 100_000; frame += this.frameSize, seen++) {
        // Every frame handed out is live, or freed and not handed out again.
        if (frame !== 0n && !this.live.has(frame) && !this.freedFree.has(frame) && !this.rangeOwner.has(frame)) {
          examples.push(hex(frame));
          break;
        }
      }
      if (examples.length >= 3) break;
    }
    return examples.join(", ") || "(none found)";
  }

  /** Why `paddr` is not a live frame, for messages. */
  whyNotLive(paddr: bigint): string {
    if (paddr % this.frameSize !== 0n) return "an unaligned address";
    if (!this.regionOf(paddr)) return "an address outside declared RAM";
    const range = this.rangeOwner.get(paddr);
    if (range !== undefined) {
      return `a frame of the live range at ${hex(range)} (allocated at step ${this.ranges.get(range)!.step + 1})`;
    }
    if (this.freedFree.has(paddr)) return `a double free (freed at step ${this.freedFree.get(paddr)! + 1})`;
    return "a frame that was never allocated";
  }

  /** Frames live in all: single frames and frames of live ranges. */
  get liveFrames(): number {
    return this.live.size + this.rangeFrameCount;
  }

  /**
   * The pending lines the current CPU can be served: shared lines and its own
   * banked ones, except (acknowledge semantics) lines active since a fetch.
   */
  visiblePending(): PendingIrq[] {
    const cpu = this.cpu;
    const acknowledging = this.profile.irq?.fetch === "acknowledge" && this.active.length > 0;
    return this.pending.filter((entry) =>
      (entry.cpu < 0 || entry.cpu === cpu) &&
      !(acknowledging && this.active.some((active) => active.irq === entry.irq && active.cpu === entry.cpu))
    );
  }

  /** A line's priority: lower is more urgent (all equal unless a GIC profile names them). */
  priorityOf(irq: number): number {
    return this.profile.irq!.priorities[irq] ?? 0;
  }

  /**
   * The line `irqHandler` on `cpu` completes next under acknowledge semantics: the oldest line acknowledged there,
   * or, with a GIC's running priority, the most recent (priority drop is last in, first out).
   */
  acknowledgedOn(cpu: number): ActiveIrq | undefined {
    if (this.active.length === 0) return undefined;
    if (this.profile.irq!.runningPriority) return this.active.findLast((entry) => entry.on === cpu);
    return this.active.find((entry) => entry.on === cpu);
  }

  /** A GIC CPU interface's running priority: the priority of its most recent active line, or 256 when idle. */
  runningPriority(cpu: number): number {
    const top = this.profile.irq!.runningPriority ? this.acknowledgedOn(cpu) : undefined;
    return top === undefined ? 256 : this.priorityOf(top.irq);
  }

  /**
   * The pending lines the current CPU may be served now: all it can see, or, with a GIC's running priority, those
   * of a strictly higher priority than the line active there (they preempt it).
   */
  deliverable(visible: PendingIrq[] = this.visiblePending()): PendingIrq[] {
    if (!this.profile.irq?.runningPriority || visible.length === 0) return visible;
    const running = this.runningPriority(this.cpu);
    return running === 256 ? visible : visible.filter((entry) => this.priorityOf(entry.irq) < running);
  }

  /**
   * The line the priorities and the declared order serve next on this CPU: `none` when nothing may be served,
   * undefined when any of the most urgent lines may come first (order any).
   */
  expectedCurrent(deliverable: readonly PendingIrq[] = this.deliverable()): number | undefined {
    let lines = deliverable.map((entry) => entry.irq);
    if (lines.length === 0) return this.profile.irq?.none;
    if (lines.length > 1 && ranked(this.profile.irq!.priorities)) {
      const best = Math.min(...lines.map((irq) => this.priorityOf(irq)));
      lines = lines.filter((irq) => this.priorityOf(irq) === best);
      if (lines.length === 1) return lines[0];
    }
    switch (this.profile.irq?.order) {
      case "lowest-first":
        return Math.min(...lines);
      case "highest-first":
        return Math.max(...lines);
      case "fifo":
        return lines[0];
      default:
        return undefined;
    }
  }

  /** A hint for a lost line that was dispatched before: was it completed? */
  completionHint(lines: readonly number[]): string {
    const again = lines.find((irq) => this.lastDispatch.has(irq));
    if (again === undefined) return "";
    return ` (IRQ ${again} was dispatched at step ${
      this.lastDispatch.get(again)! + 1
    }: was it completed with an end of interrupt?)`;
  }
}

/** Whether a profile's lines have more than one priority (most have one: then priorities order nothing). */
const RANKED = new WeakMap<readonly number[], boolean>();
function ranked(priorities: readonly number[]): boolean {
  let known = RANKED.get(priorities);
  if (known === undefined) RANKED.set(priorities, known = priorities.some((priority) => priority !== priorities[0]));
  return known;
}

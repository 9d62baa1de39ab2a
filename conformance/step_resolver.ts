/**
 * What each step of a program operates on. A program names earlier results
 * by pick (`free { frame: 2 }`); which address that is depends on what the
 * HAL returned so far. Both sides of the driver protocol resolve picks with
 * this one module: the executor (beside the HAL) to make its calls, and the
 * trusted trace reader to check that the driver called what the program
 * asked, and to rebuild the addresses of every step from results alone.
 *
 * @module
 */

import type { TraceStep } from "./executor.ts";
import type { Pick } from "./program.ts";
import type { ResolvedProfile } from "./profile.ts";

interface Entry {
  paddr: bigint;
  step: number;
  nth: number;
}

interface Translated extends Entry {
  vaddr: bigint;
}

/** A live contiguous range: its first frame, its frame count, and the step that allocated it. */
interface Range extends Entry {
  count: number;
}

/** The entry a pick resolves to: an index modulo the length (negative from the end), or a step reference. */
function resolve<T extends Entry>(list: readonly T[], pick: Pick): T | undefined {
  if (typeof pick === "number") {
    return list.length === 0 ? undefined : list[((pick % list.length) + list.length) % list.length];
  }
  return list.find((entry) => entry.step === pick.step && entry.nth === pick.nth);
}

/**
 * Tracks live frames, freed frames and translations as a program runs, and
 * resolves each step's picks against them.
 *
 * @example
 * ```ts ignore
 * const resolver = new StepResolver(profile);
 * const step = { index: 0, op: { op: "alloc" }, cpu: 0, dispatched: [] };
 * if (resolver.resolve(step)) { step.result = hal.allocFrame(); resolver.settle(step); }
 * ```
 */
export class StepResolver {
  readonly #frameSize: number;
  readonly #cpus: number;
  // Live frames as parallel arrays, not an object per frame: a fill adds thousands.
  readonly #livePaddr: bigint[] = [];
  readonly #liveStep: number[] = [];
  readonly #liveNth: number[] = [];
  // Freed frames in the order they were freed. A frame handed out again leaves the list; so that a fill after a
  // free of hundreds does not search the list per frame, entries are marked gone (found through #freedBy, oldest
  // first) and swept out only when a pick needs the list.
  #freed: (Entry & { gone?: boolean })[] = [];
  readonly #freedBy = new Map<bigint, (Entry & { gone?: boolean })[]>();
  #freedGone = 0;
  readonly #translated: Translated[] = [];
  readonly #ranges: Range[] = [];
  /** The CPU `host.currentCpu()` reports. */
  cpu = 0;
  /** The frame the last resolved pick named (for `read`/`write`, whose `paddr` carries an offset). */
  pickedFrame = 0n;

  /** A resolver for a fresh instance: nothing live, CPU 0. */
  constructor(profile: ResolvedProfile) {
    this.#frameSize = profile.frameSize;
    this.#cpus = profile.cpus;
  }

  /**
   * Fills in what `step` operates on (`paddr`, `vaddr`, `source`, the CPU
   * after `setCpu`). Returns false, with `step.skipped` set, when a pick has
   * nothing to pick: the step then makes no call.
   */
  resolve(step: TraceStep): boolean {
    const op = step.op;
    const frameSize = this.#frameSize;
    switch (op.op) {
      case "free":
        return this.#pickLive(step, op.frame, 0);
      case "freeAgain": {
        if (this.#freedGone > 0) {
          this.#freed = this.#freed.filter((entry) => !entry.gone);
          this.#freedGone = 0;
        }
        const entry = this.#choose(step, this.#freed, op.frame, "freed frame");
        if (entry === undefined) return false;
        step.paddr = entry.paddr;
        return true;
      }
      case "freeRaw":
      case "p2vRaw":
        step.paddr = op.addr;
        return true;
      case "p2v":
        return this.#pickLive(step, op.frame, op.offset % frameSize);
      case "v2p": {
        const entry = this.#choose(step, this.#translated, op.pick, "p2v result");
        if (entry === undefined) return false;
        const offset = BigInt(op.offset % frameSize);
        const size = BigInt(frameSize);
        step.vaddr = entry.vaddr - entry.paddr % size + offset;
        step.paddr = entry.paddr - entry.paddr % size + offset;
        return true;
      }
      case "write":
      case "read": {
        const size = op.op === "write" ? op.bytes.length : op.length;
        return this.#pickLive(step, op.frame, Math.min(op.offset % frameSize, frameSize - size));
      }
      case "setCpu":
        this.cpu = op.cpu % this.#cpus;
        step.cpu = this.cpu;
        return true;
      case "freeMany":
        step.paddrs = this.#manyToFree(op.count, op.stride);
        return true;
      case "freeContig":
      case "freeContigBad":
      case "freeInRange":
      case "p2vContig": {
        const range = this.#choose(step, this.#ranges, op.range, "live range");
        if (range === undefined) return false;
        const size = BigInt(frameSize);
        if (op.op === "freeContig") {
          step.paddr = range.paddr;
          step.count = range.count;
        } else if (op.op === "freeContigBad") {
          step.paddr = op.wrong === "first" ? range.paddr + size : range.paddr;
          step.count = op.wrong === "count" ? range.count + 1 : range.count;
        } else {
          this.pickedFrame = range.paddr + BigInt(op.nth % range.count) * size;
          step.paddr = this.pickedFrame + (op.op === "p2vContig" ? BigInt(op.offset % frameSize) : 0n);
        }
        return true;
      }
      default:
        return true;
    }
  }

  /**
   * The frames a `freeMany` frees, from the live frames at the step's start:
   * indices `0, stride, 2 * stride, ...` (from the end for a negative stride),
   * at most `count`.
   */
  #manyToFree(count: number, stride: number): bigint[] {
    const live = this.#livePaddr.length;
    const step = Math.max(1, Math.abs(stride));
    const out: bigint[] = [];
    for (let j = 0; j < count && j * step < live; j++) {
      out.push(this.#livePaddr[stride < 0 ? live - 1 - j * step : j * step]);
    }
    return out;
  }

  /** Records the effect of a step that ran: frames handed out, freed, translated. */
  settle(step: TraceStep): void {
    switch (step.op.op) {
      case "alloc":
        if (!step.threw) this.#handedOut(step.result, step.index, 0);
        break;
      case "fill": {
        const values = step.result as unknown[];
        for (let nth = 0; nth < values.length; nth++) this.#handedOut(values[nth], step.index, nth);
        break;
      }
      case "free":
      case "freeAgain":
      case "freeRaw":
        if (!step.threw) this.#released(step.paddr!, step.index);
        break;
      case "freeMany": {
        const calls = step.paddrs!.slice(0, (step.result as number | undefined) ?? 0);
        // The call that threw freed nothing.
        this.#releasedMany(step.threw ? calls.slice(0, -1) : calls, step.index);
        break;
      }
      case "allocContig":
        if (!step.threw && typeof step.result === "bigint" && step.op.count > 0) {
          this.#ranges.push({ paddr: step.result, count: step.op.count, step: step.index, nth: 0 });
        }
        break;
      case "freeContig":
      case "freeContigBad": {
        // A wrong free may name another live range exactly (its second frame is that range's first).
        const at = this.#ranges.findIndex((range) => range.paddr === step.paddr && range.count === step.count);
        if (!step.threw && at >= 0) this.#ranges.splice(at, 1);
        break;
      }
      case "p2v":
      case "p2vRaw":
      case "p2vContig":
        if (!step.threw && typeof step.result === "bigint") {
          this.#translated.push({ paddr: step.paddr!, vaddr: step.result, step: step.index, nth: 0 });
        }
        break;
    }
  }

  #choose<T extends Entry>(step: TraceStep, list: readonly T[], pick: Pick, what: string): T | undefined {
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
  }

  #pickLive(step: TraceStep, pick: Pick, offset: number): boolean {
    const count = this.#livePaddr.length;
    let at = -1;
    if (typeof pick === "number") {
      if (count > 0) at = ((pick % count) + count) % count;
    } else {
      for (let i = 0; i < count && at < 0; i++) {
        if (this.#liveStep[i] === pick.step && this.#liveNth[i] === pick.nth) at = i;
      }
    }
    if (at < 0) {
      step.skipped = typeof pick === "number"
        ? "no live frame to pick"
        : `step ${pick.step + 1} left no live frame #${pick.nth}`;
      return false;
    }
    step.source = this.#liveStep[at];
    step.sourceNth = this.#liveNth[at];
    this.pickedFrame = this.#livePaddr[at];
    step.paddr = this.#livePaddr[at] + BigInt(offset);
    return true;
  }

  #handedOut(value: unknown, step: number, nth: number): void {
    if (typeof value !== "bigint") return;
    this.#livePaddr.push(value);
    this.#liveStep.push(step);
    this.#liveNth.push(nth);
    if (this.#freedBy.size === 0) return;
    const entries = this.#freedBy.get(value);
    if (entries === undefined) return;
    entries.shift()!.gone = true;
    this.#freedGone++;
    if (entries.length === 0) this.#freedBy.delete(value);
  }

  #pushFreed(paddr: bigint, step: number): void {
    const entry = { paddr, step, nth: 0 };
    this.#freed.push(entry);
    const entries = this.#freedBy.get(paddr);
    if (entries) entries.push(entry);
    else this.#freedBy.set(paddr, [entry]);
  }

  /** Releases many frames at once: one pass over the live frames, not one per frame. */
  #releasedMany(frames: readonly bigint[], step: number): void {
    if (frames.length === 0) return;
    const gone = new Set(frames);
    let kept = 0;
    for (let i = 0; i < this.#livePaddr.length; i++) {
      if (gone.has(this.#livePaddr[i])) continue;
      this.#livePaddr[kept] = this.#livePaddr[i];
      this.#liveStep[kept] = this.#liveStep[i];
      this.#liveNth[kept] = this.#liveNth[i];
      kept++;
    }
    this.#livePaddr.length = this.#liveStep.length = this.#liveNth.length = kept;
    for (const paddr of frames) this.#pushFreed(paddr, step);
  }

  #released(paddr: bigint, step: number): void {
    const at = this.#livePaddr.indexOf(paddr);
    if (at >= 0) {
      this.#livePaddr.splice(at, 1);
      this.#liveStep.splice(at, 1);
      this.#liveNth.splice(at, 1);
    }
    this.#pushFreed(paddr, step);
  }
}

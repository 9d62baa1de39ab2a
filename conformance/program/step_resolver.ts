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
import type { Pick, Program } from "./program.ts";
import type { ResolvedProfile } from "../contract/profile.ts";
import { FrameIndex, type FrameTable } from "./frame_table.ts";
import type { WordList } from "./word_list.ts";
import { LiveList } from "./live_list.ts";

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

/** How many of the first `length` values are bigints, counted from the first. */
function leadingAddresses(values: readonly unknown[], length: number): number {
  let count = 0;
  while (count < length && typeof values[count] === "bigint") count++;
  return count;
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
  readonly #frames: FrameIndex;
  // Live frames in hand-out order, picked by position, by producing step or by address (see live_list.ts).
  readonly #live: LiveList;
  #disposed = false;
  // Freed frames in the order they were freed. A frame handed out again leaves the list (its oldest entry does);
  // so that a fill after a free of hundreds does not search the list per frame, a frame's entries still in the list
  // are counted in #unclaimed, the entries to drop in #claimed, and the list is swept only when a pick needs it.
  #freed: Entry[] = [];
  readonly #keepsFreed: boolean;
  #claimedTotal = 0;
  #unclaimed: FrameTable | undefined;
  #claimed: FrameTable | undefined;
  // The frame numbers of the frames a freeMany step chose (its settle frees them).
  readonly #manyNumbers: number[] = [];
  readonly #translated: Translated[] = [];
  readonly #ranges: Range[] = [];
  /** The CPU `host.currentCpu()` reports. */
  cpu = 0;
  /** The frame the last resolved pick named (for `read`/`write`, whose `paddr` carries an offset). */
  pickedFrame = 0n;

  /** A resolver for a fresh instance: nothing live, CPU 0. */
  /**
   * `program`, when given, is the program the steps come from: the freed-frame list is kept only if one of its steps
   * picks from it (`freeAgain`), as nothing else reads it.
   */
  constructor(profile: ResolvedProfile, program?: Program) {
    this.#frameSize = profile.frameSize;
    this.#cpus = profile.cpus;
    this.#frames = FrameIndex.ofProfile(profile);
    this.#live = new LiveList(this.#frames);
    this.#keepsFreed = program === undefined || program.some((op) => op.op === "freeAgain");
  }

  /**
   * Gives the resolver's frame tables and columns back for the next program; the resolver must not be used after.
   * A second call does nothing (a column given back twice would be shared by two resolvers).
   */
  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    // One by one, not through an array of them: this runs once per program.
    if (this.#unclaimed) this.#frames.release(this.#unclaimed);
    if (this.#claimed) this.#frames.release(this.#claimed);
    this.#unclaimed = this.#claimed = undefined;
    this.#live.dispose();
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
        if (!this.#keepsFreed) throw new Error("a freeAgain step not in the program this resolver was made for");
        this.#sweepFreed();
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
    const live = this.#live;
    const length = live.length;
    const step = Math.max(1, Math.abs(stride));
    const out: bigint[] = [];
    // Their numbers in the frame index, for the settle of this step (the live list does not change in between).
    this.#manyNumbers.length = 0;
    let slot = -1;
    for (let j = 0; j < count && j * step < length; j++) {
      // The next pick is `step` live frames on: found by scanning the bitmap from the last one when that is near
      // (a search from the root per frame was a tenth of a driver's work on a program of long frees).
      if (j === 0 || step > 32) slot = live.slotAt(stride < 0 ? length - 1 - j * step : j * step);
      else if (stride < 0) { for (let k = 0; k < step; k++) slot = live.slotBefore(slot); }
      else for (let k = 0; k < step; k++) slot = live.slotAfter(slot);
      out.push(live.paddrAt(slot));
      this.#manyNumbers.push(live.numberAt(slot));
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
        const values = step.result as WordList;
        const plain = values.plain; // a short fill: read the array itself
        // A fill joins the live list at once when no freed frame waits to be claimed and every value is an address
        // (its ending, a null, is not a frame): a long fill word by word, a short one without a push per column.
        if (!this.#unclaimed?.size) {
          const frames = plain === undefined
            ? (values.ending === undefined ? values.length : values.length - 1)
            : leadingAddresses(plain, values.length);
          const ending = values.at(frames);
          if (frames === values.length || (frames === values.length - 1 && (ending === null || ending === undefined))) {
            this.#live.appendFill(values, frames, step.index);
            break;
          }
        }
        for (let nth = 0; nth < values.length; nth++) {
          this.#handedOut(plain !== undefined ? plain[nth] : values.at(nth), step.index, nth);
        }
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
    const live = this.#live;
    const count = live.length;
    let slot = -1;
    if (typeof pick === "number") {
      if (count > 0) slot = live.slotAt(((pick % count) + count) % count);
    } else {
      slot = live.slotOfRef(pick.step, pick.nth);
    }
    if (slot < 0) {
      step.skipped = typeof pick === "number"
        ? "no live frame to pick"
        : `step ${pick.step + 1} left no live frame #${pick.nth}`;
      return false;
    }
    step.source = live.stepAt(slot);
    step.sourceNth = live.nthAt(slot);
    this.pickedFrame = live.paddrAt(slot);
    step.paddr = this.pickedFrame + BigInt(offset);
    return true;
  }

  #handedOut(value: unknown, step: number, nth: number): void {
    if (typeof value !== "bigint") return;
    const unclaimed = this.#unclaimed;
    if (unclaimed === undefined || unclaimed.size === 0) {
      this.#live.append(value, step, nth);
      return;
    }
    // The frame's number, computed once, for every table.
    const n = this.#frames.indexOf(value);
    this.#live.append(value, step, nth, n);
    if (unclaimed.count(value, n) === 0) return;
    unclaimed.add(value, -1, n);
    this.#claimed!.add(value, 1, n);
    this.#claimedTotal++;
  }

  /** Drops from the freed list the entries of frames handed out again (each hand-out claims its frame's oldest). */
  #sweepFreed(): void {
    if (this.#claimedTotal === 0) return;
    const claimed = this.#claimed!;
    this.#freed = this.#freed.filter((entry) => {
      if (claimed.count(entry.paddr) === 0) return true;
      claimed.add(entry.paddr, -1);
      return false;
    });
    this.#claimedTotal = 0;
  }

  /** Appends a freed frame; `n` is its number in the frame index (-1 for none). */
  #pushFreed(paddr: bigint, n: number, step: number): void {
    if (!this.#keepsFreed) return;
    this.#freed.push({ paddr, step, nth: 0 });
    this.#claimed ??= this.#frames.table();
    (this.#unclaimed ??= this.#frames.table()).add(paddr, 1, n);
  }

  /**
   * Releases the frames a freeMany freed: every live entry of each (a broken HAL may have handed one out twice).
   * `frames` is a prefix of what the step's `#manyToFree` chose (the calls made), so their numbers are the first of
   * `#manyNumbers`.
   */
  #releasedMany(frames: readonly bigint[], step: number): void {
    const numbers = this.#manyNumbers;
    this.#live.removeAll(frames, numbers);
    for (let i = 0; i < frames.length; i++) this.#pushFreed(frames[i], numbers[i], step);
  }

  #released(paddr: bigint, step: number): void {
    const n = this.#frames.indexOf(paddr);
    const slot = this.#live.firstSlotOf(paddr, n);
    if (slot >= 0) this.#live.remove(slot);
    this.#pushFreed(paddr, n, step);
  }
}

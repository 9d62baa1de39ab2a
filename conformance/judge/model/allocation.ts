/**
 * Judging what `allocFrame` returned (ALLOC, NUMA, and FREE-2/FREE-4 where a
 * failed allocation is the symptom of a bad free).
 *
 * @module
 */

import { formatAddress } from "../../contract/address.ts";
import type { TraceStep } from "../../program/executor.ts";
import type { ResolvedRegion } from "../../contract/profile.ts";
import type { WordList } from "../../program/word_list.ts";
import { type ContractModel, describeValue, type Report, type Violation } from "./state.ts";

const hex = formatAddress;

/**
 * Judges every value a fill returned. Most frames of a fill are the plain case (a bigint, aligned, in the region
 * of the frame before, not live, no range live, no rejected free): after a frame judged in full, the plain frames that
 * follow it are recorded in one loop (`recordPlainRun`); any other value goes through `judgeAllocation`, which judges
 * it in full. The result is the same as judging each value in turn.
 */
export function judgeFill(model: ContractModel, values: WordList, step: TraceStep, at: Report): Violation | undefined {
  const frames = model.live.index;
  const count = values.length;
  for (let i = 0; i < count;) {
    const value = values.plain !== undefined ? values.plain[i] : values.at(i);
    const violation = judgeAllocation(model, value, step, at);
    if (violation) return violation;
    i++;
    // A frame's number is computed once and used for every table (numbered frames are aligned and in a region).
    // On a NUMA profile too: within a fill the CPU and the free frames of its node stay put, so a frame of the region
    // of the frame before gets that frame's verdict. Nothing recorded in a run changes these conditions.
    const region = typeof value === "bigint" ? model.regionOf(value) : undefined;
    if (region === undefined || !model.uniquenessReached || model.rangeFrameCount > 0 || model.rejectedCount > 0) {
      continue;
    }
    const first = frames.indexOf(region.start);
    const last = frames.indexOf(model.lastFrameOf(region));
    // Frame 0 is never a frame: a fill that returns it takes the full judgement.
    if (first < 0 || last < 0) continue;
    i = recordPlainRun(model, values, i, region.start === 0n ? first + 1 : first, last + 1, region, step.index);
  }
  return undefined;
}

/** How many frames of a long fill are numbered at a time, into one scratch column shared by every judgement. */
const RUN_CHUNK = 4096;
const RUN_NUMBERS = new Int32Array(RUN_CHUNK);

/**
 * Records the plain frames of `values` from `from` on, each numbered in [low, high) and not live: live from `step`,
 * no longer freed, one more live frame on the region's node. Returns where the run stopped (the next value to judge
 * in full). A short fill is read as its array of bigints, a long one through its words (no bigint per frame).
 */
function recordPlainRun(
  model: ContractModel,
  values: WordList,
  from: number,
  low: number,
  high: number,
  region: ResolvedRegion,
  step: number,
): number {
  const live = model.live;
  const freed = model.freedFree;
  const frames = live.index;
  const array = values.plain;
  const halves = array === undefined ? values.halves : undefined;
  const words = array === undefined && values.ending !== undefined ? values.length - 1 : values.length;
  let i = from;
  if (halves !== undefined) {
    // A long fill, in chunks: numbered by counting along the run, recorded in one loop over the table's slots. A run
    // stays in its region, so a chunk is never longer than the region; and it starts short, since most runs a HAL
    // with scattered frames hands out are.
    for (let size = 64; i < words; size = Math.min(2 * size, RUN_CHUNK)) {
      const chunk = Math.min(size, words - i, high - low);
      frames.numberWords(halves, i, chunk, RUN_NUMBERS, 0);
      const taken = live.setEachWhileAbsent(RUN_NUMBERS, 0, chunk, low, high, step);
      if (freed.size > 0) {
        for (let k = 0; k < taken; k++) {
          if (!freed.deleteAt(RUN_NUMBERS[k])) continue;
          if (model.freedFromRangeCount > 0) model.freedFromRange.delete(frames.addressOf(RUN_NUMBERS[k]));
          if (!model.reuseReached) {
            model.reuseReached = true;
            model.reach("FREE-2");
          }
        }
      }
      i += taken;
      if (taken < chunk) break;
    }
    model.nodeLive[region.node] += i - from;
    return i;
  }
  for (; i < words; i++) {
    const n = array !== undefined ? frames.indexOf(array[i] as bigint) : frames.indexOfHalves(halves!, i);
    if (n < low || n >= high || live.hasAt(n)) break;
    live.setAt(n, step);
    if (freed.size > 0 && freed.deleteAt(n)) {
      if (model.freedFromRangeCount > 0) model.freedFromRange.delete(frames.addressOf(n));
      if (!model.reuseReached) {
        model.reuseReached = true;
        model.reach("FREE-2");
      }
    }
  }
  model.nodeLive[region.node] += i - from;
  return i;
}

/** Judges one value `allocFrame` returned in `step`, then records it. */
export function judgeAllocation(
  model: ContractModel,
  value: unknown,
  step: TraceStep,
  at: Report,
): Violation | undefined {
  const fs = model.frameSize;
  // Recorded once per program: this runs for every frame of every fill.
  if (!model.allocationReached) {
    model.allocationReached = true;
    model.reach("ALLOC-2");
  }
  if (value === null) {
    const free = model.capacity - model.liveFrames;
    if (free <= 0) {
      model.drained();
      model.reach("ALLOC-1", "ALLOC-7");
      if (model.frees > 0) model.reach("FREE-2");
      if (model.profile.numa) model.reach("NUMA-2");
      return undefined;
    }
    const local = model.profile.cpuNodes[model.cpu];
    if (model.profile.numa && model.nodeFree(local) === 0) {
      const other = model.nodeCapacity.findIndex((frames, node) => frames > 0 && model.nodeFree(node) > 0);
      return at(
        "NUMA-2",
        `allocFrame returned null on CPU ${model.cpu} (node ${local}, empty) while node ${other} has ${
          model.nodeFree(other)
        } free frames`,
        "a frame from another node",
        "null",
      );
    }
    if (model.freedFree.size > 0) {
      const [frame, freedAt] = model.freedFree.first()!;
      if (model.freedFromRange.has(frame)) {
        return at(
          "CONTIG-5",
          `allocFrame returned null, but ${model.freedFree.size} freed frame(s) are free, e.g. ${
            hex(frame)
          }, freed with its range at step ${freedAt + 1}`,
          "a frame (freeing a range makes its frames allocatable again)",
          "null",
        );
      }
      return at(
        "FREE-2",
        `allocFrame returned null, but ${model.freedFree.size} freed frame(s) are free, e.g. ${
          hex(frame)
        } freed at step ${freedAt + 1}`,
        "a frame (a freed frame must become allocatable again)",
        "null",
      );
    }
    const hint = model.liveFrames + model.freedFree.size === 0
      ? " (on a fresh instance: does create() share state between instances?)"
      : "";
    return at(
      "ALLOC-7",
      `allocFrame returned null with ${model.liveFrames} of ${model.capacity} usable frames live; ` +
        `never handed out: ${model.neverHandedOut()}${hint}`,
      `a frame: all ${model.capacity} usable frames must be allocatable`,
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
  if (!model.placementReached) {
    model.placementReached = true;
    model.reach("ALLOC-3", "ALLOC-4", "ALLOC-5");
  }
  if (!model.uniquenessReached && model.live.size > 0) {
    model.uniquenessReached = true;
    model.reach("ALLOC-6");
  }
  if (model.rejectedCount > 0 && !model.rejectedReached) {
    model.rejectedReached = true;
    model.reach("FREE-4");
  }
  if (!model.reuseReached && model.freedFree.size > 0 && model.freedFree.has(value)) {
    model.reuseReached = true;
    model.reach("FREE-2");
  }
  // An address a strict free refused, handed out where no frame may be: the refused free changed the allocator.
  if (model.rejectedCount > 0 && model.rejected.has(value - value % fs)) {
    const region = model.regionOf(value);
    const misplaced = value % fs !== 0n ? "ALLOC-3" : value === 0n ? "ALLOC-5" : !region ? "ALLOC-4" : undefined;
    if (misplaced) {
      return at(
        "FREE-4",
        `allocFrame returned ${hex(value)}, an address a free refused earlier: the rejected free changed the ` +
          "allocator",
        "a usable frame that is not live",
        hex(value),
        [misplaced],
      );
    }
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
  const region = model.regionOf(value);
  if (!region || value > model.lastFrameOf(region)) {
    return at(
      "ALLOC-4",
      `allocFrame returned ${hex(value)}, which is not wholly inside a declared region`,
      model.profile.memory.map((r) => `[${hex(r.start)}, ${hex(r.end)})`).join(" or "),
      hex(value),
    );
  }
  const owner = model.live.get(value);
  if (owner !== undefined) {
    if (model.rejected.has(value)) {
      return at(
        "FREE-4",
        `allocFrame returned ${hex(value)}, live since step ${
          owner + 1
        }: an earlier rejected free of it changed the allocator`,
        "a frame that is not live",
        hex(value),
        ["ALLOC-6"],
      );
    }
    return at(
      "ALLOC-6",
      `allocFrame returned ${hex(value)}, which is still live (handed out at step ${owner + 1})`,
      "a frame that is not live",
      hex(value),
    );
  }
  if (model.rangeFrameCount > 0) {
    model.reach("CONTIG-4");
    const first = model.rangeOwner.get(value);
    if (first !== undefined) {
      return at(
        "CONTIG-4",
        `allocFrame returned ${hex(value)}, a frame of the live range at ${hex(first)} (allocated at step ${
          model.ranges.get(first)!.step + 1
        })`,
        "a frame that is not live",
        hex(value),
        ["ALLOC-6"],
      );
    }
  }
  const local = model.profile.cpuNodes[model.cpu];
  if (model.profile.numa) model.reached.add(model.nodeFree(local) > 0 ? "NUMA-1" : "NUMA-2");
  if (model.profile.numa && region.node !== local && model.nodeFree(local) > 0) {
    return at(
      "NUMA-1",
      `allocFrame on CPU ${model.cpu} (node ${local}) returned ${
        hex(value)
      } from node ${region.node} while node ${local} has ${model.nodeFree(local)} free frames`,
      `a frame of node ${local}`,
      `${hex(value)} (node ${region.node})`,
    );
  }
  model.handedOut(region);
  recordLive(model, value, region, step.index);
  return undefined;
}

/**
 * Records a frame handed out and judged sound: live from `step`, no longer freed (a freed frame handed out again
 * exercises FREE-2), one more live frame on its node. `n` is its number in the frame index, if already known;
 * `value` may be left out when `n` is known (a fill read as numbers).
 */
function recordLive(
  model: ContractModel,
  value: bigint | undefined,
  region: ResolvedRegion,
  step: number,
  n = model.live.index.indexOf(value!),
): void {
  const freed = model.freedFree;
  let wasFreed: boolean;
  if (n >= 0) {
    model.live.setAt(n, step);
    wasFreed = freed.size > 0 && freed.deleteAt(n);
  } else {
    model.live.set(value!, step);
    wasFreed = freed.delete(value!);
  }
  if (wasFreed) {
    if (model.freedFromRangeCount > 0) model.freedFromRange.delete(value ?? model.live.index.addressOf(n));
    if (!model.reuseReached) {
      model.reuseReached = true;
      model.reach("FREE-2");
    }
  }
  model.nodeLive[region.node]++;
}

/**
 * Judging contiguous ranges (CONTIG-1 to CONTIG-7): what
 * `allocContiguousFrames` returns, freeing ranges with the right and the
 * wrong arguments, and the translation of a range's frames.
 *
 * @module
 */

import { formatAddress } from "../../contract/address.ts";
import type { TraceStep } from "../../program/executor.ts";
import { type ContractModel, describeValue, type Report, type Violation } from "./state.ts";
import { judgeTranslation } from "./translation.ts";

const hex = formatAddress;

/** Judges an `allocContig` step, then records the range. */
export function judgeAllocContig(
  model: ContractModel,
  step: TraceStep,
  at: Report,
  threw: string,
): Violation | undefined {
  if (step.op.op !== "allocContig") return undefined;
  const { count, alignPow2 } = step.op;
  const call = `allocContiguousFrames(${count}, ${alignPow2})`;
  model.reach("CONTIG-1");
  if (count === 0) model.reach("CONTIG-2");
  if (step.threw) return at("CONTIG-1", `${call} ${threw}`, "a range, or null", threw);
  const value = step.result;
  if (value === null) return undefined;
  if (typeof value !== "bigint") {
    return at(
      "CONTIG-1",
      `${call} returned ${describeValue(value)}`,
      "a bigint address, or exactly null",
      describeValue(value),
    );
  }
  if (count === 0) {
    return at("CONTIG-2", `${call} returned ${hex(value)} for zero frames`, "null", hex(value));
  }
  const fs = model.frameSize;
  const align = fs << BigInt(alignPow2);
  const end = value + BigInt(count) * fs;
  model.reach("CONTIG-3", "CONTIG-4");
  if (value % align !== 0n) {
    return at(
      "CONTIG-3",
      `${call} returned ${hex(value)}, not aligned to ${hex(align)} (frame size << ${alignPow2})`,
      `a multiple of ${hex(align)}`,
      hex(value),
    );
  }
  const region = model.regionOf(value);
  if (value === 0n || !region || end > region.end) {
    return at(
      "CONTIG-3",
      `${call} returned ${hex(value)}: the range [${hex(value)}, ${
        hex(end)
      }) is not wholly inside one declared region` +
        (value === 0n ? " (it holds address 0)" : ""),
      model.profile.memory.map((r) => `[${hex(r.start)}, ${hex(r.end)})`).join(" or "),
      hex(value),
    );
  }
  for (let frame = value; frame < end; frame += fs) {
    const single = model.live.get(frame);
    const first = model.rangeOwner.get(frame);
    if (single !== undefined || first !== undefined) {
      const owner = single !== undefined
        ? `live since step ${single + 1}`
        : `in the live range at ${hex(first!)} (step ${model.ranges.get(first!)!.step + 1})`;
      return at(
        "CONTIG-4",
        `${call} returned [${hex(value)}, ${hex(end)}), which holds frame ${hex(frame)}, ${owner}`,
        "a range of frames that are not live",
        hex(value),
      );
    }
  }
  model.ranges.set(value, { count, step: step.index });
  model.visited.add("range allocated");
  for (let frame = value; frame < end; frame += fs) {
    model.rangeOwner.set(frame, value);
    if (model.freedFree.delete(frame)) model.freedFromRange.delete(frame);
  }
  model.nodeLive[region.node] += count;
  return undefined;
}

/** Judges a `freeContig` step (a valid free of a live range), then records it. */
export function judgeFreeContig(
  model: ContractModel,
  step: TraceStep,
  at: Report,
  threw: string,
): Violation | undefined {
  const first = step.paddr!, count = step.count!;
  const range = model.ranges.get(first)!;
  model.reach("CONTIG-5");
  if (step.threw) {
    return at(
      "CONTIG-5",
      `deallocContiguousFrames(${hex(first)}, ${count}) ${threw}, though the range is live (step ${range.step + 1})`,
      "the range is freed",
      threw,
    );
  }
  model.ranges.delete(first);
  model.visited.add("range freed");
  const fs = model.frameSize;
  for (let n = 0; n < count; n++) {
    const frame = first + BigInt(n) * fs;
    model.rangeOwner.delete(frame);
    model.freedFree.set(frame, step.index);
    model.freedFromRange.add(frame);
    model.forgetBytes(frame);
  }
  if (++model.frees === 100) model.visited.add("100 frees");
  const node = model.regionOf(first)!.node;
  model.nodeLive[node] -= count;
  return undefined;
}

/** Judges a free with wrong arguments (`freeContigBad`, `freeInRange`): strict HALs throw, others leave it undefined. */
export function judgeBadRangeFree(
  model: ContractModel,
  step: TraceStep,
  at: Report,
  threw: string,
): Violation | undefined {
  // The second frame of one range may be the first of another live range of the same count: a valid free.
  if (step.op.op === "freeContigBad" && model.ranges.get(step.paddr!)?.count === step.count) {
    return judgeFreeContig(model, step, at, threw);
  }
  if (!model.profile.strictFree) {
    model.tainted = true;
    return undefined;
  }
  model.reach("CONTIG-6");
  if (step.threw) return undefined;
  const op = step.op;
  const what = op.op === "freeContigBad"
    ? `deallocContiguousFrames(${hex(step.paddr!)}, ${step.count}) accepted ${
      op.wrong === "count" ? "a count one larger than the range's" : "an address that is not the range's first"
    }`
    : `deallocFrame(${hex(step.paddr!)}) accepted a frame of a live range`;
  return at("CONTIG-6", `${what} without throwing`, "an exception, and no change (strictFree)", "returned normally");
}

/** Judges `physToVirt` of a frame of a live range: the XLATE rules, and a virtually contiguous range (CONTIG-7). */
export function judgeRangeTranslation(
  model: ContractModel,
  step: TraceStep,
  at: Report,
  threw: string,
): Violation | undefined {
  const paddr = step.paddr!;
  model.reach("XLATE-1");
  if (step.threw) {
    return at("XLATE-1", `physToVirt(${hex(paddr)}) ${threw}`, "a virtual address", threw);
  }
  const broken = judgeTranslation(model, paddr, step.result, step, at);
  if (broken) return broken;
  const first = model.rangeOwner.get(paddr - paddr % model.frameSize);
  const range = first === undefined ? undefined : model.ranges.get(first);
  if (!range || typeof step.result !== "bigint") return undefined;
  if (!range.anchor) {
    range.anchor = { paddr, vaddr: step.result, step: step.index };
    return undefined;
  }
  model.reach("CONTIG-7");
  const expected = range.anchor.vaddr + (paddr - range.anchor.paddr);
  if (step.result === expected) return undefined;
  return at(
    "CONTIG-7",
    `physToVirt(${hex(paddr)}) returned ${hex(step.result)}, but physToVirt(${hex(range.anchor.paddr)}) was ${
      hex(range.anchor.vaddr)
    } at step ${range.anchor.step + 1}: the range at ${hex(first!)} is not virtually contiguous`,
    hex(expected),
    hex(step.result),
  );
}

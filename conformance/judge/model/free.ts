/**
 * Judging `deallocFrame` (FREE-1, FREE-3) and recording frees.
 *
 * @module
 */

import { formatAddress } from "../../contract/address.ts";
import type { TraceStep } from "../../program/executor.ts";
import type { ContractModel, Report, Violation } from "./state.ts";

const hex = formatAddress;

/** Judges a `freeMany` step: every frame it frees is live, so every call must succeed (FREE-1). */
export function judgeFreeMany(model: ContractModel, step: TraceStep, at: Report, threw: string): Violation | undefined {
  const frames = step.paddrs!;
  const calls = step.result as number;
  if (calls > 0) model.reach("FREE-1");
  for (let i = 0; i < calls; i++) {
    const paddr = frames[i];
    // The frame's number is computed once, for every table (the resolver picks live frames only).
    const n = model.live.index.indexOf(paddr);
    if (n >= 0 ? !model.live.hasAt(n) : !model.live.has(paddr)) continue;
    if (step.threw && i === calls - 1) {
      const owner = model.live.get(paddr)!;
      return at(
        "FREE-1",
        `deallocFrame(${hex(paddr)}), free ${i + 1} of ${frames.length} in this step, ${threw}, though the frame ` +
          `is live (handed out at step ${owner + 1})`,
        "the frame is freed",
        threw,
      );
    }
    release(model, paddr, step.index, n);
  }
  return undefined;
}

/** Records that a live frame was freed at step `index`; `n` is its number in the frame index, if already known. */
function release(model: ContractModel, paddr: bigint, index: number, n = model.live.index.indexOf(paddr)): void {
  if (n >= 0) {
    model.live.deleteAt(n);
    model.freedFree.setAt(n, index);
  } else {
    model.live.delete(paddr);
    model.freedFree.set(paddr, index);
  }
  if (++model.frees === 100) model.visited.add("100 frees");
  model.nodeLive[model.regionOf(paddr)!.node]--;
  if (model.writtenFrameCount > 0) model.forgetBytes(paddr);
}

/** Judges a free step, then records it. */
export function judgeFree(model: ContractModel, step: TraceStep, at: Report, threw: string): Violation | undefined {
  const paddr = step.paddr!;
  const owner = model.live.get(paddr);
  if (owner !== undefined) {
    model.reach("FREE-1");
    if (step.threw && model.rejectedCount > 0 && model.rejected.has(paddr)) {
      return at(
        "FREE-4",
        `deallocFrame(${hex(paddr)}) ${threw}, though the frame is live (handed out at step ${
          owner + 1
        }): an earlier rejected free of it changed the allocator`,
        "the frame is freed",
        threw,
        ["FREE-1"],
      );
    }
    if (step.threw) {
      return at(
        "FREE-1",
        `deallocFrame(${hex(paddr)}) ${threw}, though the frame is live (handed out at step ${owner + 1})`,
        "the frame is freed",
        threw,
      );
    }
    release(model, paddr, step.index);
    return undefined;
  }
  if (!model.profile.strictFree) {
    model.tainted = true;
    return undefined;
  }
  model.reach("FREE-3");
  if (!step.threw) {
    return at(
      "FREE-3",
      `deallocFrame(${hex(paddr)}) accepted ${model.whyNotLive(paddr)} without throwing`,
      "an exception, and no change (strictFree)",
      "returned normally",
    );
  }
  model.rejected.add(paddr - paddr % model.frameSize);
  return undefined;
}

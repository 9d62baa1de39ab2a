/**
 * Judging `deallocFrame` (FREE-1, FREE-3) and recording frees.
 *
 * @module
 */

import { formatAddress } from "../address.ts";
import type { TraceStep } from "../executor.ts";
import type { ContractModel, Report, Violation } from "./state.ts";

const hex = formatAddress;

/** Judges a free step, then records it. */
export function judgeFree(model: ContractModel, step: TraceStep, at: Report, threw: string): Violation | undefined {
  const paddr = step.paddr!;
  const owner = model.live.get(paddr);
  if (owner !== undefined) {
    model.reach("FREE-1");
    if (step.threw) {
      return at(
        "FREE-1",
        `deallocFrame(${hex(paddr)}) ${threw}, though the frame is live (handed out at step ${owner + 1})`,
        "the frame is freed",
        threw,
      );
    }
    model.live.delete(paddr);
    model.frees++;
    model.freedFree.set(paddr, step.index);
    const node = model.regionOf(paddr)!.node;
    model.nodeLive.set(node, model.nodeLive.get(node)! - 1);
    model.memory.delete(paddr);
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

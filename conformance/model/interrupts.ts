/**
 * Judging `irqFetch` and `irqHandler` (IRQ-1 to IRQ-6).
 *
 * @module
 */

import type { TraceStep } from "../executor.ts";
import { type ContractModel, describeValue, type Report, type Violation } from "./state.ts";

/** Judges an `irqFetch` step. */
export function judgeFetch(model: ContractModel, step: TraceStep, at: Report, threw: string): Violation | undefined {
  const none = model.profile.irq!.none;
  model.reach(model.pending.length ? "IRQ-2" : "IRQ-1");
  if (model.pending.length) model.reach("IRQ-6");
  if (model.lastFetch) model.reach("IRQ-4");
  if (model.pending.length > 1 && model.expectedCurrent() !== undefined) model.reach("IRQ-3");
  if (step.threw) return at("IRQ-2", `irqFetch ${threw}`, "a line number", threw);
  const irq = step.result;
  if (typeof irq !== "number" || !Number.isInteger(irq)) {
    return at("IRQ-2", `irqFetch returned ${describeValue(irq)}`, "an integer line number", describeValue(irq));
  }
  const pending = model.pending.length ? `pending: ${model.pending.join(", ")}` : "nothing pending";
  if (model.lastFetch && model.lastFetch.irq !== irq) {
    return at(
      "IRQ-4",
      `irqFetch returned ${irq}, but ${model.lastFetch.irq} at step ${
        model.lastFetch.step + 1
      } with nothing in between`,
      `${model.lastFetch.irq} (irqFetch has no side effect)`,
      `${irq}`,
    );
  }
  model.lastFetch = { irq, step: step.index };
  if (model.pending.length === 0) {
    if (irq !== none) {
      return at("IRQ-1", `irqFetch returned ${irq} with nothing pending`, `${none} (the profile's none)`, `${irq}`);
    }
    return undefined;
  }
  if (irq === none) {
    return at(
      "IRQ-6",
      `irqFetch returned none (${none}) with ${pending}: an IRQ was lost`,
      `one of ${model.pending.join(", ")}`,
      `${irq}`,
    );
  }
  if (!model.pending.includes(irq)) {
    return at(
      "IRQ-2",
      `irqFetch returned ${irq}, which is not pending (${pending})`,
      `one of ${model.pending.join(", ")}`,
      `${irq}`,
    );
  }
  const expected = model.expectedCurrent();
  if (expected !== undefined && irq !== expected) {
    return at(
      "IRQ-3",
      `irqFetch returned ${irq} with ${pending}; order ${model.profile.irq!.order} serves ${expected} first`,
      `${expected}`,
      `${irq}`,
    );
  }
  return undefined;
}

/** Judges an `irqHandler` step, then records the dispatch. */
export function judgeHandle(model: ContractModel, step: TraceStep, at: Report, threw: string): Violation | undefined {
  const dispatched = step.dispatched;
  const fetched = model.lastFetch;
  model.lastFetch = undefined;
  if (model.pending.length || dispatched.length) model.reach("IRQ-5");
  if (model.pending.length) model.reach("IRQ-6");
  if (fetched) model.reach("IRQ-4");
  if (model.pending.length > 1 && model.expectedCurrent() !== undefined) model.reach("IRQ-3");
  if (step.threw) return at("IRQ-5", `irqHandler ${threw}`, "the current IRQ dispatched", threw);
  if (dispatched.length > 1) {
    return at(
      "IRQ-5",
      `irqHandler dispatched ${dispatched.length} times (${dispatched.join(", ")}) in one call`,
      "exactly one dispatch",
      dispatched.join(", "),
      ["IRQ-6"],
    );
  }
  const pending = model.pending.length ? `pending: ${model.pending.join(", ")}` : "nothing pending";
  if (dispatched.length === 0) {
    if (model.pending.length === 0) return undefined;
    if (fetched && model.pending.includes(fetched.irq)) {
      return at(
        "IRQ-4",
        `irqHandler dispatched nothing with ${pending}: IRQ ${fetched.irq} vanished after irqFetch at step ${
          fetched.step + 1
        }`,
        `dispatch of ${fetched.irq}`,
        "no dispatch",
        ["IRQ-6"],
      );
    }
    return at(
      "IRQ-6",
      `irqHandler dispatched nothing with ${pending}: an IRQ was lost`,
      `one of ${model.pending.join(", ")}`,
      "no dispatch",
    );
  }
  const irq = dispatched[0];
  if (!model.pending.includes(irq)) {
    const last = model.lastDispatch.get(irq);
    if (last !== undefined) {
      return at(
        "IRQ-5",
        `irqHandler dispatched IRQ ${irq} again (${pending}): the dispatch at step ${last + 1} did not acknowledge it`,
        model.pending.length ? `one of ${model.pending.join(", ")}` : "no dispatch",
        `${irq}`,
        ["IRQ-6"],
      );
    }
    return at(
      "IRQ-6",
      `irqHandler dispatched IRQ ${irq}, which was never raised (${pending})`,
      model.pending.length ? `one of ${model.pending.join(", ")}` : "no dispatch",
      `${irq}`,
    );
  }
  if (fetched && fetched.irq !== irq) {
    return at(
      "IRQ-5",
      `irqHandler dispatched ${irq}, but irqFetch reported ${fetched.irq} as current at step ${fetched.step + 1}`,
      `${fetched.irq}`,
      `${irq}`,
    );
  }
  const expected = model.expectedCurrent();
  if (expected !== undefined && irq !== expected) {
    return at(
      "IRQ-3",
      `irqHandler dispatched ${irq} with ${pending}; order ${model.profile.irq!.order} serves ${expected} first`,
      `${expected}`,
      `${irq}`,
    );
  }
  model.pending.splice(model.pending.indexOf(irq), 1);
  model.lastDispatch.set(irq, step.index);
  return undefined;
}

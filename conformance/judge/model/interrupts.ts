/**
 * Judging `raiseIrq`, `irqFetch` and `irqHandler` (IRQ-1 to IRQ-6, IRQ-8 to
 * IRQ-10) under both fetch semantics:
 *
 * - `peek`: fetching reports the current line and changes nothing; the
 *   handler dispatches and acknowledges it;
 * - `acknowledge` (a GIC's IAR): fetching makes the line active and returns
 *   it, so a second fetch returns the next line; the handler dispatches the
 *   line fetched on its CPU (or, if none, acknowledges the next one itself)
 *   and completes it (end of interrupt).
 *
 * Lines below `banked` are per CPU: each CPU has its own copy, raised,
 * fetched and handled on that CPU only.
 *
 * @module
 */

import type { TraceStep } from "../../program/executor.ts";
import { lineEdges } from "../reach.ts";
import { type ContractModel, describeValue, type PendingIrq, type Report, type Violation } from "./state.ts";

/** The CPU whose copy of `irq` a step on `cpu` touches: `cpu` for a banked line, -1 (shared) otherwise. */
function bankOf(model: ContractModel, irq: number, cpu: number): number {
  return irq < model.profile.irq!.banked ? cpu : -1;
}

function describePending(lines: readonly PendingIrq[]): string {
  return lines.length ? `pending: ${lines.map((entry) => entry.irq).join(", ")}` : "nothing pending";
}

/** Where a line the HAL reported is pending, if not on this CPU: for the IRQ-10 message. */
function elsewhere(model: ContractModel, irq: number): PendingIrq | undefined {
  return model.pending.find((entry) => entry.irq === irq && entry.cpu >= 0 && entry.cpu !== model.cpu);
}

/**
 * Under peek semantics, a line an earlier fetch returned, still pending, passed over now: the fetch changed the
 * controller (it acknowledged the line), which breaks IRQ-4 as much as the clause the skip shows.
 */
function fetchHadEffect(
  model: ContractModel,
  skipped: number,
  served: number,
  what: string,
  at: Report,
  shown: string,
): Violation | undefined {
  if (model.profile.irq!.fetch !== "peek") return undefined;
  const fetchedAt = model.peeked.get(skipped);
  if (fetchedAt === undefined) return undefined;
  return at(
    "IRQ-4",
    `${what} ${served}, but IRQ ${skipped}, which irqFetch returned at step ${fetchedAt + 1} and is still pending, ` +
      "comes first: that fetch changed the controller (it acknowledged the line)",
    `${skipped}`,
    `${served}`,
    [shown],
  );
}

/** A hint for a fetch of a line that is not pending: it was dispatched and not raised since (not acknowledged?). */
function staleHint(model: ContractModel, irq: number): string {
  const dispatchedAt = model.lastDispatch.get(irq);
  if (dispatchedAt === undefined || (model.lastRaise.get(irq) ?? -1) > dispatchedAt) return "";
  return ` (irqHandler dispatched it at step ${dispatchedAt + 1} and nothing raised it since: did the handler ` +
    "acknowledge it, and clear what irqFetch reads?)";
}

/** Records a `raise` step. */
export function judgeRaise(model: ContractModel, step: TraceStep, threw: string): Violation | undefined {
  if (step.op.op !== "raise") return undefined;
  const irq = step.op.irq;
  if (step.threw) {
    return {
      step: step.index,
      clause: "ERROR",
      message: `raiseIrq(${irq}) ${threw}: the test port rejected a declared line`,
    };
  }
  const cpu = bankOf(model, irq, model.cpu);
  model.lastRaise.set(irq, step.index);
  if (model.active.some((entry) => entry.irq === irq && entry.cpu === cpu)) model.visited.add("raised while active");
  if (cpu >= 0) model.bankedRaised = true;
  if (cpu > 0) model.visited.add("banked line off CPU 0");
  if (!model.pending.some((entry) => entry.irq === irq && entry.cpu === cpu)) {
    model.pending.push({ irq, cpu, step: step.index });
  }
  const [lowest, highest] = lineEdges(model.profile);
  if (irq === lowest) model.visited.add("lowest line raised");
  if (irq === highest) model.visited.add("highest line raised");
  if (model.pending.length >= 3) model.visited.add("3 lines pending at once");
  model.lastFetch = undefined;
  return undefined;
}

/** Judges an `irqFetch` step. */
export function judgeFetch(model: ContractModel, step: TraceStep, at: Report, threw: string): Violation | undefined {
  const { none, fetch } = model.profile.irq!;
  const visible = model.visiblePending();
  // What the CPU may be served and which line comes first: computed once (this runs for every fetch).
  const deliverable = model.deliverable(visible);
  const expected = model.expectedCurrent(deliverable);
  if (model.lastFetch && model.lastFetch.cpu !== model.cpu) model.lastFetch = undefined;
  model.reach(visible.length ? "IRQ-2" : "IRQ-1");
  if (visible.length) model.reach("IRQ-6");
  if (fetch === "peek" && model.lastFetch) model.reach("IRQ-4");
  if (fetch === "acknowledge") model.reach("IRQ-8");
  if (visible.length > 1 && expected !== undefined) model.reach("IRQ-3");
  if (model.bankedRaised && model.profile.cpus > 1) model.reach("IRQ-10");
  if (step.threw) return at("IRQ-2", `irqFetch ${threw}`, "a line number", threw);
  const irq = step.result;
  if (typeof irq !== "number" || !Number.isInteger(irq)) {
    return at("IRQ-2", `irqFetch returned ${describeValue(irq)}`, "an integer line number", describeValue(irq));
  }
  const pending = () => describePending(visible);
  const lines = visible.map((entry) => entry.irq);
  const again = fetch === "acknowledge"
    ? model.active.find((entry) => entry.irq === irq && (entry.cpu < 0 || entry.cpu === model.cpu))
    : undefined;
  if (again && !lines.includes(irq)) {
    return at(
      "IRQ-8",
      `irqFetch returned ${irq} again: it was acknowledged at step ${again.step + 1} and is active (${pending()})`,
      visible.length ? `one of ${lines.join(", ")}` : `${none} (nothing pending)`,
      `${irq}`,
    );
  }
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
  const running = fetch === "acknowledge" && model.profile.irq!.runningPriority;
  if (running && visible.length > 0 && deliverable.length === 0) {
    // Every line this CPU sees waits for the running priority to drop: the fetch returns none.
    model.visited.add("fetch held off by running priority");
    if (irq === none) return undefined;
    if (visible.some((entry) => entry.irq === irq)) return doesNotPreempt(model, irq, at, pending());
  }
  if (visible.length === 0) {
    if (irq !== none) {
      const other = elsewhere(model, irq);
      if (other) {
        return at(
          "IRQ-10",
          `irqFetch on CPU ${model.cpu} returned ${irq}, a banked line pending on CPU ${other.cpu} only`,
          `${none} (nothing pending on CPU ${model.cpu})`,
          `${irq}`,
        );
      }
      const active = fetch === "acknowledge" ? model.active.find((entry) => entry.irq === irq) : undefined;
      const why = active
        ? ` (it is active since step ${active.step + 1}: acknowledged lines are not fetched again)`
        : staleHint(model, irq);
      return at(
        "IRQ-1",
        `irqFetch returned ${irq} with nothing pending${why}`,
        `${none} (the profile's none)`,
        `${irq}`,
      );
    }
    if (fetch === "peek") model.lastFetch = { irq, step: step.index, cpu: model.cpu };
    return undefined;
  }
  if (irq === none && running && model.acknowledgedOn(model.cpu) !== undefined) {
    // A line that preempts the running priority was not delivered.
    const top = model.acknowledgedOn(model.cpu)!;
    const urgent = deliverable.map((entry) => entry.irq);
    return at(
      "IRQ-8",
      `irqFetch on CPU ${model.cpu} returned none (${none}) with ${pending()}, though ${urgent.join(", ")} (priority ${
        model.priorityOf(urgent[0])
      }) is more urgent than IRQ ${top.irq} (priority ${model.priorityOf(top.irq)}) active there: it preempts (or ` +
        `was lost${model.completionHint(urgent)})`,
      `one of ${urgent.join(", ")}`,
      `${irq}`,
      ["IRQ-6"],
    );
  }
  if (irq === none) {
    return at(
      "IRQ-6",
      `irqFetch returned none (${none}) with ${pending()}: an IRQ was lost${model.completionHint(lines)}`,
      `one of ${lines.join(", ")}`,
      `${irq}`,
    );
  }
  if (!lines.includes(irq)) {
    const other = elsewhere(model, irq);
    if (other) {
      return at(
        "IRQ-10",
        `irqFetch on CPU ${model.cpu} returned ${irq}, a banked line pending on CPU ${other.cpu} only (${pending()})`,
        `one of ${lines.join(", ")}`,
        `${irq}`,
      );
    }
    return at(
      "IRQ-2",
      `irqFetch returned ${irq}, which is not pending (${pending()})${staleHint(model, irq)}`,
      `one of ${lines.join(", ")}`,
      `${irq}`,
    );
  }
  if (running) {
    if (!deliverable.some((entry) => entry.irq === irq)) return doesNotPreempt(model, irq, at, pending());
    const best = Math.min(...deliverable.map((entry) => model.priorityOf(entry.irq)));
    if (model.priorityOf(irq) > best) {
      const urgent = deliverable.filter((entry) => model.priorityOf(entry.irq) === best).map((entry) => entry.irq);
      return at(
        "IRQ-3",
        `irqFetch returned ${irq} (priority ${model.priorityOf(irq)}) with ${pending()}: ${
          urgent.join(", ")
        } (priority ${best}) comes first (or was lost${model.completionHint(urgent)})`,
        `one of ${urgent.join(", ")}`,
        `${irq}`,
      );
    }
  }
  if (expected !== undefined && irq !== expected) {
    const effect = fetchHadEffect(model, expected, irq, "irqFetch returned", at, "IRQ-3");
    if (effect) return effect;
    return at(
      "IRQ-3",
      `irqFetch returned ${irq} with ${pending()}; order ${model.profile.irq!.order} serves ${expected} first (or ` +
        `IRQ ${expected} was lost${model.completionHint([expected!])})`,
      `${expected}`,
      `${irq}`,
    );
  }
  if (fetch === "peek") {
    model.lastFetch = { irq, step: step.index, cpu: model.cpu };
    if (!model.peeked.has(irq)) model.peeked.set(irq, step.index);
  } else {
    const entry = visible.find((candidate) => candidate.irq === irq)!;
    model.pending.splice(model.pending.indexOf(entry), 1);
    model.active.push({ irq, cpu: entry.cpu, step: step.index, on: model.cpu });
    if (model.active.filter((active) => active.on === model.cpu).length >= 2) {
      model.visited.add("two lines active on one CPU");
    }
  }
  return undefined;
}

/** A GIC fetch that returned a line of no higher priority than the one active on its CPU: it does not preempt. */
function doesNotPreempt(model: ContractModel, irq: number, at: Report, pending: string): Violation {
  const top = model.acknowledgedOn(model.cpu)!;
  return at(
    "IRQ-8",
    `irqFetch on CPU ${model.cpu} returned ${irq} (priority ${model.priorityOf(irq)}) while IRQ ${top.irq} (priority ${
      model.priorityOf(top.irq)
    }), acknowledged at step ${top.step + 1}, is active there (${pending}): only a strictly higher priority ` +
      "preempts the running priority",
    `${model.profile.irq!.none} (nothing preempts)`,
    `${irq}`,
  );
}

/** Judges an `irqHandler` step, then records the dispatch. */
export function judgeHandle(model: ContractModel, step: TraceStep, at: Report, threw: string): Violation | undefined {
  const { fetch } = model.profile.irq!;
  const dispatched = step.dispatched;
  if (model.lastFetch && model.lastFetch.cpu !== model.cpu) model.lastFetch = undefined;
  const fetched = model.lastFetch;
  model.lastFetch = undefined;
  // Under acknowledge, the line irqFetch acknowledged on this CPU is the one to dispatch.
  const acked = fetch === "acknowledge" ? model.acknowledgedOn(model.cpu) : undefined;
  if (fetch === "acknowledge" && model.active.some((entry) => entry.on !== model.cpu)) {
    model.visited.add("handled while another CPU has a line acknowledged");
  }
  const visible = model.visiblePending();
  const expected = model.expectedCurrent(model.deliverable(visible));
  if (visible.length || dispatched.length || acked) model.reach("IRQ-5");
  if (visible.length || acked) model.reach("IRQ-6");
  if (fetched) model.reach("IRQ-4");
  if (acked) model.reach("IRQ-9");
  if (visible.length > 1 && expected !== undefined && !acked) model.reach("IRQ-3");
  if (model.bankedRaised && model.profile.cpus > 1) model.reach("IRQ-10");
  if (step.threw) return at(acked ? "IRQ-9" : "IRQ-5", `irqHandler ${threw}`, "the current IRQ dispatched", threw);
  if (dispatched.length > 1) {
    return at(
      "IRQ-5",
      `irqHandler dispatched ${dispatched.length} times (${dispatched.join(", ")}) in one call`,
      "exactly one dispatch",
      dispatched.join(", "),
      ["IRQ-6"],
    );
  }
  if (acked) {
    if (dispatched[0] !== acked.irq) {
      return at(
        "IRQ-9",
        `irqHandler ${
          dispatched.length ? `dispatched ${dispatched[0]}` : "dispatched nothing"
        }, but IRQ ${acked.irq}, acknowledged by irqFetch at step ${acked.step + 1}${
          model.profile.irq!.runningPriority ? " (the most recent, which a GIC completes first)" : ""
        }, was never dispatched: it stays active and is lost`,
        `dispatch of ${acked.irq}`,
        dispatched.length ? `${dispatched[0]}` : "no dispatch",
        ["IRQ-6"],
      );
    }
    model.active.splice(model.active.indexOf(acked), 1);
    model.lastDispatch.set(acked.irq, step.index);
    return undefined;
  }
  const pending = () => describePending(visible);
  const lines = visible.map((entry) => entry.irq);
  if (dispatched.length === 0) {
    if (visible.length === 0) return undefined;
    if (fetched && lines.includes(fetched.irq)) {
      return at(
        "IRQ-4",
        `irqHandler dispatched nothing with ${pending()}: IRQ ${fetched.irq} vanished after irqFetch at step ${
          fetched.step + 1
        }`,
        `dispatch of ${fetched.irq}`,
        "no dispatch",
        ["IRQ-6"],
      );
    }
    return at(
      "IRQ-6",
      `irqHandler dispatched nothing with ${pending()}: an IRQ was lost${model.completionHint(lines)}`,
      `one of ${lines.join(", ")}`,
      "no dispatch",
    );
  }
  const irq = dispatched[0];
  // A line another CPU acknowledged, dispatched here: the handler took what its own CPU did not fetch.
  const foreign = fetch === "acknowledge" && !lines.includes(irq)
    ? model.active.find((entry) => entry.irq === irq && entry.on !== model.cpu)
    : undefined;
  if (foreign && model.pending.some((entry) => entry.irq === irq && entry.cpu === foreign.cpu)) {
    // Raised again while active elsewhere, and handled here before its end of interrupt there.
    return at(
      "IRQ-8",
      `irqHandler on CPU ${model.cpu} dispatched ${irq}, raised again while active on CPU ${foreign.on} (acknowledged ` +
        `at step ${foreign.step + 1}): an active line is not acknowledged again before its end of interrupt`,
      lines.length ? `one of ${lines.join(", ")}` : "no dispatch",
      `${irq}`,
    );
  }
  if (foreign) {
    return at(
      "IRQ-9",
      `irqHandler on CPU ${model.cpu} dispatched ${irq}, which irqFetch acknowledged on CPU ${foreign.on} at step ${
        foreign.step + 1
      }: a handler dispatches what its own CPU acknowledged`,
      lines.length ? `one of ${lines.join(", ")}` : "no dispatch",
      `${irq}`,
    );
  }
  if (!lines.includes(irq)) {
    const other = elsewhere(model, irq);
    if (other) {
      return at(
        "IRQ-10",
        `irqHandler on CPU ${model.cpu} dispatched ${irq}, a banked line pending on CPU ${other.cpu} only (${pending()})`,
        lines.length ? `one of ${lines.join(", ")}` : "no dispatch",
        `${irq}`,
      );
    }
    const last = model.lastDispatch.get(irq);
    if (last !== undefined) {
      return at(
        "IRQ-5",
        `irqHandler dispatched IRQ ${irq} again (${pending()}): the dispatch at step ${
          last + 1
        } did not acknowledge it`,
        lines.length ? `one of ${lines.join(", ")}` : "no dispatch",
        `${irq}`,
        ["IRQ-6"],
      );
    }
    return at(
      "IRQ-6",
      `irqHandler dispatched IRQ ${irq}, which was never raised (${pending()})`,
      lines.length ? `one of ${lines.join(", ")}` : "no dispatch",
      `${irq}`,
    );
  }
  if (fetched && fetched.irq !== irq) {
    const effect = lines.includes(fetched.irq) && expected === fetched.irq
      ? fetchHadEffect(model, fetched.irq, irq, "irqHandler dispatched", at, "IRQ-5")
      : undefined;
    if (effect) return effect;
    return at(
      "IRQ-5",
      `irqHandler dispatched ${irq}, but irqFetch reported ${fetched.irq} as current at step ${fetched.step + 1}`,
      `${fetched.irq}`,
      `${irq}`,
    );
  }
  if (expected !== undefined && irq !== expected) {
    const effect = fetchHadEffect(model, expected, irq, "irqHandler dispatched", at, "IRQ-3");
    if (effect) return effect;
    return at(
      "IRQ-3",
      `irqHandler dispatched ${irq} with ${pending()}; order ${
        model.profile.irq!.order
      } serves ${expected} first (or ` +
        `IRQ ${expected} was lost${model.completionHint([expected!])})`,
      `${expected}`,
      `${irq}`,
    );
  }
  const entry = visible.find((candidate) => candidate.irq === irq)!;
  model.pending.splice(model.pending.indexOf(entry), 1);
  model.lastDispatch.set(irq, step.index);
  model.peeked.delete(irq);
  return undefined;
}

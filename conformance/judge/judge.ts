/**
 * The judge: reads a trace against a reference model of the contract and
 * names the first clause the HAL broke, with the step, what was expected and
 * what happened.
 *
 * The model accepts every legal behaviour (any free frame, any placement, any
 * translation that is a stable bijection) and nothing else. After the first
 * violation the model and the HAL disagree, so judging stops there.
 *
 * @module
 */

import { formatAddress } from "../contract/address.ts";
import type { Trace, TraceStep } from "../program/executor.ts";
import { judgeAllocation, judgeFill } from "./model/allocation.ts";
import { judgeAllocContig, judgeBadRangeFree, judgeFreeContig, judgeRangeTranslation } from "./model/contiguous.ts";
import { judgeFree, judgeFreeMany } from "./model/free.ts";
import { judgeFetch, judgeHandle, judgeRaise } from "./model/interrupts.ts";
import { judgeMemoryAccess } from "./model/memory.ts";
import { ContractModel, HARNESS_ERROR, type Report, type Violation } from "./model/state.ts";
import { judgeReverseTranslation, judgeTranslation } from "./model/translation.ts";
import { deniedPermission, sandboxAdvice } from "../program/permission.ts";
import type { ResolvedProfile } from "../contract/profile.ts";
import type { ReachState } from "./reach.ts";
import type { WordList } from "../program/word_list.ts";

export { describeValue, HARNESS_ERROR, type Violation } from "./model/state.ts";

const hex = formatAddress;

/**
 * Judges a trace: the first violation of any clause the profile makes
 * applicable, or `undefined` when the trace keeps the contract.
 *
 * @example
 * ```ts
 * import { executeProgram, identityHal, judgeTrace, validateProfile } from "@halconf/halconf";
 *
 * const target = identityHal();
 * const profile = validateProfile(target.profile);
 * const trace = executeProgram(target, profile, [{ op: "fill" }, { op: "alloc" }]);
 * judgeTrace(trace, profile); // undefined
 * ```
 */
export function judgeTrace(trace: Trace, profile: ResolvedProfile): Violation | undefined {
  return judgeTraceReach(trace, profile).violation;
}

/** A judged trace: the first violation, and the clauses the steps judged before it exercised. */
export interface Judgement {
  /** The first broken clause, if any. */
  violation?: Violation;
  /** Clauses a judged step could have broken (see `ContractModel.reached`). */
  reached: ReadonlySet<string>;
  /** Model states the judged steps visited (see reach.ts). */
  visited: ReadonlySet<ReachState>;
}

/**
 * Judges a trace and says which clauses it exercised: a check passes only
 * when its programs reached its clauses.
 *
 * @example
 * ```ts
 * import { executeProgram, identityHal, judgeTraceReach, validateProfile } from "@halconf/halconf";
 *
 * const target = identityHal();
 * const profile = validateProfile(target.profile);
 * const trace = executeProgram(target, profile, [{ op: "alloc" }, { op: "alloc" }]);
 * judgeTraceReach(trace, profile).reached.has("ALLOC-6"); // true
 * ```
 */
export function judgeTraceReach(trace: Trace, profile: ResolvedProfile): Judgement {
  const model = new ContractModel(profile);
  try {
    return judgeWith(model, trace);
  } finally {
    model.dispose();
  }
}

function judgeWith(model: ContractModel, trace: Trace): Judgement {
  if (trace.denied?.length) {
    return {
      violation: {
        step: -1,
        clause: HARNESS_ERROR,
        message: `create() asked for ${trace.denied.join(", ")}: denied by the sandbox ${
          sandboxAdvice(trace.denied[0])
        }`,
        denied: trace.denied[0],
      },
      reached: model.reached,
      visited: model.visited,
    };
  }
  if (trace.createError) {
    const { name, message } = trace.createError;
    return {
      violation: { step: -1, clause: HARNESS_ERROR, message: `create() threw ${name}: ${message}` },
      reached: model.reached,
      visited: model.visited,
    };
  }
  if (trace.strayDispatches.length > 0) {
    return {
      violation: {
        step: -1,
        clause: "IRQ-5",
        message: `create() dispatched IRQ ${trace.strayDispatches.join(", ")} to the host outside irqHandler`,
      },
      reached: model.reached,
      visited: model.visited,
    };
  }
  // One reporter for the whole trace, told which step it reports on: no closure per step.
  let judging = 0;
  const at: Report = (clause, message, expected, actual, also) => ({
    step: judging,
    clause,
    message,
    ...(expected !== undefined ? { expected, actual } : {}),
    ...(also ? { also } : {}),
  });
  for (const step of trace.steps) {
    judging = step.index;
    const violation = judgeStep(model, step, at);
    if (violation) return { violation, reached: model.reached, visited: model.visited };
    if (!step.skipped) model.reach("STATE-1");
    if (model.tainted) break;
  }
  return { reached: model.reached, visited: model.visited };
}

/** Judges one step against the model, dispatching to the rules of its operation; `at` reports on this step. */
function judgeStep(model: ContractModel, step: TraceStep, at: Report): Violation | undefined {
  if (step.denied?.length) {
    return {
      ...at(
        HARNESS_ERROR,
        `the HAL asked for ${step.denied.join(", ")}: denied by the sandbox ${sandboxAdvice(step.denied[0])}`,
      ),
      denied: step.denied[0],
    };
  }
  if (step.missing) {
    return at(
      HARNESS_ERROR,
      `this instance has no ${step.missing}, though the HAL's first instance had it: every instance must ` +
        "have the same methods",
    );
  }
  if (step.skipped) return undefined;
  if (step.cpu !== model.cpu && model.liveFrames > 0) model.visited.add("CPU switch with frames live");
  model.cpu = step.cpu;
  if (step.threw && (step.threw.name === "NotCapable" || step.threw.name === "PermissionDenied")) {
    const denied = deniedPermission(step.threw.message);
    const what = denied ?? step.threw.message.split(", run again")[0];
    return {
      ...at(HARNESS_ERROR, `${step.threw.method} asked for ${what}: denied by the sandbox ${sandboxAdvice(what)}`),
      ...(denied ? { denied } : {}),
    };
  }
  if (step.op.op !== "handle" && step.dispatched.length > 0) {
    return at(
      "IRQ-5",
      `the HAL dispatched IRQ ${step.dispatched.join(", ")} to the host during ${step.op.op}, outside irqHandler`,
    );
  }
  const threw = step.threw ? `threw ${step.threw.name}: ${step.threw.message}` : "";
  switch (step.op.op) {
    case "alloc":
      if (step.threw) {
        return at("ALLOC-1", `allocFrame ${threw}`, "a frame, or null when none is free", threw);
      }
      return judgeAllocation(model, step.result, step, at);
    case "fill": {
      const values = step.result as WordList;
      const violation = judgeFill(model, values, step, at);
      if (violation) return violation;
      if (step.threw) {
        const free = model.capacity - model.liveFrames;
        return at(
          "ALLOC-1",
          `allocFrame ${threw} after ${values.length} frames (${free} usable frames still free)`,
          free > 0 ? "a frame" : "null",
          threw,
        );
      }
      return undefined;
    }
    case "free":
    case "freeAgain":
    case "freeRaw":
      return judgeFree(model, step, at, threw);
    case "p2v":
    case "p2vRaw": {
      if (!model.boardRegionOf(step.paddr!)) return undefined;
      model.reach("XLATE-1");
      if (step.threw) {
        return at(
          "XLATE-1",
          `physToVirt(${hex(step.paddr!)}) ${threw}`,
          "a virtual address: physToVirt is defined on all declared RAM",
          threw,
        );
      }
      return judgeTranslation(model, step.paddr!, step.result, step, at);
    }
    case "v2p":
      return judgeReverseTranslation(model, step, at, threw);
    case "raise":
      return judgeRaise(model, step, threw);
    case "fetch":
      return judgeFetch(model, step, at, threw);
    case "handle":
      return judgeHandle(model, step, at, threw);
    case "setCpu":
      return undefined;
    case "write":
    case "read":
      return judgeMemoryAccess(model, step, at, threw);
    case "freeMany":
      return judgeFreeMany(model, step, at, threw);
    case "allocContig":
      return judgeAllocContig(model, step, at, threw);
    case "freeContig":
      return judgeFreeContig(model, step, at, threw);
    case "freeContigBad":
    case "freeInRange":
      return judgeBadRangeFree(model, step, at, threw);
    case "p2vContig":
      return judgeRangeTranslation(model, step, at, threw);
  }
}

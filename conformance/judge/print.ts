/**
 * Programs and traces as numbered, human-readable steps.
 *
 * @module
 */

import { formatAddress } from "../contract/address.ts";
import type { Trace, TraceStep } from "../program/executor.ts";
import { describeValue, HARNESS_ERROR, type Violation } from "./judge.ts";
import type { Pick, Program } from "../program/program.ts";
import { WordList } from "../program/word_list.ts";

const hex = formatAddress;

function outcome(step: TraceStep): string {
  if (step.skipped) return `skipped (${step.skipped})`;
  if (step.threw) {
    // Deno's advice ("run again with the --allow-read flag") names flags halconf does not have.
    const message = /^(NotCapable|PermissionDenied)$/.test(step.threw.name)
      ? step.threw.message.replace(/, run again with the --allow-\w+ flag$/, "")
      : step.threw.message;
    return `threw ${step.threw.name}: ${message}`;
  }
  return "";
}

function formatBytes(bytes: Uint8Array): string {
  if (bytes.length <= 16) return `[${bytes.join(", ")}]`;
  const nonZero = bytes.reduce((count, byte) => count + (byte === 0 ? 0 : 1), 0);
  const first = bytes.findIndex((byte) => byte !== 0);
  const where = nonZero === 0 ? "all zero" : `${nonZero} non-zero, the first at offset ${formatAddress(BigInt(first))}`;
  return `${bytes.length} bytes [${bytes.subarray(0, 8).join(", ")}, ...] (${where})`;
}

function arrow(step: TraceStep, value: unknown): string {
  const result = outcome(step);
  if (result) return ` -> ${result}`;
  return ` -> ${value instanceof Uint8Array ? formatBytes(value) : describeValue(value)}`;
}

/** A fill's values: every one counts, whatever its type (a HAL returning numbers is shown returning numbers). */
function fillSummary(values: WordList): string {
  const last = values.at(values.length - 1);
  const stopped = values.length > 0 && (last === null || last === undefined);
  const handed = stopped ? values.length - 1 : values.length;
  const tail = stopped ? `then ${describeValue(last)}` : "(stopped at the fill limit)";
  if (handed === 0) return tail;
  const shown = (index: number) => describeValue(values.at(index));
  if (handed <= 3) return `${Array.from({ length: handed }, (_, index) => shown(index)).join(", ")}, ${tail}`;
  // A list of words holds only bigints; a plain one is read through.
  const frames = values.plain === undefined ||
    values.plain.slice(0, handed).every((value) => typeof value === "bigint");
  return `${handed} ${frames ? "frames" : "values"} (${shown(0)}, ${shown(1)} ... ${shown(handed - 1)}), ${tail}`;
}

/**
 * One step as text, with the values the HAL returned: `3. alloc() -> 0x8000_2000`.
 *
 * @example
 * ```ts
 * import { executeProgram, formatStep, identityHal, validateProfile } from "@halconf/halconf";
 *
 * const target = identityHal();
 * const trace = executeProgram(target, validateProfile(target.profile), [{ op: "alloc" }]);
 * formatStep(trace.steps[0]); // "1. alloc() -> 0x8000_0000"
 * ```
 */
export function formatStep(step: TraceStep): string {
  const n = `${step.index + 1}.`;
  const from = step.source !== undefined ? ` from step ${step.source + 1}` : "";
  const op = step.op;
  const dispatched = step.dispatched.length && op.op !== "handle" ? ` [dispatched ${step.dispatched.join(", ")}]` : "";
  let text: string;
  switch (op.op) {
    case "alloc":
      text = `alloc()${arrow(step, step.result)}`;
      break;
    case "fill": {
      const values = (step.result as WordList | undefined) ?? new WordList();
      text = `fill()${step.threw ? ` -> ${fillSummary(values)}, then ${outcome(step)}` : ` -> ${fillSummary(values)}`}`;
      break;
    }
    case "free":
    case "freeAgain":
    case "freeRaw": {
      const what = step.paddr === undefined ? "?" : hex(step.paddr);
      const label = op.op === "free" ? `${what}${from}` : op.op === "freeAgain" ? `${what} again` : what;
      text = `free(${label}) -> ${outcome(step) || "ok"}`;
      break;
    }
    case "p2v":
    case "p2vRaw":
      text = `p2v(${step.paddr === undefined ? "?" : hex(step.paddr)}${from})${arrow(step, step.result)}`;
      break;
    case "v2p":
      text = `v2p(${step.vaddr === undefined ? "?" : hex(step.vaddr)}, a page p2v returned${from})${
        arrow(step, step.result)
      }`;
      break;
    case "raise":
      text = `raise(${op.irq})${outcome(step) ? ` -> ${outcome(step)}` : ""}`;
      break;
    case "fetch":
      text = `fetch()${outcome(step) ? ` -> ${outcome(step)}` : ` -> ${step.result}`}`;
      break;
    case "handle":
      text = `handle() -> ${
        outcome(step) || (step.dispatched.length ? `dispatched ${step.dispatched.join(", ")}` : "dispatched nothing")
      }`;
      break;
    case "setCpu":
      text = `setCpu(${op.cpu}) -> now on CPU ${step.cpu}`;
      break;
    case "write":
    case "read": {
      const where = step.paddr === undefined
        ? "?"
        : `${hex(step.paddr)}${step.vaddr !== undefined ? ` via ${hex(step.vaddr)}` : ""}${from}`;
      text = op.op === "write"
        ? `write(${where}, [${op.bytes.join(", ")}])${outcome(step) ? ` -> ${outcome(step)}` : " -> ok"}`
        : `read(${where}, ${op.length})${arrow(step, step.result)}`;
      break;
    }
    case "freeMany": {
      const frames = step.paddrs ?? [];
      const calls = (step.result as number | undefined) ?? 0;
      const shown = frames.length > 3
        ? `${hex(frames[0])}, ${hex(frames[1])}, ... ${hex(frames.at(-1)!)}`
        : frames.map(hex).join(", ");
      text = `free ${frames.length} frames (${shown || "none live"}) -> ${
        step.threw ? `${calls - 1} freed, then ${hex(frames[calls - 1])}: ${outcome(step)}` : "ok"
      }`;
      break;
    }
    case "allocContig":
      text = `allocContig(${op.count}, alignPow2 ${op.alignPow2})${arrow(step, step.result)}`;
      break;
    case "freeContig":
    case "freeContigBad": {
      const what = step.paddr === undefined ? "?" : `${hex(step.paddr)}, ${step.count}`;
      const label = op.op === "freeContig"
        ? ""
        : op.wrong === "count"
        ? " (count one too many)"
        : " (not the first frame)";
      text = `freeContig(${what}${from}${label}) -> ${outcome(step) || "ok"}`;
      break;
    }
    case "freeInRange":
      text = `free(${step.paddr === undefined ? "?" : hex(step.paddr)}, frame ${op.nth} of the range${from}) -> ${
        outcome(step) || "ok"
      }`;
      break;
    case "p2vContig":
      text = `p2v(${step.paddr === undefined ? "?" : hex(step.paddr)}, in the range${from})${arrow(step, step.result)}`;
      break;
  }
  return `${n} ${text}${dispatched}`;
}

/**
 * A program as numbered steps, without results (for a program that never
 * finished: a crash, a timeout).
 *
 * @example
 * ```ts
 * import { formatProgram } from "@halconf/halconf";
 *
 * formatProgram([{ op: "alloc" }, { op: "free", frame: 0 }]); // ["1. alloc()", "2. free(live frame #0)"]
 * ```
 */
export function formatProgram(program: Program): string[] {
  const pick = (value: Pick, what: string) =>
    typeof value === "number" ? `${what} #${value}` : `the ${what} of step ${value.step + 1}`;
  return program.map((op, index) => {
    const n = `${index + 1}.`;
    switch (op.op) {
      case "free":
      case "freeAgain":
        return `${n} ${op.op === "free" ? "free" : "free again"}(${
          pick(op.frame, op.op === "free" ? "live frame" : "freed frame")
        })`;
      case "freeRaw":
        return `${n} free(${hex(op.addr)})`;
      case "p2v":
        return `${n} p2v(${pick(op.frame, "live frame")} + ${op.offset})`;
      case "p2vRaw":
        return `${n} p2v(${hex(op.addr)})`;
      case "v2p":
        return `${n} v2p(${pick(op.pick, "p2v result")} + ${op.offset})`;
      case "raise":
        return `${n} raise(${op.irq})`;
      case "setCpu":
        return `${n} setCpu(${op.cpu})`;
      case "write":
        return `${n} write(${pick(op.frame, "live frame")} + ${op.offset}, [${op.bytes.join(", ")}])`;
      case "read":
        return `${n} read(${pick(op.frame, "live frame")} + ${op.offset}, ${op.length})`;
      case "freeMany":
        return `${n} free ${op.count} live frames (stride ${op.stride})`;
      case "allocContig":
        return `${n} allocContig(${op.count}, alignPow2 ${op.alignPow2})`;
      case "freeContig":
        return `${n} freeContig(${pick(op.range, "live range")})`;
      case "freeContigBad":
        return `${n} freeContig(${pick(op.range, "live range")}, wrong ${op.wrong})`;
      case "freeInRange":
        return `${n} free(frame ${op.nth} of ${pick(op.range, "live range")})`;
      case "p2vContig":
        return `${n} p2v(frame ${op.nth} of ${pick(op.range, "live range")} + ${op.offset})`;
      default:
        return `${n} ${op.op}()`;
    }
  });
}

/**
 * A trace as numbered steps, the violated step marked with its clause.
 * Steps after the violation are summarised.
 *
 * @example
 * ```ts
 * import { executeProgram, formatTrace, identityHal, validateProfile } from "@halconf/halconf";
 *
 * const target = identityHal();
 * const trace = executeProgram(target, validateProfile(target.profile), [{ op: "alloc" }, { op: "fetch" }]);
 * formatTrace(trace); // ["1. alloc() -> 0x8000_0000", "2. fetch() -> 1023"]
 * ```
 */
export function formatTrace(trace: Trace, violation?: Violation): string[] {
  if (trace.createError) {
    return [`create() threw ${trace.createError.name}: ${trace.createError.message}`];
  }
  const last = violation && violation.step >= 0 ? violation.step : trace.steps.length - 1;
  const lines = trace.steps.slice(0, last + 1).map(formatStep);
  if (violation && violation.step >= 0) {
    lines[violation.step] += violation.clause === HARNESS_ERROR ? "   <-- error" : `   <-- ${violation.clause} broken`;
    const rest = trace.steps.length - last - 1;
    if (rest > 0) lines.push(`(${rest} later step${rest > 1 ? "s" : ""} not shown)`);
  }
  return lines;
}

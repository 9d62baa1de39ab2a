/**
 * Shrinking by the program's own structure, after (or instead of)
 * fast-check's shrinker: picks pinned to the steps they resolved to, steps
 * removed in chunks and one by one, frees of many widened and merged.
 *
 * fast-check shrinks the values it generated; these moves know what a step
 * means. On a board whose every program drains gigabytes, where each
 * candidate costs a whole drain, they are the only shrinking (chunks first,
 * so a long program loses most of its steps in a few candidates).
 *
 * @module
 */

import type { Trace } from "../program/executor.ts";
import { MANY_LIMIT, type Operation, type Program, type StepRef } from "../program/program.ts";

const PICK_FIELDS = ["frame", "pick", "range"] as const;

/** Whether a candidate still breaks the clause being shrunk for; `undefined` when shrinking must stop (deadline). */
export type StillBreaks = (candidate: Program) => Promise<boolean | undefined>;

/**
 * Replaces every pick by a reference to the step whose result it resolved to
 * in `trace`, so that removing an unrelated step no longer changes what later
 * steps operate on.
 *
 * @example
 * ```ts
 * import { executeProgram, identityHal, pinPicks, validateProfile } from "@halconf/halconf";
 *
 * const target = identityHal();
 * const program = [{ op: "alloc" as const }, { op: "free" as const, frame: 0 }];
 * const trace = executeProgram(target, validateProfile(target.profile), program);
 * pinPicks(program, trace)[1]; // { op: "free", frame: { step: 0, nth: 0 } }
 * ```
 */
export function pinPicks(program: Program, trace: Trace): Program {
  return program.map((op, index) => {
    const step = trace.steps[index];
    if (!step || step.source === undefined) return op;
    const pinned: Record<string, unknown> = { ...op };
    for (const field of PICK_FIELDS) {
      if (field in pinned) pinned[field] = { step: step.source, nth: step.sourceNth ?? 0 };
    }
    return pinned as Operation;
  });
}

/** `program` without the steps in [from, to), references renumbered; `undefined` if a later step refers to one. */
export function withoutSteps(program: Program, from: number, to: number = from + 1): Program | undefined {
  const out: Program = [];
  const removed = to - from;
  for (let position = 0; position < program.length; position++) {
    if (position >= from && position < to) continue;
    const copy: Record<string, unknown> = { ...program[position] };
    for (const field of PICK_FIELDS) {
      const ref = copy[field] as StepRef | number | undefined;
      if (typeof ref !== "object") continue;
      if (ref.step >= from && ref.step < to) return undefined;
      if (ref.step >= to) copy[field] = { ...ref, step: ref.step - removed };
    }
    out.push(copy as Operation);
  }
  return out;
}

/**
 * Removes runs of steps, halving the run length from half the program down
 * to two, keeping every removal after which the clause still breaks (the
 * chunking of delta debugging): a program of hundreds of steps of which three
 * matter shrinks in tens of candidates instead of hundreds. With `keepLast`,
 * the last step (the violation, in a program cut there) stays.
 */
export async function dropChunks(
  program: Program,
  stillBreaks: StillBreaks,
  options: { keepLast?: boolean } = {},
): Promise<Program> {
  let current = program;
  // A program cut at its violation keeps its last step: a candidate without it cannot break the same way.
  const kept = options.keepLast ? 1 : 0;
  for (let size = Math.floor((current.length - kept) / 2); size >= 2; size = Math.floor(size / 2)) {
    for (let end = current.length - kept; end - size >= 0;) {
      const candidate = withoutSteps(current, end - size, end);
      const breaks = candidate ? await stillBreaks(candidate) : false;
      if (breaks === undefined) return current;
      if (breaks) current = candidate!;
      end -= size;
    }
  }
  return current;
}

/**
 * Polishes a shrunk program: with picks pinned to the steps they refer to,
 * single steps are removed one at a time, keeping every removal after which
 * the same clause still breaks. Steps after the violation go first: running
 * is deterministic and judging stops at the violation.
 */
export async function dropNeedlessSteps(
  program: Program,
  stillBreaks: StillBreaks,
  options: { keepLast?: boolean } = {},
): Promise<Program> {
  let current = program;
  const kept = options.keepLast ? 1 : 0;
  for (let changed = true; changed;) {
    changed = false;
    for (let index = current.length - 1 - kept; index >= 0; index--) {
      const candidate = withoutSteps(current, index);
      const breaks = candidate ? await stillBreaks(candidate) : false;
      if (breaks === undefined) return current;
      if (breaks) {
        current = candidate!;
        changed = true;
      }
    }
    // A free of many that frees every live frame is simpler to read, and lets later steps go.
    for (let index = current.length - 1; index >= 0; index--) {
      const op = current[index];
      if (op.op !== "freeMany" || op.count === MANY_LIMIT) continue;
      const candidate = current.with(index, { ...op, count: MANY_LIMIT });
      const breaks = await stillBreaks(candidate);
      if (breaks === undefined) return current;
      if (breaks) {
        current = candidate;
        changed = true;
      }
    }
    // Two frees of many in a row become one: a slow leak needs hundreds of frees in all, not in one step, so
    // fast-check (which only makes counts smaller) leaves them split.
    for (let index = current.length - 2; index >= 0; index--) {
      const candidate = mergedFrees(current, index);
      const breaks = candidate ? await stillBreaks(candidate) : false;
      if (breaks === undefined) return current;
      if (breaks) {
        current = candidate!;
        changed = true;
      }
    }
  }
  return current;
}

/** The program with steps `index` and `index + 1`, both `freeMany` with one stride, as one; or undefined. */
function mergedFrees(program: Program, index: number): Program | undefined {
  const [first, second] = [program[index], program[index + 1]];
  if (first.op !== "freeMany" || second.op !== "freeMany" || first.stride !== second.stride) return undefined;
  const replaced = [...program];
  replaced[index] = { ...first, count: Math.min(first.count + second.count, MANY_LIMIT) };
  // A freeMany produces no address, so nothing refers to the step removed; later references shift by one.
  return withoutSteps(replaced, index + 1);
}

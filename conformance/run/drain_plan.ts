/**
 * How a check that must drain RAM spends its budget of frames.
 *
 * On a small board every program the check asks for runs as generated. On a
 * large one (gigabytes: a drain is millions of `allocFrame` calls) the check
 * runs fewer, longer programs: each drains the whole pool once, early, and
 * then runs many steps of the check's own mix in the drained state, where
 * every later fill costs only what was freed since. What a program does
 * after its drain (frees, refills, further drains, CPU switches) is what
 * finds leaks and drift, so a few long programs keep the power of many short
 * ones at a fraction of the frames.
 *
 * @module
 */

import type { ProgramShape } from "../program/arbitraries.ts";
import { MANY_LIMIT, type Program } from "../program/program.ts";

/**
 * Frames a draining check may allocate over all its programs before it switches to fewer, longer programs:
 * 2^19, so that the draining checks cost a whole run about as much at 256 MiB as 200 programs of the rest.
 */
export const DRAIN_FRAMES = 1 << 19;

/**
 * The fewest programs a draining check runs, each a full drain, however large RAM is: one, whose long run of steps in
 * the drained state is what finds leaks and drift (measured: on a 4 GiB board, the deep mutants, a leak every 50th
 * or 400th free, drift after 2 or 3 drains, per-CPU caches that drop frames, were caught on every seed with one
 * program as with two).
 */
export const MIN_DRAINS = 1;

/** The most steps a program runs after its drain on a large board. */
export const MAX_STEPS_AFTER_DRAIN = 800;

/**
 * An upper bound on the frames a program's fills may allocate on a pool of `capacity` frames: the first fill
 * drains the whole pool, and every later fill gets at most what was freed since the fill before it.
 *
 * @example
 * ```ts
 * import { fillCost } from "./drain_plan.ts";
 *
 * fillCost([{ op: "fill" }, { op: "freeMany", count: 16, stride: 1 }, { op: "fill" }], 1 << 20); // 1048592
 * ```
 */
export function fillCost(program: Program, capacity: number): number {
  let cost = 0;
  let fills = 0;
  let freed = 0;
  for (const op of program) {
    switch (op.op) {
      case "fill":
        cost += fills++ === 0 ? capacity : Math.min(capacity, freed);
        freed = 0;
        break;
      case "free":
      case "freeAgain":
      case "freeRaw":
      case "freeInRange":
        freed++;
        break;
      case "freeMany":
        freed += op.count;
        break;
      case "freeContig":
      case "freeContigBad":
        freed += MANY_LIMIT;
        break;
    }
  }
  return cost;
}

/**
 * The shape of a draining check's programs on a large board: a few steps of the check's first mix (no fill),
 * one fill that drains the pool, then up to `stepsAfter` steps of its last mix.
 */
export function drainOnceShape(shape: ProgramShape, stepsAfter: number): ProgramShape {
  const { fill: _, ...before } = shape.mix;
  let last = shape;
  while (last.then) last = last.then;
  return {
    mix: Object.keys(before).length > 0 ? before : { alloc: 1 },
    minLength: 0,
    maxLength: 4,
    then: {
      mix: { fill: 1 },
      minLength: 1,
      maxLength: 1,
      then: {
        mix: last.mix,
        minLength: Math.ceil(stepsAfter / 2),
        maxLength: stepsAfter,
        size: "large",
      },
    },
  };
}

/**
 * How many steps each program runs after its drain when `runs` programs stand for the `requested` ones the check
 * asked for: as many as those would have run in all, shared out, at most `MAX_STEPS_AFTER_DRAIN`.
 */
export function stepsAfterDrain(shape: ProgramShape, requested: number, runs: number): number {
  let last = shape;
  while (last.then) last = last.then;
  const perProgram = last.maxLength ?? 40;
  return Math.min(MAX_STEPS_AFTER_DRAIN, Math.max(perProgram, Math.ceil(perProgram * requested / Math.max(1, runs))));
}

/** How many draining programs fit a budget of frames: at least `MIN_DRAINS`, at most `requested`. */
export function drainRuns(capacity: number, budget: number, requested: number): number {
  return Math.min(requested, Math.max(MIN_DRAINS, Math.floor(budget / Math.max(1, capacity))));
}

/** The first programs of `programs` whose fills fit `budget` frames, at least `MIN_DRAINS` of them. */
export function withinBudget(programs: readonly Program[], capacity: number, budget: number): Program[] {
  let spent = 0;
  let count = 0;
  for (; count < programs.length; count++) {
    spent += fillCost(programs[count], capacity);
    if (spent > budget && count >= MIN_DRAINS) break;
  }
  return programs.slice(0, count);
}

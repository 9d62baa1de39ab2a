/**
 * What a check is: metadata (id, clauses, title, needs) read by the
 * catalogue, and the shape of the programs it generates.
 *
 * @module
 */

import type { ProgramShape } from "../program/arbitraries.ts";

/**
 * A profile claim or capability a check needs. Without it the check is
 * skipped with the reason, never failed.
 *
 * - `irq`: the profile declares `irq`, and the HAL implements `irqFetch`,
 *   `irqHandler` and the `raiseIrq` port;
 * - `irq-order`: the declared order is not `any`, or the lines have priorities;
 * - `zeroedFrames`, `strictFree`: the profile claims them;
 * - `numa`: the profile declares `cpuNodes` over at least two nodes;
 * - `memory-ports`: the HAL has `readMemory` and `writeMemory`;
 * - `exhaustible`: RAM (or the test window) holds at most 2^22 frames, so a
 *   check can allocate all of it;
 * - `irq-peek`, `irq-acknowledge`: the profile declares that fetch semantics;
 * - `irq-banked`: the profile declares banked lines;
 * - `contiguous`: the `axvisor-memory` edition; a HAL of that edition without
 *   the contiguous methods is an `error`, not a skip.
 */
export type Need =
  | "irq"
  | "irq-order"
  | "irq-peek"
  | "irq-acknowledge"
  | "irq-banked"
  | "zeroedFrames"
  | "strictFree"
  | "numa"
  | "memory-ports"
  | "exhaustible"
  | "contiguous";

/** One check of the suite. */
export interface Check {
  /** Stable id, `family.name`. */
  id: string;
  /** The SPEC.md clauses it enforces. */
  clauses: string[];
  /** One line. */
  title: string;
  /** What it does, for `explain`. */
  description: string;
  /** Claims and capabilities it needs. */
  needs: Need[];
  /** The programs it generates. */
  shape: ProgramShape;
  /** Whether a violation of any clause fails it (the model-based check). */
  judgesAll?: boolean;
  /**
   * The share of `--runs` this check runs (default 1): a check whose programs
   * are each many times longer than others' (deep states) runs fewer of them.
   */
  runsShare?: number;
}

/**
 * Declares a check (an identity function that keeps the literal types).
 *
 * @example
 * ```ts
 * import { defineCheck } from "@halconf/halconf";
 *
 * const check = defineCheck({
 *   id: "alloc.example",
 *   clauses: ["ALLOC-6"],
 *   title: "live frames are distinct",
 *   description: "allocates and frees at random",
 *   needs: [],
 *   shape: { mix: { alloc: 3, free: 1 } },
 * });
 * ```
 */
export function defineCheck(check: Check): Check {
  return check;
}

/**
 * A check's programs, drawn from fast-check as they are needed rather than all
 * before the first runs.
 *
 * A check of 200 programs spent 10-15 ms drawing them before its first batch
 * could leave, and a check that fails at its first program (`--fail-fast`'s
 * usual case) never needed the rest. The programs are fast-check's own stream
 * for the seed, the ones `fc.sample` gives and `fc.check` regenerates when it
 * shrinks: each later chunk starts where the last ended through fast-check's
 * replay path (a path of one number is that many programs skipped: their
 * random generators jumped over, none of them built).
 *
 * @module
 */

import fc from "fast-check";
import type { Program } from "./program.ts";

/** What {@link ProgramDraw} needs of fast-check's parameters: the seed and generator of the check's runs. */
export interface DrawParameters {
  /** The check's seed, as `fc.check` gets it. */
  seed: number;
  /** fast-check's random generator, as `fc.check` gets it. */
  randomType: NonNullable<fc.Parameters<unknown>["randomType"]>;
}

/**
 * The first `count` programs of `arbitrary`'s stream for a seed, drawn on demand.
 *
 * @example
 * ```ts
 * import fc from "fast-check";
 * import { ProgramDraw } from "./program_draw.ts";
 * import type { Program } from "./program.ts";
 *
 * const arbitrary = fc.constant<Program>([{ op: "alloc" }]);
 * const draw = new ProgramDraw(arbitrary, { seed: 1, randomType: "congruential32" }, 100);
 * draw.slice(0, 8).length; // 8: only these are drawn so far
 * draw.drawn; // 8
 * ```
 */
export class ProgramDraw {
  readonly #arbitrary: fc.Arbitrary<Program>;
  readonly #parameters: DrawParameters;
  readonly #drawn: Program[] = [];
  /** How many programs the check runs at most. */
  readonly length: number;

  constructor(arbitrary: fc.Arbitrary<Program>, parameters: DrawParameters, count: number) {
    this.#arbitrary = arbitrary;
    this.#parameters = parameters;
    this.length = count;
  }

  /** How many programs have been drawn. */
  get drawn(): number {
    return this.#drawn.length;
  }

  /** Programs [from, to) (to capped at {@link length}), drawing those not yet drawn. */
  slice(from: number, to: number): Program[] {
    this.#drawUpTo(Math.min(to, this.length));
    return this.#drawn.slice(from, to);
  }

  /** Every program, drawn now. */
  all(): Program[] {
    return this.slice(0, this.length);
  }

  #drawUpTo(end: number): void {
    const start = this.#drawn.length;
    if (end <= start) return;
    const chunk = fc.sample(this.#arbitrary, {
      ...this.#parameters,
      numRuns: end - start,
      // fast-check's replay path: the stream from program `start` on, the earlier ones skipped without being built.
      ...(start > 0 ? { path: String(start) } : {}),
    });
    for (const program of chunk) this.#drawn.push(program);
  }
}

/**
 * A simulated interrupt controller: a pending set with edge coalescing and
 * one of the declared fetch orders.
 *
 * @module
 */

import type { IrqOrder } from "../conformance/contract/hal.ts";

/**
 * Pending interrupt lines. Raising a line that is already pending coalesces
 * with it, the way a pending bit does on a GIC.
 *
 * @example
 * ```ts
 * import { InterruptController } from "@halconf/halconf/impls";
 *
 * const gic = new InterruptController(64, 1023, "lowest-first");
 * gic.raise(9);
 * gic.raise(3);
 * gic.current(); // 3
 * gic.acknowledge(3);
 * gic.current(); // 9
 * ```
 */
export class InterruptController {
  /** Insertion order is the order lines became pending, which `fifo` needs. */
  readonly #pending: Set<number> = new Set();
  readonly #lines: number;
  readonly #none: number;
  readonly #order: IrqOrder;

  /** A controller for lines `0..lines-1` that reports `none` when idle. */
  constructor(lines: number, none: number, order: IrqOrder) {
    this.#lines = lines;
    this.#none = none;
    this.#order = order;
  }

  /** Asserts a line; throws a `RangeError` for a line that does not exist. */
  raise(irq: number): void {
    if (!Number.isInteger(irq) || irq < 0 || irq >= this.#lines || irq === this.#none) {
      throw new RangeError(`Cannot raise IRQ ${irq}: lines are 0..${this.#lines - 1} except ${this.#none}`);
    }
    this.#pending.add(irq);
  }

  /** The line to serve next, or `none`; no side effect. */
  current(): number {
    if (this.#pending.size === 0) return this.#none;
    switch (this.#order) {
      case "fifo":
      case "any":
        return this.#pending.values().next().value!;
      case "lowest-first":
        return Math.min(...this.#pending);
      case "highest-first":
        return Math.max(...this.#pending);
    }
  }

  /** Clears a pending line. */
  acknowledge(irq: number): void {
    this.#pending.delete(irq);
  }

  /** What `current()` returns when nothing is pending. */
  get none(): number {
    return this.#none;
  }

  /** The pending lines, in the order they became pending. */
  pending(): number[] {
    return [...this.#pending];
  }

  /** Number of pending lines. */
  get pendingCount(): number {
    return this.#pending.size;
  }
}

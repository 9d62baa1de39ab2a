/**
 * A simulated GIC CPU interface: pending, active and completed states,
 * acknowledge by reading (IAR), end of interrupt (EOIR), and lines banked
 * per CPU (SGIs and PPIs).
 *
 * @module
 */

/**
 * A GIC-like interrupt controller. Lines below `banked` have one copy per
 * CPU; the others are shared. `acknowledge(cpu)` returns the lowest pending
 * line visible to `cpu` that is not active and makes it active (or returns
 * `spurious`); `complete(cpu, irq)` ends it.
 *
 * @example
 * ```ts
 * import { Gic } from "@halconf/halconf/impls";
 *
 * const gic = new Gic(64, 32, 4, 1023);
 * gic.raise(40, 0);
 * const irq = gic.acknowledge(1); // 40: shared lines go to any CPU
 * gic.acknowledge(1); // 1023: nothing else pending
 * gic.complete(1, irq);
 * ```
 */
export class Gic {
  readonly #lines: number;
  readonly #banked: number;
  readonly #spurious: number;
  /**
   * pending[cpu * lines + irq] for banked lines, pending[irq] of CPU 0's row for shared ones (0 or 1). Plain arrays: a
   * reference HAL makes a controller per instance, and a typed array costs a buffer outside the heap each time.
   */
  readonly #pending: number[];
  readonly #active: number[];

  /** A controller with `lines` lines, the first `banked` per CPU, for `cpus` CPUs. */
  constructor(lines: number, banked: number, cpus: number, spurious: number) {
    this.#lines = lines;
    this.#banked = banked;
    this.#spurious = spurious;
    this.#pending = new Array<number>(lines * cpus).fill(0);
    this.#active = new Array<number>(lines * cpus).fill(0);
  }

  #slot(irq: number, cpu: number): number {
    return irq < this.#banked ? cpu * this.#lines + irq : irq;
  }

  /** Asserts a line: a banked line on `cpu` only. Throws a `RangeError` for a line that does not exist. */
  raise(irq: number, cpu: number): void {
    if (!Number.isInteger(irq) || irq < 0 || irq >= this.#lines || irq === this.#spurious) {
      throw new RangeError(`Cannot raise IRQ ${irq}: lines are 0..${this.#lines - 1} except ${this.#spurious}`);
    }
    this.#pending[this.#slot(irq, cpu)] = 1;
  }

  /** Reads the acknowledge register on `cpu`: the lowest deliverable line, now active; or `spurious`. */
  acknowledge(cpu: number): number {
    for (let irq = 0; irq < this.#lines; irq++) {
      const slot = this.#slot(irq, cpu);
      if (this.#pending[slot] && !this.#active[slot]) {
        this.#pending[slot] = 0;
        this.#active[slot] = 1;
        return irq;
      }
    }
    return this.#spurious;
  }

  /** Writes the end-of-interrupt register on `cpu`: the line is no longer active. */
  complete(cpu: number, irq: number): void {
    if (irq >= 0 && irq < this.#lines) this.#active[this.#slot(irq, cpu)] = 0;
  }

  /** The id `acknowledge` returns when nothing is deliverable. */
  get spurious(): number {
    return this.#spurious;
  }
}

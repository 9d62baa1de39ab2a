/**
 * A simulated GIC CPU interface: pending, active and completed states,
 * acknowledge by reading (IAR), end of interrupt (EOIR), lines banked per CPU
 * (SGIs and PPIs), and, when asked for, priorities with each CPU interface's
 * running priority, as the GIC architecture defines them and QEMU's `virt`
 * machine implements them.
 *
 * @module
 */

/** What a `Gic` models beyond pending and active states. */
export interface GicOptions {
  /** Each line's priority, lower more urgent (default: all equal). */
  priorities?: readonly number[];
  /**
   * The running priority of each CPU interface: while a line is active there, an acknowledge returns a line only if
   * its priority is strictly higher (a lower value), and end of interrupt drops the most recent priority first.
   */
  runningPriority?: boolean;
}

/**
 * A GIC-like interrupt controller. Lines below `banked` have one copy per
 * CPU; the others are shared. `acknowledge(cpu)` returns the pending line of
 * the highest priority visible to `cpu` that is not active (the lowest
 * numbered among equals) and makes it active (or returns `spurious`);
 * `complete(cpu, irq)` ends it.
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
 *
 * @example Running priority: a line of the same priority waits for the end of interrupt
 * ```ts
 * import { Gic } from "@halconf/halconf/impls";
 *
 * const priorities = Array.from({ length: 64 }, (_, line) => (line === 42 ? 0x80 : 0xa0));
 * const gic = new Gic(64, 32, 1, 1023, { priorities, runningPriority: true });
 * gic.raise(40, 0);
 * gic.raise(41, 0);
 * gic.acknowledge(0); // 40
 * gic.acknowledge(0); // 1023: 41 does not preempt 40
 * gic.raise(42, 0);
 * gic.acknowledge(0); // 42: a higher priority preempts
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
  readonly #priorities: readonly number[] | undefined;
  /** Per CPU, the priorities of its active lines, most recent last (running priority); undefined without it. */
  readonly #running: number[][] | undefined;

  /** A controller with `lines` lines, the first `banked` per CPU, for `cpus` CPUs. */
  constructor(lines: number, banked: number, cpus: number, spurious: number, options: GicOptions = {}) {
    this.#lines = lines;
    this.#banked = banked;
    this.#spurious = spurious;
    this.#pending = new Array<number>(lines * cpus).fill(0);
    this.#active = new Array<number>(lines * cpus).fill(0);
    this.#priorities = options.priorities;
    this.#running = options.runningPriority ? Array.from({ length: cpus }, () => []) : undefined;
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

  /** The pending, inactive line of the highest priority `cpu` sees (the lowest numbered among equals), or -1. */
  #best(cpu: number): { irq: number; priority: number } {
    let best = -1;
    let bestPriority = 256;
    for (let irq = 0; irq < this.#lines; irq++) {
      const slot = this.#slot(irq, cpu);
      if (!this.#pending[slot] || this.#active[slot]) continue;
      const priority = this.#priorities?.[irq] ?? 0;
      if (priority < bestPriority) {
        best = irq;
        bestPriority = priority;
      }
    }
    return { irq: best, priority: bestPriority };
  }

  /**
   * Reads the acknowledge register on `cpu`: the deliverable line of the highest priority (the lowest numbered among
   * equals), now active; or `spurious` when none is pending, or none preempts the running priority.
   */
  acknowledge(cpu: number): number {
    const { irq: best, priority: bestPriority } = this.#best(cpu);
    const running = this.#running?.[cpu];
    if (best < 0 || (running !== undefined && running.length > 0 && bestPriority >= running[running.length - 1])) {
      return this.#spurious;
    }
    const slot = this.#slot(best, cpu);
    this.#pending[slot] = 0;
    this.#active[slot] = 1;
    running?.push(bestPriority);
    return best;
  }

  /**
   * Reads the highest priority pending register on `cpu` (GICC_HPPIR, ICC_HPPIR1_EL1): the line an acknowledge would
   * return were no line active, or `spurious`; it changes nothing.
   *
   * @example
   * ```ts
   * import { Gic } from "@halconf/halconf/impls";
   *
   * const gic = new Gic(64, 32, 1, 1023);
   * gic.raise(40, 0);
   * gic.highestPending(0); // 40, still pending
   * gic.acknowledge(0); // 40
   * ```
   */
  highestPending(cpu: number): number {
    const { irq } = this.#best(cpu);
    return irq < 0 ? this.#spurious : irq;
  }

  /** Writes the end-of-interrupt register on `cpu`: the running priority drops, and the line is no longer active. */
  complete(cpu: number, irq: number): void {
    this.#running?.[cpu]?.pop();
    if (irq >= 0 && irq < this.#lines) this.#active[this.#slot(irq, cpu)] = 0;
  }

  /** The id `acknowledge` returns when nothing is deliverable. */
  get spurious(): number {
    return this.#spurious;
  }
}

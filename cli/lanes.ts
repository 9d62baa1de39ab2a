/**
 * How a run deals its work to lanes (lane 0 is this thread; a reference HAL's work on another lane runs in a worker
 * thread, a custom HAL's in its driver process).
 *
 * A reference HAL's checks go to a home lane by family: allocation, freeing, state, NUMA and memory checks to one;
 * translation, interrupt and range checks to the other. Each thread then sees half the operations and half the judges,
 * so V8 compiles less in each, for fewer kinds of objects (the default run used 6% less CPU than with every other check
 * dealt to each lane). A lane whose queue is empty takes work from the back of the fullest other queue, so that both
 * end together however unequal the families are on a given HAL.
 *
 * @module
 */

/** Families that share a home lane: they share operations, judges and the model's parts (see the module doc). */
const FAMILY_GROUPS: readonly (readonly string[])[] = [
  ["alloc", "free", "state", "numa", "mem"],
  ["xlate", "irq", "contig"],
];

/** The most checks of one HAL in one piece of work: what a lane that runs out may take from another at once. */
export const CHECKS_PER_ITEM = 4;

/** The group of a check id's family (`alloc.unique` → 0); a family no group names goes to the first. */
export function familyGroup(checkId: string): number {
  const family = checkId.slice(0, checkId.indexOf("."));
  const group = FAMILY_GROUPS.findIndex((families) => families.includes(family));
  return group < 0 ? 0 : group;
}

/** The number of family groups (the lanes a reference HAL's checks are dealt to, at most). */
export const FAMILY_GROUP_COUNT: number = FAMILY_GROUPS.length;

/**
 * A reference HAL's checks cut into items by home lane: in catalogue order within each group, at most
 * `CHECKS_PER_ITEM` a piece. With one lane everything is at home on it.
 *
 * @example
 * ```ts
 * import { itemsByFamily } from "./lanes.ts";
 *
 * const items = itemsByFamily(["alloc.unique", "xlate.total", "free.reuse"], 2);
 * // [{ home: 0, checks: ["alloc.unique", "free.reuse"] }, { home: 1, checks: ["xlate.total"] }]
 * ```
 */
export function itemsByFamily<C extends string | { id: string }>(
  checks: readonly C[],
  lanes: number,
): { home: number; checks: C[] }[] {
  const idOf = (check: C) => typeof check === "string" ? check : check.id;
  const groups = Math.max(1, Math.min(lanes, FAMILY_GROUP_COUNT));
  const items: { home: number; checks: C[] }[] = [];
  for (let home = 0; home < groups; home++) {
    const mine = checks.filter((check) => familyGroup(idOf(check)) % groups === home);
    for (let at = 0; at < mine.length; at += CHECKS_PER_ITEM) {
      items.push({ home, checks: mine.slice(at, at + CHECKS_PER_ITEM) });
    }
  }
  return items;
}

/**
 * Work items, each with a home lane or none (any lane). A lane takes from its own queue first, in order; then from
 * the items without a home, in order; then from the back of the fullest other queue.
 *
 * @example
 * ```ts
 * import { LaneQueues } from "./lanes.ts";
 *
 * const queues = new LaneQueues([{ home: 0, name: "a" }, { home: 0, name: "b" }, { home: 1, name: "c" }], 2);
 * queues.take(1)?.name; // "c"
 * queues.take(1)?.name; // "b" (lane 1 is done with its own: it takes from the back of lane 0's)
 * queues.take(0)?.name; // "a"
 * ```
 */
export class LaneQueues<T extends { home?: number }> {
  readonly #own: T[][];
  readonly #anyLane: T[] = [];

  /** Queues for `lanes` lanes; an item whose home is not one of them goes to any lane. */
  constructor(items: readonly T[], lanes: number) {
    this.#own = Array.from({ length: Math.max(1, lanes) }, () => []);
    for (const item of items) {
      const queue = item.home === undefined ? undefined : this.#own[item.home];
      (queue ?? this.#anyLane).push(item);
    }
  }

  /** The next item for `lane`, or undefined when nothing is left. */
  take(lane: number): T | undefined {
    const own = this.#own[lane];
    if (own !== undefined && own.length > 0) return own.shift();
    if (this.#anyLane.length > 0) return this.#anyLane.shift();
    let fullest: T[] | undefined;
    for (const queue of this.#own) if (queue.length > (fullest?.length ?? 0)) fullest = queue;
    return fullest?.pop();
  }

  /** Items not taken yet. */
  get size(): number {
    return this.#anyLane.length + this.#own.reduce((sum, queue) => sum + queue.length, 0);
  }
}

/** How many items a lane that runs ahead keeps started at once (see `runLanes`). */
export const RUN_AHEAD = 2;

/**
 * Runs `work` on every item of `queues` with `size` lanes at once; each call learns its lane (0 to size - 1).
 *
 * An item for which `runsAhead` says yes may start before the lane's previous such item has ended, up to `RUN_AHEAD`
 * at once: for a lane whose work is queued in another thread, which then never waits for this one to hand it the
 * next (see worker_lane.ts). Any other item starts only when everything before it on its lane has ended.
 *
 * @example
 * ```ts
 * import { LaneQueues, runLanes } from "./lanes.ts";
 *
 * const seen: string[] = [];
 * const items: { name: string; home?: number }[] = [{ name: "a" }, { name: "b" }];
 * await runLanes(new LaneQueues(items, 2), 2, async (item, lane) => {
 *   seen.push(`${item.name}@${lane}`);
 * });
 * ```
 */
export async function runLanes<T extends { home?: number }>(
  queues: LaneQueues<T>,
  size: number,
  work: (item: T, lane: number) => Promise<void>,
  runsAhead: (item: T, lane: number) => boolean = () => false,
): Promise<void> {
  const lanes = Math.max(1, Math.min(size, queues.size));
  await Promise.all(Array.from({ length: lanes }, async (_, lane) => {
    const started: Promise<void>[] = [];
    for (let item = queues.take(lane); item !== undefined; item = queues.take(lane)) {
      if (!runsAhead(item, lane)) {
        await Promise.all(started.splice(0));
        await work(item, lane);
        continue;
      }
      const running = work(item, lane);
      running.catch(() => {}); // awaited below: a failure while another is awaited is not left unhandled
      started.push(running);
      if (started.length >= RUN_AHEAD) await started.shift();
    }
    await Promise.all(started);
  }));
}

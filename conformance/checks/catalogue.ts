/**
 * The catalogue: every check with its metadata, and whether a profile and an
 * instance meet what a check needs.
 *
 * @module
 */

import type { Check, Need } from "./check.ts";
import { allocChecks } from "./alloc.ts";
import { contigChecks } from "./contig.ts";
import { freeChecks } from "./free.ts";
import { irqChecks } from "./irq.ts";
import { memChecks } from "./mem.ts";
import { numaChecks } from "./numa.ts";
import { stateChecks } from "./state.ts";
import { xlateChecks } from "./xlate.ts";
import { capacityOf, type ResolvedProfile } from "../contract/profile.ts";

/** Every check, in catalogue order. */
export const CHECKS: readonly Check[] = [
  ...allocChecks,
  ...freeChecks,
  ...xlateChecks,
  ...memChecks,
  ...irqChecks,
  ...numaChecks,
  ...contigChecks,
  ...stateChecks,
];

/** The default most frames a check allocates to exhaust RAM: 2^22, 16 GiB of 4 KiB frames. */
export const DEFAULT_EXHAUSTION_LIMIT = 1 << 22;

/**
 * The checks whose id matches one of the patterns (`alloc.unique`, `alloc.*`,
 * `*`); all checks for an empty list.
 *
 * @example
 * ```ts
 * import { selectChecks } from "@halconf/halconf";
 *
 * selectChecks(["irq.*"]).map((check) => check.id).includes("irq.order"); // true
 * ```
 */
export function selectChecks(patterns: readonly string[] = []): Check[] {
  if (patterns.length === 0) return [...CHECKS];
  const matchers = patterns.map((pattern) =>
    new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replaceAll("*", ".*").replaceAll("?", ".")}$`)
  );
  return CHECKS.filter((check) => matchers.some((matcher) => matcher.test(check.id)));
}

/**
 * Whether an unmet need is the HAL's fault rather than a claim it did not
 * make: the `axvisor-memory` edition has the contiguous methods, so lacking
 * them is an `error`, not a skip.
 */
export function needIsBroken(need: Need, profile: ResolvedProfile): boolean {
  return need === "contiguous" && profile.contract === "axvisor-memory";
}

/** Why a need is not met, or `undefined` when it is; `methods` are the optional methods the HAL declared. */
export function unmetNeed(
  need: Need,
  profile: ResolvedProfile,
  methods: ReadonlySet<string>,
  exhaustionLimit: number = DEFAULT_EXHAUSTION_LIMIT,
): string | undefined {
  switch (need) {
    case "irq":
      if (!profile.irq) return "profile declares no irq";
      if (!methods.has("irqFetch") || !methods.has("irqHandler")) {
        return "IRQ not implemented: the HAL keeps the trait defaults (irq_fetch returns 0, irq_hanlder is " +
          "unimplemented!())";
      }
      if (!methods.has("raiseIrq")) return "the HAL has no raiseIrq test port";
      return undefined;
    case "irq-order":
      // Priorities order lines even under order any.
      return profile.irq?.order === "any" && new Set(profile.irq.priorities).size < 2
        ? "profile declares irq order any (and no priorities)"
        : undefined;
    case "irq-peek":
      return profile.irq?.fetch === "acknowledge" ? "profile declares irq fetch acknowledge" : undefined;
    case "irq-acknowledge":
      return profile.irq?.fetch === "acknowledge" ? undefined : "profile declares irq fetch peek";
    case "irq-banked":
      return profile.irq?.banked ? undefined : "profile declares no banked irq lines";
    case "contiguous":
      if (profile.contract !== "axvisor-memory") {
        return `the ${profile.contract} edition has no contiguous frames (contract axvisor-memory has)`;
      }
      if (!methods.has("allocContiguousFrames") || !methods.has("deallocContiguousFrames")) {
        return "the axvisor-memory edition has alloc_contiguous_frames and dealloc_contiguous_frames, and this " +
          "HAL lacks " + ["allocContiguousFrames", "deallocContiguousFrames"].filter((m) => !methods.has(m))
          .join(" and ");
      }
      return undefined;
    case "zeroedFrames":
      return profile.zeroedFrames ? undefined : "profile does not claim zeroedFrames";
    case "strictFree":
      return profile.strictFree ? undefined : "profile does not claim strictFree";
    case "numa":
      if (!profile.numa) return "profile declares no cpuNodes";
      return new Set(profile.memory.map((region) => region.node)).size < 2
        ? "profile declares a single NUMA node"
        : undefined;
    case "memory-ports":
      return methods.has("readMemory") && methods.has("writeMemory")
        ? undefined
        : "the HAL has no readMemory/writeMemory test ports";
    case "exhaustible": {
      const capacity = capacityOf(profile);
      return capacity > BigInt(exhaustionLimit)
        ? `RAM holds ${capacity} frames, more than the ${exhaustionLimit} a check can drain: name a testWindow ` +
          "(see explain profile)"
        : undefined;
    }
  }
}

/**
 * Reach: the model states a program visited (the pool drained, drained twice,
 * a hundred frees, every CPU used, ...). The judge records them as it walks a
 * trace; the runner counts, per check, how many programs visited each; a test
 * keeps the generators above a floor; `--reach` prints them.
 *
 * @module
 */

import type { ResolvedProfile } from "../contract/profile.ts";

/** A model state a program can visit. */
export type ReachState =
  | "pool drained"
  | "refilled after a drain"
  | "drained twice"
  | "100 frees"
  | "every CPU allocated on"
  | "CPU switch with frames live"
  | "every region touched"
  | "lowest line raised"
  | "highest line raised"
  | "3 lines pending at once"
  | "banked line off CPU 0"
  | "raised while active"
  | "two lines active on one CPU"
  | "handled while another CPU has a line acknowledged"
  | "fetch held off by running priority"
  | "range allocated"
  | "range freed"
  | "frame allocated while a range is live";

/** Every state, in report order. */
export const REACH_STATES: readonly ReachState[] = [
  "pool drained",
  "refilled after a drain",
  "drained twice",
  "100 frees",
  "every CPU allocated on",
  "CPU switch with frames live",
  "every region touched",
  "lowest line raised",
  "highest line raised",
  "3 lines pending at once",
  "banked line off CPU 0",
  "raised while active",
  "two lines active on one CPU",
  "handled while another CPU has a line acknowledged",
  "fetch held off by running priority",
  "range allocated",
  "range freed",
  "frame allocated while a range is live",
];

/**
 * The states a program could visit under a profile: a one-CPU profile has no
 * CPU switch, a profile without IRQs no lines, and so on.
 *
 * @example
 * ```ts
 * import { applicableStates, identityHal, validateProfile } from "@halconf/halconf";
 *
 * applicableStates(validateProfile(identityHal().profile)).includes("every CPU allocated on"); // false
 * ```
 */
export function applicableStates(profile: ResolvedProfile): ReachState[] {
  return REACH_STATES.filter((state) => {
    switch (state) {
      case "every CPU allocated on":
      case "CPU switch with frames live":
        return profile.cpus > 1;
      case "every region touched":
        return profile.memory.length > 1;
      case "lowest line raised":
      case "highest line raised":
      case "3 lines pending at once":
        return profile.irq !== undefined;
      case "banked line off CPU 0":
        return (profile.irq?.banked ?? 0) > 0 && profile.cpus > 1;
      case "raised while active":
      case "two lines active on one CPU":
        // Nesting under a GIC's running priority needs a line that preempts: two priorities.
        return profile.irq?.fetch === "acknowledge" &&
          (state === "raised while active" || !profile.irq.runningPriority ||
            new Set(profile.irq.priorities).size > 1);
      case "handled while another CPU has a line acknowledged":
        return profile.irq?.fetch === "acknowledge" && profile.cpus > 1;
      case "fetch held off by running priority":
        return profile.irq?.runningPriority === true;
      case "range allocated":
      case "range freed":
      case "frame allocated while a range is live":
        return profile.contract === "axvisor-memory";
      default:
        return true;
    }
  });
}

/** The lowest and highest line a program may raise under a profile. */
export function lineEdges(profile: ResolvedProfile): [number, number] {
  const { lines, none } = profile.irq!;
  return [none === 0 ? 1 : 0, none === lines - 1 ? lines - 2 : lines - 1];
}

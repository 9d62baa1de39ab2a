/**
 * Vacuous clauses: those that cannot arise at all under a profile, decided
 * from the profile alone. Two live frames cannot exist in one usable frame,
 * and one raisable line has no order: a check whose clauses are all vacuous
 * is a `skip` with the reason, and a clause that is vacuous is not required
 * to be reached. `incomplete` is kept for a clause that could arise and was
 * not reached: halconf's generators must get there, not the HAL.
 *
 * A vacuous clause is still judged: a HAL with one frame that hands it out
 * twice breaks ALLOC-6 wherever a program sees it, and fails the run.
 *
 * @module
 */

import { capacityOf, type ResolvedProfile } from "./profile.ts";

/** When a clause cannot arise: the condition in words (SPEC.md) and the reason a skip gives. */
export interface VacuityRule {
  /** The clause. */
  clause: string;
  /** The profile condition that makes it vacuous, in words. */
  condition: string;
  /** The reason a check skipped for it gives, when the profile meets the condition. */
  reason(profile: ResolvedProfile): string | undefined;
}

/** Frames of the declared RAM, whole (translation is defined on all of it, frame 0 included). */
function boardFrames(profile: ResolvedProfile): bigint {
  const frame = BigInt(profile.frameSize);
  return profile.board.reduce((sum, region) => sum + region.size / frame, 0n);
}

/** IRQ lines a program may raise: every line but the one `none` shadows. */
export function raisableLines(profile: ResolvedProfile): number {
  const irq = profile.irq;
  if (!irq) return 0;
  return irq.raisable.length;
}

const ONE_FRAME = (profile: ResolvedProfile) =>
  capacityOf(profile) < 2n ? "one usable frame: two live frames cannot exist" : undefined;

/** Every vacuity rule, by clause. */
export const VACUITY_RULES: readonly VacuityRule[] = [
  { clause: "ALLOC-6", condition: "fewer than 2 usable frames", reason: ONE_FRAME },
  {
    clause: "XLATE-4",
    condition: "fewer than 2 frames of declared RAM",
    reason: (profile) =>
      boardFrames(profile) < 2n ? "one frame of declared RAM: there are no two frames to map apart" : undefined,
  },
  { clause: "MEM-2", condition: "fewer than 2 usable frames", reason: ONE_FRAME },
  {
    clause: "IRQ-3",
    condition: "fewer than 2 raisable lines (the line `none` shadows does not count)",
    reason: (profile) =>
      profile.irq && raisableLines(profile) < 2
        ? "one raisable line: there is no order between lines to keep"
        : undefined,
  },
  {
    clause: "IRQ-10",
    condition: "one CPU",
    reason: (profile) =>
      profile.cpus < 2 ? "one CPU: a banked line has no other CPU to be seen on, or hidden from" : undefined,
  },
];

/**
 * Why `clause` cannot arise under `profile`, or `undefined` when it can.
 *
 * @example
 * ```ts
 * import { validateProfile, vacuousReason } from "@halconf/halconf";
 *
 * const profile = validateProfile({ memory: [{ start: 0x8000_0000n, size: 0x1000n }] });
 * vacuousReason("ALLOC-6", profile); // "one usable frame: two live frames cannot exist"
 * vacuousReason("ALLOC-1", profile); // undefined
 * ```
 */
export function vacuousReason(clause: string, profile: ResolvedProfile): string | undefined {
  for (const rule of VACUITY_RULES) if (rule.clause === clause) return rule.reason(profile);
  return undefined;
}

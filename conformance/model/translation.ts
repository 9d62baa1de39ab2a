/**
 * Judging `physToVirt` results (XLATE-3 to XLATE-6) against the translations
 * seen so far: no linear map is assumed, only stability, offsets and
 * disjoint pages.
 *
 * @module
 */

import { ADDRESS_LIMIT, formatAddress } from "../address.ts";
import type { TraceStep } from "../executor.ts";
import { type ContractModel, describeValue, type Report, type Violation } from "./state.ts";

const hex = formatAddress;

/** Judges `physToVirt(paddr)` returning `result`, then records the translation. */
export function judgeTranslation(
  model: ContractModel,
  paddr: bigint,
  result: unknown,
  step: TraceStep,
  at: Report,
): Violation | undefined {
  const fs = model.frameSize;
  if (typeof result !== "bigint" || result < 0n || result >= ADDRESS_LIMIT) {
    return at(
      "XLATE-6",
      `physToVirt(${hex(paddr)}) returned ${describeValue(result)}`,
      "a bigint in [0, 2^64)",
      describeValue(result),
    );
  }
  const base = paddr - paddr % fs, offset = paddr % fs;
  const known = model.xlate.get(base);
  if (known) {
    const expected = known.virtBase + offset;
    if (result === expected) return undefined;
    if (known.offset === offset) {
      return at(
        "XLATE-5",
        `physToVirt(${hex(paddr)}) returned ${hex(result)}, but ${hex(known.virtBase + known.offset)} at step ${
          known.step + 1
        }: the translation changed`,
        hex(expected),
        hex(result),
      );
    }
    return at(
      "XLATE-3",
      `physToVirt(${hex(paddr)}) returned ${hex(result)}, but physToVirt(${hex(base + known.offset)}) was ${
        hex(known.virtBase + known.offset)
      } at step ${known.step + 1}: the offset inside the frame was not kept`,
      hex(expected),
      hex(result),
    );
  }
  const virtBase = result - offset;
  if (virtBase < 0n) {
    return at(
      "XLATE-3",
      `physToVirt(${hex(paddr)}) returned ${hex(result)}, below the page offset ${hex(offset)}`,
      `an address whose page holds offset ${hex(offset)}`,
      hex(result),
    );
  }
  for (const [otherBase, other] of model.virtPages) {
    const distance = otherBase > virtBase ? otherBase - virtBase : virtBase - otherBase;
    if (distance < fs && other.physBase !== base) {
      return at(
        "XLATE-4",
        `frames ${hex(base)} and ${hex(other.physBase)} (step ${other.step + 1}) map to overlapping virtual pages ${
          hex(virtBase)
        } and ${hex(otherBase)}`,
        "disjoint virtual pages",
        `${hex(virtBase)} overlaps ${hex(otherBase)}`,
      );
    }
  }
  model.xlate.set(base, { virtBase, offset, step: step.index });
  model.virtPages.set(virtBase, { physBase: base, step: step.index });
  return undefined;
}

/**
 * Judging `physToVirt` and `virtToPhys` results (XLATE-3 to XLATE-6) against the translations
 * seen so far: no linear map is assumed, only stability, offsets and
 * disjoint pages.
 *
 * @module
 */

import { ADDRESS_LIMIT, formatAddress } from "../../contract/address.ts";
import type { TraceStep } from "../../program/executor.ts";
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
  model.reach("XLATE-1", "XLATE-6");
  if (!isAddress(result)) return outOfRange(`physToVirt(${hex(paddr)})`, result, at);
  const base = paddr - paddr % fs, offset = paddr % fs;
  const known = model.xlate.get(base);
  if (known) {
    model.reach(known.offset === offset ? "XLATE-5" : "XLATE-3");
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
    // The offset kept on another page is a translation that moved (XLATE-5); anything else lost the offset.
    const moved = (result - known.virtBase - offset) % fs === 0n;
    return at(
      moved ? "XLATE-5" : "XLATE-3",
      `physToVirt(${hex(paddr)}) returned ${hex(result)}, but physToVirt(${hex(base + known.offset)}) was ${
        hex(known.virtBase + known.offset)
      } at step ${known.step + 1}: ${
        moved
          ? "the frame's translation changed (the offset is kept, on another page)"
          : "the offset inside the frame " +
            "was not kept"
      }`,
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
  if (model.virtPages.size > 0) model.reach("XLATE-4");
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

/** Whether a HAL's answer is an exact 64-bit address (XLATE-6). */
function isAddress(value: unknown): value is bigint {
  return typeof value === "bigint" && value >= 0n && value < ADDRESS_LIMIT;
}

function outOfRange(call: string, result: unknown, at: Report): Violation {
  return at("XLATE-6", `${call} returned ${describeValue(result)}`, "a bigint in [0, 2^64)", describeValue(result));
}

/** Judges a `v2p` step: `virtToPhys` of a page `physToVirt` returned must come back to the physical address. */
export function judgeReverseTranslation(
  model: ContractModel,
  step: TraceStep,
  at: Report,
  threw: string,
): Violation | undefined {
  const paddr = step.paddr!, vaddr = step.vaddr!;
  model.reach("XLATE-1", "XLATE-2", "XLATE-3");
  model.reach("XLATE-6");
  if (step.threw) {
    return at(
      "XLATE-1",
      `virtToPhys(${hex(vaddr)}) ${threw}, though physToVirt returned that page at step ${step.source! + 1}`,
      hex(paddr),
      threw,
    );
  }
  const result = step.result;
  if (!isAddress(result)) return outOfRange(`virtToPhys(${hex(vaddr)})`, result, at);
  if (result === paddr) return undefined;
  // The offset kept on another frame is a round trip that does not come back (XLATE-2); another offset lost it
  // (XLATE-3, and the round trip with it).
  const fs = model.frameSize;
  const offsetKept = result % fs === paddr % fs;
  return at(
    offsetKept ? "XLATE-2" : "XLATE-3",
    offsetKept
      ? `virtToPhys(physToVirt(${hex(paddr)})) returned ${hex(result)}: the round trip does not come back (the ` +
        "offset inside the page is kept, on another frame)"
      : `virtToPhys(${hex(vaddr)}) returned ${hex(result)}: the offset inside the page was not kept`,
    hex(paddr),
    hex(result),
    offsetKept ? undefined : ["XLATE-2"],
  );
}

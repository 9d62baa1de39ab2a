/**
 * The broken HAL every hostile HAL wraps: it hands out its second frame again
 * as its third (ALLOC-6), and `virtToPhys` is off by one page (XLATE-2). A
 * hostile wrapper must never turn these into a PASS.
 */
import type { HalTarget } from "../../../conformance/contract/hal.ts";
import { identityHal } from "../../../impls/mod.ts";

/** The checks each hostile test runs: both must fail (or error), never pass. */
export const BROKEN_CHECKS = ["alloc.unique", "xlate.roundtrip"];

/** A broken HAL named `name`, with IRQ support and memory ports from the identity HAL. */
export function broken(name: string): HalTarget {
  const base = identityHal();
  return {
    name,
    profile: base.profile,
    create(host) {
      const hal = base.create(host);
      let calls = 0;
      let second: bigint | null = null;
      return {
        ...hal,
        allocFrame() {
          calls++;
          if (calls === 3 && second !== null) return second;
          const frame = hal.allocFrame();
          if (calls === 2) second = frame;
          return frame;
        },
        virtToPhys: (vaddr) => hal.virtToPhys(vaddr) + 0x1000n,
      };
    },
  };
}

/**
 * How a full conformance run of one HAL scales with its declared RAM: the identity HAL at 1 MiB (the baseline),
 * 16 MiB and 64 MiB. Only the checks that must exhaust RAM drain all of it; every other check fills a bounded
 * sample, so their cost does not grow with RAM.
 */

import { identityHal } from "../impls/mod.ts";
import { runConformance } from "../conformance/runner.ts";

for (const [mib, baseline] of [[1, true], [16, false], [64, false]] as const) {
  Deno.bench({
    name: `identity HAL, ${mib} MiB of RAM, every check`,
    group: "full run by declared RAM",
    baseline,
    n: 2,
    warmup: 0,
    async fn() {
      await runConformance(identityHal({ memory: [{ start: 0x8000_0000n, size: BigInt(mib) << 20n }] }), { seed: 3 });
    },
  });
}

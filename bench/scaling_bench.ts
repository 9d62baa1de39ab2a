/**
 * How a full conformance run of one HAL scales with its declared RAM: the identity HAL at 1 MiB (the baseline),
 * 64 MiB, 256 MiB and 4 GiB (2^20 frames, the largest profile the exhaustion family drains). Only the checks that
 * must exhaust RAM drain all of it, and they run as many programs as a drain budget allows (their results say how
 * many); every other check fills a bounded sample, so its cost does not grow with RAM.
 */

import { identityHal } from "../impls/mod.ts";
import { runConformance } from "../conformance/run/runner.ts";

for (const [mib, baseline, n] of [[1, true, 3], [64, false, 2], [256, false, 1], [4096, false, 1]] as const) {
  Deno.bench({
    name: `identity HAL, ${mib >= 1024 ? `${mib / 1024} GiB` : `${mib} MiB`} of RAM, every check`,
    group: "full run by declared RAM",
    baseline,
    n,
    warmup: 0,
    async fn() {
      await runConformance(identityHal({ memory: [{ start: 0x1_0000_0000n, size: BigInt(mib) << 20n }] }), {
        seed: 3,
      });
    },
  });
}

/**
 * Scale of the reference HALs on a 1 TiB profile (2^28 frames of 4 KiB):
 * 1,000,000 allocations then 1,000,000 frees per iteration, against a bare
 * loop that pushes and pops the same number of bigints (the baseline).
 * A summary with operations per second and resident memory is printed at the
 * end; `deno bench` itself prints the ratios to the baseline.
 */

import type { HalHost, HalTarget } from "../conformance/hal.ts";
import { identityHal, numaHal, offsetHal, pagedHal, sparseHal } from "../impls/mod.ts";

const TIB = 1n << 40n;
const OPERATIONS = 1_000_000;
const host: HalHost = { dispatchIrq() {}, currentCpu: () => 0 };

const oneTib: [string, HalTarget][] = [
  ["identity", identityHal({ memory: [{ start: 0x100_0000_0000n, size: TIB }] })],
  ["offset", offsetHal({ memory: [{ start: 0x100_0000_0000n, size: TIB }] })],
  [
    "sparse",
    sparseHal({
      memory: [
        { start: 0x1000_0000n, size: TIB / 4n },
        { start: 0x100_0000_0000n, size: TIB / 4n },
        { start: 0x400_0000_0000n, size: TIB / 2n },
      ],
    }),
  ],
  [
    "numa",
    numaHal({
      memory: [{ start: 0x100_0000_0000n, size: TIB / 2n, node: 0 }, {
        start: 0x200_0000_0000n,
        size: TIB / 2n,
        node: 1,
      }],
      cpus: 2,
      cpuNodes: [0, 1],
    }),
  ],
  ["paged", pagedHal({ memory: [{ start: 0x100_0000_0000n, size: TIB }], virtBase: 0x4000_0000_0000n })],
];

interface Sample {
  seconds: number[];
  rssBytes: number;
}
const samples = new Map<string, Sample>();

function record(name: string, started: number): void {
  const sample = samples.get(name) ?? { seconds: [], rssBytes: 0 };
  sample.seconds.push((performance.now() - started) / 1000);
  sample.rssBytes = Math.max(sample.rssBytes, Deno.memoryUsage().rss);
  samples.set(name, sample);
}

Deno.bench({
  name: "baseline: push+pop 1M bigints",
  group: "alloc+free 1M on 1 TiB",
  baseline: true,
  n: 5,
  warmup: 1,
  fn() {
    const started = performance.now();
    const stack: bigint[] = [];
    for (let i = 0; i < OPERATIONS; i++) stack.push(BigInt(i) << 12n);
    while (stack.length > 0) stack.pop();
    record("baseline", started);
  },
});

for (const [name, target] of oneTib) {
  Deno.bench({
    name: `${name}: alloc 1M then free 1M`,
    group: "alloc+free 1M on 1 TiB",
    n: 5,
    warmup: 1,
    fn() {
      const started = performance.now();
      const hal = target.create(host);
      const frames: bigint[] = new Array(OPERATIONS);
      for (let i = 0; i < OPERATIONS; i++) {
        const frame = hal.allocFrame();
        if (frame === null) throw new Error(`${name} ran out of frames at ${i}`);
        frames[i] = frame;
      }
      for (let i = 0; i < OPERATIONS; i++) hal.deallocFrame(frames[i]);
      record(name, started);
    },
  });
}

for (const [label, size] of [["1 MiB", 1n << 20n], ["1 TiB", TIB]] as const) {
  Deno.bench({
    name: `create an identity HAL over ${label}`,
    group: "creation does not grow with RAM",
    baseline: label === "1 MiB",
    fn() {
      identityHal({ memory: [{ start: 0x1000_0000n, size }] }).create(host);
    },
  });
}

globalThis.addEventListener("unload", () => {
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1];
  console.log("\nalloc+free throughput on a 1 TiB profile (2,000,000 operations a run):");
  for (const [name, sample] of samples) {
    const opsPerSecond = (2 * OPERATIONS) / median(sample.seconds);
    console.log(
      `  ${name.padEnd(9)} ${Math.round(opsPerSecond).toLocaleString("en-US").padStart(12)} ops/s` +
        `   resident memory up to ${(sample.rssBytes / 2 ** 20).toFixed(0)} MiB`,
    );
  }
});

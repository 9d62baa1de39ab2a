/**
 * Scale of the reference HALs on a 1 TiB profile (2^28 frames of 4 KiB):
 * 1,000,000 allocations then 1,000,000 frees per iteration, against a bare
 * loop that pushes and pops the same number of bigints (the baseline).
 * `deno bench` prints the ratios to the baseline; a summary printed at the end
 * gives operations per second, the heap the HAL itself holds (measured after a
 * forced garbage collection, with 1,000,000 frames live and after freeing them
 * all) and the resident memory of the process.
 */

import { formatBytes } from "./format_bytes.ts";
import type { HalHost, HalTarget } from "../conformance/contract/hal.ts";
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
  liveHeapBytes: number;
  freedHeapBytes: number;
}
const samples = new Map<string, Sample>();
const collect = (globalThis as { gc?: () => void }).gc ?? (() => {});
/** The JavaScript heap plus memory outside it (typed arrays' buffers): what a HAL's data structures occupy. */
const heapUsed = () => {
  collect();
  const usage = Deno.memoryUsage();
  return usage.heapUsed + usage.external;
};

function record(name: string, seconds: number): void {
  const sample = samples.get(name) ?? { seconds: [], rssBytes: 0, liveHeapBytes: 0, freedHeapBytes: 0 };
  sample.seconds.push(seconds);
  sample.rssBytes = Math.max(sample.rssBytes, Deno.memoryUsage().rss);
  samples.set(name, sample);
}

/** Frames handed out, kept outside the heap being measured. */
const frames = new BigInt64Array(OPERATIONS);

/** 1,000,000 allocations then as many frees; calls `between` with every frame live. */
function allocThenFree(target: HalTarget, name: string, between: () => void = () => {}): void {
  const hal = target.create(host);
  for (let i = 0; i < OPERATIONS; i++) {
    const frame = hal.allocFrame();
    if (frame === null) throw new Error(`${name} ran out of frames at ${i}`);
    frames[i] = frame;
  }
  between();
  for (let i = 0; i < OPERATIONS; i++) hal.deallocFrame(BigInt.asUintN(64, frames[i]));
}

/** The heap a HAL holds with 1,000,000 frames live, and after freeing them all (its instance still alive). */
function measureHeap(target: HalTarget, name: string): void {
  const sample = samples.get(name);
  if (!sample) return;
  const before = heapUsed();
  let live = 0;
  const hal = target.create(host);
  const kept = { ...target, create: () => hal };
  allocThenFree(kept, name, () => live = heapUsed() - before);
  sample.liveHeapBytes = live;
  sample.freedHeapBytes = heapUsed() - before;
  hal.allocFrame(); // keeps the instance alive until after the measurement
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
    record("baseline", (performance.now() - started) / 1000);
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
      allocThenFree(target, name);
      record(name, (performance.now() - started) / 1000);
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
  for (const [name, target] of oneTib) measureHeap(target, name);
  const mib = (bytes: number) => formatBytes(bytes, 10);
  console.log("\nalloc+free on a 1 TiB profile (1,000,000 allocations, then 1,000,000 frees, a run):");
  console.log("  HAL        alloc+free ops/s   HAL heap, 1M live   HAL heap, all freed   process RSS");
  for (const [name, sample] of samples) {
    const opsPerSecond = (2 * OPERATIONS) / median(sample.seconds);
    console.log(
      `  ${name.padEnd(9)} ${Math.round(opsPerSecond).toLocaleString("en-US").padStart(17)}` +
        `   ${name === "baseline" ? "-".padStart(17) : mib(sample.liveHeapBytes).padStart(17)}` +
        `   ${name === "baseline" ? "-".padStart(19) : mib(sample.freedHeapBytes).padStart(19)}` +
        `   ${mib(sample.rssBytes)}`,
    );
  }
  console.log(
    "  (a bump-pointer allocator holds nothing per live frame: its heap grows with frees, for the free list)",
  );
  if (!(globalThis as { gc?: unknown }).gc) {
    console.log("  (heap figures need --v8-flags=--expose-gc, as deno task bench gives)");
  }
});

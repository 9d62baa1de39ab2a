/** Malformed profiles, shared by the unit tests and the CLI tests. */

const ram = { start: 0x8000_0000n, size: 0x10_0000n };

/** Every way `validateProfile` rejects a profile: name, profile, error class, message. */
export const REJECTIONS: [string, unknown, typeof TypeError | typeof RangeError, RegExp][] = [
  ["not an object", 42, TypeError, /profile must be an object/],
  ["unknown field", { memory: [ram], zeroFrames: true }, TypeError, /zeroFrames is not a profile field/],
  ["memory missing", {}, TypeError, /memory must be an array/],
  ["memory empty", { memory: [] }, RangeError, /at least one region/],
  [
    "start is a number",
    { memory: [{ start: 0x8000_0000, size: 0x1000n }] },
    TypeError,
    /memory\[0\]\.start must be a bigint/,
  ],
  ["size is a string", { memory: [{ start: 0x1000n, size: "4096" }] }, TypeError, /memory\[0\]\.size must be a bigint/],
  ["negative start", { memory: [{ start: -0x1000n, size: 0x1000n }] }, RangeError, /must not be negative/],
  ["zero size", { memory: [{ start: 0x1000n, size: 0n }] }, RangeError, /must be positive/],
  ["beyond 2^64", { memory: [{ start: (1n << 64n) - 0x1000n, size: 0x2000n }] }, RangeError, /beyond the 64-bit/],
  ["unaligned start", { memory: [{ start: 0x1800n, size: 0x1000n }] }, RangeError, /start 0x1800 is not aligned/],
  ["unaligned size", { memory: [{ start: 0x1000n, size: 0x1800n }] }, RangeError, /not a multiple of the frame size/],
  ["overlap", { memory: [ram, { start: 0x8008_0000n, size: 0x10_0000n }] }, RangeError, /regions 0 and 1 overlap/],
  ["unknown region field", { memory: [{ ...ram, numa: 1 }] }, TypeError, /numa is not a region field/],
  ["only frame 0", { memory: [{ start: 0n, size: 0x1000n }] }, RangeError, /only frame is at address 0/],
  ["frameSize too small", { memory: [ram], frameSize: 1024 }, RangeError, /frameSize must be between 4096/],
  ["frameSize not a power of two", { memory: [ram], frameSize: 12288 }, RangeError, /power of two/],
  ["frameSize not an integer", { memory: [ram], frameSize: "4k" }, TypeError, /frameSize must be an integer/],
  [
    "region unaligned to a larger frame",
    { memory: [{ start: 0x1000n, size: 0x10000n }], frameSize: 65536 },
    RangeError,
    /not aligned/,
  ],
  ["cpus zero", { memory: [ram], cpus: 0 }, RangeError, /cpus must be between 1/],
  ["cpuNodes not an array", { memory: [ram], cpuNodes: 0 }, TypeError, /cpuNodes must be an array/],
  ["cpuNodes wrong length", { memory: [ram], cpus: 2, cpuNodes: [0] }, RangeError, /each of the 2 CPUs/],
  [
    "cpuNodes names a node without memory",
    { memory: [ram], cpus: 2, cpuNodes: [0, 1] },
    RangeError,
    /node 1, which has no memory/,
  ],
  ["nodes without cpuNodes", { memory: [{ ...ram, node: 1 }] }, RangeError, /declares no cpuNodes/],
  ["irq not an object", { memory: [ram], irq: 64 }, TypeError, /irq must be an object/],
  ["irq lines zero", { memory: [ram], irq: { lines: 0, none: 0, order: "fifo" } }, RangeError, /irq.lines/],
  [
    "irq bad order",
    { memory: [ram], irq: { lines: 8, none: 0, order: "random" } },
    TypeError,
    /irq.order must be one of/,
  ],
  ["irq none negative", { memory: [ram], irq: { lines: 8, none: -1, order: "fifo" } }, RangeError, /irq.none/],
  [
    "irq nothing raisable",
    { memory: [ram], irq: { lines: 1, none: 0, order: "fifo" } },
    RangeError,
    /no raisable line/,
  ],
  ["claim not boolean", { memory: [ram], strictFree: "yes" }, TypeError, /strictFree must be a boolean/],
];

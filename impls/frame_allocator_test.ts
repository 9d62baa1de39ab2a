import assert from "node:assert/strict";
import { FrameAllocator } from "./frame_allocator.ts";

Deno.test("FrameAllocator hands out every frame once, then null", () => {
  const frames = new FrameAllocator([{ start: 0x3000n, size: 0x2000n }, { start: 0x1000n, size: 0x1000n }], 4096);
  assert.equal(frames.capacity, 3);
  const got = [frames.alloc(), frames.alloc(), frames.alloc()];
  assert.deepEqual(got, [0x1000n, 0x3000n, 0x4000n]);
  assert.equal(frames.alloc(), null);
  assert.equal(frames.alloc(), null);
});

Deno.test("FrameAllocator never hands out frame 0", () => {
  const frames = new FrameAllocator([{ start: 0n, size: 0x2000n }], 4096);
  assert.equal(frames.capacity, 1);
  assert.equal(frames.alloc(), 0x1000n);
  assert.equal(frames.alloc(), null);
  assert.throws(() => frames.free(0n), RangeError);
});

Deno.test("FrameAllocator recovers a freed frame after exhaustion", () => {
  const frames = new FrameAllocator([{ start: 0x1000n, size: 0x2000n }], 4096);
  const a = frames.alloc()!;
  frames.alloc();
  assert.equal(frames.alloc(), null);
  frames.free(a);
  assert.equal(frames.available, 1);
  assert.equal(frames.alloc(), a);
});

Deno.test("FrameAllocator strict free rejects and changes nothing", async (t) => {
  const frames = new FrameAllocator([{ start: 0x1000n, size: 0x4000n }], 4096);
  const a = frames.alloc()!;
  frames.free(a);
  const cases: [string, bigint, RegExp][] = [
    ["double free", a, /double free/],
    ["never allocated", 0x3000n, /never allocated/],
    ["unaligned", 0x1010n, /not aligned/],
    ["outside RAM", 0x9000n, /outside/],
    ["huge", 0xffff_ffff_ffff_f000n, /outside/],
  ];
  for (const [name, address, message] of cases) {
    await t.step(name, () => {
      const before = frames.available;
      assert.throws(
        () => frames.free(address),
        (error: Error) => error instanceof RangeError && message.test(error.message),
      );
      assert.equal(frames.available, before);
    });
  }
  const seen = new Set<bigint>();
  for (let frame = frames.alloc(); frame !== null; frame = frames.alloc()) {
    assert.ok(!seen.has(frame), "no frame handed out twice after rejected frees");
    seen.add(frame);
  }
  assert.equal(seen.size, 4);
});

Deno.test("FrameAllocator serves 1 TiB without materialising it", () => {
  const frames = new FrameAllocator([{ start: 0x100_0000_0000n, size: 1n << 40n }], 4096);
  assert.equal(frames.capacity, 2 ** 28);
  const first = frames.alloc()!;
  assert.equal(first, 0x100_0000_0000n);
  frames.free(first);
  assert.equal(frames.alloc(), first);
});

Deno.test("FrameAllocator handles addresses near 2^64", () => {
  const top = (1n << 64n) - 0x2000n;
  const frames = new FrameAllocator([{ start: top, size: 0x2000n }], 4096);
  assert.equal(frames.alloc(), top);
  assert.equal(frames.alloc(), top + 0x1000n);
  frames.free(top + 0x1000n);
  assert.ok(!frames.isLive(top + 0x1000n));
  assert.ok(frames.isLive(top));
});

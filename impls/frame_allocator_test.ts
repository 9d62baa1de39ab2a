import assert from "node:assert/strict";
import { BitmapAllocator } from "./bitmap_allocator.ts";
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

/** Runs `body` and says how it ended: its value, or the kind and reason of what it threw (addresses left out). */
function outcome(body: () => unknown): unknown {
  try {
    return body();
  } catch (error) {
    return `${(error as Error).name}: ${(error as Error).message.replace(/0x[\d_a-f]+|\d{4,}/g, "<address>")}`;
  }
}

Deno.test("allocators below 2^53 (read as exact numbers) behave as the same layout far above it", () => {
  const shift = 1n << 60n;
  const layout = [{ start: 0x1000n, size: 0x4000n }, { start: 0x1_0000n, size: 0x3000n }];
  const low = new FrameAllocator(layout, 4096);
  const high = new FrameAllocator(layout.map((region) => ({ ...region, start: region.start + shift })), 4096);
  const lowBitmap = new BitmapAllocator(layout, 4096);
  const highBitmap = new BitmapAllocator(layout.map((region) => ({ ...region, start: region.start + shift })), 4096);
  const unshift = (value: unknown) => typeof value === "bigint" ? value - shift : value;
  // Every address of the layout and around it: frames, unaligned addresses, gaps, past the end.
  const addresses = Array.from({ length: 0x48 }, (_, i) => BigInt(i) * 0x400n);
  const ranges: [bigint, number][] = [];
  let seed = 7;
  const random = (n: number) => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % n;
  for (let step = 0; step < 2000; step++) {
    const address = addresses[random(addresses.length)];
    switch (random(5)) {
      case 0:
        assert.deepEqual(outcome(() => low.alloc()), unshift(outcome(() => high.alloc())));
        assert.deepEqual(outcome(() => lowBitmap.alloc()), unshift(outcome(() => highBitmap.alloc())));
        break;
      case 1:
        assert.deepEqual(outcome(() => low.free(address)), outcome(() => high.free(address + shift)));
        assert.deepEqual(outcome(() => lowBitmap.free(address)), outcome(() => highBitmap.free(address + shift)));
        break;
      case 2:
        assert.equal(low.isLive(address), high.isLive(address + shift));
        break;
      case 3: {
        const count = 1 + random(3);
        const alignPow2 = random(2);
        const range = outcome(() => lowBitmap.allocContiguous(count, alignPow2));
        assert.deepEqual(range, unshift(outcome(() => highBitmap.allocContiguous(count, alignPow2))));
        if (typeof range === "bigint") ranges.push([range, count]);
        break;
      }
      case 4: {
        // A live range, or one already freed (or a wrong count): both must refuse it alike.
        if (ranges.length === 0) break;
        const [range, count] = ranges.splice(random(ranges.length), 1)[0];
        const given = count + (random(4) === 0 ? 1 : 0);
        assert.deepEqual(
          outcome(() => lowBitmap.freeContiguous(range, given)),
          outcome(() => highBitmap.freeContiguous(range + shift, given)),
        );
      }
    }
  }
  assert.equal(low.available, high.available);
});

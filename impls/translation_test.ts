import assert from "node:assert/strict";
import { linearWindows, offsetMap, permutedFrames } from "./translation.ts";

Deno.test("offsetMap wraps modulo 2^64 and rejects addresses outside RAM", () => {
  const map = offsetMap([{ start: 0x8000_0000n, size: 0x2000n }], 0xffff_8000_0000_0000n);
  assert.equal(map.toVirt(0x8000_1fffn), 0xffff_8000_8000_1fffn);
  assert.equal(map.toPhys(0xffff_8000_8000_0000n), 0x8000_0000n);
  assert.throws(() => map.toVirt(0x8000_2000n), RangeError);
  assert.throws(() => map.toPhys(0x8000_0000n), RangeError);
  const high = offsetMap([{ start: 0xffff_0000_0000_0000n, size: 0x1000n }], 0x1_0000_0000_0000n);
  assert.equal(high.toVirt(0xffff_0000_0000_0fffn), 0xfffn);
  assert.equal(high.toPhys(0xfffn), 0xffff_0000_0000_0fffn);
});

Deno.test("linearWindows translates region edges both ways", () => {
  const map = linearWindows([
    { phys: 0x1000n, virt: 0xffff_f000_0000_0000n, size: 0x2000n },
    { phys: 0x10_0000n, virt: 0xffff_e000_0000_0000n, size: 0x1000n },
  ]);
  for (const paddr of [0x1000n, 0x2fffn, 0x10_0000n, 0x10_0fffn]) assert.equal(map.toPhys(map.toVirt(paddr)), paddr);
  assert.throws(() => map.toVirt(0x3000n), RangeError);
  assert.throws(() => map.toPhys(0xffff_f000_0000_2000n), RangeError);
  assert.throws(
    () => linearWindows([{ phys: 0n, virt: 0n, size: 0x2000n }, { phys: 0x8000n, virt: 0x1000n, size: 0x1000n }]),
    RangeError,
  );
});

Deno.test("permutedFrames is a non-linear bijection that keeps page offsets", () => {
  const regions = [{ start: 0x1000n, size: 0x20000n }, { start: 0x100000n, size: 0x3000n }];
  const map = permutedFrames(regions, 4096, 0x7000_0000_0000n, 11);
  const seen = new Set<bigint>();
  const deltas = new Set<bigint>();
  for (const region of regions) {
    for (let paddr = region.start; paddr < region.start + region.size; paddr += 0x1000n) {
      const vaddr = map.toVirt(paddr + 0x123n);
      assert.equal(vaddr % 0x1000n, 0x123n);
      assert.equal(map.toPhys(vaddr), paddr + 0x123n);
      seen.add(vaddr);
      deltas.add(vaddr - paddr);
    }
  }
  assert.equal(seen.size, 35);
  assert.ok(deltas.size > 10, "no single offset explains the map");
});

Deno.test("permutedFrames maps 1 TiB in constant memory", () => {
  const map = permutedFrames([{ start: 1n << 40n, size: 1n << 40n }], 4096, 0x1000_0000_0000n, 3);
  const last = (1n << 41n) - 1n;
  assert.equal(map.toPhys(map.toVirt(last)), last);
});

import assert from "node:assert/strict";
import { capacityOf, validateProfile, validateTarget } from "./profile.ts";
import { REJECTIONS as rejections } from "../testdata/invalid_profiles.ts";

const ram = { start: 0x8000_0000n, size: 0x10_0000n };

Deno.test("validateProfile fills in defaults and sorts regions", () => {
  const profile = validateProfile({ memory: [{ start: 0x20_0000n, size: 0x1000n }, { start: 0n, size: 0x2000n }] });
  assert.equal(profile.frameSize, 4096);
  assert.equal(profile.cpus, 1);
  assert.deepEqual(profile.cpuNodes, [0]);
  assert.equal(profile.numa, false);
  assert.equal(profile.memory[0].start, 0n);
  assert.equal(profile.strictFree, false);
  assert.equal(capacityOf(profile), 2n, "frame 0 is not usable");
});

Deno.test("validateProfile accepts RAM that ends exactly at 2^64", () => {
  validateProfile({ memory: [{ start: (1n << 64n) - 0x1000n, size: 0x1000n }] });
});

Deno.test("validateProfile rejects malformed profiles precisely", async (t) => {
  for (const [name, profile, kind, message] of rejections) {
    await t.step(name, () => {
      assert.throws(() => validateProfile(profile), (error: Error) => {
        assert.equal(error.constructor, kind, `${name}: ${error.message}`);
        assert.match(error.message, message);
        assert.match(error.message, /^Invalid HAL profile: /);
        return true;
      });
    });
  }
});

Deno.test("validateTarget names the module and the problem", () => {
  const create = () => ({}) as never;
  assert.throws(
    () => validateTarget(undefined, "x.ts"),
    /Cannot load HAL "x.ts": the default export must be a HalTarget/,
  );
  assert.throws(
    () => validateTarget({ name: "", create, profile: { memory: [ram] } }, "x.ts"),
    /"name" must be a non-empty string/,
  );
  assert.throws(() => validateTarget({ name: "a", profile: { memory: [ram] } }, "x.ts"), /"create" must be a function/);
  assert.throws(() => validateTarget({ name: "a", create }, "x.ts"), /"profile" is missing/);
  assert.throws(() => validateTarget({ name: "a", create, profile: { memory: [] } }, "x.ts"), RangeError);
});

Deno.test("a test window cuts the allocation pool and keeps the board for translation", () => {
  const profile = validateProfile({
    memory: [{ start: 0x4000_0000n, size: 0x4000_0000n }, { start: 0x1_0000_0000n, size: 0x1_0000_0000n }],
    testWindow: { start: 0x7fff_0000n, size: 0x2_0000n },
  });
  assert.deepEqual(profile.memory.map((region) => [region.start, region.end]), [[0x7fff_0000n, 0x8000_0000n]]);
  assert.equal(profile.board.length, 2);
  assert.equal(capacityOf(profile), 16n);
  assert.equal(profile.contract, "axvcpu-hal");
  assert.deepEqual(profile.irq, undefined);
});

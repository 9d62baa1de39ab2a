import assert from "node:assert/strict";
import { PageStore } from "./page_store.ts";

Deno.test("PageStore reads zeros where nothing was written and keeps frames apart", () => {
  const ram = new PageStore(4096);
  assert.deepEqual(ram.read(0xffff_ffff_ffff_f000n, 4), new Uint8Array(4));
  ram.write(0x1ffen, new Uint8Array([1, 2, 3, 4]));
  assert.deepEqual(ram.read(0x1ffcn, 8), new Uint8Array([0, 0, 1, 2, 3, 4, 0, 0]));
  assert.equal(ram.touchedFrames, 2);
  ram.discard(0x1000n);
  assert.deepEqual(ram.read(0x1ffen, 4), new Uint8Array([0, 0, 3, 4]));
  assert.equal(ram.touchedFrames, 1);
});

Deno.test("PageStore reads into a buffer at an index, across frames, leaving the rest as it was", () => {
  const ram = new PageStore(4096);
  const out = new Uint8Array(10);
  ram.readInto(0x1ffen, out, 3, 4); // nothing written yet: the zeros stay
  assert.deepEqual(out, new Uint8Array(10));
  ram.write(0x1ffen, new Uint8Array([1, 2, 3, 4]));
  ram.readInto(0x1ffdn, out, 2, 6);
  assert.deepEqual(out, new Uint8Array([0, 0, 0, 1, 2, 3, 4, 0, 0, 0]));
});

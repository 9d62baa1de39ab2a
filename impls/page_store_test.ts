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

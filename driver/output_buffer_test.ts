import assert from "node:assert/strict";
import { OutputBuffer } from "./output_buffer.ts";

Deno.test("the head and the tail are kept, the middle counted; received counts every byte, taken or dropped", () => {
  const buffer = new OutputBuffer(8);
  assert.equal(buffer.received, 0);
  buffer.add("0123456789abcdef");
  assert.equal(buffer.received, 16);
  assert.equal(buffer.take(), "0123\n... (8 bytes omitted) ...\ncdef");
  assert.equal(buffer.take(), undefined);
  assert.equal(buffer.received, 16, "taking does not change what was received");
  buffer.add("xy");
  assert.equal(buffer.received, 18);
  assert.equal(buffer.take(), "xy");
});

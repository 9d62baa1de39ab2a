import assert from "node:assert/strict";
import { formatBytes } from "./format_bytes.ts";

Deno.test("byte figures pick a unit that shows them: a few KiB is not 0.0 MiB", () => {
  assert.equal(formatBytes(0), "0 B");
  assert.equal(formatBytes(-20), "0 B");
  assert.equal(formatBytes(512), "512 B");
  assert.equal(formatBytes(1536), "1.5 KiB");
  assert.equal(formatBytes(12 * 2 ** 20), "12.0 MiB");
  assert.equal(formatBytes(1536, 10), "   1.5 KiB");
});

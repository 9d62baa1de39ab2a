import assert from "node:assert/strict";
import { alignDown, alignUp, formatAddress, isAligned, parseAddress } from "./address.ts";

Deno.test("formatAddress groups hex digits by four", () => {
  assert.equal(formatAddress(0n), "0x0");
  assert.equal(formatAddress(0x8000_2000n), "0x8000_2000");
  assert.equal(formatAddress(0x1_0000n), "0x1_0000");
  assert.equal(formatAddress((1n << 64n) - 1n), "0xffff_ffff_ffff_ffff");
  assert.equal(formatAddress(-0x10n), "-0x10");
});

Deno.test("parseAddress reads what formatAddress writes", () => {
  for (const value of [0n, 0x8000_2000n, (1n << 64n) - 1n]) assert.equal(parseAddress(formatAddress(value)), value);
  assert.equal(parseAddress("4096"), 4096n);
  assert.throws(() => parseAddress("0xzz"), SyntaxError);
});

Deno.test("alignment helpers", () => {
  assert.ok(isAligned(0x2000n, 0x1000n));
  assert.ok(!isAligned(0x2001n, 0x1000n));
  assert.equal(alignDown(0x2fffn, 0x1000n), 0x2000n);
  assert.equal(alignUp(0x2001n, 0x1000n), 0x3000n);
  assert.equal(alignUp(0x2000n, 0x1000n), 0x2000n);
});

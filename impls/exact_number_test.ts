import assert from "node:assert/strict";
import { EXACT_LIMIT, exactNumber } from "./exact_number.ts";

Deno.test("exactNumber reads every address below 2^53 exactly, across the 32-bit halves", () => {
  for (const address of [0n, 1n, 0xffff_ffffn, 1n << 32n, 0x8000_1000n, 0x1_2345_6789_a000n, EXACT_LIMIT - 1n]) {
    assert.equal(exactNumber(address), Number(address));
    assert.equal(BigInt(exactNumber(address)), address);
  }
});

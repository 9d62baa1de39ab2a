import assert from "node:assert/strict";
import fc from "fast-check";
import { EXACT_LIMIT, exactBigInt, exactNumber } from "./exact_number.ts";

const EDGES = [0n, 1n, 0xffff_ffffn, 1n << 32n, 0x8000_1000n, 0x1_2345_6789_a000n, EXACT_LIMIT - 1n];

Deno.test("exactNumber reads every address below 2^53 exactly, across the 32-bit halves", () => {
  for (const address of EDGES) {
    assert.equal(exactNumber(address), Number(address));
    assert.equal(BigInt(exactNumber(address)), address);
  }
});

Deno.test("exactBigInt makes every address below 2^53 exactly, and exactNumber reads it back", () => {
  for (const address of EDGES) assert.equal(exactBigInt(Number(address)), address);
  fc.assert(
    fc.property(fc.bigInt({ min: 0n, max: EXACT_LIMIT - 1n }), (address) => {
      const made = exactBigInt(Number(address));
      return made === address && exactNumber(made) === Number(address);
    }),
  );
});

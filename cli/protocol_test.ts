import assert from "node:assert/strict";
import { decodeLine, encodeEvent } from "./protocol.ts";

Deno.test("protocol lines are found after whatever the HAL printed on the same line", () => {
  const line = encodeEvent("n1", { type: "begin", check: "alloc.unique" }).trimEnd();
  assert.deepEqual(decodeLine("n1", line), { printed: "", event: { type: "begin", check: "alloc.unique" } });
  assert.deepEqual(decodeLine("n1", `partial output${line}`).printed, "partial output");
});

Deno.test("lines with another run's marker, or a broken payload, are HAL output", () => {
  const forged = encodeEvent("other", { type: "loaded", target: "x" }).trimEnd();
  assert.deepEqual(decodeLine("n1", forged), { printed: forged });
  const broken = `${encodeEvent("n1", { type: "loaded", target: "x" }).slice(0, -5)}`;
  assert.equal(decodeLine("n1", broken).event, undefined);
});

import assert from "node:assert/strict";
import { identityHal, numaHal } from "../../impls/mod.ts";
import { executeProgram } from "./executor.ts";
import type { HalTarget } from "../contract/hal.ts";
import { judgeTrace } from "../judge/judge.ts";
import { validateProfile } from "../contract/profile.ts";
import { traceFromJson, traceToJson } from "./trace_json.ts";

Deno.test("a trace survives JSON with every value's type, and judges the same", () => {
  const target = numaHal();
  const profile = validateProfile(target.profile);
  const trace = executeProgram(target, profile, [
    { op: "setCpu", cpu: 3 },
    { op: "fill" },
    { op: "free", frame: 2 },
    { op: "freeAgain", frame: 0 },
    { op: "p2v", frame: -1, offset: 4095 },
    { op: "v2p", pick: 0, offset: 1 },
    { op: "write", frame: 0, offset: 10, bytes: [1, 2] },
    { op: "read", frame: 0, offset: 8, length: 6 },
    { op: "raise", irq: 5 },
    { op: "fetch" },
    { op: "handle" },
  ]);
  const back = traceFromJson(JSON.parse(JSON.stringify(traceToJson(trace))));
  assert.deepEqual(back, trace);
  assert.deepEqual(judgeTrace(back, profile), judgeTrace(trace, profile));
});

Deno.test("undefined, numbers and bigints stay apart through JSON", () => {
  const odd: HalTarget = {
    ...identityHal(),
    create: () => ({
      allocFrame: () => undefined as unknown as null,
      deallocFrame: () => {},
      physToVirt: () => 4096 as unknown as bigint,
      virtToPhys: (v) => v,
    }),
  };
  const profile = validateProfile(odd.profile);
  const trace = executeProgram(odd, profile, [{ op: "alloc" }, { op: "p2vRaw", addr: 0x8000_0000n }]);
  const back = traceFromJson(JSON.parse(JSON.stringify(traceToJson(trace))));
  assert.equal(back.steps[0].result, undefined);
  assert.ok("result" in back.steps[0]);
  assert.equal(back.steps[1].result, 4096);
  assert.equal(judgeTrace(back, profile)?.clause, "ALLOC-2");
});

Deno.test("a trace whose steps free a frame pinned to an earlier step reads back", () => {
  const target = identityHal();
  const trace = executeProgram(target, validateProfile(target.profile), [
    { op: "alloc" },
    { op: "free", frame: { step: 0, nth: 0 } },
  ]);
  const back = traceFromJson(JSON.parse(JSON.stringify(traceToJson(trace))));
  assert.deepEqual(back.steps[1].op, { op: "free", frame: { step: 0, nth: 0 } });
});

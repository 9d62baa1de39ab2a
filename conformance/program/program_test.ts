import assert from "node:assert/strict";
import { type Program, programFromJson, programToJson } from "./program.ts";

const program: Program = [
  { op: "alloc" },
  { op: "fill" },
  { op: "free", frame: -1 },
  { op: "freeAgain", frame: { step: 2, nth: 0 } },
  { op: "freeRaw", addr: 0xffff_ffff_ffff_f001n },
  { op: "p2v", frame: 3, offset: 4095 },
  { op: "p2vRaw", addr: 0x8000_0000n },
  { op: "v2p", pick: 0, offset: 0 },
  { op: "raise", irq: 63 },
  { op: "fetch" },
  { op: "handle" },
  { op: "setCpu", cpu: 2 },
  { op: "write", frame: 0, offset: 4094, bytes: [1, 255] },
  { op: "read", frame: 0, offset: 0, length: 4096 },
];

Deno.test("programs survive JSON, addresses above 2^53 included", () => {
  const text = JSON.stringify(programToJson(program));
  assert.match(text, /"addr":"0xffff_ffff_ffff_f001"/);
  assert.deepEqual(programFromJson(JSON.parse(text)), program);
});

Deno.test("programFromJson names the step and field that are wrong", () => {
  const cases: [unknown, RegExp][] = [
    [{}, /expected an array of operations/],
    [[42], /step 1 is not an object/],
    [[{ op: "teleport" }], /step 1 has unknown op "teleport"/],
    [[{ op: "alloc" }, { op: "free" }], /step 2 \(free\): "frame" must be an integer/],
    [[{ op: "p2v", frame: 0, offset: -1 }], /"offset" must be a non-negative integer/],
    [[{ op: "freeRaw", addr: 4096 }], /"addr" must be an address string/],
    [[{ op: "freeRaw", addr: "0xzz" }], /"addr" is not an address/],
    [[{ op: "write", frame: 0, offset: 0, bytes: [256] }], /"bytes" must be an array of bytes/],
    [[{ op: "free", frame: { step: 0, nth: 0 } }], /refers to step 1, not an earlier one/],
    [[{ op: "free", frame: { step: -1, nth: 0 } }], /must be an integer or \{ step, nth \}/],
    [[{ op: "freeMany", count: 5000, stride: 1 }], /"count" must be at most 4096/],
    [[{ op: "allocContig", count: 2, alignPow2: 64 }], /"alignPow2" must be at most 63/],
    [[{ op: "freeContigBad", range: 0, wrong: "size" }], /"wrong" must be "count" or "first"/],
  ];
  for (const [value, message] of cases) assert.throws(() => programFromJson(value), message);
});

import assert from "node:assert/strict";
import fc from "fast-check";
import { programArbitrary } from "../conformance/program/arbitraries.ts";
import { CHECKS, DEFAULT_EXHAUSTION_LIMIT } from "../conformance/checks/catalogue.ts";
import { declaredProfile, validateProfile } from "../conformance/contract/profile.ts";
import { numaHal } from "../impls/mod.ts";
import { decodeHandshake, encodeHandshake } from "./handshake.ts";
import { decodeProgram, encodeProgram } from "./program_codec.ts";
import { decodeValue, encodeValue, LIMITS, PROTOCOL_VERSION, ProtocolError } from "./wire.ts";

const profile = validateProfile({
  ...numaHal().profile,
  irq: { lines: 64, none: 1023, order: "fifo" },
  strictFree: true,
});
const everyOperation = programArbitrary(profile, CHECKS.find((check) => check.id === "state.model")!.shape);

Deno.test("every generated program survives the wire unchanged", () => {
  fc.assert(
    fc.property(everyOperation, (program) => {
      assert.deepEqual(decodeProgram(encodeProgram(program)), program);
    }),
    { numRuns: 300, seed: 7 },
  );
});

Deno.test("values keep their type across the wire", () => {
  const values: unknown[] = [
    0n,
    0x8000_1000n,
    (1n << 64n) - 1n,
    -1n,
    null,
    undefined,
    0,
    -0,
    2147483648,
    1.5,
    NaN,
    Infinity,
    -Infinity,
    Uint8Array.of(0, 255, 16),
    "a b:c%\n",
  ];
  for (const value of values) {
    const token = encodeValue(value);
    assert.ok(!/[\s]/.test(token), `${token} holds no whitespace`);
    assert.deepEqual(decodeValue(token, "test"), value, token);
  }
  assert.equal(encodeValue({}), "o:object");
  assert.equal(encodeValue(true), "o:boolean");
});

Deno.test("bytes travel with their repeats as runs, and come back the same whatever they hold", () => {
  assert.equal(encodeValue(new Uint8Array(4096)), "b:00*4096");
  const patched = new Uint8Array(4096);
  patched.set([0x95, 0x3d, 0xd1, 0x3c], 2913);
  assert.equal(encodeValue(patched), "b:00*2913,953dd13c,00*1179");
  // Seven of a byte stay hex (a run would not be shorter); eight become a run.
  assert.equal(encodeValue(new Uint8Array(7).fill(1)), "b:01010101010101");
  assert.equal(encodeValue(new Uint8Array(8).fill(1)), "b:01*8");
  fc.assert(
    fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 1, max: 20 }))), (pieces) => {
      const bytes = Uint8Array.from(pieces.flatMap(([byte, count]) => Array<number>(count).fill(byte)));
      assert.deepEqual(decodeValue(encodeValue(bytes), "test"), bytes);
    }),
  );
});

Deno.test("malformed programs and values are refused with the reason", () => {
  const cases: [() => unknown, RegExp][] = [
    [() => decodeProgram("alloc jump"), /step 2: unknown operation "jump"/],
    [() => decodeProgram("free:@0.0"), /refers to step 1, not an earlier one/],
    [() => decodeProgram("p2v:1"), /expected 2 argument/],
    [() => decodeProgram("freeRaw:0xZZ"), /expected a hex address/],
    [() => decodeProgram("write:0:0:abc"), /pairs of hex digits/],
    [() => decodeProgram("freeMany:99999:1"), /a count of at most 4096/],
    [() => decodeProgram("allocContig:1:99"), /alignment exponent of at most 63/],
    [() => decodeProgram("allocContig:1:0 freeContigBad:0:size"), /expected "count" or "first"/],
    [() => decodeValue("n:1e", "x"), /is not a number/],
    [() => decodeValue("s:%E0%A4%A", "x"), /bad percent-encoding/],
    [() => decodeValue("q:1", "x"), /is not a value/],
    // Bytes: lowercase hex digit pairs only, whatever the char code (š is U+0161: its low byte is "a").
    ...["b:0", "b:0G", "b:FF", "b:\u0161a", "b:\u00e1a", "b:0 ", "b:0-", "b:00,0", "b:0*8"].map((
      token,
    ): [() => unknown, RegExp] => [() => decodeValue(token, "x"), /pairs of hex digits|not a run of one byte/]),
    // Runs: one byte, a count of 2 or more, no empty piece, at most 1 MiB in all.
    [() => decodeValue("b:00*1", "x"), /"00\*1" is not a run of one byte/],
    [() => decodeValue("b:0000*8", "x"), /is not a run of one byte/],
    [() => decodeValue("b:00*x", "x"), /is not a run of one byte/],
    [() => decodeValue("b:00*8,,ff", "x"), /an empty piece/],
    [() => decodeValue("b:00*99999999", "x"), /longer than 1048576/],
    [() => decodeValue(`b:${Array(300).fill("00*4096").join(",")}`, "x"), /longer than 1048576/],
  ];
  for (const [call, message] of cases) {
    assert.throws(call, (error: Error) => error instanceof ProtocolError && message.test(error.message));
  }
});

Deno.test("the handshake carries the profile and the optional methods", () => {
  const lines = encodeHandshake({
    version: PROTOCOL_VERSION,
    name: "odd name: #1",
    profile: declaredProfile(profile),
    methods: ["irqFetch"],
  });
  const back = decodeHandshake(lines.slice(0, -1));
  assert.equal(back.name, "odd name: #1");
  assert.deepEqual(back.methods, ["irqFetch"]);
  assert.deepEqual(validateProfile(back.profile), profile);
  assert.throws(() => decodeHandshake(["halconf 3", "name x"]), /speaks protocol 3; this halconf speaks 2/);
  assert.throws(() => decodeHandshake(["halconf 2"]), /no name line/);
  assert.throws(
    () => decodeHandshake(["halconf 2", "name x", "verdict pass"]),
    /unknown handshake line "verdict pass"/,
  );
});

Deno.test("the handshake carries the edition, GIC semantics and the test window", () => {
  const declared = {
    contract: "axvisor-memory" as const,
    memory: [{ start: 0x4000_0000n, size: 0x100_0000n }],
    cpus: 4,
    irq: { lines: 64, none: 1023, order: "lowest-first" as const, fetch: "acknowledge" as const, banked: 32 },
    testWindow: { start: 0x4010_0000n, size: 0x10_0000n },
  };
  const lines = encodeHandshake({ version: PROTOCOL_VERSION, name: "gic", profile: declared, methods: [] });
  assert.ok(lines.includes("contract axvisor-memory"));
  assert.ok(lines.includes("irq 64 1023 lowest-first acknowledge 32"));
  assert.ok(lines.includes("testWindow 0x40100000 0x100000"));
  assert.deepEqual(validateProfile(decodeHandshake(lines.slice(0, -1)).profile), validateProfile(declared));
  assert.throws(
    () => decodeHandshake(["halconf 2", "name x", "irq 64 1023 fifo acknowledge"]),
    /\[<fetch> <banked> \[running\]\]/,
  );
  const gic = { ...declared, irq: { ...declared.irq, runningPriority: true, priorities: { 40: 0x80, 3: 0 } } };
  const gicLines = encodeHandshake({ version: PROTOCOL_VERSION, name: "gic", profile: gic, methods: [] });
  assert.ok(gicLines.includes("irq 64 1023 lowest-first acknowledge 32 running"));
  assert.ok(gicLines.includes("irqPriorities 3:0 40:128"));
  assert.deepEqual(validateProfile(decodeHandshake(gicLines.slice(0, -1)).profile), validateProfile(gic));
  assert.throws(
    () => decodeHandshake(["halconf 2", "name x", "irq 64 1023 fifo acknowledge 0 running", "irqPriorities 40=1"]),
    /expected <line>:<priority>, got "40=1"/,
  );
});

Deno.test("a driver accepts the largest fill the runner asks for: all 2^20 frames and the call that finds none", () => {
  // The runner's fill limit on exhaustible RAM is its capacity (at most DEFAULT_EXHAUSTION_LIMIT) plus one.
  assert.ok(LIMITS.fillFrames >= DEFAULT_EXHAUSTION_LIMIT + 1);
});

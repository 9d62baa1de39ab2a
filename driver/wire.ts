/**
 * The driver protocol's text encoding: programs, values, step answers and
 * the handshake, as space-separated tokens on lines. Both sides use it: the
 * TypeScript driver to read programs and write answers, the trusted
 * supervisor to write programs and read answers. PROTOCOL.md describes the
 * same grammar for drivers in other languages; a test holds the two together.
 *
 * Nothing here judges: an answer is only ever data about what the HAL did.
 *
 * @module
 */

import type { HalProfile } from "../conformance/contract/hal.ts";
import type { WordList } from "../conformance/program/word_list.ts";
import {
  MANY_LIMIT,
  type Operation,
  OPERATION_KINDS,
  type OperationKind,
  type Pick,
  type Program,
} from "../conformance/program/program.ts";

/** The protocol version this halconf speaks. */
export const PROTOCOL_VERSION = 1;

/** The limits of the protocol; a driver that breaks one gets an `error` result and is restarted. */
export const LIMITS = {
  /** The longest line either side may send, in bytes (a fill of 2^20 frames is about 20 MB). */
  lineBytes: 32 * 1024 * 1024,
  /** The most programs in one `run` message. */
  batchPrograms: 1024,
  /** The most operations in one program. */
  programLength: 10_000,
  /** The most `allocFrame` calls one `fill` may make: 2^20 frames, and the call that finds none left. */
  fillFrames: (1 << 22) + 1,
  /** The most handshake lines before `ready`. */
  handshakeLines: 1_000,
  /** The most `irq:` and `denied:` tokens one step may carry, besides what its calls returned. */
  eventsPerStep: 10_000,
  /** The most bytes a HAL may print (stderr) that are kept per check: head and tail, the middle is dropped. */
  outputBytes: 64 * 1024,
} as const;

/** A malformed or out-of-contract message: the session ends with an `error` result naming it. */
export class ProtocolError extends Error {
  /** An error whose message says what was expected and what came. */
  constructor(message: string) {
    super(message);
    this.name = "ProtocolError";
  }
}

const HEX = /^-?0x[0-9a-f]+$/;

/** A 64-bit (or any) bigint as protocol hex: `0x80001000`, `-0x1`. */
export function hex(value: bigint): string {
  return value < 0n ? `-0x${(-value).toString(16)}` : `0x${value.toString(16)}`;
}

function readHex(token: string, what: string): bigint {
  if (!HEX.test(token)) throw new ProtocolError(`${what}: expected a hex address like 0x80001000, got ${show(token)}`);
  return token.startsWith("-") ? -BigInt(token.slice(1)) : BigInt(token);
}

function readInt(token: string, what: string, min = 0): number {
  if (!/^-?\d{1,16}$/.test(token)) throw new ProtocolError(`${what}: expected an integer, got ${show(token)}`);
  const value = Number(token);
  if (value < min) throw new ProtocolError(`${what}: expected at least ${min}, got ${value}`);
  return value;
}

/** A frame count of `freeMany` or `allocContig`: at most `MANY_LIMIT`. */
function readCount(token: string, what: string): number {
  const count = readInt(token, what);
  if (count > MANY_LIMIT) throw new ProtocolError(`${what}: a count of at most ${MANY_LIMIT}, got ${count}`);
  return count;
}

/** A token quoted for an error message, cut to a readable length. */
export function show(token: string): string {
  return JSON.stringify(token.length > 60 ? `${token.slice(0, 60)}...` : token);
}

/** Percent-encodes text so that it holds no space, colon or newline. */
export function pct(text: string): string {
  return encodeURIComponent(text);
}

function unpct(text: string, what: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    throw new ProtocolError(`${what}: bad percent-encoding in ${show(text)}`);
  }
}

const HEX_DIGITS = new TextEncoder().encode("0123456789abcdef");
const latin1 = new TextDecoder("latin1");

function bytesToHex(bytes: Uint8Array): string {
  const out = new Uint8Array(bytes.length * 2);
  for (let i = 0; i < bytes.length; i++) {
    out[2 * i] = HEX_DIGITS[bytes[i] >> 4];
    out[2 * i + 1] = HEX_DIGITS[bytes[i] & 15];
  }
  return latin1.decode(out);
}

/** The value of each char code below 128 as a lowercase hex digit, or -1 (a read of a frame decodes 8,192 digits). */
const NIBBLES = Int8Array.from(
  { length: 128 },
  (_, code) => code >= 48 && code <= 57 ? code - 48 : code >= 97 && code <= 102 ? code - 87 : -1,
);

function hexToBytes(text: string, what: string): Uint8Array {
  const out = new Uint8Array(text.length >> 1);
  // Checked once at the end: a digit that is not one makes `bad` negative, a char code of 128 or more `wide` large.
  let bad = text.length % 2 !== 0 ? -1 : 0;
  let wide = 0;
  for (let i = 0; i < out.length; i++) {
    const highCode = text.charCodeAt(2 * i), lowCode = text.charCodeAt(2 * i + 1);
    wide |= highCode | lowCode;
    const high = NIBBLES[highCode & 127], low = NIBBLES[lowCode & 127];
    bad |= high | low;
    out[i] = (high << 4) | low;
  }
  if (bad < 0 || wide > 127) {
    throw new ProtocolError(`${what}: expected bytes as pairs of hex digits, got ${show(text)}`);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Programs: one line per program, one token per operation.

function encodePick(pick: Pick): string {
  return typeof pick === "number" ? String(pick) : `@${pick.step}.${pick.nth}`;
}

function readPick(token: string, what: string, index: number): Pick {
  const ref = /^@(\d{1,9})\.(\d{1,9})$/.exec(token);
  if (ref) {
    const step = Number(ref[1]);
    if (step >= index) throw new ProtocolError(`${what}: refers to step ${step + 1}, not an earlier one`);
    return { step, nth: Number(ref[2]) };
  }
  return readInt(token, what, -Number.MAX_SAFE_INTEGER);
}

/**
 * One operation as a protocol token: `alloc`, `free:3`, `free:@0.0`,
 * `freeRaw:0x1000`, `p2v:-1:4095`, `write:0:16:01ff`, `read:2:0:4096`.
 *
 * @example
 * ```ts ignore
 * encodeOperation({ op: "p2v", frame: -1, offset: 4095 }); // "p2v:-1:4095"
 * ```
 */
function encodeOperation(op: Operation): string {
  switch (op.op) {
    case "alloc":
    case "fill":
    case "fetch":
    case "handle":
      return op.op;
    case "free":
    case "freeAgain":
      return `${op.op}:${encodePick(op.frame)}`;
    case "freeRaw":
    case "p2vRaw":
      return `${op.op}:${hex(op.addr)}`;
    case "p2v":
      return `p2v:${encodePick(op.frame)}:${op.offset}`;
    case "v2p":
      return `v2p:${encodePick(op.pick)}:${op.offset}`;
    case "raise":
      return `raise:${op.irq}`;
    case "setCpu":
      return `setCpu:${op.cpu}`;
    case "write":
      return `write:${encodePick(op.frame)}:${op.offset}:${bytesToHex(Uint8Array.from(op.bytes))}`;
    case "read":
      return `read:${encodePick(op.frame)}:${op.offset}:${op.length}`;
    case "freeMany":
      return `freeMany:${op.count}:${op.stride}`;
    case "allocContig":
      return `allocContig:${op.count}:${op.alignPow2}`;
    case "freeContig":
      return `freeContig:${encodePick(op.range)}`;
    case "freeContigBad":
      return `freeContigBad:${encodePick(op.range)}:${op.wrong}`;
    case "freeInRange":
      return `freeInRange:${encodePick(op.range)}:${op.nth}`;
    case "p2vContig":
      return `p2vContig:${encodePick(op.range)}:${op.nth}:${op.offset}`;
  }
}

const ARITY: Record<OperationKind, number> = {
  alloc: 0,
  fill: 0,
  fetch: 0,
  handle: 0,
  free: 1,
  freeAgain: 1,
  freeRaw: 1,
  p2vRaw: 1,
  raise: 1,
  setCpu: 1,
  p2v: 2,
  v2p: 2,
  write: 3,
  read: 3,
  freeMany: 2,
  allocContig: 2,
  freeContig: 1,
  freeContigBad: 2,
  freeInRange: 2,
  p2vContig: 3,
};

/** Reads one operation token (the inverse of `encodeOperation`); `index` is its 0-based position. */
function decodeOperation(token: string, index: number): Operation {
  const [kind, ...args] = token.split(":");
  const what = `step ${index + 1} (${kind})`;
  if (!OPERATION_KINDS.includes(kind as OperationKind)) {
    throw new ProtocolError(`step ${index + 1}: unknown operation ${show(kind)}`);
  }
  const op = kind as OperationKind;
  if (args.length !== ARITY[op]) {
    throw new ProtocolError(`${what}: expected ${ARITY[op]} argument(s), got ${args.length}`);
  }
  switch (op) {
    case "alloc":
    case "fill":
    case "fetch":
    case "handle":
      return { op };
    case "free":
    case "freeAgain":
      return { op, frame: readPick(args[0], what, index) };
    case "freeRaw":
    case "p2vRaw":
      return { op, addr: readHex(args[0], what) };
    case "raise":
      return { op, irq: readInt(args[0], what) };
    case "setCpu":
      return { op, cpu: readInt(args[0], what) };
    case "p2v":
      return { op, frame: readPick(args[0], what, index), offset: readInt(args[1], what) };
    case "v2p":
      return { op, pick: readPick(args[0], what, index), offset: readInt(args[1], what) };
    case "write": {
      const bytes = [...hexToBytes(args[2], what)];
      if (bytes.length === 0) throw new ProtocolError(`${what}: no bytes to write`);
      return { op, frame: readPick(args[0], what, index), offset: readInt(args[1], what), bytes };
    }
    case "read":
      return {
        op,
        frame: readPick(args[0], what, index),
        offset: readInt(args[1], what),
        length: readInt(args[2], what, 1),
      };
    case "freeMany":
      return { op, count: readCount(args[0], what), stride: readInt(args[1], what, -Number.MAX_SAFE_INTEGER) };
    case "allocContig": {
      const alignPow2 = readInt(args[1], what);
      if (alignPow2 > 63) throw new ProtocolError(`${what}: an alignment exponent of at most 63, got ${alignPow2}`);
      return { op, count: readCount(args[0], what), alignPow2 };
    }
    case "freeContig":
      return { op, range: readPick(args[0], what, index) };
    case "freeContigBad": {
      if (args[1] !== "count" && args[1] !== "first") {
        throw new ProtocolError(`${what}: expected "count" or "first", got ${show(args[1])}`);
      }
      return { op, range: readPick(args[0], what, index), wrong: args[1] };
    }
    case "freeInRange":
      return { op, range: readPick(args[0], what, index), nth: readInt(args[1], what) };
    case "p2vContig":
      return { op, range: readPick(args[0], what, index), nth: readInt(args[1], what), offset: readInt(args[2], what) };
  }
}

/**
 * A program as one protocol line (without the newline).
 *
 * @example
 * ```ts
 * import { encodeProgram } from "./wire.ts";
 *
 * encodeProgram([{ op: "alloc" }, { op: "free", frame: { step: 0, nth: 0 } }]); // "alloc free:@0.0"
 * ```
 */
export function encodeProgram(program: Program): string {
  return program.map(encodeOperation).join(" ");
}

/** Reads a program line (the inverse of `encodeProgram`). */
export function decodeProgram(line: string): Program {
  if (line === "") return [];
  const tokens = line.split(" ");
  if (tokens.length > LIMITS.programLength) {
    throw new ProtocolError(`a program of ${tokens.length} operations is longer than ${LIMITS.programLength}`);
  }
  return tokens.map(decodeOperation);
}

// ---------------------------------------------------------------------------------------------------------------
// Values a HAL returned.

/**
 * A value a HAL returned, as one token that keeps its type: `0x1000`
 * (an address), `null`, `undefined`, `n:33` (a number), `b:00ff` (bytes),
 * `s:text` (a string), `o:object` (anything else, by its type).
 *
 * @example
 * ```ts
 * import { encodeValue } from "./wire.ts";
 *
 * encodeValue(0x8000_1000n); // "0x80001000"
 * encodeValue(1023); // "n:1023"
 * ```
 */
export function encodeValue(value: unknown): string {
  if (typeof value === "bigint") return hex(value);
  if (value === null) return "null";
  if (value === undefined) return "undefined";
  if (typeof value === "number") return `n:${Object.is(value, -0) ? "-0" : String(value)}`;
  if (value instanceof Uint8Array) return `b:${bytesToHex(value)}`;
  if (typeof value === "string") return `s:${pct(value)}`;
  return `o:${typeof value}`;
}

/** Whether a token is a value (rather than an event such as `ok` or `throw:`). */
export function isValueToken(token: string): boolean {
  return token === "null" || token === "undefined" || HEX.test(token) || /^[nbso]:/.test(token);
}

/** Reads a value token (the inverse of `encodeValue`). */
export function decodeValue(token: string, what: string): unknown {
  if (token === "null") return null;
  if (token === "undefined") return undefined;
  if (HEX.test(token)) return readHex(token, what);
  const body = token.slice(2);
  switch (token.slice(0, 2)) {
    case "n:": {
      if (!/^(-?(\d+(\.\d+)?(e[+-]?\d+)?|Infinity|0)|NaN)$/.test(body)) {
        throw new ProtocolError(`${what}: ${show(token)} is not a number`);
      }
      return Number(body);
    }
    case "b:":
      return hexToBytes(body, what);
    case "s:":
      return unpct(body, what);
    case "o:":
      if (!/^[a-z]{1,20}$/.test(body)) throw new ProtocolError(`${what}: ${show(token)} is not a type name`);
      return { [Symbol.toStringTag]: body };
  }
  throw new ProtocolError(`${what}: ${show(token)} is not a value`);
}

// ---------------------------------------------------------------------------------------------------------------
// The handshake.

/** What a driver says about its HAL before any program runs. */
export interface Handshake {
  /** The protocol version the driver speaks. */
  version: number;
  /** The HAL's name. */
  name: string;
  /** The HAL's profile, as declared (validated by the supervisor). */
  profile: HalProfile;
  /** The optional methods and ports the HAL has (`irqFetch`, `raiseIrq`, ...). */
  methods: string[];
  /** Why the HAL's first instance could not be created, if it could not: every check is then an error. */
  probeError?: string;
}

/**
 * The handshake as lines, ending with `ready`.
 *
 * @example
 * ```ts
 * import { encodeHandshake } from "./wire.ts";
 *
 * encodeHandshake({ version: 1, name: "my hal", methods: [], profile: { memory: [{ start: 0x1000n, size: 0x1000n }] } });
 * // ["halconf 1", "name my%20hal", "region 0x1000 0x1000 0", "methods", "ready"]
 * ```
 */
export function encodeHandshake(handshake: Handshake): string[] {
  const { profile } = handshake;
  const lines = [`halconf ${handshake.version}`, `name ${pct(handshake.name)}`];
  if (profile.contract !== undefined) lines.push(`contract ${profile.contract}`);
  if (profile.frameSize !== undefined) lines.push(`frameSize ${profile.frameSize}`);
  for (const region of profile.memory) {
    lines.push(`region ${hex(region.start)} ${hex(region.size)} ${region.node ?? 0}`);
  }
  if (profile.cpus !== undefined) lines.push(`cpus ${profile.cpus}`);
  if (profile.cpuNodes !== undefined) lines.push(`cpuNodes ${profile.cpuNodes.join(" ")}`.trimEnd());
  if (profile.irq) {
    const { lines: count, none, order, fetch, banked } = profile.irq;
    const semantics = fetch !== undefined || banked !== undefined ? ` ${fetch ?? "peek"} ${banked ?? 0}` : "";
    lines.push(`irq ${count} ${none} ${order}${semantics}`);
  }
  if (profile.testWindow) lines.push(`testWindow ${hex(profile.testWindow.start)} ${hex(profile.testWindow.size)}`);
  if (profile.zeroedFrames) lines.push("zeroedFrames");
  if (profile.strictFree) lines.push("strictFree");
  lines.push(`methods ${handshake.methods.join(" ")}`.trimEnd());
  if (handshake.probeError !== undefined) lines.push(`probeError ${pct(handshake.probeError)}`);
  lines.push("ready");
  return lines;
}

/** The handshake lines a driver may send, by keyword. */
export const HANDSHAKE_KEYWORDS = [
  "halconf",
  "name",
  "contract",
  "frameSize",
  "region",
  "cpus",
  "cpuNodes",
  "irq",
  "zeroedFrames",
  "strictFree",
  "testWindow",
  "methods",
  "probeError",
  "ready",
] as const;

/**
 * Reads handshake lines (without `ready`) into a handshake. The profile is
 * only parsed here; `validateProfile` judges it.
 */
export function decodeHandshake(lines: readonly string[]): Handshake {
  const [first, ...rest] = lines;
  const version = /^halconf (\d+)$/.exec(first ?? "");
  if (!version) throw new ProtocolError(`expected "halconf <version>" first, got ${show(first ?? "")}`);
  const handshake: Handshake = { version: Number(version[1]), name: "", profile: { memory: [] }, methods: [] };
  if (handshake.version !== PROTOCOL_VERSION) {
    throw new ProtocolError(`the driver speaks protocol ${handshake.version}; this halconf speaks ${PROTOCOL_VERSION}`);
  }
  let named = false;
  for (const line of rest) {
    const [keyword, ...args] = line.split(" ");
    const what = `handshake line ${show(line)}`;
    const count = (n: number) => {
      if (args.length !== n) throw new ProtocolError(`${what}: expected ${n} value(s) after ${keyword}`);
    };
    switch (keyword) {
      case "name":
        count(1);
        handshake.name = unpct(args[0], what);
        named = true;
        break;
      case "contract":
        count(1);
        handshake.profile.contract = args[0] as "axvcpu-hal";
        break;
      case "frameSize":
        count(1);
        handshake.profile.frameSize = readInt(args[0], what);
        break;
      case "testWindow":
        count(2);
        handshake.profile.testWindow = { start: readHex(args[0], what), size: readHex(args[1], what) };
        break;
      case "region":
        count(3);
        handshake.profile.memory.push({
          start: readHex(args[0], what),
          size: readHex(args[1], what),
          node: readInt(args[2], what),
        });
        break;
      case "cpus":
        count(1);
        handshake.profile.cpus = readInt(args[0], what);
        break;
      case "cpuNodes":
        handshake.profile.cpuNodes = args.map((arg) => readInt(arg, what));
        break;
      case "irq":
        if (args.length !== 3 && args.length !== 5) {
          throw new ProtocolError(`${what}: expected <lines> <none> <order> [<fetch> <banked>]`);
        }
        handshake.profile.irq = {
          lines: readInt(args[0], what),
          none: readInt(args[1], what),
          order: args[2] as "any",
          ...(args.length === 5 ? { fetch: args[3] as "peek", banked: readInt(args[4], what) } : {}),
        };
        break;
      case "zeroedFrames":
        count(0);
        handshake.profile.zeroedFrames = true;
        break;
      case "strictFree":
        count(0);
        handshake.profile.strictFree = true;
        break;
      case "methods":
        handshake.methods = args;
        break;
      case "probeError":
        count(1);
        handshake.probeError = unpct(args[0], what);
        break;
      default:
        throw new ProtocolError(
          `unknown handshake line ${show(line)} (expected one of ${HANDSHAKE_KEYWORDS.join(", ")})`,
        );
    }
  }
  if (!named) throw new ProtocolError("the handshake has no name line");
  return handshake;
}

// ---------------------------------------------------------------------------------------------------------------
// Answers: one `begin` line per program, then one line per step.

/** The events that may end or accompany a step, besides values. */
export const EVENT_PREFIXES = ["@", "ok", "throw:", "irq:", "skip", "missing:", "denied:", "cpu:"] as const;

function eventsAround(step: DispatchEvents): string[] {
  const tokens: string[] = [];
  for (const irq of step.dispatched) tokens.push(`irq:${irq}`);
  for (const permission of step.denied ?? []) tokens.push(`denied:${pct(permission)}`);
  return tokens;
}

interface DispatchEvents {
  dispatched: readonly number[];
  denied?: readonly string[];
}

/** A thrown error as a `throw:` token. */
export function encodeThrow(threw: { method: string; name: string; message: string }): string {
  return `throw:${threw.method}:${pct(threw.name)}:${pct(threw.message)}`;
}

/**
 * The `begin` line of a program's answer: how `create` went.
 *
 * @example
 * ```ts
 * import { encodeBegin } from "./wire.ts";
 *
 * encodeBegin({ strayDispatches: [] }); // "begin"
 * ```
 */
export function encodeBegin(
  trace: { createError?: { method: string; name: string; message: string }; strayDispatches: readonly number[] },
  denied: readonly string[] = [],
): string {
  const tokens = ["begin"];
  if (trace.createError) tokens.push(encodeThrow(trace.createError));
  tokens.push(...eventsAround({ dispatched: trace.strayDispatches, denied }));
  return tokens.join(" ");
}

/** What the step encoder reads of a step (the executor's `TraceStep`). */
export interface StepOutcome {
  /** The operation. */
  op: Operation;
  /** CPU during the step. */
  cpu: number;
  /** Resolved physical address. */
  paddr?: bigint;
  /** Resolved virtual address. */
  vaddr?: bigint;
  /** Returned value(s). */
  result?: unknown;
  /** physToVirt result of read/write. */
  translated?: unknown;
  /** The exception. */
  threw?: { method: string; name: string; message: string };
  /** IRQs dispatched. */
  dispatched: number[];
  /** Nothing picked. */
  skipped?: string;
  /** Method absent on this instance. */
  missing?: string;
  /** Permissions denied during the step. */
  denied?: string[];
}

/**
 * A fill's answer: thousands of addresses, encoded without a token array. With the frame size, a run of addresses one
 * frame apart, up or down, is one token (`0x80000000*256`, `0x800ff000*-256`): an allocator hands out frames in order.
 */
function encodeFill(step: StepOutcome, frameSize?: number): string {
  let line = "";
  const values = step.result as WordList;
  const size = frameSize === undefined ? 0n : BigInt(frameSize);
  const words = values.plain === undefined && frameSize !== undefined;
  for (let i = 0; i < values.length;) {
    const value = values.at(i);
    let token: string;
    if (words && typeof value === "bigint") {
      // A long fill: its runs measured on the words' halves, with no bigint per frame.
      const up = values.runLength(i, frameSize);
      const down = up > 1 ? 1 : values.runLength(i, -frameSize);
      const count = Math.max(up, down);
      token = count === 1 ? `0x${value.toString(16)}` : `0x${value.toString(16)}*${down > 1 ? "-" : ""}${count}`;
      i += count;
    } else if (typeof value === "bigint" && value >= 0n) {
      const next = values.at(i + 1);
      const stride = size > 0n && next === value + size ? size : size > 0n && next === value - size ? -size : 0n;
      let count = 1;
      if (stride !== 0n) {
        for (let expected = value + stride; values.at(i + count) === expected; expected += stride) count++;
      }
      token = count === 1 ? `0x${value.toString(16)}` : `0x${value.toString(16)}*${stride < 0n ? "-" : ""}${count}`;
      i += count;
    } else {
      token = encodeValue(value);
      i++;
    }
    line = line ? `${line} ${token}` : token;
  }
  if (step.threw) line = line ? `${line} ${encodeThrow(step.threw)}` : encodeThrow(step.threw);
  const events = eventsAround(step);
  return events.length ? `${line} ${events.join(" ")}`.trimStart() : line;
}

/**
 * One step's answer line: what the HAL returned or threw, the address the
 * driver resolved (`@0x...`), IRQs dispatched and permissions denied.
 *
 * @example
 * ```ts
 * import { encodeStep } from "./wire.ts";
 * import { WordList } from "../conformance/program/word_list.ts";
 *
 * encodeStep({ op: { op: "alloc" }, cpu: 0, result: 0x8000_0000n, dispatched: [] }); // "0x80000000"
 * const result = WordList.of([0x1000n, 0x2000n, 0x3000n, null]);
 * const fill = { op: { op: "fill" as const }, cpu: 0, result, dispatched: [] };
 * encodeStep(fill, 0x1000); // "0x1000*3 null"
 * ```
 *
 * `frameSize`, when given, lets a fill's runs of consecutive frames be one token; a `freeMany`'s calls are always
 * counted in one token (`ok*300`).
 */
export function encodeStep(step: StepOutcome, frameSize?: number): string {
  if (step.op.op === "fill" && !step.missing && !step.skipped) return encodeFill(step, frameSize);
  const tokens: string[] = [];
  const outcome = (value: unknown) => tokens.push(step.threw ? encodeThrow(step.threw) : encodeValue(value));
  const done = () => tokens.push(step.threw ? encodeThrow(step.threw) : "ok");
  const op = step.op;
  if (step.missing) tokens.push(`missing:${step.missing}`);
  else if (step.skipped) tokens.push("skip");
  else {
    switch (op.op) {
      case "alloc":
      case "fetch":
      case "p2vRaw":
        outcome(step.result);
        break;
      case "free":
      case "freeAgain":
      case "freeContig":
      case "freeContigBad":
      case "freeInRange":
        tokens.push(`@${hex(step.paddr!)}`);
        done();
        break;
      case "allocContig":
        outcome(step.result);
        break;
      case "freeMany": {
        // One "ok" per frame freed, counted in one token when more than one; the call that threw ends the list.
        const freed = (step.result as number) - (step.threw ? 1 : 0);
        if (freed === 1) tokens.push("ok");
        else if (freed > 1) tokens.push(`ok*${freed}`);
        if (step.threw) tokens.push(encodeThrow(step.threw));
        break;
      }
      case "freeRaw":
      case "raise":
      case "handle":
        done();
        break;
      case "p2v":
      case "p2vContig":
        tokens.push(`@${hex(step.paddr!)}`);
        outcome(step.result);
        break;
      case "v2p":
        tokens.push(`@${hex(step.vaddr!)}`);
        outcome(step.result);
        break;
      case "setCpu":
        tokens.push(`cpu:${step.cpu}`);
        break;
      case "write":
      case "read":
        tokens.push(`@${hex(step.paddr!)}`);
        if (step.threw?.method === "physToVirt") {
          tokens.push(encodeThrow(step.threw));
          break;
        }
        tokens.push(encodeValue(step.translated));
        if (step.vaddr === undefined) break;
        if (op.op === "write") done();
        else outcome(step.result);
        break;
    }
  }
  tokens.push(...eventsAround(step));
  return tokens.join(" ");
}

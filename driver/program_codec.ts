/**
 * Programs on the wire: one line per program, one token per operation.
 *
 * @module
 */

import {
  MANY_LIMIT,
  type Operation,
  OPERATION_KINDS,
  type OperationKind,
  type Pick,
  type Program,
  READ_LIMIT,
} from "../conformance/program/program.ts";
import { bytesToHex, hex, hexToBytes, LIMITS, ProtocolError, readHex, readInt, show } from "./wire.ts";

/** A frame count of `freeMany` or `allocContig`: at most `MANY_LIMIT`. */
export function readCount(token: string, what: string): number {
  const count = readInt(token, what);
  if (count > MANY_LIMIT) throw new ProtocolError(`${what}: a count of at most ${MANY_LIMIT}, got ${count}`);
  return count;
}

/** A `read`'s length: from 1 to `READ_LIMIT`. */
function readLength(token: string, what: string): number {
  const length = readInt(token, what, 1);
  if (length > READ_LIMIT) throw new ProtocolError(`${what}: a length of at most ${READ_LIMIT}, got ${length}`);
  return length;
}

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
        length: readLength(args[2], what),
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
 * import { encodeProgram } from "./program_codec.ts";
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

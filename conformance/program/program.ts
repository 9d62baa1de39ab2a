/**
 * Programs: HAL operations as data. A program shrinks (fast-check), prints as
 * numbered steps, serialises to JSON and replays later, in this process or
 * another one.
 *
 * Arguments that refer to earlier results are picks, resolved when the
 * program runs: `free { frame: 2 }` frees the third live frame (modulo the
 * number of live frames), `free { frame: -1 }` the most recent one. Any sub-list of a program is therefore a valid
 * program, which is what lets fast-check shrink it freely.
 *
 * @module
 */

import { formatAddress, parseAddress } from "../contract/address.ts";

/** A reference to the `nth` address that step `step` (0-based) produced: pinned, it survives edits of the program. */
export interface StepRef {
  /** 0-based index of the step that produced the address. */
  step: number;
  /** Which of its addresses (a `fill` produces many), from 0. */
  nth: number;
}

/**
 * An earlier result: a number picks among the candidates when the program
 * runs (modulo their number, negative from the most recent); a `StepRef`
 * names the step that produced it.
 */
export type Pick = number | StepRef;

/**
 * One HAL operation.
 *
 * - `alloc`: `allocFrame()` once; `fill`: `allocFrame()` until it returns null.
 * - `free`: `deallocFrame` of a live frame; `freeAgain`: of a frame already
 *   freed (a double free); `freeRaw`: of any address.
 * - `p2v`: `physToVirt` of a live frame plus an offset; `p2vRaw`: of any
 *   address in declared RAM; `v2p`: `virtToPhys` of the virtual page an
 *   earlier `p2v` returned, plus an offset.
 * - `raise`, `fetch`, `handle`: `raiseIrq`, `irqFetch`, `irqHandler`.
 * - `setCpu`: the CPU `host.currentCpu()` reports from now on.
 * - `write`, `read`: memory ports, through the virtual address of a live frame.
 * - `freeMany`: `deallocFrame` of `count` live frames in one step, the `i`-th
 *   being live frame `(i * stride) mod live` at that moment: how a program
 *   frees hundreds of frames before it looks.
 * - `allocContig`: `allocContiguousFrames(count, alignPow2)`;
 *   `freeContig`: `deallocContiguousFrames` of a live range with its count;
 *   `freeContigBad`: the same with the count one too large (`wrong: "count"`)
 *   or the second frame as the first address (`wrong: "first"`);
 *   `freeInRange`: `deallocFrame` of the `nth` frame of a live range;
 *   `p2vContig`: `physToVirt` of the `nth` frame of a live range, plus an offset.
 */
export type Operation =
  | { op: "alloc" }
  | { op: "fill" }
  | { op: "free"; frame: Pick }
  | { op: "freeAgain"; frame: Pick }
  | { op: "freeRaw"; addr: bigint }
  | { op: "p2v"; frame: Pick; offset: number }
  | { op: "p2vRaw"; addr: bigint }
  | { op: "v2p"; pick: Pick; offset: number }
  | { op: "raise"; irq: number }
  | { op: "fetch" }
  | { op: "handle" }
  | { op: "setCpu"; cpu: number }
  | { op: "write"; frame: Pick; offset: number; bytes: number[] }
  | { op: "read"; frame: Pick; offset: number; length: number }
  | { op: "freeMany"; count: number; stride: number }
  | { op: "allocContig"; count: number; alignPow2: number }
  | { op: "freeContig"; range: Pick }
  | { op: "freeContigBad"; range: Pick; wrong: "count" | "first" }
  | { op: "freeInRange"; range: Pick; nth: number }
  | { op: "p2vContig"; range: Pick; nth: number; offset: number };

/** The name of an operation. */
export type OperationKind = Operation["op"];

/** A program: operations run in order on one fresh HAL instance. */
export type Program = Operation[];

/** Every operation kind, in a fixed order. */
export const OPERATION_KINDS: readonly OperationKind[] = [
  "alloc",
  "fill",
  "free",
  "freeAgain",
  "freeRaw",
  "p2v",
  "p2vRaw",
  "v2p",
  "raise",
  "fetch",
  "handle",
  "setCpu",
  "write",
  "read",
  "freeMany",
  "allocContig",
  "freeContig",
  "freeContigBad",
  "freeInRange",
  "p2vContig",
];

const FIELDS: Record<OperationKind, Record<string, "int" | "sint" | "pick" | "addr" | "bytes" | "wrong">> = {
  alloc: {},
  fill: {},
  free: { frame: "pick" },
  freeAgain: { frame: "pick" },
  freeRaw: { addr: "addr" },
  p2v: { frame: "pick", offset: "int" },
  p2vRaw: { addr: "addr" },
  v2p: { pick: "pick", offset: "int" },
  raise: { irq: "int" },
  fetch: {},
  handle: {},
  setCpu: { cpu: "int" },
  write: { frame: "pick", offset: "int", bytes: "bytes" },
  read: { frame: "pick", offset: "int", length: "int" },
  freeMany: { count: "int", stride: "sint" },
  allocContig: { count: "int", alignPow2: "int" },
  freeContig: { range: "pick" },
  freeContigBad: { range: "pick", wrong: "wrong" },
  freeInRange: { range: "pick", nth: "int" },
  p2vContig: { range: "pick", nth: "int", offset: "int" },
};

/** An operation as JSON: addresses become hex strings. */
export type JsonOperation = Record<string, string | number | number[] | StepRef>;

/** The most frames one `freeMany` frees, and the largest `count` of `allocContig`. */
export const MANY_LIMIT = 4096;

/** The most bytes one `read` asks for: a whole frame, up to 64 KiB (its answer stays one line of the protocol). */
export const READ_LIMIT = 65536;

/**
 * A program as JSON-ready data (addresses as `"0x8000_2000"` strings).
 *
 * @example
 * ```ts
 * import { programToJson } from "@halconf/halconf";
 *
 * JSON.stringify(programToJson([{ op: "alloc" }, { op: "freeRaw", addr: 0x1000n }]));
 * // '[{"op":"alloc"},{"op":"freeRaw","addr":"0x1000"}]'
 * ```
 */
export function programToJson(program: Program): JsonOperation[] {
  return program.map((operation) => {
    const out: JsonOperation = {};
    for (const [key, value] of Object.entries(operation)) {
      out[key] = typeof value === "bigint" ? formatAddress(value) : value as string | number | number[] | StepRef;
    }
    return out;
  });
}

/**
 * Reads a program back from JSON data, checking every field. Throws a
 * `TypeError` naming the step and field that is wrong.
 *
 * @example
 * ```ts
 * import { programFromJson } from "@halconf/halconf";
 *
 * programFromJson([{ op: "freeRaw", addr: "0x1000" }]); // [{ op: "freeRaw", addr: 4096n }]
 * ```
 */
export function programFromJson(value: unknown): Program {
  if (!Array.isArray(value)) throw new TypeError("Invalid program: expected an array of operations");
  return value.map((raw, index) => {
    const where = `Invalid program: step ${index + 1}`;
    if (typeof raw !== "object" || raw === null) throw new TypeError(`${where} is not an object`);
    const record = raw as Record<string, unknown>;
    const kind = record.op as OperationKind;
    const fields = FIELDS[kind];
    if (typeof kind !== "string" || fields === undefined) {
      throw new TypeError(
        `${where} has unknown op ${JSON.stringify(record.op)} (expected ${OPERATION_KINDS.join(", ")})`,
      );
    }
    const out: Record<string, unknown> = { op: kind };
    for (const [field, type] of Object.entries(fields)) {
      const item = record[field];
      if (type === "pick" && typeof item === "object" && item !== null && !Array.isArray(item)) {
        const { step, nth } = item as Record<string, unknown>;
        if (![step, nth].every((n) => typeof n === "number" && Number.isSafeInteger(n) && n >= 0)) {
          throw new TypeError(`${where} (${kind}): "${field}" must be an integer or { step, nth }`);
        }
        if ((step as number) >= index) {
          throw new TypeError(
            `${where} (${kind}): "${field}" refers to step ${(step as number) + 1}, not an earlier one`,
          );
        }
        out[field] = { step, nth };
      } else if (type === "int" || type === "sint" || type === "pick") {
        if (typeof item !== "number" || !Number.isSafeInteger(item) || (type === "int" && item < 0)) {
          const what = type === "int" ? "a non-negative integer" : "an integer";
          throw new TypeError(`${where} (${kind}): "${field}" must be ${what}`);
        }
        out[field] = item;
      } else if (type === "wrong") {
        if (item !== "count" && item !== "first") {
          throw new TypeError(`${where} (${kind}): "${field}" must be "count" or "first"`);
        }
        out[field] = item;
      } else if (type === "addr") {
        if (typeof item !== "string") throw new TypeError(`${where} (${kind}): "${field}" must be an address string`);
        try {
          out[field] = parseAddress(item);
        } catch {
          throw new TypeError(`${where} (${kind}): "${field}" is not an address: ${JSON.stringify(item)}`);
        }
      } else {
        if (!Array.isArray(item) || !item.every((b) => Number.isInteger(b) && b >= 0 && b <= 255)) {
          throw new TypeError(`${where} (${kind}): "${field}" must be an array of bytes`);
        }
        out[field] = [...item];
      }
    }
    const counted = out as { op: string; count?: number; alignPow2?: number };
    if ((kind === "freeMany" || kind === "allocContig") && counted.count! > MANY_LIMIT) {
      throw new TypeError(`${where} (${kind}): "count" must be at most ${MANY_LIMIT}`);
    }
    if (
      kind === "read" && ((out as { length: number }).length < 1 || (out as { length: number }).length > READ_LIMIT)
    ) {
      throw new TypeError(`${where} (read): "length" must be from 1 to ${READ_LIMIT}`);
    }
    if (kind === "allocContig" && counted.alignPow2! > 63) {
      throw new TypeError(`${where} (${kind}): "alignPow2" must be at most 63`);
    }
    return out as Operation;
  });
}

/**
 * Traces as JSON, so that a program can be run whole in another process (a
 * sandboxed child, an adapter for a HAL in another language) and its trace
 * judged here. Values a HAL returned keep their type: bigints, byte arrays,
 * `undefined` and numbers stay distinct, since telling them apart is part of
 * the contract.
 *
 * @module
 */

import { WordList } from "./word_list.ts";
import { formatAddress, parseAddress } from "../contract/address.ts";
import type { Trace, TraceStep } from "./executor.ts";
import { programFromJson, programToJson } from "./program.ts";

/** A JSON value. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/**
 * Any value as JSON, keeping bigints, byte arrays, `undefined` and
 * non-finite numbers apart; plain objects and arrays recursively.
 *
 * @example
 * ```ts
 * import { encodeValue } from "@halconf/halconf";
 *
 * encodeValue({ start: 0x1000n }); // { start: { $bigint: "0x1000" } }
 * ```
 */
export function encodeValue(value: unknown, depth = 0): Json {
  if (typeof value === "bigint") return { $bigint: formatAddress(value) };
  if (value === undefined) return { $undefined: true };
  if (value instanceof Uint8Array) return { $bytes: [...value] };
  if (value === null || typeof value === "boolean" || typeof value === "string") return value;
  if (typeof value === "number") return Number.isFinite(value) ? value : { $number: String(value) };
  if (depth < 8 && Array.isArray(value)) return value.map((item) => encodeValue(item, depth + 1));
  // A fill's values: an array in JSON, a WordList again when read back (traceFromJson).
  if (depth < 8 && value instanceof WordList) return value.toArray().map((item) => encodeValue(item, depth + 1));
  if (depth < 8 && typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, encodeValue(item, depth + 1)]));
  }
  return { $other: typeof value };
}

/**
 * Reads back what `encodeValue` wrote.
 *
 * @example
 * ```ts
 * import { decodeValue } from "@halconf/halconf";
 *
 * decodeValue({ $bigint: "0x1000" }); // 4096n
 * ```
 */
export function decodeValue(value: Json): unknown {
  if (Array.isArray(value)) return value.map(decodeValue);
  if (value === null || typeof value !== "object") return value;
  if ("$bigint" in value) return parseAddress(value.$bigint as string);
  if ("$undefined" in value) return undefined;
  if ("$bytes" in value) return Uint8Array.from(value.$bytes as number[]);
  if ("$number" in value) return Number(value.$number);
  if ("$other" in value) return { [Symbol.toStringTag]: String(value.$other) };
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, decodeValue(item)]));
}

/**
 * A trace as JSON-ready data.
 *
 * @example
 * ```ts
 * import { executeProgram, identityHal, traceFromJson, traceToJson, validateProfile } from "@halconf/halconf";
 *
 * const target = identityHal();
 * const trace = executeProgram(target, validateProfile(target.profile), [{ op: "alloc" }]);
 * traceFromJson(JSON.parse(JSON.stringify(traceToJson(trace)))).steps[0].result; // 0x8000_0000n
 * ```
 */
export function traceToJson(trace: Trace): Record<string, unknown> {
  return {
    ...(trace.createError ? { createError: trace.createError } : {}),
    strayDispatches: trace.strayDispatches,
    steps: trace.steps.map((step) => {
      const { op, result, translated, paddr, vaddr, ...rest } = step;
      return {
        ...rest,
        op: programToJson([op])[0],
        ...(paddr !== undefined ? { paddr: formatAddress(paddr) } : {}),
        ...(vaddr !== undefined ? { vaddr: formatAddress(vaddr) } : {}),
        ...("result" in step ? { result: encodeValue(result) } : {}),
        ...("translated" in step ? { translated: encodeValue(translated) } : {}),
      };
    }),
  };
}

/**
 * Reads back what `traceToJson` wrote.
 *
 * @example
 * ```ts
 * import { traceFromJson } from "@halconf/halconf";
 *
 * traceFromJson({ steps: [], strayDispatches: [] }).steps.length; // 0
 * ```
 */
export function traceFromJson(value: unknown): Trace {
  const data = value as { steps?: unknown; strayDispatches?: unknown; createError?: Trace["createError"] };
  if (typeof data !== "object" || data === null || !Array.isArray(data.steps)) {
    throw new TypeError("Invalid trace: expected { steps, strayDispatches }");
  }
  const raws = data.steps as Record<string, unknown>[];
  // The operations are read as one program: a pinned pick may name any earlier step.
  const program = programFromJson(raws.map((raw) => raw.op));
  const steps = raws.map((raw, index) => {
    const { op: _op, result, translated, paddr, vaddr, ...rest } = raw;
    const step = { ...rest, op: program[index] } as unknown as TraceStep;
    if (typeof paddr === "string") step.paddr = parseAddress(paddr);
    if (typeof vaddr === "string") step.vaddr = parseAddress(vaddr);
    if ("result" in raw) {
      const decoded = decodeValue(result as Json);
      step.result = step.op.op === "fill" && Array.isArray(decoded) ? WordList.of(decoded) : decoded;
    }
    if ("translated" in raw) step.translated = decodeValue(translated as Json);
    return step;
  });
  return {
    steps,
    strayDispatches: Array.isArray(data.strayDispatches) ? data.strayDispatches as number[] : [],
    ...(data.createError ? { createError: data.createError } : {}),
  };
}

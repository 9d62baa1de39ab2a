/**
 * Answers on the wire: one `begin` line per program, then one line per step
 * holding what the HAL returned, threw and dispatched.
 *
 * @module
 */

import type { Operation } from "../conformance/program/program.ts";
import type { WordList } from "../conformance/program/word_list.ts";
import { clipText, CONTINUES, encodeValue, hex, LIMITS, pct } from "./wire.ts";

/** The events that may end or accompany a step, besides values. */
export const EVENT_PREFIXES = ["@", "ok", "throw:", "irq:", "skip", "missing:", "denied:", "cpu:"] as const;

function eventsAround(step: DispatchEvents): string[] {
  const tokens: string[] = [];
  for (const irq of step.dispatched) tokens.push(`irq:${irq}`);
  for (const permission of step.denied ?? []) tokens.push(`denied:${pct(clipText(permission))}`);
  return tokens;
}

interface DispatchEvents {
  dispatched: readonly number[];
  denied?: readonly string[];
}

/** A thrown error as a `throw:` token; its name and message are cut to `LIMITS.textChars` characters. */
export function encodeThrow(threw: { method: string; name: string; message: string }): string {
  return `throw:${threw.method}:${pct(clipText(threw.name))}:${pct(clipText(threw.message))}`;
}

/**
 * The `begin` line of a program's answer: how `create` went.
 *
 * @example
 * ```ts
 * import { encodeBegin } from "./answer_codec.ts";
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
 * import { encodeStep } from "./answer_codec.ts";
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

/**
 * A step's answer as protocol lines of at most `maxBytes` bytes each: a longer one (a fill of a million frames in no
 * order) is cut between tokens, each line but the last ending in ` +`.
 *
 * @example
 * ```ts
 * import { answerLines } from "./answer_codec.ts";
 *
 * answerLines("0x1000 0x3000 0x5000", 16); // ["0x1000 0x3000 +", "0x5000"]
 * ```
 */
export function answerLines(line: string, maxBytes: number = LIMITS.lineBytes): string[] {
  if (line.length < maxBytes) return [line];
  const lines: string[] = [];
  let start = 0;
  // Tokens are ASCII (text is percent-encoded): characters are bytes. Room is kept for " +" and the newline.
  const room = maxBytes - CONTINUES.length - 2;
  while (line.length - start >= maxBytes) {
    const cut = line.lastIndexOf(" ", start + room);
    if (cut <= start) throw new RangeError(`a token longer than ${room} bytes cannot be sent`);
    lines.push(`${line.slice(start, cut)} ${CONTINUES}`);
    start = cut + 1;
  }
  lines.push(line.slice(start));
  return lines;
}

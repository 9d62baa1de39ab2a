/**
 * The messages a child process sends its supervisor. They travel on the
 * child's stdout, each on its own line after a per-run random marker, so
 * that whatever the HAL prints around them is kept as its output and never
 * mistaken for a result.
 *
 * @module
 */

import type { JsonOperation } from "../conformance/program.ts";
import type { CheckResult } from "../conformance/runner.ts";
import type { Json } from "../conformance/trace_json.ts";

/** What the supervisor asks a child to do. */
export type ChildJob =
  | {
    kind: "run";
    /** A HAL module path, or a reference HAL name. */
    source: { module: string } | { reference: string };
    /** Check ids, in order. */
    checks: string[];
    seed: number;
    runs?: number;
    timeLimitMs: number;
  }
  | {
    kind: "execute";
    source: { module: string } | { reference: string };
    /** The program, as JSON. */
    program: JsonOperation[];
  };

/** A message from a child. */
export type ChildEvent =
  | { type: "loaded"; target: string }
  | { type: "loadError"; message: string }
  | { type: "begin"; check: string }
  | { type: "result"; result: CheckResult }
  | { type: "traced"; trace: Record<string, unknown>; profile: Json };

/** The marker that starts every protocol line. */
export function marker(nonce: string): string {
  return `\u001eHALCONF:${nonce}:`;
}

/** Encodes an event as one protocol line. */
export function encodeEvent(nonce: string, event: ChildEvent): string {
  return `${marker(nonce)}${JSON.stringify(event)}\n`;
}

/** Splits one line of child stdout into what the HAL printed and the event, if any. */
export function decodeLine(nonce: string, line: string): { printed: string; event?: ChildEvent } {
  const at = line.indexOf(marker(nonce));
  if (at < 0) return { printed: line };
  try {
    return { printed: line.slice(0, at), event: JSON.parse(line.slice(at + marker(nonce).length)) as ChildEvent };
  } catch {
    return { printed: line };
  }
}

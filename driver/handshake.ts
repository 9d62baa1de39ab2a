/**
 * The handshake: what a driver says about its HAL (name, profile, methods)
 * before any program runs, one fact per line.
 *
 * @module
 */

import type { HalProfile } from "../conformance/contract/hal.ts";
import { hex, pct, PROTOCOL_VERSION, ProtocolError, readHex, readInt, show, unpct } from "./wire.ts";

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
 * import { encodeHandshake } from "./handshake.ts";
 *
 * encodeHandshake({ version: 2, name: "my hal", methods: [], profile: { memory: [{ start: 0x1000n, size: 0x1000n }] } });
 * // ["halconf 2", "name my%20hal", "region 0x1000 0x1000 0", "methods", "ready"]
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
    const { lines: count, none, order, fetch, banked, runningPriority, priorities } = profile.irq;
    const semantics = fetch !== undefined || banked !== undefined || runningPriority
      ? ` ${fetch ?? "peek"} ${banked ?? 0}${runningPriority ? " running" : ""}`
      : "";
    lines.push(`irq ${count} ${none} ${order}${semantics}`);
    const named = Object.entries(priorities ?? {});
    if (named.length > 0) lines.push(`irqPriorities ${named.map(([line, value]) => `${line}:${value}`).join(" ")}`);
    if (profile.irq.raisable !== undefined) lines.push(`irqRaisable ${lineRanges(profile.irq.raisable)}`);
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
  "irqPriorities",
  "irqRaisable",
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
        if (args.length !== 3 && args.length !== 5 && !(args.length === 6 && args[5] === "running")) {
          throw new ProtocolError(`${what}: expected <lines> <none> <order> [<fetch> <banked> [running]]`);
        }
        handshake.profile.irq = {
          ...handshake.profile.irq,
          lines: readInt(args[0], what),
          none: readInt(args[1], what),
          order: args[2] as "any",
          ...(args.length >= 5 ? { fetch: args[3] as "peek", banked: readInt(args[4], what) } : {}),
          ...(args.length === 6 ? { runningPriority: true } : {}),
        };
        break;
      case "irqPriorities": {
        const priorities: Record<number, number> = {};
        for (const arg of args) {
          const pair = /^(\d{1,5}):(\d{1,3})$/.exec(arg);
          if (!pair) throw new ProtocolError(`${what}: expected <line>:<priority>, got ${show(arg)}`);
          priorities[Number(pair[1])] = Number(pair[2]);
        }
        if (!handshake.profile.irq) throw new ProtocolError(`${what}: irqPriorities before the irq line`);
        handshake.profile.irq.priorities = priorities;
        break;
      }
      case "irqRaisable": {
        const raisable: number[] = [];
        for (const arg of args) {
          const range = /^(\d{1,5})(?:-(\d{1,5}))?$/.exec(arg);
          if (!range) throw new ProtocolError(`${what}: expected <line> or <first>-<last>, got ${show(arg)}`);
          const first = Number(range[1]), last = Number(range[2] ?? range[1]);
          if (last < first || last - first > 100_000) throw new ProtocolError(`${what}: ${show(arg)} is not a range`);
          for (let line = first; line <= last; line++) raisable.push(line);
        }
        if (!handshake.profile.irq) throw new ProtocolError(`${what}: irqRaisable before the irq line`);
        handshake.profile.irq.raisable = raisable;
        break;
      }
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

/** Lines as ranges, ascending: `0-15 27 30 32-63`. */
function lineRanges(lines: readonly number[]): string {
  const sorted = [...new Set(lines)].sort((a, b) => a - b);
  const ranges: string[] = [];
  for (let i = 0; i < sorted.length;) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j] + 1) j++;
    ranges.push(j === i ? String(sorted[i]) : `${sorted[i]}-${sorted[j]}`);
    i = j + 1;
  }
  return ranges.join(" ");
}

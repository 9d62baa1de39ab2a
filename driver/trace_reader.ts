/**
 * Reads a driver's answer into a trace, trusting nothing: every step must be
 * what the program asked for (the address the driver called with is
 * re-derived here from the results alone and compared), with results of the
 * types and counts that operation allows and nothing extra. Anything else is
 * a `ProtocolError`, which the runner reports as an `error` result, never as
 * a pass.
 *
 * @module
 */

import { METHOD_OF, type ThrownError, type Trace, type TraceStep } from "../conformance/program/executor.ts";
import type { Operation, Program } from "../conformance/program/program.ts";
import type { ResolvedProfile } from "../conformance/contract/profile.ts";
import { StepResolver } from "../conformance/program/step_resolver.ts";
import { WordList } from "../conformance/program/word_list.ts";
import { clipText, CONTINUES, decodeValue, hex, isValueToken, LIMITS, ProtocolError, show } from "./wire.ts";

/** The HAL method each operation may report as having thrown. */
const THROWING: Record<Operation["op"], readonly string[]> = {
  alloc: ["allocFrame"],
  fill: ["allocFrame"],
  free: ["deallocFrame"],
  freeAgain: ["deallocFrame"],
  freeRaw: ["deallocFrame"],
  p2v: ["physToVirt"],
  p2vRaw: ["physToVirt"],
  v2p: ["virtToPhys"],
  raise: ["raiseIrq"],
  fetch: ["irqFetch"],
  handle: ["irqHandler"],
  setCpu: [],
  write: ["physToVirt", "writeMemory"],
  read: ["physToVirt", "readMemory"],
  freeMany: ["deallocFrame"],
  allocContig: ["allocContiguousFrames"],
  freeContig: ["deallocContiguousFrames"],
  freeContigBad: ["deallocContiguousFrames"],
  freeInRange: ["deallocFrame"],
  p2vContig: ["physToVirt"],
};

const PICKS = new Set([
  "free",
  "freeAgain",
  "p2v",
  "v2p",
  "write",
  "read",
  "freeContig",
  "freeContigBad",
  "freeInRange",
  "p2vContig",
]);

interface Events {
  echo?: bigint;
  /** The values, in order: words once a fill's run makes them long (no bigint per frame on the way). */
  values: WordList;
  ok: number;
  threw?: ThrownError;
  dispatched: number[];
  denied: string[];
  skip: boolean;
  missing?: string;
  cpu?: number;
}

function unpct(text: string, what: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    throw new ProtocolError(`${what}: bad percent-encoding in ${show(text)}`);
  }
}

/** `0x<hex>` as a bigint; `BigInt` checks the digits. */
function readAddress(token: string, what: string): bigint {
  try {
    if (token.length > 2 && token.length <= 34) return BigInt(token);
  } catch {
    // reported below
  }
  throw new ProtocolError(`${what}: expected a hex address like 0x80001000, got ${show(token)}`);
}

/** How a step's tokens may be read: the most values and oks it may hold, and which runs it may hold. */
interface Reading {
  /** The step, for messages. */
  what: string;
  /** The most values, and the most oks, the step may answer (runs count as what they stand for). */
  most: number;
  /** The frame size, when a run of addresses (`0x1000*3`, a fill's) may appear; undefined when it may not. */
  frameSize?: bigint;
  /** Whether a run of oks (`ok*300`, a freeMany's) may appear. */
  okRuns: boolean;
  /** How many tokens of the step came on the lines before this one (a continued answer). */
  firstToken?: number;
}

/** The count of a run token (`*300`, `*-300`): at least 2, and with the values already read, at most `most`. */
function runCount(token: string, star: number, already: number, reading: Reading): number {
  const digits = token.slice(token[star + 1] === "-" ? star + 2 : star + 1);
  const count = /^\d{1,8}$/.test(digits) ? Number(digits) : 0;
  if (count < 2) throw new ProtocolError(`${reading.what}: ${show(token)} is not a run (a count of at least 2)`);
  if (already + count > reading.most) {
    throw new ProtocolError(`${reading.what}: ${show(token)} makes more than the ${reading.most} this step can answer`);
  }
  return count;
}

/** Appends the addresses of a run token (`0x1000*3`: 0x1000, 0x2000, 0x3000; `0x3000*-3`: down). */
function pushRun(values: WordList, token: string, star: number, reading: Reading): void {
  const what = reading.what;
  if (reading.frameSize === undefined) throw new ProtocolError(`${what}: a run of addresses outside a fill`);
  const count = runCount(token, star, values.length, reading);
  const stride = token[star + 1] === "-" ? -reading.frameSize : reading.frameSize;
  const first = readAddress(token.slice(0, star), what);
  if (stride < 0n && first + stride * BigInt(count - 1) < 0n) {
    throw new ProtocolError(`${what}: ${show(token)} runs below address 0`);
  }
  values.pushRun(first, stride, count);
}

function emptyEvents(): Events {
  return { values: new WordList(), ok: 0, dispatched: [], denied: [], skip: false };
}

function parseEvents(tokens: readonly string[], reading: Reading, events: Events = emptyEvents()): Events {
  const what = reading.what;
  // On a continuation line the position counts on from the line before: only the first line may echo the address.
  const first = reading.firstToken ?? 0;
  for (let position = 0; position < tokens.length; position++) {
    const token = tokens[position];
    // The hot path: an address, or a run of them (a fill answers thousands).
    if (token.charCodeAt(0) === 48 && token.charCodeAt(1) === 120 && !events.threw) {
      const star = token.indexOf("*");
      if (star < 0) events.values.push(readAddress(token, what));
      else pushRun(events.values, token, star, reading);
      continue;
    }
    // The other hot token: a freeMany answers an ok per frame (or one run of them).
    if (token === "ok") {
      events.ok++;
      continue;
    }
    if (token.startsWith("ok*")) {
      if (!reading.okRuns) throw new ProtocolError(`${what}: a run of oks outside a freeMany`);
      events.ok += runCount(token, 2, events.ok, reading);
      continue;
    }
    if (token.startsWith("@")) {
      if (position + first !== 0) throw new ProtocolError(`${what}: the address ${show(token)} must come first`);
      const value = decodeValue(token.slice(1), what);
      if (typeof value !== "bigint") throw new ProtocolError(`${what}: ${show(token)} is not an address`);
      events.echo = value;
    } else if (isValueToken(token)) {
      if (events.threw) throw new ProtocolError(`${what}: a value after the throw`);
      events.values.push(decodeValue(token, what));
    } else if (token === "skip") {
      events.skip = true;
    } else if (token.startsWith("throw:")) {
      if (events.threw) throw new ProtocolError(`${what}: two throws in one step`);
      const parts = token.split(":");
      if (parts.length !== 4) throw new ProtocolError(`${what}: expected throw:<method>:<name>:<message>`);
      events.threw = {
        method: parts[1],
        name: clipText(unpct(parts[2], what)),
        message: clipText(unpct(parts[3], what)),
      };
    } else if (token.startsWith("irq:")) {
      const irq = Number(token.slice(4));
      if (token.length === 4 || Number.isNaN(irq) && token.slice(4) !== "NaN") {
        throw new ProtocolError(`${what}: ${show(token)} is not an IRQ number`);
      }
      if (events.dispatched.length >= LIMITS.eventsPerStep) throw new ProtocolError(`${what}: too many irq: tokens`);
      events.dispatched.push(irq);
    } else if (token.startsWith("denied:")) {
      if (events.denied.length >= LIMITS.eventsPerStep) throw new ProtocolError(`${what}: too many denied: tokens`);
      events.denied.push(clipText(unpct(token.slice(7), what)));
    } else if (token.startsWith("missing:")) {
      events.missing = token.slice(8);
    } else if (token.startsWith("cpu:") && /^cpu:\d{1,9}$/.test(token)) {
      events.cpu = Number(token.slice(4));
    } else {
      throw new ProtocolError(`${what}: unknown token ${show(token)}`);
    }
  }
  return events;
}

/** Rebuilds traces from a driver's answer lines, one program at a time. */
export class TraceReader {
  readonly #profile: ResolvedProfile;
  readonly #methods: ReadonlySet<string>;
  readonly #fillLimit: number;

  /** A reader for a HAL with this (validated) profile and these declared optional methods. */
  constructor(profile: ResolvedProfile, methods: ReadonlySet<string>, fillLimit: number) {
    this.#profile = profile;
    this.#methods = methods;
    this.#fillLimit = fillLimit;
  }

  /** Reads a program's `begin` line: the start of its trace. No step lines follow when `create` threw. */
  begin(line: string): Trace {
    const [keyword, ...tokens] = line.split(" ");
    if (keyword !== "begin") throw new ProtocolError(`expected "begin", got ${show(line)}`);
    const events = parseEvents(tokens, { what: "begin", most: 0, okRuns: false });
    if (events.values.length || events.ok || events.skip || events.missing || events.echo !== undefined) {
      throw new ProtocolError(`begin: only a throw from create, irq: and denied: may follow, got ${show(line)}`);
    }
    if (events.threw && events.threw.method !== "create") {
      throw new ProtocolError(`begin: the throw must be from create, not ${show(events.threw.method)}`);
    }
    return {
      steps: [],
      strayDispatches: events.dispatched,
      ...(events.threw ? { createError: events.threw } : {}),
      ...(events.denied.length ? { denied: events.denied } : {}),
    };
  }

  /**
   * Reads every step line of `program` into `trace` (the lines of a whole answer at once; a session reads them as
   * they come, with `reading`).
   *
   * @example
   * ```ts ignore
   * const reader = new TraceReader(profile, new Set(), 257);
   * const trace = reader.begin("begin");
   * reader.steps(trace, [{ op: "alloc" }], ["0x80000000"]);
   * ```
   */
  steps(trace: Trace, program: Program, lines: readonly string[]): Trace {
    const reading = this.reading(trace, program);
    try {
      for (const line of lines) {
        if (reading.done) throw new ProtocolError(`expected ${program.length} step lines, got more`);
        reading.line(line);
      }
      if (!reading.done) throw new ProtocolError(`expected ${program.length} step lines, got ${lines.length}`);
    } finally {
      reading.close();
    }
    return trace;
  }

  /** Reads the step lines of `program` into `trace` one at a time, as they arrive: see `ProgramReading`. */
  reading(trace: Trace, program: Program): ProgramReading {
    return new ProgramReading(
      trace,
      program,
      new StepResolver(this.#profile, program),
      (step, resolver, events, line) => this.#step(step, resolver, events, line),
      (op) => this.#reading(op),
    );
  }

  /** How the tokens of an operation's answer may be read. */
  #reading(op: Operation): Reading {
    return {
      what: "",
      most: (op.op === "fill" ? this.#fillLimit : op.op === "freeMany" ? op.count + 1 : 3) + LIMITS.eventsPerStep,
      okRuns: op.op === "freeMany",
      ...(op.op === "fill" ? { frameSize: BigInt(this.#profile.frameSize) } : {}),
    };
  }

  #step(step: TraceStep, resolver: StepResolver, events: Events, line: string): void {
    const op = step.op;
    const what = `step ${step.index + 1} (${op.op})`;
    step.dispatched = events.dispatched;
    if (events.denied.length) step.denied = events.denied;
    const nothingElse = (allowed: string) => {
      if (events.values.length || events.ok || events.threw || events.echo !== undefined || events.cpu !== undefined) {
        throw new ProtocolError(`${what}: expected ${allowed} only, got ${show(line)}`);
      }
    };
    if (events.missing !== undefined) {
      const method = (METHOD_OF as Record<string, string>)[op.op];
      if (events.missing !== method) {
        throw new ProtocolError(`${what}: ${show(events.missing)} is not the method this operation calls`);
      }
      nothingElse(`missing:${method}`);
      if (this.#methods.has(method)) step.missing = method;
      else step.skipped = `the HAL has no ${method}`;
      return;
    }
    const runs = resolver.resolve(step);
    if (events.skip) {
      nothingElse("skip");
      if (!PICKS.has(op.op) || runs) {
        throw new ProtocolError(`${what}: the driver skipped a step that has something to operate on`);
      }
      return;
    }
    if (!runs) throw new ProtocolError(`${what}: the driver ran a step whose pick has nothing to pick (expected skip)`);
    if (events.threw && !THROWING[op.op].includes(events.threw.method)) {
      throw new ProtocolError(`${what}: ${show(events.threw.method)} is not a method this operation calls`);
    }
    const expectEcho = (address: bigint | undefined) => {
      if (events.echo !== address) {
        throw new ProtocolError(
          `${what}: the driver called with ${events.echo === undefined ? "no address" : hex(events.echo)}, ` +
            `but the program's pick resolves to ${address === undefined ? "none" : hex(address)}`,
        );
      }
    };
    const oneOutcome = (count: number, kind: string) => {
      if (count + (events.threw ? 1 : 0) !== 1) {
        throw new ProtocolError(`${what}: expected one ${kind} or one throw, got ${show(line)}`);
      }
    };
    if (events.cpu !== undefined && op.op !== "setCpu") throw new ProtocolError(`${what}: unexpected cpu: token`);
    switch (op.op) {
      case "alloc":
      case "fetch":
      case "p2vRaw":
      case "p2v":
      case "p2vContig":
      case "v2p":
      case "allocContig":
        expectEcho(op.op === "p2v" || op.op === "p2vContig" ? step.paddr : op.op === "v2p" ? step.vaddr : undefined);
        if (events.ok) throw new ProtocolError(`${what}: "ok" where a value is returned`);
        oneOutcome(events.values.length, "value");
        step.result = events.values.at(0);
        break;
      case "fill": {
        expectEcho(undefined);
        if (events.ok) throw new ProtocolError(`${what}: "ok" in a fill`);
        const values = events.values;
        if (values.length > this.#fillLimit) {
          throw new ProtocolError(`${what}: ${values.length} allocations, more than the fill limit ${this.#fillLimit}`);
        }
        // Only a list's last value may be a fill's null while the rest are words; a plain list is searched.
        const stops = values.plain !== undefined
          ? values.plain.findIndex((value) => value === null || value === undefined)
          : values.ending !== undefined
          ? values.length - 1
          : -1;
        const ended = events.threw !== undefined || values.length === this.#fillLimit;
        if (stops >= 0 ? stops !== values.length - 1 || events.threw : !ended) {
          throw new ProtocolError(`${what}: a fill goes on until null, a throw or the fill limit ${this.#fillLimit}`);
        }
        step.result = values;
        break;
      }
      case "freeMany": {
        expectEcho(undefined);
        if (events.values.length) throw new ProtocolError(`${what}: a value where deallocFrame returns nothing`);
        const planned = step.paddrs!.length;
        const calls = events.ok + (events.threw ? 1 : 0);
        if (events.threw ? calls > planned : calls !== planned) {
          throw new ProtocolError(`${what}: expected ${planned} frees (an "ok" each, or a throw that ends them)`);
        }
        step.result = calls;
        break;
      }
      case "free":
      case "freeAgain":
      case "freeRaw":
      case "raise":
      case "handle":
      case "freeContig":
      case "freeContigBad":
      case "freeInRange":
        expectEcho(op.op === "freeRaw" || op.op === "raise" || op.op === "handle" ? undefined : step.paddr);
        if (events.values.length) throw new ProtocolError(`${what}: a value where the call returns nothing`);
        oneOutcome(events.ok, `"ok"`);
        break;
      case "setCpu":
        if (events.cpu !== resolver.cpu) {
          throw new ProtocolError(`${what}: the driver is on CPU ${events.cpu ?? "?"}, the program on ${resolver.cpu}`);
        }
        if (events.values.length || events.ok || events.threw || events.echo !== undefined) {
          throw new ProtocolError(`${what}: expected cpu:${resolver.cpu} only, got ${show(line)}`);
        }
        break;
      case "write":
      case "read": {
        expectEcho(step.paddr);
        const translated = events.values.at(0), result = events.values.at(1);
        if (events.threw?.method === "physToVirt") {
          if (events.values.length || events.ok) throw new ProtocolError(`${what}: nothing may follow the throw`);
          step.translated = undefined;
          break;
        }
        if (events.values.length === 0) throw new ProtocolError(`${what}: expected what physToVirt returned`);
        step.translated = translated;
        if (typeof translated !== "bigint") {
          if (events.values.length > 1 || events.ok || events.threw) {
            throw new ProtocolError(`${what}: no ${op.op} may follow a translation that is not an address`);
          }
          break;
        }
        step.vaddr = translated + (step.paddr! - resolver.pickedFrame);
        if (op.op === "write") {
          if (events.values.length !== 1) throw new ProtocolError(`${what}: writeMemory returns nothing`);
          oneOutcome(events.ok, `"ok"`);
        } else {
          if (events.ok) throw new ProtocolError(`${what}: "ok" where readMemory returns bytes`);
          oneOutcome(events.values.length - 1, "value");
          step.result = result;
        }
        break;
      }
    }
    if (events.threw) step.threw = events.threw;
    resolver.settle(step);
  }
}

/**
 * The step lines of one program, read as they arrive: each line is checked and its step rebuilt at once, so that no
 * answer is held whole. A step's answer may go on over several lines, each but the last ending with `+`; its tokens
 * count against the step's limits across all of them.
 */
export class ProgramReading {
  readonly #trace: Trace;
  readonly #program: Program;
  readonly #resolver: StepResolver;
  readonly #finish: (step: TraceStep, resolver: StepResolver, events: Events, line: string) => void;
  readonly #readingOf: (op: Operation) => Reading;
  #index = 0;
  #events: Events | undefined;
  #tokens = 0;
  /** Bytes of the answer so far, events of the whole program, and events of the step being continued. */
  #bytes = 0;
  #eventCount = 0;
  #stepEvents = 0;
  #closed = false;

  /** A reading of `program` into `trace` (made by `TraceReader.reading`). */
  constructor(
    trace: Trace,
    program: Program,
    resolver: StepResolver,
    finish: (step: TraceStep, resolver: StepResolver, events: Events, line: string) => void,
    readingOf: (op: Operation) => Reading,
  ) {
    this.#trace = trace;
    this.#program = program;
    this.#resolver = resolver;
    this.#finish = finish;
    this.#readingOf = readingOf;
  }

  /** Whether every step has been read. */
  get done(): boolean {
    return this.#index >= this.#program.length;
  }

  /** Reads the next line of the answer. */
  line(line: string): void {
    if (this.done) throw new ProtocolError(`a line after the last step: ${show(line)}`);
    const op = this.#program[this.#index];
    const reading = this.#readingOf(op);
    reading.what = `step ${this.#index + 1} (${op.op})`;
    // The program's answer is bounded as it arrives, before any line is split: a flood is refused, not buffered.
    this.#bytes += line.length + 1;
    if (this.#bytes > LIMITS.answerBytes) {
      throw new ProtocolError(`the answer is longer than ${LIMITS.answerBytes} bytes (the protocol's limit)`);
    }
    const tokens = line === "" ? [] : line.split(" ");
    const continues = tokens.at(-1) === CONTINUES;
    if (continues) {
      tokens.pop();
      if (tokens.length === 0) throw new ProtocolError(`${reading.what}: a continued line with no token`);
    }
    // A line may be long only where the operation can return much (a fill): bounded before any token is read.
    if (this.#tokens + tokens.length > reading.most) {
      throw new ProtocolError(
        `${reading.what}: ${
          this.#tokens + tokens.length
        } tokens, more than the ${reading.most} this operation can answer`,
      );
    }
    reading.firstToken = this.#tokens;
    const events = parseEvents(tokens, reading, this.#events);
    this.#tokens += tokens.length;
    this.#eventCount += events.dispatched.length + events.denied.length - this.#stepEvents;
    this.#stepEvents = events.dispatched.length + events.denied.length;
    if (this.#eventCount > LIMITS.eventsPerProgram) {
      throw new ProtocolError(`more than ${LIMITS.eventsPerProgram} irq: and denied: tokens in one program`);
    }
    if (continues) {
      this.#events = events;
      return;
    }
    const step: TraceStep = { index: this.#index, op, cpu: this.#resolver.cpu, dispatched: [] };
    this.#finish(step, this.#resolver, events, line);
    this.#trace.steps.push(step);
    this.#index++;
    this.#events = undefined;
    this.#tokens = 0;
    this.#stepEvents = 0;
  }

  /** Gives the resolver back; call it when the program is read, or given up. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#resolver.dispose();
  }
}

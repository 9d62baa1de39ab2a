/**
 * Runs a HAL's checks in child Deno processes with the narrowest permissions,
 * and supervises them: a deadline per check (a hung HAL is killed and the
 * check reported `timeout`), crashes turned into `error` results, a fresh
 * child for the checks that remain, and whatever the HAL printed kept with
 * the check that was running. Results stream out as they finish.
 *
 * @module
 */

import type { Check } from "../conformance/check.ts";
import type { Trace } from "../conformance/executor.ts";
import { type ResolvedProfile, validateProfile } from "../conformance/profile.ts";
import type { JsonOperation } from "../conformance/program.ts";
import { type CheckResult, deniedPermission, deriveSeed } from "../conformance/runner.ts";
import { decodeValue, traceFromJson } from "../conformance/trace_json.ts";
import { type ChildEvent, type ChildJob, decodeLine, marker } from "./protocol.ts";

/** The halconf checkout, for the child's `--config` and read access. */
export const HALCONF_ROOT: URL = new URL("../", import.meta.url);

/** A HAL to run: a module path or a reference HAL name. */
export type HalSource = { module: string } | { reference: string };

/** One supervised target. */
export interface SupervisedRun {
  /** Where the HAL comes from. */
  source: HalSource;
  /** The name to report before the child has told the real one. */
  label: string;
  /** The checks to run, in order. */
  checks: readonly Check[];
  /** The run seed. */
  seed: number;
  /** Programs per check. */
  runs?: number;
  /** Deadline of each check, and of loading the module, in milliseconds. */
  timeoutMs: number;
  /** Called with each result as soon as it is known. */
  onResult: (result: CheckResult) => void;
  /** Aborts the run: the child is killed. */
  signal?: AbortSignal;
}

/** How a supervised run ended. */
export interface SupervisedOutcome {
  /** The target's name, as the HAL declares it. */
  target: string;
  /** Set when the module could not be loaded: no check ran. */
  loadError?: string;
}

const OUTPUT_LIMIT = 64 * 1024;
/** The least time a child is given to start and load the HAL module. */
const LOAD_TIMEOUT_MS = 30_000;

/** Keeps the head and the tail of what a HAL printed, so a HAL that prints in a loop cannot exhaust memory. */
class OutputBuffer {
  #head = "";
  #tail = "";
  #dropped = 0;

  add(text: string): void {
    if (this.#head.length < OUTPUT_LIMIT / 2) {
      const room = OUTPUT_LIMIT / 2 - this.#head.length;
      this.#head += text.slice(0, room);
      text = text.slice(room);
    }
    if (!text) return;
    this.#tail += text;
    if (this.#tail.length > OUTPUT_LIMIT / 2) {
      this.#dropped += this.#tail.length - OUTPUT_LIMIT / 2;
      this.#tail = this.#tail.slice(-OUTPUT_LIMIT / 2);
    }
  }

  text(): string {
    return this.#dropped
      ? `${this.#head}\n... (${this.#dropped} characters omitted) ...\n${this.#tail}`
      : this.#head + this.#tail;
  }

  get empty(): boolean {
    return this.#head.length === 0;
  }
}

function readDirs(source: HalSource): string[] {
  const dirs = [decodeURIComponent(HALCONF_ROOT.pathname)];
  if ("module" in source) {
    const path = new URL(source.module, `file://${Deno.cwd()}/`).pathname;
    dirs.push(decodeURIComponent(path.replace(/\/[^/]*$/, "/")));
  }
  return dirs;
}

/** The longest stretch without a newline kept in memory before it is passed on as output. */
const LONGEST_LINE = 256 * 1024;

async function* lines(stream: ReadableStream<Uint8Array>, marker = "\u001e"): AsyncGenerator<string> {
  let pending = "";
  for await (const chunk of stream.pipeThrough(new TextDecoderStream())) {
    pending += chunk;
    let newline;
    while ((newline = pending.indexOf("\n")) >= 0) {
      yield pending.slice(0, newline);
      pending = pending.slice(newline + 1);
    }
    const at = pending.indexOf(marker);
    const text = at >= 0 ? at : Math.max(0, pending.length - marker.length);
    if (text > LONGEST_LINE) {
      // A HAL printing without newlines: pass its text on, never splitting a protocol line.
      yield pending.slice(0, text);
      pending = pending.slice(text);
    }
  }
  if (pending) yield pending;
}

function spawn(job: ChildJob, source: HalSource, nonce: string): Deno.ChildProcess {
  const encoded = btoa(String.fromCharCode(...new TextEncoder().encode(JSON.stringify(job))));
  return new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--no-prompt",
      "--quiet",
      `--config=${decodeURIComponent(new URL("deno.json", HALCONF_ROOT).pathname)}`,
      `--allow-read=${readDirs(source).join(",")}`,
      decodeURIComponent(new URL("cli/child.ts", HALCONF_ROOT).pathname),
      nonce,
      encoded,
    ],
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).spawn();
}

interface ChildSession {
  loaded?: string;
  loadError?: string;
  current?: { check: string; started: number };
  timedOut?: string;
  done: Set<string>;
}

/**
 * Runs `run.checks` on the HAL in as many child processes as it takes.
 *
 * @example
 * ```ts ignore
 * await superviseTarget({ source: { module: "./my_hal.ts" }, label: "./my_hal.ts", checks, seed: 1,
 *   timeoutMs: 60_000, onResult: (result) => console.log(result.status) });
 * ```
 */
export async function superviseTarget(run: SupervisedRun): Promise<SupervisedOutcome> {
  let remaining = run.checks.map((check) => check.id);
  // Starting a child and loading the module is not the HAL's check: a short --timeout must not cut it off.
  const loadTimeoutMs = Math.max(run.timeoutMs, LOAD_TIMEOUT_MS);
  let name = run.label;
  // A run with no check still loads the HAL once: that validates it and tells its name.
  do {
    if (run.signal?.aborted) return { target: name };
    const nonce = crypto.randomUUID();
    const job: ChildJob = {
      kind: "run",
      source: run.source,
      checks: remaining,
      seed: run.seed,
      runs: run.runs,
      timeLimitMs: Math.max(1, run.timeoutMs * 0.8),
    };
    const child = spawn(job, run.source, nonce);
    const session: ChildSession = { done: new Set() };
    const outputs = new Map<string, OutputBuffer>();
    const preamble = new OutputBuffer();
    const bufferFor = () => session.current ? outputs.get(session.current.check)! : preamble;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const arm = (label: string, ms: number) => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        session.timedOut = label;
        try {
          child.kill("SIGKILL");
        } catch { /* already gone */ }
      }, ms);
    };
    const abort = () => {
      try {
        child.kill("SIGKILL");
      } catch { /* already gone */ }
    };
    run.signal?.addEventListener("abort", abort);
    arm("load", loadTimeoutMs);
    const emit = (result: CheckResult) => {
      const output = outputs.get(result.check);
      const printed = output && !output.empty ? output.text() : undefined;
      const denied = result.denied ?? (printed ? deniedPermission(printed) : undefined);
      run.onResult({ ...result, ...(printed ? { output: printed } : {}), ...(denied ? { denied } : {}) });
    };
    const onEvent = (event: ChildEvent) => {
      switch (event.type) {
        case "loaded":
          session.loaded = event.target;
          name = event.target;
          clearTimeout(timer);
          break;
        case "loadError":
          session.loadError = event.message;
          break;
        case "begin":
          session.current = { check: event.check, started: performance.now() };
          outputs.set(event.check, new OutputBuffer());
          if (!preamble.empty) outputs.get(event.check)!.add(preamble.text());
          arm(event.check, run.timeoutMs);
          break;
        case "result":
          clearTimeout(timer);
          session.done.add(event.result.check);
          emit(event.result);
          session.current = undefined;
          break;
      }
    };
    const readStdout = (async () => {
      for await (const line of lines(child.stdout, marker(nonce))) {
        const { printed, event } = decodeLine(nonce, line);
        if (printed || !event) bufferFor().add(`${printed}\n`);
        if (event) onEvent(event);
      }
    })();
    const readStderr = (async () => {
      for await (const line of lines(child.stderr)) bufferFor().add(`${line}\n`);
    })();
    const status = await child.status;
    await Promise.allSettled([readStdout, readStderr]);
    clearTimeout(timer);
    run.signal?.removeEventListener("abort", abort);

    if (session.loadError) return { target: name, loadError: session.loadError };
    if (!session.loaded) {
      if (run.signal?.aborted) return { target: name };
      const printed = preamble.text().trim().split("\n").filter(Boolean);
      const why = session.timedOut
        ? `it did not finish loading within ${loadTimeoutMs / 1000} s`
        : `the process exited with code ${status.code} while loading: ${printed.at(-1) ?? "no output"}`;
      return { target: name, loadError: `Cannot load HAL "${run.label}": ${why}` };
    }
    if (session.current && !session.done.has(session.current.check)) {
      const check = run.checks.find((c) => c.id === session.current!.check)!;
      const durationMs = Math.round(performance.now() - session.current.started);
      const base = {
        target: name,
        check: check.id,
        clauses: check.clauses,
        runs: 0,
        durationMs,
        seed: deriveSeed(run.seed, name, check.id),
      };
      if (run.signal?.aborted) return { target: name };
      const tail = outputs.get(check.id)?.text().trim().split("\n").filter(Boolean).at(-1);
      if (session.timedOut === check.id) {
        emit({
          ...base,
          status: "timeout",
          reason: `no result within ${run.timeoutMs / 1000} s: the HAL process was killed`,
        });
      } else {
        const signal = status.signal ? `signal ${status.signal}` : `code ${status.code}`;
        emit({
          ...base,
          status: "error",
          reason: `the HAL process exited (${signal}) during the check${tail ? `: ${tail}` : ""}`,
        });
      }
      session.done.add(check.id);
    }
    const before = remaining.length;
    remaining = remaining.filter((id) => !session.done.has(id));
    if (before > 0 && remaining.length === before) {
      // The child ended without running anything new: report the rest rather than loop.
      for (const id of remaining) {
        const check = run.checks.find((c) => c.id === id)!;
        emit({
          target: name,
          check: id,
          clauses: check.clauses,
          status: "error",
          runs: 0,
          durationMs: 0,
          seed: deriveSeed(run.seed, name, id),
          reason: `the HAL process exited with code ${status.code} before running the check`,
        });
      }
      remaining = [];
    }
  } while (remaining.length > 0);
  return { target: name };
}

/** What a program run in a child process gave back. */
export interface SupervisedProgram {
  /** The target's name. */
  target?: string;
  /** Set when the module could not be loaded. */
  loadError?: string;
  /** The trace, judged here. */
  trace?: Trace;
  /** The HAL's profile, validated here. */
  profile?: ResolvedProfile;
  /** Why there is no trace (timeout, crash). */
  problem?: string;
  /** What the HAL printed. */
  output?: string;
}

/**
 * Runs one program whole in a sandboxed child process and returns its trace:
 * the executor over a process boundary, with the same sandbox and a deadline.
 */
export async function superviseProgram(
  source: HalSource,
  program: JsonOperation[],
  timeoutMs: number,
): Promise<SupervisedProgram> {
  const nonce = crypto.randomUUID();
  const child = spawn({ kind: "execute", source, program }, source, nonce);
  const output = new OutputBuffer();
  const outcome: SupervisedProgram = {};
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    try {
      child.kill("SIGKILL");
    } catch { /* gone */ }
  }, timeoutMs);
  const readStdout = (async () => {
    for await (const line of lines(child.stdout, marker(nonce))) {
      const { printed, event } = decodeLine(nonce, line);
      if (printed || !event) output.add(`${printed}\n`);
      if (event?.type === "loaded") outcome.target = event.target;
      if (event?.type === "loadError") outcome.loadError = event.message;
      if (event?.type === "traced") {
        outcome.trace = traceFromJson(event.trace);
        outcome.profile = validateProfile(decodeValue(event.profile));
      }
    }
  })();
  const readStderr = (async () => {
    for await (const line of lines(child.stderr)) output.add(`${line}\n`);
  })();
  const status = await child.status;
  await Promise.allSettled([readStdout, readStderr]);
  clearTimeout(timer);
  if (!output.empty) outcome.output = output.text();
  if (!outcome.loadError && !outcome.trace) {
    outcome.problem = timedOut
      ? `the program did not finish within ${timeoutMs / 1000} s: the HAL process was killed`
      : `the HAL process exited with code ${status.code}: ${output.text().trim().split("\n").at(-1) ?? ""}`;
  }
  return outcome;
}

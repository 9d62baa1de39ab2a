/**
 * One running driver process, as the supervisor holds it: started in a
 * process group of its own, spoken to over a channel of its own (two named
 * pipes in its private directory, `$HALCONF_CHANNEL.in` and `.out`), its
 * standard output and error kept as what the HAL printed, and ended as a
 * group: nothing it leaves behind (a wrapper's child, a forked sleeper) can
 * hold the supervisor up.
 *
 * Named pipes rather than a socket: opening them needs no network
 * permission, on either side, and QEMU's `-serial pipe:` speaks them as they
 * are (a guest's serial line is then the channel).
 *
 * @module
 */

import type { Trace } from "../conformance/program/executor.ts";
import type { BatchOptions, BatchOutcome } from "../conformance/run/program_executor.ts";
import type { Program } from "../conformance/program/program.ts";
import { LineReader } from "./line_reader.ts";
import type { OutputBuffer } from "./output_buffer.ts";
import type { TraceReader } from "./trace_reader.ts";
import { decodeHandshake, type Handshake } from "./handshake.ts";
import { encodeProgram } from "./program_codec.ts";
import { LIMITS, ProtocolError, show } from "./wire.ts";

/** The driver could not be started or did not complete its handshake: the HAL cannot be checked at all. */
export class DriverLoadError extends Error {
  /** What the driver printed that explains it, when it did: a compiler's first error, file and line included. */
  readonly detail?: string;

  /** An error whose message is one line naming the HAL and the problem, with the compiler's words as `detail`. */
  constructor(message: string, detail?: string) {
    super(message);
    this.name = "DriverLoadError";
    if (detail) this.detail = detail;
  }
}

/** The most lines of a compiler's diagnostic a load error shows. */
const DIAGNOSTIC_LINES = 40;

/**
 * The first compiler error in what a driver printed before it exited (`cargo run` that could not build the driver):
 * from its `error[E…]:` or `error:` line, with the `-->` location and the source lines under it, up to the next
 * diagnostic. Undefined when there is none, or only cargo's closing "could not compile".
 *
 * @example
 * ```ts
 * import { compilerDiagnostic } from "./driver_process.ts";
 *
 * compilerDiagnostic("   Compiling x\nerror[E0599]: no function\n  --> src/lib.rs:3:5\n\nerror: could not compile `x`\n");
 * // "error[E0599]: no function\n  --> src/lib.rs:3:5"
 * ```
 */
export function compilerDiagnostic(printed: string): string | undefined {
  const lines = printed.split("\n");
  const start = lines.findIndex((line) => /^error(\[E\d+\])?: /.test(line) && !/^error: could not compile /.test(line));
  if (start < 0) return undefined;
  const block: string[] = [lines[start]];
  for (const line of lines.slice(start + 1)) {
    if (/^(error|warning)(\[E\d+\])?: /.test(line) || block.length >= DIAGNOSTIC_LINES) break;
    block.push(line);
  }
  while (block.length > 1 && block[block.length - 1].trim() === "") block.pop();
  return block.join("\n");
}

/** How long a driver may take to exit after its channel closes before its group is killed. */
const EXIT_GRACE_MS = 2_000;
/** How long, once its group is dead, the driver's standard output may take to end before it is no longer read. */
const DRAIN_GRACE_MS = 200;
/** The environment variable that names the channel to a native driver. */
export const CHANNEL_VARIABLE = "HALCONF_CHANNEL";

/** `setsid`, when the machine has it: a driver in a session of its own is ended with everything it started. */
const SETSID = ["/usr/bin/setsid", "/bin/setsid"].find((path) => {
  try {
    return Deno.statSync(path).isFile;
  } catch {
    return false;
  }
});

/** How a driver is started: its command, the directory it starts in, its environment, its memory cap. */
export interface DriverLaunch {
  /** The command (the driver, or what starts it). */
  argv: string[];
  /** Where it starts. */
  cwd: string;
  /** Its whole environment (the channel's path is added). */
  env: Record<string, string>;
  /** The data-segment limit of the driver and everything it starts, in KiB. */
  memoryKiB: number;
  /** Its private directory, removed when it ends; the channel's socket lives there. */
  workDir: string;
  /** How the user named it, for messages. */
  label: string;
}

/** Why a batch ended early: the driver's process ended. */
class DriverExited extends Error {
  constructor() {
    super("the driver exited");
  }
}

function describeStatus(status: Deno.CommandStatus): string {
  return status.signal ? `signal ${status.signal}` : `code ${status.code}`;
}

/**
 * A driver process and its channel.
 *
 * @example
 * ```ts ignore
 * const process = await DriverProcess.spawn(launch, output, 30_000);
 * const handshake = await process.handshake(30_000);
 * const outcome = await process.run(programs, { fillLimit: 257, deadline: performance.now() + 5000 }, reader);
 * await process.close();
 * ```
 */
export class DriverProcess {
  readonly #child: Deno.ChildProcess;
  readonly #group: boolean;
  readonly #launch: DriverLaunch;
  readonly #outputDone: Promise<void>;
  readonly output: OutputBuffer;
  /** The channel's ends as this process holds them, once the driver has opened its own. */
  #fromDriver: Deno.FsFile | undefined;
  #toDriver: Deno.FsFile | undefined;
  #opening: Promise<[Deno.FsFile, Deno.FsFile]>;
  #lines: LineReader | undefined;
  #writing: Promise<void> = Promise.resolve();
  /** The batch sent ahead, if any: the driver runs it after the one being read. */
  #ahead: { programs: readonly Program[]; fillLimit: number } | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #timedOut = false;
  #exited: Promise<void>;
  #cleaned: Promise<void> | undefined;
  #unblocked: Promise<void> | undefined;
  /** Whether the process has ended (or was killed): a session starts a fresh one for its next batch. */
  dead = false;
  static #alive = 0;
  static #peak = 0;

  /** How many driver processes this process holds now (spawned and not yet cleaned up). */
  static get alive(): number {
    return DriverProcess.#alive;
  }

  /** The most driver processes held at once since the last `resetPeak` (what `--jobs` bounds). */
  static get peakAlive(): number {
    return DriverProcess.#peak;
  }

  /** Starts counting `peakAlive` afresh. */
  static resetPeak(): void {
    DriverProcess.#peak = DriverProcess.#alive;
  }

  private constructor(child: Deno.ChildProcess, group: boolean, launch: DriverLaunch, output: OutputBuffer) {
    this.#child = child;
    this.#group = group;
    this.#launch = launch;
    this.output = output;
    // Both standard streams are what the HAL printed: neither is the protocol.
    this.#outputDone = Promise.all([this.#keep(child.stdout), this.#keep(child.stderr)]).then(() => {});
    this.#exited = child.status.then(() => {
      this.dead = true;
    });
    // What the driver wrote before it ended is still read; then the channel is cut, so that a channel held open by
    // another process (a forked child, a wrapper's) cannot keep a read waiting.
    this.#exitedThenGrace().then(() => this.#lines?.cancel()).catch(() => {});
    // Opening a named pipe waits for its other end: these complete when the driver opens its ends.
    const channel = DriverProcess.channelOf(launch.workDir);
    this.#opening = Promise.all([
      Deno.open(`${channel}.out`, { read: true }),
      Deno.open(`${channel}.in`, { write: true }),
    ]);
    this.#opening.catch(() => {});
  }

  /** Makes the channel of a driver in its private directory (before `spawn`: two named pipes, mode 600). */
  static async makeChannel(workDir: string, label: string): Promise<void> {
    const channel = DriverProcess.channelOf(workDir);
    const made = await new Deno.Command("mkfifo", { args: ["-m", "600", `${channel}.in`, `${channel}.out`] })
      .output()
      .catch((error: Error) => ({ success: false, stderr: new TextEncoder().encode(error.message) }));
    if (!made.success) {
      throw new DriverLoadError(
        `Cannot start the driver of "${label}": mkfifo failed: ${new TextDecoder().decode(made.stderr).trim()}`,
      );
    }
  }

  /** Starts a driver in a process group of its own, on the channel `makeChannel` made in its private directory. */
  static spawn(launch: DriverLaunch, output: OutputBuffer): DriverProcess {
    const channel = DriverProcess.channelOf(launch.workDir);
    // ulimit -d caps the data segment (heap and array buffers) of the driver and of everything it starts; setsid
    // makes it the leader of a session and group of its own, which is killed whole.
    const shell = ["/bin/sh", "-c", 'ulimit -d "$1" 2>/dev/null; shift; exec "$@"', "halconf-driver"];
    const argv = [...(SETSID ? [SETSID] : []), ...shell, String(launch.memoryKiB), ...launch.argv];
    let child: Deno.ChildProcess;
    try {
      child = new Deno.Command(argv[0], {
        args: argv.slice(1),
        cwd: launch.cwd,
        clearEnv: true,
        env: { ...launch.env, [CHANNEL_VARIABLE]: channel },
        stdin: "null",
        stdout: "piped",
        stderr: "piped",
      }).spawn();
    } catch (error) {
      throw new DriverLoadError(`Cannot start the driver of "${launch.label}": ${(error as Error).message}`);
    }
    DriverProcess.#alive++;
    DriverProcess.#peak = Math.max(DriverProcess.#peak, DriverProcess.#alive);
    return new DriverProcess(child, SETSID !== undefined, launch, output);
  }

  /** The driver's channel in its private directory (what `HALCONF_CHANNEL` names): `.in` and `.out` are added. */
  static channelOf(workDir: string): string {
    return `${workDir}/channel`;
  }

  /**
   * Keeps what the driver printed on one stream: read into one buffer, reused (a byte stream's BYOB reader), and copied
   * into the bounded output, so that output at any rate allocates nothing per chunk here.
   */
  async #keep(stream: ReadableStream<Uint8Array>): Promise<void> {
    const reader = stream.getReader({ mode: "byob" });
    // Read until the stream ends, or until the group is dead and what is left has had a moment to arrive (then the read
    // is cancelled: one reaction, not a race per read, which would pile up on the long-lived promise).
    this.#exitedThenGrace().then(() => reader.cancel().catch(() => {}));
    let buffer: Uint8Array<ArrayBuffer> = new Uint8Array(65536);
    try {
      while (true) {
        const next = await reader.read(buffer);
        if (next.done || next.value === undefined) break;
        this.output.addBytes(next.value);
        // The buffer came back in the read's result (it was transferred): reused for the next read.
        buffer = new Uint8Array(next.value.buffer, 0, next.value.buffer.byteLength);
      }
    } catch {
      // the process is gone
    } finally {
      reader.cancel().catch(() => {});
    }
  }

  /**
   * Resolves once the driver's process has ended (or been killed) and what it wrote has had a moment to arrive. What
   * it started goes with it (its group is killed), so that the pipes it shared end and every read ends on what was
   * written; the grace is only for a process that left the group. The grace ends on a poll of the pipes (a zero timer
   * after it), so that a process starved past the grace still takes what had arrived before the reads are cut.
   */
  async #exitedThenGrace(): Promise<void> {
    await this.#child.status;
    this.#killGroup();
    await new Promise((resolve) => setTimeout(resolve, DRAIN_GRACE_MS));
    await new Promise((resolve) => setTimeout(resolve, 0));
  }

  /**
   * Waits for the driver to connect to its channel, then reads the handshake, within `timeoutMs`. Throws
   * `DriverLoadError` when the HAL cannot be checked.
   */
  async handshake(timeoutMs: number): Promise<Handshake> {
    const label = this.#launch.label;
    this.#arm(performance.now() + timeoutMs);
    try {
      await this.#connect();
      const lines: string[] = [];
      let bytes = 0;
      while (true) {
        const line = await this.#line();
        if (line.startsWith("error ")) {
          throw new DriverLoadError(decodeURIComponent(line.slice(6)).split("\n")[0] || `Cannot load HAL "${label}"`);
        }
        if (line === "ready") break;
        bytes += line.length + 1;
        // What comes before the first line of the handshake is output (a guest's boot log on its serial line).
        if (lines.length === 0 && !line.startsWith("halconf ")) {
          this.output.add(`${line}\n`);
        } else {
          lines.push(line);
        }
        if (bytes > LIMITS.handshakeBytes) {
          throw new ProtocolError(`the handshake is longer than ${LIMITS.handshakeBytes} bytes (the protocol's limit)`);
        }
      }
      return decodeHandshake(lines);
    } catch (error) {
      this.kill();
      await this.cleanup();
      if (error instanceof DriverLoadError) throw error;
      if (error instanceof DriverExited || this.#timedOut) throw await this.#loadFailure(timeoutMs);
      throw new DriverLoadError(
        `Cannot load HAL "${label}": the driver broke the protocol: ${(error as Error).message}`,
      );
    } finally {
      clearTimeout(this.#timer);
    }
  }

  /** Why a driver that never finished its handshake did not: it timed out, exited, or spoke protocol 1. */
  async #loadFailure(timeoutMs: number): Promise<DriverLoadError> {
    const label = this.#launch.label;
    if (this.#timedOut) {
      return new DriverLoadError(`Cannot load HAL "${label}": it did not finish loading within ${timeoutMs / 1000} s`);
    }
    const status = await this.#child.status;
    await this.#outputDone;
    const printed = this.output.peek();
    if (/^halconf 1\n/.test(printed)) {
      return new DriverLoadError(
        `Cannot load HAL "${label}": the driver spoke protocol 1 on its standard output; this halconf speaks ` +
          `protocol 2 on the channel ${CHANNEL_VARIABLE} names: rebuild it against halconf-driver 0.2 (PROTOCOL.md, ` +
          `"From protocol 1")`,
      );
    }
    return new DriverLoadError(
      `Cannot load HAL "${label}": the driver exited with ${describeStatus(status)} while loading: ${
        this.output.lastLine() ?? "no output"
      }`,
      compilerDiagnostic(printed),
    );
  }

  /** Waits for the driver to open its ends of the channel (or to end without doing so). */
  async #connect(): Promise<void> {
    let opened = await Promise.race([this.#opening, this.#exited.then(() => undefined)]);
    // Ended, and perhaps after it had opened the channel and written why (an error line): the channel is opened all
    // the same, and what it holds is read to its end. Which of the two a loaded machine reports first is not an order.
    opened ??= await this.#openAfterExit();
    if (opened === undefined) throw new DriverExited();
    [this.#fromDriver, this.#toDriver] = opened;
    this.#lines = new LineReader(fileStream(opened[0]), LIMITS.lineBytes);
  }

  /**
   * Completes opens of the channel the driver never answered, by opening their other ends here, so that nothing waits
   * on them; then closes what they opened.
   */
  #unblock(): Promise<void> {
    return this.#unblocked ??= this.#openOtherEnds();
  }

  /**
   * The channel of a driver that has ended: the other ends are opened here, so that this side's opens complete whether
   * or not the driver opened its ends, then closed again, so that reading gives what the driver wrote and then the
   * end. Undefined when this side's opens failed.
   */
  async #openAfterExit(): Promise<[Deno.FsFile, Deno.FsFile] | undefined> {
    const channel = DriverProcess.channelOf(this.#launch.workDir);
    const others = await Promise.allSettled([
      Deno.open(`${channel}.out`, { write: true }),
      Deno.open(`${channel}.in`, { read: true }),
    ]);
    const mine = await this.#opening.catch(() => undefined);
    for (const other of others) if (other.status === "fulfilled") closeQuietly(other.value);
    this.#unblocked = Promise.resolve();
    return mine;
  }

  async #openOtherEnds(): Promise<void> {
    if (this.#fromDriver) return;
    const channel = DriverProcess.channelOf(this.#launch.workDir);
    const others = await Promise.allSettled([
      Deno.open(`${channel}.out`, { write: true }),
      Deno.open(`${channel}.in`, { read: true }),
    ]);
    const mine = await this.#opening.catch(() => undefined);
    for (
      const file of [...others.flatMap((other) => other.status === "fulfilled" ? [other.value] : []), ...mine ?? []]
    ) {
      closeQuietly(file);
    }
  }

  /**
   * The next protocol line; `output` lines (what a serial-line driver's HAL printed) go to the output. The read ends
   * as soon as the driver's process does, whoever else still holds its channel.
   */
  async #line(): Promise<string> {
    while (true) {
      // A line read is a line the driver wrote, even once it has ended: only the end of what it wrote (or the cut, when
      // a process that left its group holds the channel) is its exit.
      const line = await this.#lines!.next();
      if (line === null) throw new DriverExited();
      if (line.startsWith("output ")) {
        this.output.add(`${unpctLoose(line.slice(7))}\n`);
        continue;
      }
      return line;
    }
  }

  /** Whether a batch was sent ahead (`BatchOptions.next`) and its answers are still to be read. */
  get hasAhead(): boolean {
    return this.#ahead !== undefined;
  }

  /** Whether `programs` (the same array) with this fill limit is the batch sent ahead. */
  isAhead(programs: readonly Program[], fillLimit: number): boolean {
    return this.#ahead?.programs === programs && this.#ahead.fillLimit === fillLimit;
  }

  /**
   * Reads and drops the answers of the batch sent ahead that was not asked for after all (the check stopped at a
   * failure). False when they did not come as they should, by `deadline`: the process is then ended.
   */
  async dropAhead(deadline: number, readerFor: (fillLimit: number) => TraceReader): Promise<boolean> {
    const ahead = this.#ahead;
    if (!ahead) return true;
    const options = { fillLimit: ahead.fillLimit, deadline, onTrace() {} };
    const outcome = await this.run(ahead.programs, options, readerFor(ahead.fillLimit));
    return outcome.failure === undefined;
  }

  /**
   * Sends a batch (unless it was sent ahead) and reads one trace per program; a broken batch is a failure naming the
   * program concerned. With `options.next`, the next batch is sent at once, to run while this one is judged.
   */
  async run(programs: readonly Program[], options: BatchOptions, reader: TraceReader): Promise<BatchOutcome> {
    const traces: Trace[] = [];
    let completed = 0;
    let last: Trace | undefined;
    const sentAhead = this.isAhead(programs, options.fillLimit);
    if (!sentAhead && this.#ahead) throw new Error("a batch sent ahead must be read or dropped before another is sent");
    this.#arm(options.deadline);
    try {
      if (!sentAhead) {
        // Whatever the driver said after the end of its last batch is a breach of that batch's protocol.
        const stray = this.#lines!.buffered();
        if (stray !== undefined) {
          throw new ProtocolError(`after the end of the last batch, the driver wrote ${show(stray)}`);
        }
      }
      const ahead = options.next?.length ? request(options.next, options.fillLimit) : "";
      // Not awaited: a large batch fills the channel while the driver is already answering. Sent with the batch ahead
      // in one write when there is one (one wake-up of the driver for both).
      const asked = sentAhead ? "" : request(programs, options.fillLimit);
      this.#ahead = undefined;
      if (asked || ahead) this.#send(asked + ahead);
      if (ahead) this.#ahead = { programs: options.next!, fillLimit: options.fillLimit };
      for (const program of programs) {
        const trace = reader.begin(await this.#expectLine());
        if (!trace.createError) {
          const reading = reader.reading(trace, program);
          try {
            while (!reading.done) reading.line(await this.#expectLine());
          } finally {
            reading.close();
          }
        }
        // Judged while the driver runs the next program; the last one once the batch has ended as it should.
        if (completed === programs.length - 1) last = trace;
        else if (options.onTrace) options.onTrace(completed, trace);
        else traces.push(trace);
        completed++;
      }
      const end = await this.#expectLine();
      if (end !== "end") throw new ProtocolError(`expected "end" after the batch, got ${show(end)}`);
      if (last) {
        if (options.onTrace) options.onTrace(programs.length - 1, last);
        else traces.push(last);
      }
      return { traces, completed };
    } catch (error) {
      this.kill();
      const status = await this.#child.status;
      await this.cleanup();
      // Past the last program the driver broke the batch's end: the last program is the one concerned.
      const which = completed < programs.length ? "the program below" : "the end of the batch, after the program below";
      const concerned = Math.min(completed, programs.length - 1);
      if (this.#timedOut) {
        return {
          traces,
          completed: concerned,
          failure: { status: "timeout", reason: `the HAL process was killed while it ran ${which}` },
        };
      }
      if (error instanceof DriverExited) {
        const tail = this.output.lastLine();
        return {
          traces,
          completed: concerned,
          failure: {
            status: "error",
            reason: `the HAL process exited (${describeStatus(status)}) while it ran ${which}${
              tail ? `: ${tail}` : ""
            }`,
          },
        };
      }
      return {
        traces,
        completed: concerned,
        failure: { status: "error", reason: `the driver broke the protocol in ${which}: ${(error as Error).message}` },
      };
    } finally {
      clearTimeout(this.#timer);
    }
  }

  async #expectLine(): Promise<string> {
    const line = await this.#line();
    if (line.startsWith("error ")) {
      throw new ProtocolError(`the driver gave up: ${unpctLoose(line.slice(6)).slice(0, 2000)}`);
    }
    return line;
  }

  #arm(deadline: number): void {
    clearTimeout(this.#timer);
    if (!Number.isFinite(deadline)) return;
    const ms = Math.max(0, Math.min(deadline - performance.now(), 2 ** 31 - 1));
    this.#timer = setTimeout(() => {
      this.#timedOut = true;
      this.kill();
    }, ms);
  }

  /** Writes to the driver's end of the channel, in order, all of it (a named pipe takes what fits at a time). */
  #send(text: string): void {
    const file = this.#toDriver;
    if (!file) return;
    const bytes = new TextEncoder().encode(text);
    this.#writing = this.#writing.then(async () => {
      for (let written = 0; written < bytes.length;) written += await file.write(bytes.subarray(written));
    }).catch(() => {});
  }

  /** Kills what the driver started (its process group), when it has a group of its own. */
  #killGroup(): void {
    if (!this.#group) return;
    try {
      Deno.kill(-this.#child.pid, "SIGKILL");
    } catch {
      // the group is gone
    }
  }

  /** Kills the driver and everything it started (its process group), at once. */
  kill(): void {
    this.#killGroup();
    try {
      this.#child.kill("SIGKILL");
    } catch {
      // already gone
    }
    this.dead = true;
  }

  /** Kills the driver and its group, and releases what it held. */
  async end(): Promise<void> {
    this.kill();
    await this.cleanup();
  }

  /**
   * Ends the channel (`quit`, then end of file) and waits briefly for the driver to exit; a driver that lingers is
   * killed, and whatever it started is killed with it.
   */
  async close(): Promise<void> {
    // Answers nobody will read: the driver is not left to run a batch sent ahead before it sees quit.
    if (this.#ahead) this.kill();
    if (this.#toDriver) {
      this.#send("quit\n");
      await this.#writing;
      closeQuietly(this.#toDriver);
      this.#toDriver = undefined;
    }
    const timer = setTimeout(() => this.kill(), EXIT_GRACE_MS);
    await this.#child.status;
    clearTimeout(timer);
    this.kill();
    await this.cleanup();
  }

  /** Releases everything the process held: its channel, its output readers, its private directory. */
  cleanup(): Promise<void> {
    return this.#cleaned ??= (async () => {
      await this.#unblock();
      if (this.#toDriver) closeQuietly(this.#toDriver);
      this.#toDriver = undefined;
      await this.#lines?.cancel();
      if (this.#fromDriver) closeQuietly(this.#fromDriver);
      this.#fromDriver = undefined;
      await this.#outputDone;
      await Deno.remove(this.#launch.workDir, { recursive: true }).catch(() => {});
      DriverProcess.#alive--;
    })();
  }
}

/** A batch's request: its header, then one program a line. */
function request(programs: readonly Program[], fillLimit: number): string {
  return `run ${fillLimit} ${programs.length}\n${programs.map((p) => encodeProgram(p) + "\n").join("")}`;
}

/** A file read as a stream with `read` (a named pipe's `readable` reads nothing in Deno 2.9, measured). */
function fileStream(file: Deno.FsFile): ReadableStream<Uint8Array> {
  // One buffer, reused: what each read brings is copied out at its length.
  const buffer = new Uint8Array(65536);
  return new ReadableStream({
    async pull(controller) {
      try {
        const count = await file.read(buffer);
        if (count === null) controller.close();
        else controller.enqueue(buffer.slice(0, count));
      } catch {
        controller.close();
      }
    },
  });
}

function closeQuietly(file: Deno.FsFile): void {
  try {
    file.close();
  } catch {
    // already closed
  }
}

/** Percent-decoding that keeps what it cannot decode (text for people, never a verdict). */
function unpctLoose(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

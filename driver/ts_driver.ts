/**
 * The TypeScript driver: a process that holds one HAL module and executes
 * the programs the supervisor sends it, answering with what the HAL did.
 * It is the only code that imports the user's module, and it decides
 * nothing: it has no catalogue, no model, no judge and no fast-check to
 * patch. Started by the supervisor in a sandbox, never by hand:
 *
 * ```sh
 * deno run --no-prompt ... driver/ts_driver.ts module:/abs/path/hal.ts <cwd> <channel>
 * deno run --no-prompt ... driver/ts_driver.ts reference:identity <cwd> <channel>
 * ```
 *
 * @module
 */

import { executeProgram, OPTIONAL_METHODS, probeTarget, type Trace } from "../conformance/program/executor.ts";
import type { HalTarget } from "../conformance/contract/hal.ts";
import { deniedPermission } from "../conformance/program/permission.ts";
import { declaredProfile, validateProfile } from "../conformance/contract/profile.ts";
import { loadHalModule } from "./load_target.ts";
import { LineReader } from "./line_reader.ts";
import { decodeProgram } from "./program_codec.ts";
import { answerLines, encodeBegin, encodeStep } from "./answer_codec.ts";
import { encodeHandshake } from "./handshake.ts";
import { LIMITS, pct, PROTOCOL_VERSION, ProtocolError } from "./wire.ts";

// The protocol travels on the channel named by the last argument (`<channel>.in`, `<channel>.out`), opened before the
// HAL module loads; the HAL's standard output and error are only its output. The channel's files are held in this
// module's closure, and the permission to open them again is given up: a HAL can reach them only through Deno's
// internals (the threat model in PROTOCOL.md).
const exit: (code?: number) => never = Deno.exit;
const encoder = new TextEncoder();
let channelOut: Deno.FsFile | undefined;

/**
 * Sends protocol text, all of it, at once: a synchronous write (the driver has nothing else to do while the supervisor
 * takes its answer; an asynchronous write costs a thread hop per answer, and halconf sends thousands of programs).
 */
function send(text: string): void {
  const out = channelOut;
  if (!out) return;
  const bytes = encoder.encode(text);
  for (let written = 0; written < bytes.length;) written += out.writeSync(bytes.subarray(written));
}

/** Opens the channel's ends, then gives up the permission to open them again. */
async function openChannel(channel: string): Promise<ReadableStream<Uint8Array>> {
  const input = await Deno.open(`${channel}.in`, { read: true });
  channelOut = await Deno.open(`${channel}.out`, { write: true });
  await Deno.permissions.revoke({ name: "read", path: `${channel}.in` });
  await Deno.permissions.revoke({ name: "write", path: `${channel}.out` });
  // One buffer, reused: what each read brings is copied out at its length.
  const buffer = new Uint8Array(65536);
  return new ReadableStream({
    async pull(controller) {
      const count = await input.read(buffer).catch(() => null);
      if (count === null) controller.close();
      else controller.enqueue(buffer.slice(0, count));
    },
  });
}

/**
 * Storage a HAL could write to disk through, or share with another HAL, taken away before it loads: Web Storage and
 * the Cache API keep their data in Deno's directory, under a key every HAL run by this driver shares.
 */
function removeStorage(): void {
  for (const name of ["localStorage", "sessionStorage", "caches", "indexedDB"]) {
    Object.defineProperty(globalThis, name, {
      get() {
        throw new DOMException(`${name} is not available to a HAL under test (nothing it writes may outlive it)`);
      },
      configurable: false,
    });
  }
}

/**
 * Charges every permission the sandbox denies to the step that asked for it,
 * the same way whatever the machine's load: calls into `Deno` and `fetch`
 * are wrapped so that a synchronous denial is recorded at once, and the
 * promise of an asynchronous one is awaited before the program's answer is
 * sent.
 */
class DenialLedger {
  /** The step running now: -1 during `create`, `undefined` between programs. */
  step: number | undefined;
  readonly #pending: Promise<unknown>[] = [];
  readonly #denied: { step: number | undefined; permission: string }[] = [];

  install(): void {
    const deno = Deno as unknown as Record<string, unknown>;
    for (const key of Object.keys(deno)) {
      if (!/^[a-z]/.test(key) || key === "exit" || key === "inspect") continue;
      if (typeof deno[key] === "function") deno[key] = this.#wrap(deno[key] as (...args: unknown[]) => unknown);
    }
    const command = Deno.Command.prototype as unknown as Record<string, unknown>;
    for (const key of ["output", "outputSync", "spawn"]) {
      command[key] = this.#wrap(command[key] as (...args: unknown[]) => unknown);
    }
    globalThis.fetch = this.#wrap(globalThis.fetch as (...args: unknown[]) => unknown) as typeof fetch;
    // A last resort for what no wrapper sees (a dynamic import, a WebSocket): charged when it arrives.
    globalThis.addEventListener("unhandledrejection", (event) => {
      event.preventDefault();
      this.#record(event.reason, this.step);
    });
  }

  /** Waits for the asynchronous calls the program started, then hands out the denials, by step. */
  async settle(): Promise<Map<number | undefined, string[]>> {
    while (this.#pending.length) await Promise.allSettled(this.#pending.splice(0));
    const byStep = new Map<number | undefined, string[]>();
    for (const { step, permission } of this.#denied.splice(0)) {
      byStep.set(step, [...byStep.get(step) ?? [], permission]);
    }
    return byStep;
  }

  #record(error: unknown, step: number | undefined): void {
    if (!(error instanceof Error)) return;
    if (error.name !== "NotCapable" && error.name !== "PermissionDenied") return;
    const permission = deniedPermission(error.message) ?? error.message.split("\n")[0];
    this.#denied.push({ step, permission });
  }

  #wrap(original: (...args: unknown[]) => unknown): (...args: unknown[]) => unknown {
    const current = () => this.step;
    const record = (error: unknown, step: number | undefined) => this.#record(error, step);
    const pending = this.#pending;
    return function (this: unknown, ...args: unknown[]) {
      const step = current();
      let result: unknown;
      try {
        result = Reflect.apply(original, this, args);
      } catch (error) {
        record(error, step);
        throw error;
      }
      if (result instanceof Promise) pending.push(result.catch((error) => record(error, step)));
      return result;
    };
  }
}

/** The HAL named by `module:<path>` (relative to `base`, the supervisor's working directory) or `reference:<name>`. */
async function load(source: string, base: string): Promise<HalTarget> {
  if (source.startsWith("module:")) return await loadHalModule(source.slice("module:".length), base);
  const name = source.slice("reference:".length);
  // Imported only here: a driver of a HAL module (every custom HAL) has no use for the 16 modules of the references.
  const { referenceHals } = await import("../impls/mod.ts");
  const target = referenceHals().find((candidate) => candidate.name === name);
  if (!target) throw new Error(`no reference HAL named ${name}`);
  return target;
}

function fail(message: string): never {
  try {
    send(`error ${pct(message.split("\n")[0].slice(0, 2000))}\n`);
  } catch {
    // the channel is gone: the exit says it
  }
  exit(1);
}

function answer(trace: Trace, denied: Map<number | undefined, string[]>, frameSize: number): string {
  const lines = [encodeBegin(trace, [...denied.get(-1) ?? [], ...denied.get(undefined) ?? []])];
  if (!trace.createError) {
    for (const step of trace.steps) {
      const charged = denied.get(step.index);
      lines.push(
        ...answerLines(encodeStep(charged ? { ...step, denied: [...step.denied ?? [], ...charged] } : step, frameSize)),
      );
    }
  }
  return lines.join("\n") + "\n";
}

async function main(): Promise<void> {
  const [source = "", base = "/", named = ""] = Deno.args;
  // Started by the supervisor, the channel is an argument (its sandbox grants exactly those files); started by hand
  // under `--driver` (with -A), it is in the environment, as for any native driver.
  const channel = named || (() => {
    try {
      return Deno.env.get("HALCONF_CHANNEL") ?? "";
    } catch {
      return "";
    }
  })();
  let channelIn: ReadableStream<Uint8Array>;
  try {
    channelIn = await openChannel(channel);
  } catch (error) {
    console.error(`halconf driver: cannot open the channel "${channel}": ${(error as Error).message}`);
    return exit(2);
  }
  const input = new LineReader(channelIn, LIMITS.programBytes);
  const ledger = new DenialLedger();
  removeStorage();
  ledger.install();
  let target: HalTarget;
  try {
    target = await load(source, base);
  } catch (error) {
    return fail(error instanceof Error ? error.message : String(error));
  }
  // The profile as validated before any instance exists: what create() does to its target's profile object after
  // this changes neither what is declared nor what is judged.
  const profile = validateProfile(target.profile);
  const declared = declaredProfile(profile);
  const name = target.name;
  const { methods, probeError, missingRequired } = probeTarget(target);
  if (missingRequired) return fail(`Cannot load HAL module "${source.slice("module:".length)}": ${probeError}`);
  const handshake = {
    version: PROTOCOL_VERSION,
    name,
    profile: declared,
    methods: [...methods],
    ...(probeError ? { probeError } : {}),
  };
  send(encodeHandshake(handshake).join("\n") + "\n");
  const allMethods = new Set<string>(OPTIONAL_METHODS);
  while (true) {
    const header = await input.next();
    if (header === null || header === "quit") {
      return exit(0);
    }
    const run = /^run (\d+) (\d+)$/.exec(header);
    if (!run) return fail(`expected "run <fillLimit> <count>", got ${JSON.stringify(header.slice(0, 60))}`);
    const fillLimit = Math.min(Number(run[1]), LIMITS.fillFrames);
    const count = Number(run[2]);
    for (let n = 0; n < count; n++) {
      const line = await input.next();
      if (line === null) return fail("the input ended inside a batch");
      let program;
      try {
        program = decodeProgram(line);
      } catch (error) {
        return fail(error instanceof ProtocolError ? error.message : String(error));
      }
      ledger.step = -1;
      const trace = executeProgram(target, profile, program, {
        fillLimit,
        methods: allMethods,
        onStep: (index) => ledger.step = index,
      });
      ledger.step = undefined;
      send(answer(trace, await ledger.settle(), profile.frameSize));
    }
    send("end\n");
  }
}

if (import.meta.main) {
  // Whatever goes wrong in the driver itself ends it with a reason on the channel, never a silent wait.
  await main().catch((error) => fail(`the driver failed: ${error instanceof Error ? error.message : String(error)}`));
}

/**
 * Command-line parsing for every `halconf` command, on `node:util`
 * `parseArgs`. Bad input becomes a `UsageError` naming the flag and the fix.
 *
 * @module
 */

import { parseArgs, type ParseArgsConfig } from "node:util";
import { DEFAULT_MEMORY_MIB } from "../driver/session.ts";
import { UsageError } from "./exit_codes.ts";
import { didYouMean } from "./suggest.ts";

/** The output formats of `conform` and `merge`. */
export const FORMATS = ["pretty", "json", "junit", "tap", "github", "html"] as const;
/** One output format. */
export type Format = typeof FORMATS[number];

/** The commands. */
export const COMMANDS = ["conform", "list", "explain", "replay", "init", "merge"] as const;
/** One command. */
export type Command = typeof COMMANDS[number];

/** A shard: the `index`-th (1-based) of `count` slices. */
export interface Shard {
  /** 1-based. */
  index: number;
  /** Number of shards. */
  count: number;
}

/** Options of `conform`. */
export interface ConformOptions {
  /** Custom HAL module paths. */
  hals: string[];
  /** Driver commands (a HAL in any language, speaking PROTOCOL.md). */
  drivers: string[];
  /** Reference HAL names. */
  targets: string[];
  /** Check ids or globs. */
  checks: string[];
  /** Run seed (random when absent). */
  seed?: number;
  /** Programs per check. */
  runs?: number;
  /** Frames a draining check may allocate over all its programs (default: the runner's DRAIN_FRAMES). */
  drainFrames?: number;
  /** Per-check deadline in seconds. */
  timeoutSeconds: number;
  /** Targets checked at once. */
  jobs: number;
  /** Output format on stdout. */
  format: Format;
  /** Also write the JSON report here. */
  report?: string;
  /** Write each counterexample here. */
  saveFailures?: string;
  /** Run reference HALs in a child process too. */
  isolate: boolean;
  /** Expectations file. */
  expect?: string;
  /** Write expectations from this run. */
  updateExpectations?: string;
  /** Run one slice of the (target, check) pairs. */
  shard?: Shard;
  /** Memory cap of each HAL process, in MiB. */
  memoryMiB: number;
  /** Accept `incomplete` results (budget spent, clauses not reached) in the exit code. */
  allowIncomplete: boolean;
  /** Stop at the first unexpected result (a failing check), report what ran, exit 1. */
  failFast?: boolean;
  /** When stderr is not a terminal, a line every this many seconds while a check runs. */
  heartbeatSeconds: number;
  /** Print, under each check, the model states its programs visited. */
  reach: boolean;
  /** Warm each thread that checks reference HALs up first (one program per check; see warm_up.ts). */
  warmUp: boolean;
}

/** A parsed command line. */
export type ParsedCommand =
  | { command: "help"; topic?: Command }
  | { command: "version" }
  | { command: "conform"; options: ConformOptions }
  | { command: "list"; format: "pretty" | "json" }
  | { command: "explain"; check: string }
  | { command: "replay"; file: string; hal?: string; driver?: string; format: "pretty" | "json" }
  | { command: "init"; dir: string; force: boolean; link?: string; registry: boolean; rust: boolean }
  | { command: "merge"; files: string[]; format: Format; report?: string; allowPartial: boolean };

const SPECS: Record<Command, NonNullable<ParseArgsConfig["options"]>> = {
  conform: {
    hal: { type: "string", multiple: true },
    driver: { type: "string", multiple: true },
    target: { type: "string", multiple: true },
    check: { type: "string", multiple: true },
    seed: { type: "string" },
    runs: { type: "string" },
    "drain-budget": { type: "string" },
    timeout: { type: "string" },
    jobs: { type: "string" },
    format: { type: "string" },
    report: { type: "string" },
    "save-failures": { type: "string" },
    isolate: { type: "boolean" },
    expect: { type: "string" },
    "update-expectations": { type: "string" },
    shard: { type: "string" },
    memory: { type: "string" },
    "allow-incomplete": { type: "boolean" },
    "fail-fast": { type: "boolean" },
    reach: { type: "boolean" },
    heartbeat: { type: "string" },
    "no-warm-up": { type: "boolean" },
  },
  list: { format: { type: "string" } },
  explain: {},
  replay: { hal: { type: "string" }, driver: { type: "string" }, format: { type: "string" } },
  init: {
    force: { type: "boolean" },
    link: { type: "string" },
    registry: { type: "boolean" },
    rust: { type: "boolean" },
  },
  merge: { format: { type: "string" }, report: { type: "string" }, "allow-partial": { type: "boolean" } },
};

function integer(flag: string, value: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (!/^\d+$/.test(value.trim())) {
    throw new UsageError(`--${flag} must be a whole number${min > 0 ? ` of at least ${min}` : ""}, got "${value}"`);
  }
  const number = Number(value);
  if (number < min || number > max) throw new UsageError(`--${flag} must be between ${min} and ${max}, got ${value}`);
  return number;
}

/** The longest --timeout: a day (timers cannot wait longer than 2^31 ms anyway). */
export const MAX_TIMEOUT_SECONDS = 86_400;

function positiveSeconds(flag: string, value: string): number {
  const number = Number(value);
  if (value.trim() === "" || !Number.isFinite(number) || number <= 0) {
    throw new UsageError(`--${flag} must be a positive number of seconds, got "${value}"`);
  }
  if (number > MAX_TIMEOUT_SECONDS) {
    throw new UsageError(`--${flag} must be at most ${MAX_TIMEOUT_SECONDS} seconds (a day), got ${value}`);
  }
  return number;
}

function format<T extends string>(value: string | undefined, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (!allowed.includes(value as T)) {
    throw new UsageError(`--format must be one of ${allowed.join(", ")}, got "${value}"`);
  }
  return value as T;
}

/** Parses `i/n`, 1 <= i <= n. */
export function parseShard(value: string): Shard {
  const match = /^(\d+)\/(\d+)$/.exec(value.trim());
  if (!match) throw new UsageError(`--shard must look like i/n (for example 2/3), got "${value}"`);
  const index = Number(match[1]), count = Number(match[2]);
  if (count < 1 || index < 1 || index > count) {
    throw new UsageError(`--shard ${value}: the index must be between 1 and the shard count`);
  }
  return { index, count };
}

function describeParseError(error: Error, command: Command): string {
  const message = error.message.split("\n")[0];
  const unknown = /Unknown option '([^']+)'/.exec(message);
  if (unknown) {
    const flags = Object.keys(SPECS[command]).map((name) => `--${name}`);
    const suggestion = didYouMean(unknown[1], flags);
    return `unknown flag ${unknown[1]}${suggestion || ` for ${command}`} (see halconf ${command} --help)`;
  }
  const missing = /Option '([^']+?)(?: <value>)?' argument missing/.exec(message);
  if (missing) return `${missing[1].replace(/^-\w, /, "")} needs a value`;
  const ambiguous = /Option '([^']+)' argument is ambiguous/.exec(message);
  if (ambiguous) return `${ambiguous[1]} needs a value (to pass one that starts with "-", write ${ambiguous[1]}=VALUE)`;
  const noValue = /Option '([^']+)' does not take an argument/.exec(message);
  if (noValue) return `${noValue[1]} is a switch and takes no value`;
  const unexpected = /Unexpected argument '([^']+)'/.exec(message);
  if (unexpected) return `unexpected argument "${unexpected[1]}" (see --help)`;
  return message.replace(/\. To specify.*$/, "");
}

/**
 * Parses a `halconf` command line.
 *
 * @example
 * ```ts ignore
 * parseCommandLine(["conform", "--hal", "./my_hal.ts", "--seed", "7"]);
 * ```
 */
export function parseCommandLine(
  args: readonly string[],
  cpus: number = navigator.hardwareConcurrency || 1,
): ParsedCommand {
  const first = args[0];
  if (first === "--version" || first === "-V") return { command: "version" };
  if (first === "--help" || first === "-h" || first === "help") {
    const topic = args[1] as Command | undefined;
    return { command: "help", topic: topic && COMMANDS.includes(topic) ? topic : undefined };
  }
  const explicit = first !== undefined && !first.startsWith("-");
  if (explicit && !COMMANDS.includes(first as Command)) {
    throw new UsageError(
      `unknown command "${first}"${didYouMean(first, COMMANDS)} (commands: ${COMMANDS.join(", ")}; see --help)`,
    );
  }
  const command = (explicit ? first : "conform") as Command;
  const rest = explicit ? args.slice(1) : args;
  if (rest.includes("--help") || rest.includes("-h")) return { command: "help", topic: command };
  let parsed: { values: Record<string, string | boolean | string[] | undefined>; positionals: string[] };
  try {
    parsed = parseArgs({
      args: [...rest],
      options: SPECS[command],
      strict: true,
      allowPositionals: ["explain", "replay", "init", "merge"].includes(command),
    }) as typeof parsed;
  } catch (error) {
    throw new UsageError(describeParseError(error as Error, command));
  }
  const { values, positionals } = parsed;
  const text = (name: string) => values[name] as string | undefined;
  const list = (name: string) => (values[name] as string[] | undefined) ?? [];
  const one = (what: string) => {
    if (positionals.length !== 1) {
      throw new UsageError(
        `${command} takes exactly one ${what}${positionals.length ? `, got ${positionals.length}` : ""}`,
      );
    }
    return positionals[0];
  };
  for (const [name, value] of Object.entries(values)) {
    if (typeof value === "string" && value.trim() === "") throw new UsageError(`--${name} needs a value`);
    if (Array.isArray(value) && value.some((item) => item.trim() === "")) {
      throw new UsageError(`--${name} needs a value`);
    }
  }
  switch (command) {
    case "conform":
      return {
        command,
        options: {
          hals: list("hal"),
          drivers: list("driver"),
          targets: list("target"),
          checks: list("check"),
          seed: text("seed") === undefined ? undefined : integer("seed", text("seed")!, 0, 2 ** 31 - 1),
          runs: text("runs") === undefined ? undefined : integer("runs", text("runs")!, 1, 1_000_000),
          drainFrames: text("drain-budget") === undefined
            ? undefined
            : integer("drain-budget", text("drain-budget")!, 1, 2 ** 40),
          timeoutSeconds: text("timeout") === undefined ? 60 : positiveSeconds("timeout", text("timeout")!),
          jobs: text("jobs") === undefined ? cpus : integer("jobs", text("jobs")!, 1, 256),
          format: format(text("format"), FORMATS, "pretty"),
          report: text("report"),
          saveFailures: text("save-failures"),
          isolate: values.isolate === true,
          expect: text("expect"),
          updateExpectations: text("update-expectations"),
          shard: text("shard") === undefined ? undefined : parseShard(text("shard")!),
          memoryMiB: text("memory") === undefined
            ? DEFAULT_MEMORY_MIB
            : integer("memory", text("memory")!, 512, 1 << 20),
          allowIncomplete: values["allow-incomplete"] === true,
          failFast: values["fail-fast"] === true,
          reach: values.reach === true,
          heartbeatSeconds: text("heartbeat") === undefined ? 30 : positiveSeconds("heartbeat", text("heartbeat")!),
          warmUp: values["no-warm-up"] !== true,
        },
      };
    case "list":
      return { command, format: format(text("format"), ["pretty", "json"] as const, "pretty") };
    case "explain":
      return {
        command,
        check: one("check, clause or topic (halconf list; topics: profile, editions, host, ports, verdicts, gic)"),
      };
    case "replay":
      return {
        command,
        file: one("counterexample file"),
        hal: text("hal"),
        driver: text("driver"),
        format: format(text("format"), ["pretty", "json"] as const, "pretty"),
      };
    case "init": {
      const registry = values.registry === true;
      if (registry && text("link") !== undefined) throw new UsageError("init takes --link or --registry, not both");
      return {
        command,
        dir: one("directory"),
        force: values.force === true,
        link: text("link"),
        registry,
        rust: values.rust === true,
      };
    }
    case "merge":
      if (positionals.length === 0) throw new UsageError("merge needs at least one report file");
      return {
        command,
        files: positionals,
        format: format(text("format"), FORMATS, "json"),
        report: text("report"),
        allowPartial: values["allow-partial"] === true,
      };
  }
}

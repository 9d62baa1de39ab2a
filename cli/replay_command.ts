/**
 * The `replay` command: runs a saved counterexample again against its HAL and
 * prints the step-by-step trace with the violation.
 *
 * @module
 */

import { judgeTrace } from "../conformance/judge/judge.ts";
import { formatTrace } from "../conformance/judge/print.ts";
import { programFromJson } from "../conformance/program/program.ts";
import { capacityOf } from "../conformance/contract/profile.ts";
import { type Counterexample, replay as replayInProcess, SUITE_VERSION } from "../conformance/run/runner.ts";
import { DriverLoadError, DriverSession, type DriverSource } from "../driver/session.ts";
import { splitCommand } from "./command_words.ts";
import { referenceHals } from "../impls/mod.ts";
import type { Io } from "./conform.ts";
import { EXIT_FAILED, EXIT_OK, LoadError, UsageError } from "./exit_codes.ts";
import { readJsonFile } from "./read_json.ts";
import { printable } from "./report.ts";

async function readCounterexample(file: string): Promise<Counterexample> {
  const data = await readJsonFile(file, "counterexample") as Partial<Counterexample>;
  if (typeof data !== "object" || data === null || !Array.isArray(data.program) || typeof data.target !== "string") {
    throw new UsageError(`"${file}" is not a halconf counterexample (expected target, program, violation)`);
  }
  try {
    programFromJson(data.program);
  } catch (error) {
    throw new UsageError(`Counterexample "${file}": ${(error as Error).message}`);
  }
  if (data.version !== undefined && data.version !== SUITE_VERSION) {
    throw new UsageError(
      `Counterexample "${file}" was saved by suite version ${data.version}; this is ${SUITE_VERSION}: re-run conform to get a fresh one`,
    );
  }
  return data as Counterexample;
}

/**
 * Replays the counterexample in `file`; exit 1 when the violation is still
 * there, 0 when the HAL now keeps the contract on that program.
 *
 * @example
 * ```ts ignore
 * const code = await replayCommand("failures/my-hal.alloc.unique.json", undefined, "pretty", processIo());
 * ```
 */
export async function replayCommand(
  file: string,
  halOverride: string | undefined,
  format: "pretty" | "json",
  io: Io,
  timeoutMs = 60_000,
  memoryMiB?: number,
  driverOverride?: string,
): Promise<number> {
  const counterexample = await readCounterexample(file);
  const saved = counterexample.source;
  if (saved?.startsWith("driver:") && driverOverride === undefined && halOverride === undefined) {
    // A counterexample file may come from anywhere (a CI artifact): the command in it is not run unless given again.
    throw new UsageError(
      `Counterexample "${file}" was found by the driver command ${JSON.stringify(saved.slice("driver:".length))}: ` +
        "halconf runs no command it read from a file; pass it with --driver to replay",
    );
  }
  const sourceText = driverOverride !== undefined ? `driver:${driverOverride}` : halOverride ?? saved;
  let steps: string[] | undefined;
  let violation;
  let output: string | undefined;
  if (!sourceText || sourceText.startsWith("reference:")) {
    const name = sourceText ? sourceText.slice("reference:".length) : counterexample.target;
    const target = referenceHals().find((candidate) => candidate.name === name);
    if (!target) {
      throw new UsageError(
        `Counterexample "${file}" names HAL "${name}", which is not a reference HAL: pass --hal <module>`,
      );
    }
    ({ steps, violation } = replayInProcess(target, counterexample));
  } else {
    // The program runs in the HAL's sandboxed driver; its trace is judged here, like in conform.
    let session: DriverSession;
    try {
      // A driver command runs where the run that saved it ran (its relative paths), unless given anew here.
      const source: DriverSource = sourceText.startsWith("driver:")
        ? {
          command: splitCommand(sourceText.slice("driver:".length)),
          // The same command as the run that saved it starts where that run started (its relative paths).
          ...(saved === sourceText && counterexample.cwd ? { cwd: counterexample.cwd } : {}),
        }
        : { module: sourceText };
      session = await DriverSession.start({ source, label: sourceText, memoryMiB });
    } catch (error) {
      if (error instanceof DriverLoadError || error instanceof LoadError) throw new LoadError(error.message);
      throw error;
    }
    try {
      if (session.name !== counterexample.target) {
        throw new UsageError(
          `Counterexample "${file}" is for HAL "${counterexample.target}", but "${sourceText}" is "${session.name}"`,
        );
      }
      const fillLimit = Math.min(Number(capacityOf(session.profile)) + 1, 1 << 20);
      const outcome = await session.execute([programFromJson(counterexample.program)], {
        fillLimit,
        deadline: performance.now() + timeoutMs,
      });
      output = await session.takeSettledOutput();
      if (outcome.failure) {
        io.err(`halconf: ${printable(outcome.failure.reason)}\n`);
        return EXIT_FAILED;
      }
      violation = judgeTrace(outcome.traces[0], session.profile);
      steps = formatTrace(outcome.traces[0], violation);
    } finally {
      await session.close();
    }
  }
  const reproduced = violation !== undefined;
  if (format === "json") {
    io.out(
      JSON.stringify(
        { target: counterexample.target, check: counterexample.check, reproduced, steps, violation, output },
        null,
        2,
      ) + "\n",
    );
  } else {
    const lines = [
      `${counterexample.target} ${counterexample.check}: replaying ${counterexample.program.length} steps`,
    ];
    // What the HAL returned, threw and printed is shown inert on the terminal.
    for (const step of steps ?? []) lines.push(`  ${printable(step)}`);
    if (violation) {
      lines.push(`${violation.clause} broken: ${printable(violation.message)}`);
      if (violation.expected !== undefined) {
        lines.push(
          `  expected: ${printable(violation.expected)}`,
          `  actual:   ${printable(String(violation.actual))}`,
        );
      }
    } else {
      lines.push("no violation: the HAL now keeps the contract on this program");
    }
    if (output) {
      lines.push("output of the HAL:", ...output.trimEnd().split("\n").map((line) => `  | ${printable(line)}`));
    }
    io.out(lines.join("\n") + "\n");
  }
  return reproduced ? EXIT_FAILED : EXIT_OK;
}

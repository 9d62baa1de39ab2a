/**
 * The `halconf` command line: `deno task conform` runs it.
 *
 * @example
 * ```sh
 * deno task conform --hal ./my_hal.ts --seed 42 --format junit > report.xml
 * ```
 *
 * @module
 */

import { SUITE_VERSION } from "../conformance/run/runner.ts";
import { explainCheck, listChecks } from "./catalogue_commands.ts";
import { conform, type Io, processIo } from "./conform.ts";
import { EXIT_LOAD, EXIT_OK, EXIT_USAGE, LoadError, UsageError } from "./exit_codes.ts";
import { HELP } from "./help.ts";
import { initProject } from "./init.ts";
import { mergeReports } from "./merge.ts";
import { parseCommandLine } from "./options.ts";
import {
  buildReport,
  exitCodeOf,
  formatGithub,
  formatJson,
  formatJunit,
  formatPretty,
  formatTap,
  printable,
} from "./report.ts";
import { replayCommand } from "./replay_command.ts";
import { formatHtml } from "./report_html.ts";

/**
 * Runs the command line `args` and returns the exit code. Errors become one
 * line on stderr and a documented exit code, never a stack trace.
 *
 * @example
 * ```ts ignore
 * const code = await main(["list"]);
 * ```
 */
export async function main(args: readonly string[], io: Io = processIo()): Promise<number> {
  try {
    const parsed = parseCommandLine(args);
    switch (parsed.command) {
      case "version":
        io.out(`halconf ${SUITE_VERSION}\n`);
        return EXIT_OK;
      case "help":
        io.out(HELP[parsed.topic ?? "main"]);
        return EXIT_OK;
      case "list":
        io.out(listChecks(parsed.format));
        return EXIT_OK;
      case "explain":
        io.out(explainCheck(parsed.check));
        return EXIT_OK;
      case "conform":
        return await conform(parsed.options, io);
      case "replay":
        return await replayCommand(parsed.file, parsed.hal, parsed.format, io, undefined, undefined, parsed.driver);
      case "init": {
        const written = await initProject(parsed.dir, {
          force: parsed.force,
          link: parsed.link,
          registry: parsed.registry,
          rust: parsed.rust,
        });
        io.out(`${written.map((path) => `wrote ${path}`).join("\n")}\nnext: cd ${parsed.dir} && deno task conform\n`);
        return EXIT_OK;
      }
      case "merge": {
        const merged = await mergeReports(parsed.files, { allowPartial: parsed.allowPartial });
        if (merged.missingShards) {
          io.err(
            `halconf: warning: shard(s) ${merged.missingShards.join(", ")} missing: the merged report is partial\n`,
          );
        }
        if (parsed.report) {
          try {
            const html = parsed.report.toLowerCase().endsWith(".html");
            await Deno.writeTextFile(parsed.report, html ? formatHtml(merged) : formatJson(merged));
          } catch (error) {
            throw new UsageError(
              `Cannot write the report to "${parsed.report}": ${(error as Error).message.split("\n")[0]}`,
            );
          }
        }
        const report = buildReport(merged.seed, merged.targets, merged.results, { interrupted: merged.interrupted });
        const text = {
          json: () => formatJson(merged),
          pretty: () => formatPretty(report, { color: false }),
          junit: () => formatJunit(report),
          tap: () => formatTap(report),
          github: () => formatGithub(report),
          html: () => formatHtml(merged),
        }[parsed.format]();
        io.out(text);
        return exitCodeOf(report);
      }
    }
  } catch (error) {
    // Messages may quote a HAL (what it threw while loading) or a file: shown inert, like everything a HAL says.
    if (error instanceof UsageError) {
      io.err(`halconf: ${printable(error.message)}\n`);
      return EXIT_USAGE;
    }
    if (error instanceof LoadError) {
      io.err(`halconf: ${printable(error.message)}\n`);
      return EXIT_LOAD;
    }
    const message = error instanceof Error ? `${error.name}: ${error.message.split("\n")[0]}` : String(error);
    io.err(`halconf: internal error: ${printable(message)} (please report it)\n`);
    return EXIT_USAGE;
  }
}

if (import.meta.main) Deno.exit(await main(Deno.args));

/**
 * The report of a `conform` run and its output formats: pretty (people),
 * JSON (machines, shards), JUnit XML and TAP (CI systems), GitHub workflow
 * annotations with a markdown summary.
 *
 * @module
 */

import { CHECKS } from "../conformance/checks/catalogue.ts";
import { type ReportSummary, SUITE_VERSION, summarize } from "../conformance/run/runner.ts";
import { EXIT_FAILED, EXIT_OK } from "./exit_codes.ts";
import type { ReportedResult } from "./expectations.ts";
import type { Shard } from "./options.ts";

/** The JSON report of a run (or of merged shards). */
export interface CliReport {
  /** The suite version. */
  version: string;
  /** The run seed. */
  seed: number;
  /** Every target of the run, in order (also those of other shards). */
  targets: string[];
  /** Results, ordered by target then catalogue order. */
  results: ReportedResult[];
  /** Counts by status. */
  summary: ReportSummary;
  /** The slice this report covers, for a sharded run. */
  shard?: string;
  /** Set when the run was interrupted: the results are partial. */
  interrupted?: boolean;
}

const checkOrder = new Map(CHECKS.map((check, index) => [check.id, index]));

/** Results in report order: by target (in `targets` order), then by catalogue order. */
export function sortResults(results: readonly ReportedResult[], targets: readonly string[]): ReportedResult[] {
  const targetOrder = new Map(targets.map((target, index) => [target, index]));
  return [...results].sort((a, b) =>
    (targetOrder.get(a.target) ?? 1e9) - (targetOrder.get(b.target) ?? 1e9) ||
    (checkOrder.get(a.check) ?? 1e9) - (checkOrder.get(b.check) ?? 1e9)
  );
}

/** Builds a report. */
export function buildReport(
  seed: number,
  targets: string[],
  results: readonly ReportedResult[],
  extra: { shard?: Shard; interrupted?: boolean } = {},
): CliReport {
  return {
    version: SUITE_VERSION,
    seed,
    targets,
    results: sortResults(results, targets),
    summary: summarize(results),
    ...(extra.shard ? { shard: `${extra.shard.index}/${extra.shard.count}` } : {}),
    ...(extra.interrupted ? { interrupted: true } : {}),
  };
}

/**
 * 0 when every result passed, was skipped or was expected (and, with
 * `allowIncomplete`, when the rest are only incomplete); 1 otherwise.
 */
export function exitCodeOf(report: CliReport, options: { allowIncomplete?: boolean } = {}): number {
  const accepted = (status: string) =>
    status === "pass" || status === "skip" || (options.allowIncomplete === true && status === "incomplete");
  return report.results.some((result) => result.unexpected && !accepted(result.status)) ? EXIT_FAILED : EXIT_OK;
}

/** The `--reach` lines of one check: states visited (programs that did, of those run), then states none did. */
function reachLines(reach: Record<string, number>, runs: number): string[] {
  const entries = Object.entries(reach);
  if (entries.length === 0) return [];
  const visited = entries.filter(([, count]) => count > 0).map(([state, count]) => `${state} ${count}/${runs}`);
  const never = entries.filter(([, count]) => count === 0).map(([state]) => state);
  return [
    `             reached: ${visited.join(", ") || "none of the tracked states"}`,
    ...(never.length ? [`             never:   ${never.join(", ")}`] : []),
  ];
}

/** Options of the pretty format. */
export interface PrettyOptions {
  /** ANSI colours. */
  color: boolean;
  /** The command that replays a result, if any. */
  replayCommand?: (result: ReportedResult) => string | undefined;
  /** Where a target was loaded from, for its heading. */
  sources?: Map<string, string>;
  /** Wall time of the run in milliseconds. */
  elapsedMs?: number;
  /** Print the model states each check's programs visited. */
  reach?: boolean;
}

const LABEL: Record<string, string> = {
  pass: "PASS",
  fail: "FAIL",
  skip: "SKIP",
  error: "ERROR",
  timeout: "TIMEOUT",
  incomplete: "INCOMPLETE",
};
const COLOR: Record<string, number> = { pass: 32, fail: 31, skip: 90, error: 35, timeout: 33, incomplete: 33 };

/**
 * Text a HAL chose (what it printed, the messages it threw) made inert for a terminal: control characters, escape
 * sequences included, are shown as `\u001b` instead of repainting what the reader sees.
 */
export function printable(text: string): string {
  return text.replace(
    // deno-lint-ignore no-control-regex
    /[\u0000-\u0008\u000a-\u001f\u007f-\u009f]/g,
    (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

/** The report for a person: one line per target and check, failures in full, then the summary. */
export function formatPretty(report: CliReport, options: PrettyOptions): string {
  const paint = (code: number, text: string) => options.color ? `\u001b[${code}m${text}\u001b[0m` : text;
  const bold = (text: string) => options.color ? `\u001b[1m${text}\u001b[0m` : text;
  const width = Math.max(...CHECKS.map((check) => check.id.length));
  const out: string[] = [
    `halconf ${report.version} · seed ${report.seed} · ${report.targets.length} target(s)` +
    (report.shard ? ` · shard ${report.shard}` : ""),
  ];
  for (const target of report.targets) {
    const results = report.results.filter((result) => result.target === target);
    if (results.length === 0) continue;
    const source = options.sources?.get(target);
    const from = source === "reference" ? "reference HAL" : source;
    out.push("", bold(from ? `${target} (${from})` : target));
    for (const result of results) {
      let label = LABEL[result.status];
      if (result.expected && !result.unexpected) label += " (expected)";
      else if (result.expected && result.unexpected && result.status === "pass") label = "UNEXPECTED PASS";
      const detail = result.status === "pass"
        ? `${result.runs} programs, ${result.durationMs} ms${result.note ? ` (${result.note})` : ""}`
        : result.counterexample && result.counterexample.violation.clause !== "ERROR"
        ? `${result.counterexample.violation.clause}: ${result.counterexample.violation.message}`
        : result.reason ?? "";
      out.push(
        `  ${paint(COLOR[result.status], label.padEnd(10))} ${result.check.padEnd(width)}  ${printable(detail)}`,
      );
      if (options.reach && result.reach) out.push(...reachLines(result.reach, result.runs));
      if (result.status === "pass" || result.status === "skip") continue;
      if (result.expectedReason) out.push(`               expected: ${result.expectedReason}`);
      if (result.denied) out.push(`             denied: the HAL asked for ${printable(result.denied)}`);
      const counterexample = result.counterexample;
      if (counterexample && !(result.expected && !result.unexpected)) {
        for (const step of counterexample.steps) out.push(`             ${printable(step)}`);
        const { expected, actual } = counterexample.violation;
        if (expected !== undefined) {
          out.push(
            `             expected: ${printable(expected)}`,
            `             actual:   ${printable(String(actual))}`,
          );
        }
      }
      // Under a counterexample, what its own program printed when it ran alone; else what the check's programs did.
      const own = result.counterexample?.output;
      const printed = own ?? result.output;
      if (printed) {
        const lines = printed.trimEnd().split("\n");
        const during = own !== undefined ? " while the program above ran" : "";
        out.push(`             output of the HAL${during} (${lines.length} line${lines.length > 1 ? "s" : ""}):`);
        for (const line of lines.slice(-10)) out.push(`               | ${printable(line)}`);
      }
      const replay = options.replayCommand?.(result);
      if (replay && result.unexpected) out.push(`             replay: ${replay}`);
    }
  }
  const s = report.summary;
  const unexpectedPasses = report.results.filter((r) => r.unexpected && r.status === "pass").length;
  out.push(
    "",
    `${
      report.interrupted ? "Interrupted, partial results: " : ""
    }${s.passed} passed, ${s.failed} failed, ${s.skipped} skipped, ` +
      `${s.errors} errors, ${s.timeouts} timeouts, ${s.incomplete} incomplete` +
      (unexpectedPasses ? `, ${unexpectedPasses} unexpected passes (update the expectations)` : "") +
      (options.elapsedMs !== undefined ? ` (${(options.elapsedMs / 1000).toFixed(1)} s)` : ""),
  );
  return out.join("\n") + "\n";
}

/** The report as JSON. */
export function formatJson(report: CliReport): string {
  return JSON.stringify(report, null, 2) + "\n";
}

/**
 * Text as XML 1.0 character data or an attribute value. What XML cannot carry at all, even escaped (control
 * characters, U+FFFE and U+FFFF, a surrogate without its pair), is shown as `\u001b` instead; markup is escaped, so
 * neither a tag nor a CDATA terminator (`]]>`) a HAL writes can end the element that holds it.
 */
function xml(text: string): string {
  return text
    .replace(
      // deno-lint-ignore no-control-regex
      /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g,
      (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`,
    )
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;");
}

function failureText(result: ReportedResult): string {
  const lines = [result.counterexample?.violation.message ?? result.reason ?? result.status];
  if (result.counterexample) {
    lines.push(...result.counterexample.steps);
    const { expected, actual } = result.counterexample.violation;
    if (expected !== undefined) lines.push(`expected: ${expected}`, `actual: ${actual}`);
  }
  if (result.denied) lines.push(`denied: ${result.denied}`);
  const own = result.counterexample?.output;
  if (own !== undefined || result.output) {
    lines.push(own !== undefined ? "output of the HAL while the program above ran:" : "output of the HAL:");
    lines.push(own ?? result.output!);
  }
  return lines.join("\n");
}

/** JUnit XML: one testsuite per target, one testcase per check. */
export function formatJunit(report: CliReport): string {
  const suites = report.targets.map((target) => {
    const results = report.results.filter((result) => result.target === target);
    const count = (status: string) => results.filter((r) => r.status === status && r.unexpected).length;
    const time = results.reduce((sum, r) => sum + r.durationMs, 0) / 1000;
    const cases = results.map((result) => {
      const head = `    <testcase classname="${xml(target)}" name="${xml(result.check)}" time="${
        (result.durationMs / 1000).toFixed(3)
      }"`;
      const message = xml(
        (result.counterexample
          ? `${result.counterexample.violation.clause}: ${result.counterexample.violation.message}`
          : result.reason) ??
          result.status,
      );
      if (result.status === "skip") return `${head}>\n      <skipped message="${message}"/>\n    </testcase>`;
      if (!result.unexpected && result.status !== "pass") {
        return `${head}>\n      <skipped message="expected ${result.status}: ${
          xml(result.expectedReason ?? "")
        }"/>\n    </testcase>`;
      }
      if (result.status === "pass") return `${head}/>`;
      const tag = result.status === "fail" ? "failure" : "error";
      return `${head}>\n      <${tag} type="${result.status}" message="${message}">${
        xml(failureText(result))
      }</${tag}>\n    </testcase>`;
    });
    const skipped = results.filter((r) => r.status === "skip" || (!r.unexpected && r.status !== "pass")).length;
    return `  <testsuite name="${xml(target)}" tests="${results.length}" failures="${count("fail")}" errors="${
      count("error") + count("timeout") + count("incomplete")
    }" skipped="${skipped}" time="${time.toFixed(3)}">\n${cases.join("\n")}\n  </testsuite>`;
  });
  const total = report.results.length;
  const failures = report.results.filter((r) => r.unexpected && r.status === "fail").length;
  const errors =
    report.results.filter((r) =>
      r.unexpected && (r.status === "error" || r.status === "timeout" || r.status === "incomplete")
    ).length;
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="halconf" tests="${total}" failures="${failures}" errors="${errors}">\n${
    suites.join("\n")
  }\n</testsuites>\n`;
}

/** Text for a TAP description: one line, and no `#` that a consumer would read as a directive (`# TODO`). */
function tapText(text: string): string {
  // deno-lint-ignore no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\ufffe\uffff]+/g, " ").toWellFormed().replaceAll(
    "\\",
    "\\\\",
  ).replaceAll("#", "\\#");
}

/**
 * A YAML double-quoted scalar for a TAP diagnostic: JSON's escapes, and `\uXXXX` as well for what YAML does not allow
 * raw (C1 controls, line and paragraph separators, U+FFFE and U+FFFF, lone surrogates).
 */
function yamlString(text: string): string {
  return JSON.stringify(text).replace(
    /[\u007f-\u009f\u2028\u2029\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g,
    (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

/** TAP version 14. */
export function formatTap(report: CliReport): string {
  const lines = ["TAP version 14", `1..${report.results.length}`];
  report.results.forEach((result, index) => {
    const name = tapText(`${result.target} ${result.check}`);
    const n = index + 1;
    if (result.status === "skip") lines.push(`ok ${n} - ${name} # SKIP ${tapText(result.reason ?? "")}`);
    else if (result.status === "pass") lines.push(`ok ${n} - ${name}`);
    else if (!result.unexpected) {
      lines.push(`not ok ${n} - ${name} # TODO expected ${result.status}: ${tapText(result.expectedReason ?? "")}`);
    } else {
      lines.push(`not ok ${n} - ${name}`, "  ---", `  status: ${result.status}`);
      if (result.counterexample) lines.push(`  clause: ${result.counterexample.violation.clause}`);
      lines.push(`  message: ${yamlString(result.counterexample?.violation.message ?? result.reason ?? "")}`);
      if (result.counterexample) {
        lines.push("  steps:", ...result.counterexample.steps.map((step) => `    - ${yamlString(step)}`));
      }
      lines.push("  ...");
    }
  });
  return lines.join("\n") + "\n";
}

/**
 * A workflow command's message: one line whatever the HAL wrote (`%0A`), with its escape sequences shown inert, so that
 * nothing in it starts another command (`::`) or repaints the log.
 */
function annotation(text: string): string {
  return text.split("\n").map(printable).join("\n").replaceAll("%", "%25").replaceAll("\r", "%0D").replaceAll(
    "\n",
    "%0A",
  );
}

function annotationProperty(text: string): string {
  return annotation(text).replaceAll(":", "%3A").replaceAll(",", "%2C");
}

/**
 * Text as inline markdown in a table cell of the step summary: every ASCII punctuation character escaped (so no
 * emphasis, link, image, HTML or `|` cell break), line breaks as spaces and control characters shown inert.
 */
function markdownText(text: string): string {
  return printable(text.replace(/\r?\n/g, " ")).replace(/[!-/:-@[-`{-~]/g, (char) => `\\${char}`);
}

/** Text as HTML character data (the summary's `<details>` blocks). */
function htmlText(text: string): string {
  return printable(text).replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;").replaceAll(
    '"',
    "&quot;",
  );
}

/** GitHub workflow commands: an error annotation per unexpected failure, a notice for unexpected passes. */
export function formatGithub(report: CliReport, sources: Map<string, string> = new Map()): string {
  const lines: string[] = [];
  for (const result of report.results) {
    const source = sources.get(result.target);
    const file = source && !source.startsWith("reference:") ? `file=${annotationProperty(source)},` : "";
    if (result.unexpected && result.status !== "pass" && result.status !== "skip") {
      lines.push(
        `::error ${file}title=${annotationProperty(`halconf ${result.target} ${result.check} ${result.status}`)}::${
          annotation(failureText(result))
        }`,
      );
    } else if (result.unexpected && result.status === "pass") {
      lines.push(`::notice title=${annotationProperty(`halconf ${result.target} ${result.check}`)}::unexpected pass`);
    }
  }
  const s = report.summary;
  lines.push(
    `${s.passed} passed, ${s.failed} failed, ${s.skipped} skipped, ${s.errors} errors, ${s.timeouts} timeouts, ` +
      `${s.incomplete} incomplete`,
  );
  return lines.join("\n") + "\n";
}

/** The markdown summary for `$GITHUB_STEP_SUMMARY`. */
export function githubSummary(report: CliReport): string {
  const s = report.summary;
  const lines = [
    `## halconf: ${
      s.failed + s.errors + s.timeouts > 0
        ? "contract broken"
        : s.incomplete > 0
        ? "not fully checked"
        : "contract kept"
    }`,
    "",
    `Seed ${report.seed} · ${s.passed} passed · ${s.failed} failed · ${s.skipped} skipped · ${s.errors} errors · ${s.timeouts} timeouts · ${s.incomplete} incomplete`,
    "",
    "| target | check | status | detail |",
    "| --- | --- | --- | --- |",
  ];
  for (const result of report.results.filter((r) => r.status !== "pass" && r.status !== "skip")) {
    const detail = markdownText(result.counterexample?.violation.message ?? result.reason ?? "");
    lines.push(
      `| ${markdownText(result.target)} | ${markdownText(result.check)} | ${result.status}${
        result.unexpected ? "" : " (expected)"
      } | ${detail} |`,
    );
  }
  // Each counterexample as an HTML block: everything in it is escaped, so it ends where this code ends it.
  for (const result of report.results.filter((r) => r.counterexample && r.unexpected)) {
    lines.push(
      "",
      `<details><summary>${htmlText(`${result.target} ${result.check}: ${result.counterexample!.violation.clause}`)}` +
        `</summary><pre>${
          result.counterexample!.steps.map((step) => htmlText(step) || "&nbsp;").join("\n")
        }</pre></details>`,
    );
  }
  return lines.join("\n") + "\n";
}

/**
 * The report as one self-contained HTML page: a matrix of HALs by checks, like the dashboards conformance suites
 * publish. Status colours, skip reasons on hover, every failure opening to its numbered counterexample and replay
 * command, the run's seed, versions and timings, filters by status and clause family. No network: the CSS and the
 * little script are inline. Everything a HAL said (its name, messages, output) is escaped.
 *
 * @module
 */

import { CHECKS } from "../conformance/checks/catalogue.ts";
import { CLAUSE_FAMILIES } from "../conformance/contract/clauses.ts";
import type { ReportedResult } from "./expectations.ts";
import type { CliReport } from "./report.ts";

/** Options of the HTML page. */
export interface HtmlOptions {
  /** The command that replays a result. */
  replayCommand?: (result: ReportedResult) => string | undefined;
  /** Wall time of the run in milliseconds. */
  elapsedMs?: number;
}

const STATUSES = ["pass", "fail", "error", "timeout", "incomplete", "skip"] as const;

/** Text safe inside HTML elements and attribute values. */
export function escapeHtml(text: string): string {
  return text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;").replaceAll('"', "&quot;")
    .replaceAll("'", "&#39;");
}

const STYLE = `
:root { --pass: #1a7f37; --fail: #cf222e; --error: #8250df; --timeout: #bf8700; --incomplete: #bc4c00;
  --skip: #6e7781; --line: #d0d7de; font-family: system-ui, sans-serif; color: #1f2328; }
body { margin: 0; padding: 1rem; max-width: 100%; }
h1 { font-size: 1.3rem; margin: 0 0 .3rem; }
.meta { color: #57606a; font-size: .9rem; margin-bottom: .8rem; }
.filters { display: flex; flex-wrap: wrap; gap: .4rem; align-items: center; margin-bottom: .8rem; }
.filters label { border: 1px solid var(--line); border-radius: 1rem; padding: .15rem .6rem; font-size: .9rem; }
.matrix-wrap { overflow-x: auto; -webkit-overflow-scrolling: touch; }
table { border-collapse: collapse; font-size: .9rem; }
th, td { border: 1px solid var(--line); padding: .3rem .5rem; text-align: left; white-space: nowrap; }
tbody th { white-space: normal; min-width: 8rem; max-width: 12rem; position: sticky; left: 0; background: #fff; }
.clauses { display: block; }
td.cell a, td.cell span { color: #fff; border-radius: .3rem; padding: .05rem .4rem; text-decoration: none;
  display: inline-block; min-width: 3.5rem; text-align: center; }
.s-pass { background: var(--pass); } .s-fail { background: var(--fail); } .s-error { background: var(--error); }
.s-timeout { background: var(--timeout); } .s-incomplete { background: var(--incomplete); }
.s-skip { background: var(--skip); }
.clauses { color: #57606a; font-size: .8rem; }
tr[hidden], details[hidden] { display: none; }
td.dim a, td.dim span { opacity: .25; }
details { border: 1px solid var(--line); border-radius: .4rem; margin: .5rem 0; padding: .4rem .6rem; }
details summary { cursor: pointer; }
pre { overflow-x: auto; background: #f6f8fa; padding: .5rem; font-size: .8rem; white-space: pre; }
@media (max-width: 600px) { body { padding: .5rem; } th, td { padding: .25rem .3rem; } }
`;

const SCRIPT = `
(() => {
  const boxes = [...document.querySelectorAll("input[name=status]")];
  const family = document.getElementById("family");
  const apply = () => {
    const shown = new Set(boxes.filter((box) => box.checked).map((box) => box.value));
    for (const row of document.querySelectorAll("tr[data-family]")) {
      const cells = [...row.querySelectorAll("td.cell")];
      for (const cell of cells) cell.classList.toggle("dim", !shown.has(cell.dataset.status));
      const familyOk = family.value === "all" || row.dataset.family === family.value;
      row.hidden = !familyOk || !cells.some((cell) => shown.has(cell.dataset.status));
    }
    for (const card of document.querySelectorAll("details[data-status]")) {
      card.hidden = !shown.has(card.dataset.status) ||
        (family.value !== "all" && card.dataset.family !== family.value);
    }
    document.body.dataset.filter = [...shown].sort().join(",") + "|" + family.value;
  };
  // The URL can carry the filter: #status=fail,error&family=IRQ (and #r-3 opens result 3).
  const params = new URLSearchParams(location.hash.slice(1).includes("=") ? location.hash.slice(1) : "");
  if (params.get("status")) {
    const wanted = new Set(params.get("status").split(","));
    for (const box of boxes) box.checked = wanted.has(box.value);
  }
  if (params.get("family")) family.value = params.get("family");
  const open = () => {
    const target = document.getElementById(location.hash.slice(1));
    if (target && target.tagName === "DETAILS") target.open = true;
  };
  for (const box of boxes) box.addEventListener("change", apply);
  family.addEventListener("change", apply);
  addEventListener("hashchange", open);
  apply();
  open();
})();
`;

function familyOf(clause: string | undefined): string {
  return clause?.split("-")[0] ?? "STATE";
}

/**
 * The report as a self-contained HTML page.
 *
 * @example
 * ```ts ignore
 * await Deno.writeTextFile("report.html", formatHtml(report, { replayCommand }));
 * ```
 */
export function formatHtml(report: CliReport, options: HtmlOptions = {}): string {
  const e = escapeHtml;
  const byKey = new Map(report.results.map((result, index) => [`${result.target}\u0000${result.check}`, index]));
  const checks = CHECKS.filter((check) => report.results.some((result) => result.check === check.id));
  const s = report.summary;
  const rows = checks.map((check) => {
    const cells = report.targets.map((target) => {
      const index = byKey.get(`${target}\u0000${check.id}`);
      if (index === undefined) return `<td class="cell" data-status="none"></td>`;
      const result = report.results[index];
      const label = result.status.toUpperCase();
      const hover = e(
        result.status === "pass"
          ? `${result.runs} programs, ${result.durationMs} ms`
          : result.counterexample
          ? `${result.counterexample.violation.clause}: ${result.counterexample.violation.message}`
          : result.reason ?? result.status,
      );
      const badge = result.status === "pass" || result.status === "skip"
        ? `<span class="s-${result.status}" title="${hover}">${label}</span>`
        : `<a class="s-${result.status}" href="#r-${index}" title="${hover}">${label}</a>`;
      return `<td class="cell" data-status="${result.status}">${badge}</td>`;
    });
    return `<tr data-family="${familyOf(check.clauses[0])}"><th scope="row">${e(check.id)} <span class="clauses">${
      e(check.clauses.join(", "))
    }</span></th>${cells.join("")}</tr>`;
  });
  const cards = report.results.map((result, index) => {
    if (result.status === "pass" || result.status === "skip") return "";
    const counterexample = result.counterexample;
    const headline = counterexample
      ? `${counterexample.violation.clause}: ${counterexample.violation.message}`
      : result.reason ?? result.status;
    const lines = [
      ...(counterexample?.steps ?? []),
      ...(counterexample?.violation.expected !== undefined
        ? [`expected: ${counterexample.violation.expected}`, `actual:   ${counterexample.violation.actual}`]
        : []),
    ];
    const replay = options.replayCommand?.(result);
    return `<details id="r-${index}" data-status="${result.status}" data-family="${
      familyOf(counterexample?.violation.clause ?? result.clauses[0])
    }"><summary><strong>${e(result.target)}</strong> · ${
      e(result.check)
    } · <span class="s-${result.status}">${result.status.toUpperCase()}</span> ${e(headline)}</summary>${
      lines.length ? `<pre>${e(lines.join("\n"))}</pre>` : ""
    }${result.denied ? `<p>denied: the HAL asked for ${e(result.denied)}</p>` : ""}${
      result.counterexample?.output !== undefined
        ? `<p>output of the HAL while the program above ran:</p><pre>${e(result.counterexample.output)}</pre>`
        : result.output
        ? `<p>output of the HAL:</p><pre>${e(result.output)}</pre>`
        : ""
    }${replay ? `<p>replay: <code>${e(replay)}</code></p>` : ""}</details>`;
  }).filter(Boolean);
  const families = CLAUSE_FAMILIES.map((family) => `<option value="${family.id}">${family.id}</option>`).join("");
  const filters = STATUSES.map((status) =>
    `<label><input type="checkbox" name="status" value="${status}" checked> ${status}</label>`
  ).join("");
  const meta = [
    `suite ${e(report.version)}`,
    `seed ${report.seed}`,
    `${report.targets.length} HAL(s), ${report.results.length} results`,
    ...(report.shard ? [`shard ${e(report.shard)}`] : []),
    ...(options.elapsedMs !== undefined ? [`${(options.elapsedMs / 1000).toFixed(1)} s`] : []),
    `Deno ${e(Deno.version.deno)}`,
    ...(report.interrupted ? ["interrupted: partial results"] : []),
  ].join(" · ");
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>halconf: ${s.failed + s.errors + s.timeouts + s.incomplete === 0 ? "contract kept" : "contract broken"}</title>
<style>${STYLE}</style>
</head>
<body>
<h1>halconf conformance matrix</h1>
<div class="meta">${meta}</div>
<div class="meta" id="summary">${s.passed} passed · ${s.failed} failed · ${s.skipped} skipped · ${s.errors} errors · ${s.timeouts} timeouts · ${s.incomplete} incomplete</div>
<div class="filters">${filters}<label>family <select id="family"><option value="all">all</option>${families}</select></label></div>
<div class="matrix-wrap"><table>
<thead><tr><th>check</th>${report.targets.map((target) => `<th class="hal">${e(target)}</th>`).join("")}</tr></thead>
<tbody>
${rows.join("\n")}
</tbody></table></div>
<h2>Results that did not pass</h2>
${cards.length ? cards.join("\n") : "<p>None.</p>"}
<script>${SCRIPT}</script>
</body>
</html>
`;
}

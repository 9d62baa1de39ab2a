/**
 * The `list` and `explain` commands: the catalogue, read from the checks'
 * metadata and the clauses.
 *
 * @module
 */

import { CHECKS } from "../conformance/catalogue.ts";
import { clauseById } from "../conformance/clauses.ts";
import { UsageError } from "./exit_codes.ts";

/** `list`: every check with its clauses, needs and title. */
export function listChecks(format: "pretty" | "json"): string {
  if (format === "json") {
    return JSON.stringify(
      CHECKS.map(({ id, clauses, needs, title }) => ({ id, clauses, needs, title })),
      null,
      2,
    ) + "\n";
  }
  const idWidth = Math.max(...CHECKS.map((check) => check.id.length));
  const clauseWidth = Math.max(...CHECKS.map((check) => check.clauses.join(",").length));
  const lines = [`${"check".padEnd(idWidth)}  ${"clauses".padEnd(clauseWidth)}  needs / title`];
  for (const check of CHECKS) {
    lines.push(
      `${check.id.padEnd(idWidth)}  ${check.clauses.join(",").padEnd(clauseWidth)}  ${
        check.needs.length ? `[${check.needs.join(", ")}] ` : ""
      }${check.title}`,
    );
  }
  return lines.join("\n") + "\n";
}

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const saved = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = saved;
    }
  }
  return row[b.length];
}

/** `explain <check>`: what the check does and the text of its clauses. */
export function explainCheck(id: string): string {
  const check = CHECKS.find((candidate) => candidate.id === id);
  if (!check) {
    const nearest = [...CHECKS].sort((a, b) => distance(id, a.id) - distance(id, b.id))[0];
    throw new UsageError(`unknown check "${id}" (did you mean ${nearest.id}? see: halconf list)`);
  }
  const lines = [
    `${check.id}: ${check.title}`,
    "",
    check.description,
    "",
    `Needs: ${check.needs.length ? check.needs.join(", ") : "nothing beyond the four required methods"}`,
    "",
  ];
  for (const clauseId of check.clauses) {
    const clause = clauseById(clauseId)!;
    lines.push(
      `${clause.id} (${clause.level}${clause.when ? `, when ${clause.when}` : ""})`,
      `  ${clause.rule}`,
      `  Why: ${clause.rationale}`,
      "",
    );
  }
  if (check.judgesAll) lines.push("A violation of any applicable clause fails this check.", "");
  return lines.join("\n");
}

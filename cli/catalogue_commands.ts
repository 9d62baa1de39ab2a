/**
 * The `list` and `explain` commands: the catalogue, read from the checks'
 * metadata and the clauses.
 *
 * @module
 */

import { CHECKS } from "../conformance/checks/catalogue.ts";
import { clauseById, CLAUSES } from "../conformance/contract/clauses.ts";
import { editionsSection, GIC_SEMANTICS, HOST_AND_PORTS, PROFILE_WORDS, VERDICTS } from "../conformance/spec.ts";
import { UsageError } from "./exit_codes.ts";
import { didYouMean } from "./suggest.ts";

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

function clauseText(clauseId: string): string[] {
  const clause = clauseById(clauseId)!;
  return [
    `${clause.id} (${clause.level}${clause.when ? `, when ${clause.when}` : ""})`,
    `  ${clause.rule}`,
    `  Why: ${clause.rationale}`,
    "",
  ];
}

/** `explain <clause>`: the clause's text, and the checks that enforce it (every failure names a clause). */
function explainClause(id: string): string {
  const checks = CHECKS.filter((check) => check.clauses.includes(id));
  const judgedBy = CHECKS.filter((check) => check.judgesAll).map((check) => check.id);
  return [
    ...clauseText(id),
    `Checked by: ${[...checks.map((check) => check.id), ...judgedBy].join(", ")}`,
    ...checks.map((check) => `  ${check.id}: ${check.title}`),
    "",
    `halconf explain <check> tells what a check does; SPEC.md has every clause.`,
    "",
  ].join("\n");
}

const HOST_TOPICS = ["host", "ports", "dispatchIrq", "currentCpu", "raiseIrq", "readMemory", "writeMemory"];
const PROFILE_TOPICS = [
  "profile",
  "testWindow",
  "exhaustible",
  "banked",
  "none",
  "fetch",
  "strictFree",
  "zeroedFrames",
];
const EDITION_TOPICS = ["editions", "contract", "axvcpu-hal", "axmm-hal", "axvisor-memory"];
const VERDICT_TOPICS = ["verdicts", "statuses", "pass", "fail", "skip", "incomplete", "vacuous"];
const GIC_TOPICS = ["gic", "runningPriority", "priorities", "priority"];
/** The topics besides checks and clauses, as the usage and the unknown-topic message name them. */
const TOPICS = ["profile", "editions", "host", "ports", "verdicts", "gic"];

/**
 * `explain <check | clause | host | ports | profile | editions | verdicts | gic>`: what a check does and the text of
 * its clauses, a clause and its checks, the host and the test ports with their signatures, every profile word, the
 * editions, what each status means, or the GIC semantics the interrupt clauses follow.
 */
export function explainCheck(id: string): string {
  const is = (topics: string[]) => topics.some((topic) => topic.toLowerCase() === id.toLowerCase());
  if (is(HOST_TOPICS)) return HOST_AND_PORTS;
  if (is(PROFILE_TOPICS)) return PROFILE_WORDS;
  if (is(EDITION_TOPICS)) return editionsSection();
  if (is(VERDICT_TOPICS)) return VERDICTS;
  if (is(GIC_TOPICS)) return GIC_SEMANTICS;
  const clause = CLAUSES.find((candidate) => candidate.id.toLowerCase() === id.toLowerCase());
  if (clause) return explainClause(clause.id);
  const check = CHECKS.find((candidate) => candidate.id === id);
  if (!check) {
    const known = [
      ...CHECKS.map((candidate) => candidate.id),
      ...CLAUSES.map((candidate) => candidate.id),
      ...HOST_TOPICS,
      ...PROFILE_TOPICS,
      ...EDITION_TOPICS,
      ...VERDICT_TOPICS,
      ...GIC_TOPICS,
    ];
    throw new UsageError(
      `unknown check, clause or topic "${id}"${didYouMean(id, known)} (checks and clauses: halconf list; topics: ` +
        `${TOPICS.join(", ")})`,
    );
  }
  const lines = [
    `${check.id}: ${check.title}`,
    "",
    check.description,
    "",
    `Needs: ${check.needs.length ? check.needs.join(", ") : "nothing beyond the four required methods"}`,
    "",
  ];
  for (const clauseId of check.clauses) lines.push(...clauseText(clauseId));
  if (check.judgesAll) lines.push("A violation of any applicable clause fails this check.", "");
  return lines.join("\n");
}

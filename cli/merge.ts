/**
 * The `merge` command: joins the JSON reports of shards into the report a
 * single run would have given.
 *
 * @module
 */

import { summarize } from "../conformance/run/runner.ts";
import { UsageError } from "./exit_codes.ts";
import { readJsonFile } from "./read_json.ts";
import { listedAndExpected, type ReportedResult } from "./expectations.ts";
import { buildReport, type CliReport } from "./report.ts";

async function readReport(path: string): Promise<CliReport> {
  const data = await readJsonFile(path, "report") as Partial<CliReport> & { unfinished?: boolean };
  if (typeof data === "object" && data !== null && data.unfinished === true) {
    throw new UsageError(`"${path}" is from a halconf run that did not finish: it holds no results (run it again)`);
  }
  if (
    typeof data !== "object" || data === null || typeof data.version !== "string" || typeof data.seed !== "number" ||
    !Array.isArray(data.targets) || !Array.isArray(data.results)
  ) {
    throw new UsageError(`"${path}" is not a halconf JSON report (expected version, seed, targets, results)`);
  }
  return data as CliReport;
}

/** The shards (`i/n`) a set of reports leaves out; empty when they are all there or the reports are not shards. */
export function missingShards(reports: readonly CliReport[]): string[] {
  const shards = reports.map((report) => report.shard).filter((shard): shard is string => shard !== undefined);
  if (shards.length === 0) return [];
  const count = Number(shards[0].split("/")[1]);
  const present = new Set(shards.map((shard) => Number(shard.split("/")[0])));
  return Array.from({ length: count }, (_, i) => i + 1).filter((i) => !present.has(i)).map((i) => `${i}/${count}`);
}

/**
 * Merges shard reports. They must come from the same suite version, seed and
 * targets, and must not overlap; every shard of the run must be there unless
 * `allowPartial` (then the merged report says which are missing).
 *
 * @example
 * ```ts ignore
 * const report = await mergeReports(["shard1.json", "shard2.json"]);
 * ```
 */
export async function mergeReports(
  paths: readonly string[],
  options: { allowPartial?: boolean } = {},
): Promise<CliReport & { missingShards?: string[] }> {
  const reports = await Promise.all(paths.map(async (path) => ({ path, report: await readReport(path) })));
  const [first] = reports;
  const counts = new Set(reports.map(({ report }) => report.shard?.split("/")[1] ?? "whole"));
  if (counts.size > 1) {
    throw new UsageError(
      `Cannot merge: the reports come from runs split in different ways (${[...counts].join(", ")})`,
    );
  }
  const missing = missingShards(reports.map(({ report }) => report));
  if (missing.length > 0 && !options.allowPartial) {
    throw new UsageError(
      `Cannot merge: shard${missing.length > 1 ? "s" : ""} ${missing.join(", ")} ${
        missing.length > 1 ? "are" : "is"
      } missing (merge every shard, or pass --allow-partial)`,
    );
  }
  for (const { path, report } of reports.slice(1)) {
    if (report.version !== first.report.version) {
      throw new UsageError(
        `Cannot merge: "${path}" is from suite version ${report.version}, "${first.path}" from ${first.report.version}`,
      );
    }
    if (report.seed !== first.report.seed) {
      throw new UsageError(
        `Cannot merge: "${path}" has seed ${report.seed}, "${first.path}" has seed ${first.report.seed} (shards must share --seed)`,
      );
    }
    if (JSON.stringify(report.targets) !== JSON.stringify(first.report.targets)) {
      throw new UsageError(`Cannot merge: "${path}" and "${first.path}" ran different targets`);
    }
  }
  const seen = new Map<string, string>();
  const results: ReportedResult[] = [];
  for (const { path, report } of reports) {
    for (const result of report.results) {
      const key = `${result.target}\u0000${result.check}`;
      if (seen.has(key)) {
        throw new UsageError(
          `Cannot merge: ${result.target} ${result.check} is in both "${seen.get(key)}" and "${path}"`,
        );
      }
      seen.set(key, path);
      results.push(result);
    }
  }
  // Shards may have split a violation from its clause's own check: they meet again here.
  const listed = listedAndExpected(results);
  const merged = buildReport(first.report.seed, first.report.targets, listed, {
    interrupted: reports.some(({ report }) => report.interrupted),
  });
  return {
    ...merged,
    version: first.report.version,
    summary: summarize(listed),
    ...(missing.length ? { missingShards: missing } : {}),
  };
}

/**
 * The `merge` command: joins the JSON reports of shards into the report a
 * single run would have given.
 *
 * @module
 */

import { summarize } from "../conformance/runner.ts";
import { UsageError } from "./exit_codes.ts";
import { readJsonFile } from "./read_json.ts";
import type { ReportedResult } from "./expectations.ts";
import { buildReport, type CliReport } from "./report.ts";

async function readReport(path: string): Promise<CliReport> {
  const data = await readJsonFile(path, "report") as Partial<CliReport>;
  if (
    typeof data !== "object" || data === null || typeof data.version !== "string" || typeof data.seed !== "number" ||
    !Array.isArray(data.targets) || !Array.isArray(data.results)
  ) {
    throw new UsageError(`"${path}" is not a halconf JSON report (expected version, seed, targets, results)`);
  }
  return data as CliReport;
}

/**
 * Merges shard reports. They must come from the same suite version, seed and
 * targets, and must not overlap.
 *
 * @example
 * ```ts ignore
 * const report = await mergeReports(["shard1.json", "shard2.json"]);
 * ```
 */
export async function mergeReports(paths: readonly string[]): Promise<CliReport> {
  const reports = await Promise.all(paths.map(async (path) => ({ path, report: await readReport(path) })));
  const [first] = reports;
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
  const merged = buildReport(first.report.seed, first.report.targets, results, {
    interrupted: reports.some(({ report }) => report.interrupted),
  });
  return { ...merged, version: first.report.version, summary: summarize(results) };
}

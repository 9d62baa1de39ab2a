/**
 * Runs the benchmarks (all of `bench/`, or the files given) and prints, per group, each case's mean time and its
 * ratio to the group's baseline (the case marked `baseline`, else the fastest): the numbers the README's performance
 * section quotes, in one table. Lines the benchmarks print themselves (operations per second, memory) come first; run
 * whole, it ends with the pinned line of `deno task bench:peer` (halconf beside its proptest peer).
 *
 * `deno task bench:summary [bench/checked_bench.ts ...]`
 *
 * @module
 */

interface BenchResult {
  ok?: { avg: number; n: number };
  failed?: string;
}

interface Bench {
  origin: string;
  group: string | null;
  name: string;
  baseline: boolean;
  results: BenchResult[];
}

/** The JSON report of `deno bench --json`, with anything the benchmarks printed before it. */
function splitOutput(stdout: string): { printed: string; report: { benches: Bench[] } } {
  const start = stdout.lastIndexOf('{\n  "version"');
  if (start < 0) throw new Error("deno bench printed no JSON report");
  return { printed: stdout.slice(0, start).trim(), report: JSON.parse(stdout.slice(start)) };
}

function duration(nanoseconds: number): string {
  if (nanoseconds >= 1e9) return `${(nanoseconds / 1e9).toFixed(2)} s`;
  if (nanoseconds >= 1e6) return `${(nanoseconds / 1e6).toFixed(1)} ms`;
  if (nanoseconds >= 1e3) return `${(nanoseconds / 1e3).toFixed(1)} µs`;
  return `${nanoseconds.toFixed(0)} ns`;
}

/** The summary table, one row per case: group, case, mean, and the ratio to the group's baseline. */
export function summarize(benches: readonly Bench[]): string[] {
  const groups = new Map<string, Bench[]>();
  for (const bench of benches) {
    const key = bench.group ?? bench.name;
    groups.set(key, [...(groups.get(key) ?? []), bench]);
  }
  const rows = ["| group | case | mean | vs baseline |", "| --- | --- | --- | --- |"];
  for (const [group, cases] of groups) {
    const mean = (bench: Bench) => bench.results[0]?.ok?.avg;
    const measured = cases.filter((bench) => mean(bench) !== undefined);
    const baseline = measured.find((bench) => bench.baseline) ??
      measured.reduce<Bench | undefined>(
        (fastest, bench) => (!fastest || mean(bench)! < mean(fastest)! ? bench : fastest),
        undefined,
      );
    for (const bench of cases) {
      const avg = mean(bench);
      const ratio = avg === undefined || !baseline
        ? bench.results[0]?.failed ? "failed" : "-"
        : bench === baseline
        ? "baseline"
        : `${(avg / mean(baseline)!).toFixed(2)}x the time (${(mean(baseline)! / avg).toFixed(2)} of its speed)`;
      rows.push(`| ${group} | ${bench.name} | ${avg === undefined ? "-" : duration(avg)} | ${ratio} |`);
    }
  }
  return rows;
}

if (import.meta.main) {
  const files = Deno.args.length ? Deno.args : ["bench/"];
  const output = await new Deno.Command(Deno.execPath(), {
    args: [
      "bench",
      "--allow-read",
      "--allow-write",
      "--allow-run",
      "--allow-env",
      "--v8-flags=--expose-gc",
      "--json",
      ...files,
    ],
    stdout: "piped",
    stderr: "inherit",
  }).output();
  const stdout = new TextDecoder().decode(output.stdout);
  try {
    const { printed, report } = splitOutput(stdout);
    if (printed) console.log(printed, "\n");
    console.log(summarize(report.benches).join("\n"));
  } catch (error) {
    console.error(`bench summary: ${(error as Error).message}`);
    Deno.exit(1);
  }
  if (!output.success) Deno.exit(output.code);
  // The whole set also runs halconf beside its proptest peer (bench/peer_bench.ts) and ends with its pinned line.
  if (Deno.args.length === 0) {
    const peer = await new Deno.Command(Deno.execPath(), {
      args: ["run", "--allow-read", "--allow-run", "--allow-env", "bench/peer_bench.ts", "--rounds", "3"],
      stdout: "piped",
      stderr: "inherit",
    }).output().catch(() => undefined);
    const line = peer && new TextDecoder().decode(peer.stdout).split("\n").find((text) => text.startsWith("peer: "));
    console.log(`\n${line ?? "peer: not measured (bench/peer_bench.ts needs cargo)"}`);
  }
}

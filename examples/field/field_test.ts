/**
 * The field's real bugs, with the published crates: axvisor's memory API frees a range by its physical address
 * (CONTIG-5) and ArceOS's BitmapPageAllocator ignores the alignment of a single page (CONTIG-3, in the first and the
 * newest published versions); the corrected glues pass. Without cargo these tests are skipped, and say so.
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { runCli } from "../../cli/testdata/run_cli.ts";

const HERE = fileURLToPath(new URL("./", import.meta.url));

/** Each finding is a crate of its own: its driver binary, built where cargo puts it. */
const CRATES = ["axvisor-memory-api", "bitmap-page-allocator"];

async function cargoBuild(): Promise<string | undefined> {
  try {
    for (const crate of CRATES) {
      const build = await new Deno.Command("cargo", {
        args: ["build", "--offline", "-q", "--manifest-path", `${HERE}${crate}/Cargo.toml`],
        stderr: "piped",
      }).output();
      if (!build.success) return `cargo build failed for ${crate}: ${new TextDecoder().decode(build.stderr)}`;
    }
    return undefined;
  } catch (error) {
    return error instanceof Deno.errors.NotFound ? "cargo not found" : String(error);
  }
}

const problem = await cargoBuild();
const skip = problem === "cargo not found";
if (skip) console.log("examples/field: skipped: cargo is not installed on this machine");
const fieldTest = (name: string, fn: () => Promise<void>) => Deno.test({ name, ignore: skip, fn });

interface JsonResult {
  check: string;
  status: string;
  counterexample?: { steps: string[]; violation: { clause: string } };
}

async function conform(driver: string, seed: number, extra: string[] = []) {
  const run = await runCli([
    "--driver",
    `${HERE}${driver.split(" ")[0]}/target/debug/${driver}`,
    "--format",
    "json",
    "--seed",
    `${seed}`,
    ...extra,
  ]);
  const results = run.stdout ? JSON.parse(run.stdout).results as JsonResult[] : [];
  const clauses = new Set(results.filter((r) => r.status === "fail").map((r) => r.counterexample!.violation.clause));
  return { ...run, results, clauses };
}

fieldTest(
  "axvisor's memory API (0c193a2) fails CONTIG-5 and CONTIG-3 on seeds 1-3; its corrected glue passes",
  async () => {
    assert.equal(problem, undefined, problem);
    for (const seed of [1, 2, 3]) {
      const run = await conform("axvisor-memory-api", seed, ["--check", "contig.*", "--check", "state.model"]);
      assert.equal(run.code, 1, run.stderr);
      assert.deepEqual([...run.clauses].sort(), ["CONTIG-3", "CONTIG-5"], `seed ${seed}`);
      const free = run.results.find((r) => r.counterexample?.violation.clause === "CONTIG-5")!;
      assert.ok(free.counterexample!.steps.length <= 3, free.counterexample!.steps.join("\n"));
      assert.match(free.counterexample!.steps.at(-1)!, /freeContig\(0x4000_0000, \d+ from step 1\) -> threw panic/);
    }
    const corrected = await conform("axvisor-memory-api --corrected", 1);
    assert.equal(corrected.code, 0, JSON.stringify(corrected.results.filter((r) => r.status !== "pass")));
  },
);

fieldTest(
  "BitmapPageAllocator::alloc_pages(1, align) ignores align in axallocator 0.2.0 and ax-allocator 0.5.6",
  async () => {
    for (const version of ["0.2", "0.5"]) {
      for (const seed of [1, 2]) {
        const run = await conform(`bitmap-page-allocator --version ${version}`, seed, ["--check", "contig.*"]);
        assert.equal(run.code, 1, run.stderr);
        assert.deepEqual([...run.clauses], ["CONTIG-3"], `version ${version}, seed ${seed}`);
        const shortest = run.results.filter((r) => r.status === "fail").map((r) => r.counterexample!.steps)
          .sort((a, b) => a.length - b.length)[0];
        assert.equal(shortest.length, 2, shortest.join("\n"));
        assert.match(shortest[1], /allocContig\(1, alignPow2 [1-9]\d*\) -> 0x[0-9a-f_]+ {3}<-- CONTIG-3 broken/);
      }
      const corrected = await conform(`bitmap-page-allocator --version ${version} --corrected`, 1);
      assert.equal(corrected.code, 0, JSON.stringify(corrected.results.filter((r) => r.status !== "pass")));
    }
  },
);

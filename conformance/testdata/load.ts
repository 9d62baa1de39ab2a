/** Loads the test HALs: mutants (with the clauses they break) and legal ones. */
import type { HalTarget } from "../contract/hal.ts";

/** A mutant: its target, the clauses it breaks (the first the one it was written for), and its file. */
export interface Mutant {
  file: string;
  target: HalTarget;
  breaks: string[];
  /** The longest counterexample its shrinking may end at (default 8): a fault that needs nesting needs more steps. */
  maxSteps: number;
  /** Tested on its own (conformance/edges_test.ts), not by the corpus loop: it drains gigabytes, or is caught only now and then. */
  ownTest: boolean;
}

async function modulesIn(folder: string): Promise<[string, Record<string, unknown>][]> {
  const url = new URL(`./${folder}/`, import.meta.url);
  const names = [...Deno.readDirSync(url)]
    .map((entry) => entry.name)
    .filter((name) => name.endsWith(".ts") && !name.startsWith("_"))
    .sort();
  return await Promise.all(
    names.map(async (name) => [name, await import(new URL(name, url).href)] as [string, Record<string, unknown>]),
  );
}

/** Every mutant under testdata/mutants. */
export async function loadMutants(): Promise<Mutant[]> {
  return (await modulesIn("mutants")).map(([file, module]) => ({
    file,
    target: module.default as HalTarget,
    breaks: module.breaks as string[],
    maxSteps: (module.maxSteps as number | undefined) ?? 8,
    ownTest: module.heavy === true || module.flaky === true,
  }));
}

/**
 * Every legal (if unusual) HAL under testdata/legal; with `heavy`, those that drain gigabytes or declare thousands of
 * regions (each tested on its own by an `*_edges_test.ts` file) too; without the fixtures named in `except` (as
 * `legal/<file>`, the way edge verdicts name them).
 */
export async function loadLegalHals(
  options: { heavy?: boolean; except?: readonly string[] } = {},
): Promise<HalTarget[]> {
  return (await modulesIn("legal"))
    .filter(([, module]) => options.heavy || module.heavy !== true)
    .filter(([file]) => !options.except?.includes(`legal/${file.slice(0, -".ts".length)}`))
    .map(([, module]) => module.default as HalTarget);
}

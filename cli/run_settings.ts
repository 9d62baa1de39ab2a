/**
 * How halconf's command line is best started: the V8 and malloc settings measured for a run (DESIGN.md, "The default
 * run's V8 and malloc settings are measured"). A launch flag cannot be set from inside the process (V8 freezes its
 * flags when it starts), so every command that starts halconf has to say them: this repository's `deno task conform`
 * and `deno task halconf`, the project `halconf init` writes, and the Rust adapter's `testing::conform` (each held to
 * these by a test).
 *
 * @module
 */

/**
 * V8's flags: an 8 MiB young generation, and no TurboFan (a filter that matches no function), Maglev being the top
 * tier. On the Rust example's full run: 0.53 s wall and 0.63 s of CPU against 0.61 and 0.81 s with the 4 MiB young
 * generation alone (medians of 7 alternated runs).
 *
 * @example
 * ```ts
 * import { V8_FLAGS } from "./run_settings.ts";
 *
 * V8_FLAGS; // "--v8-flags=--max-semi-space-size=8,--turbo-filter=~"
 * ```
 */
export const V8_FLAGS = "--v8-flags=--max-semi-space-size=8,--turbo-filter=~";

/**
 * The environment: glibc's malloc with two arenas, not one per V8 thread, each keeping what it freed.
 *
 * @example
 * ```ts
 * import { RUN_ENVIRONMENT } from "./run_settings.ts";
 *
 * RUN_ENVIRONMENT.MALLOC_ARENA_MAX; // "2"
 * ```
 */
export const RUN_ENVIRONMENT: Readonly<Record<string, string>> = { MALLOC_ARENA_MAX: "2" };

/**
 * The start of a `deno task` line that runs halconf's command line `cli` with `permissions`.
 *
 * @example
 * ```ts
 * import { taskCommand } from "./run_settings.ts";
 *
 * taskCommand("-A", "cli/main.ts");
 * // "MALLOC_ARENA_MAX=2 deno run -A --v8-flags=--max-semi-space-size=8,--turbo-filter=~ cli/main.ts"
 * ```
 */
export function taskCommand(permissions: string, cli: string): string {
  const environment = Object.entries(RUN_ENVIRONMENT).map(([name, value]) => `${name}=${value} `).join("");
  return `${environment}deno run ${permissions} ${V8_FLAGS} ${cli}`;
}

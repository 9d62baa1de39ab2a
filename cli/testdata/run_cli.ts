/** Runs the real `halconf` command line as a subprocess, for the CLI tests. */

/** What a run printed and its exit code. */
export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** The halconf checkout. */
export const ROOT: string = decodeURIComponent(new URL("../../", import.meta.url).pathname);
/** The CLI entry point. */
export const MAIN: string = `${ROOT}cli/main.ts`;

/** A HAL whose `irqFetch` never returns, with a check it passes first and one it hangs in (arguments of the CLI). */
export const HANGS_AFTER_A_PASS: readonly string[] = [
  "--hal",
  "cli/testdata/hangs_in_irq_fetch.ts",
  "--check",
  "alloc.unique",
  "--check",
  "irq.idle",
];

/** Runs `halconf args...` with every permission the `conform` task grants. */
export async function runCli(
  args: string[],
  options: { cwd?: string; env?: Record<string, string> } = {},
): Promise<CliRun> {
  const output = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--quiet",
      `--config=${ROOT}deno.json`,
      "--allow-read",
      "--allow-write",
      "--allow-run",
      "--allow-env",
      MAIN,
      ...args,
    ],
    cwd: options.cwd ?? ROOT,
    env: { NO_COLOR: "1", ...options.env },
    stdin: "null",
  }).output();
  const decoder = new TextDecoder();
  return { code: output.code, stdout: decoder.decode(output.stdout), stderr: decoder.decode(output.stderr) };
}

/** Spawns `halconf args...` without waiting, for signal tests. */
export function spawnCli(args: string[]): Deno.ChildProcess {
  return new Deno.Command(Deno.execPath(), {
    args: ["run", "--quiet", `--config=${ROOT}deno.json`, "-A", MAIN, ...args],
    cwd: ROOT,
    env: { NO_COLOR: "1" },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
}

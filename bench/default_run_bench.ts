/**
 * The wall time of the default run as users start it: `deno task conform` in a fresh process each time (every
 * reference HAL, every check, 200 programs), so that start-up, module loading and the JIT's warm-up count. Against a
 * run without the warm-up pass (`--no-warm-up`, the baseline), and with one lane (`--jobs 1`).
 */

const ROOT = new URL("..", import.meta.url);

async function conform(...flags: string[]): Promise<void> {
  const { code, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["task", "-q", "conform", "--seed", "1", ...flags],
    cwd: ROOT,
    stdout: "null",
    stderr: "piped",
  }).output();
  if (code !== 0) throw new Error(`deno task conform exited ${code}: ${new TextDecoder().decode(stderr).slice(-400)}`);
}

const group = "default run: deno task conform in a fresh process";

// Async functions, not arrows that return a promise: \`deno bench\` awaits only what it sees is async.
Deno.bench({
  name: "without the warm-up (--no-warm-up)",
  group,
  baseline: true,
  n: 6,
  warmup: 1,
  async fn() {
    await conform("--no-warm-up");
  },
});
Deno.bench({
  name: "as it runs by default (warm-up, two lanes)",
  group,
  n: 6,
  warmup: 1,
  async fn() {
    await conform();
  },
});
Deno.bench({
  name: "one lane (--jobs 1)",
  group,
  n: 6,
  warmup: 1,
  async fn() {
    await conform("--jobs", "1");
  },
});

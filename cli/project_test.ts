/** halconf from a HAL author's own project: their deno.json applies, their root is readable, nothing is written. */
import assert from "node:assert/strict";
import { ROOT, runCli } from "./testdata/run_cli.ts";

async function snapshot(dir: string): Promise<string[]> {
  const out: string[] = [];
  for await (const entry of Deno.readDir(dir)) {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory) out.push(...await snapshot(path));
    else out.push(`${path} ${(await Deno.stat(path)).size}`);
  }
  return out.sort();
}

Deno.test("a HAL in its own project: its import map, a sibling folder and @halconf/halconf all resolve", async () => {
  const project = await Deno.makeTempDir({ prefix: "halconf_project_" });
  try {
    await Deno.mkdir(`${project}/src/lib`, { recursive: true });
    await Deno.mkdir(`${project}/tests`);
    await Deno.writeTextFile(
      `${project}/deno.json`,
      JSON.stringify({ imports: { "#lib/": "./src/lib/", "@halconf/halconf": "jsr:@halconf/halconf@^0.1.0" } }),
    );
    await Deno.writeTextFile(`${project}/src/lib/consts.ts`, "export const RAM_START = 0x8000_0000n;\n");
    await Deno.writeTextFile(`${project}/src/name.ts`, 'export const NAME = "project-hal";\n');
    await Deno.writeTextFile(
      `${project}/tests/hal.ts`,
      [
        'import { RAM_START } from "#lib/consts.ts";',
        'import { NAME } from "../src/name.ts";',
        'import { identityHal, type HalTarget } from "@halconf/halconf";',
        "const base = identityHal({ memory: [{ start: RAM_START, size: 0x10_0000n }] });",
        "export default { ...base, name: NAME } satisfies HalTarget;",
        "",
      ].join("\n"),
    );
    const lock = await Deno.readTextFile(`${ROOT}deno.lock`);
    const before = await snapshot(project);
    const run = await runCli(["--hal", "./tests/hal.ts", "--check", "alloc.*", "--format", "json"], { cwd: project });
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(JSON.parse(run.stdout).targets, ["project-hal"]);
    assert.equal(await Deno.readTextFile(`${ROOT}deno.lock`), lock, "halconf's lock file is untouched");
    assert.deepEqual(await snapshot(project), before, "nothing is written into the project");
  } finally {
    await Deno.remove(project, { recursive: true });
  }
});

Deno.test("a denied read names what halconf grants, not a Deno flag halconf does not have", async () => {
  const run = await runCli(["--hal", "cli/testdata/reads_file.ts", "--check", "free.accept", "--format", "json"]);
  assert.equal(run.code, 1);
  const [result] = JSON.parse(run.stdout).results;
  assert.match(
    result.reason,
    /asked for read access to "\/etc\/hostname": denied by the sandbox \(a HAL may read its own project's folder and halconf/,
  );
  assert.doesNotMatch(run.stdout, /--allow-read/);
});

/** The driver is the only code that imports a HAL: it must hold nothing that decides a verdict. */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../", import.meta.url));

Deno.test("the TypeScript driver's module graph holds no judge, model, check, runner, CLI or fast-check", async () => {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["info", "--json", `--config=${ROOT}deno.json`, `${ROOT}driver/ts_driver.ts`],
    stdout: "piped",
  }).output();
  const modules = (JSON.parse(new TextDecoder().decode(output.stdout)).modules as { specifier: string }[])
    .map((module) => module.specifier);
  assert.ok(modules.some((specifier) => specifier.endsWith("conformance/program/executor.ts")), "the graph was read");
  const forbidden =
    /conformance\/(judge\/|checks\/|run\/|program\/arbitraries)|fast-check|driver\/(session|trace_reader)|\/cli\//;
  assert.deepEqual(modules.filter((specifier) => forbidden.test(specifier)), []);
});

import assert from "node:assert/strict";
import { RUN_ENVIRONMENT, taskCommand, V8_FLAGS } from "./run_settings.ts";

const root = new URL("../", import.meta.url);

Deno.test("this repository's tasks start halconf with the measured settings", async () => {
  const config = JSON.parse(await Deno.readTextFile(new URL("deno.json", root)));
  const permissions = "--allow-read --allow-run --allow-write --allow-env";
  assert.equal(config.tasks.conform, `${taskCommand(permissions, "cli/main.ts")} conform`);
  assert.equal(config.tasks.halconf, taskCommand(permissions, "cli/main.ts"));
});

Deno.test("the Rust adapter's testing::conform passes the same flags and environment", async () => {
  const source = await Deno.readTextFile(new URL("adapters/rust/src/testing.rs", root));
  // The flag and each variable, as Rust string literals.
  assert.ok(source.includes(`"${V8_FLAGS}"`), `testing.rs does not pass ${V8_FLAGS}`);
  for (const [name, value] of Object.entries(RUN_ENVIRONMENT)) {
    assert.ok(source.includes(`.env("${name}", "${value}")`), `testing.rs does not set ${name}=${value}`);
  }
});

import assert from "node:assert/strict";
import { pathToFileURL } from "node:url";
import { findProject, importMapFor } from "./project.ts";

Deno.test("a HAL's project is the nearest deno.json above it; its map is made absolute and halconf is bound", async () => {
  const dir = await Deno.makeTempDir({ prefix: "halconf_project_" });
  try {
    await Deno.mkdir(`${dir}/tests/deep`, { recursive: true });
    await Deno.writeTextFile(
      `${dir}/deno.jsonc`,
      `{
  // comments and trailing commas, as deno.jsonc allows
  "imports": { "#lib/": "./src/lib/", "left": "npm:left-pad@1", "@halconf/halconf": "jsr:@halconf/halconf@^0.1.0", },
  "scopes": { "./vendor/": { "x": "./x.ts" } },
}`,
    );
    await Deno.writeTextFile(`${dir}/deno.lock`, "{}");
    const project = findProject(`${dir}/tests/deep/hal.ts`);
    assert.deepEqual(project, { root: dir, config: `${dir}/deno.jsonc`, lock: `${dir}/deno.lock` });
    const halconf = new URL("../", import.meta.url).pathname;
    const map = importMapFor(project, halconf);
    assert.equal(map.imports!["#lib/"], `${pathToFileURL(`${dir}/src/lib`).href}/`);
    assert.equal(map.imports!.left, "npm:left-pad@1");
    assert.equal(map.imports!["@halconf/halconf"], pathToFileURL(`${halconf}mod.ts`).href, "the running halconf");
    assert.equal(map.scopes![`${pathToFileURL(`${dir}/vendor`).href}/`].x, pathToFileURL(`${dir}/x.ts`).href);
    assert.equal(map.scopes![pathToFileURL(halconf).href]["fast-check"], "npm:fast-check@4.10.2");
    const bare = await Deno.makeTempDir({ prefix: "halconf_bare_" });
    try {
      assert.deepEqual(findProject(`${bare}/hal.ts`).root, bare, "no config above: the HAL's own folder");
    } finally {
      await Deno.remove(bare, { recursive: true });
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

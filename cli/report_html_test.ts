/**
 * The HTML matrix page in a real headless browser (Debian's chromium; `.ci/run` installs it). Chromium's
 * `--dump-dom` gives the DOM after the page's own script ran, so filters, deep links and escaping are checked as a
 * person's browser would show them; a screenshot at a phone's width checks that it renders there.
 */
import assert from "node:assert/strict";
import { escapeHtml } from "./report_html.ts";
import { runCli } from "./testdata/run_cli.ts";

const CHROMIUM = "/usr/bin/chromium";
const hasChromium = await Deno.stat(CHROMIUM).then(() => true, () => false);
if (!hasChromium) console.log("cli/report_html_test.ts: browser tests skipped: chromium is not installed");

async function chromium(args: string[]): Promise<string> {
  const profile = await Deno.makeTempDir({ prefix: "halconf_chromium_" });
  try {
    const output = await new Deno.Command(CHROMIUM, {
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        `--user-data-dir=${profile}`,
        ...args,
      ],
      stdout: "piped",
      stderr: "null",
    }).output();
    return new TextDecoder().decode(output.stdout);
  } finally {
    await Deno.remove(profile, { recursive: true });
  }
}

/** A report of three HALs (one correct, one broken, one whose messages carry markup), as the CLI writes it. */
async function writeReport(dir: string): Promise<string> {
  await Deno.writeTextFile(
    `${dir}/markup.ts`,
    `import { identityHal } from "${new URL("../impls/mod.ts", import.meta.url).href}";
const base = identityHal();
export default { ...base, name: "markup <b>hal</b>", create(host) {
  const hal = base.create(host);
  return { ...hal, virtToPhys: () => { throw new Error("<script>document.body.dataset.pwned = 'yes'</script>"); } };
} };
`,
  );
  const path = `${dir}/report.html`;
  const run = await runCli([
    "--target",
    "identity",
    "--hal",
    "conformance/testdata/mutants/free_list_slip.ts",
    "--hal",
    `${dir}/markup.ts`,
    "--seed",
    "12",
    "--report",
    path,
  ]);
  assert.equal(run.code, 1, run.stderr);
  return path;
}

Deno.test({
  name: "the matrix page works in a real browser: filters, deep links, escaping, a phone's width",
  ignore: !hasChromium,
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "halconf_html_" });
    try {
      const path = await writeReport(dir);
      const page = await Deno.readTextFile(path);
      assert.doesNotMatch(page, /https?:\/\/(?!jsr\.io)/, "self-contained: nothing loaded from the network");

      const dom = await chromium(["--dump-dom", `file://${path}`]);
      assert.match(dom, /data-filter="error,fail,incomplete,pass,skip,timeout\|all"/, "the page's script ran");
      assert.doesNotMatch(dom, /data-pwned/, "a HAL's message is text, never markup");
      assert.ok(dom.includes(escapeHtml("markup <b>hal</b>")), "the HAL's name is shown escaped");
      assert.equal(dom.match(/<script>/g)?.length, 1, "the only script is the page's own");
      const rows = (html: string) => [...html.matchAll(/<tr data-family="(\w+)"( hidden="")?>/g)];
      assert.ok(rows(dom).length >= 20 && rows(dom).every((row) => !row[2]), "all rows shown by default");
      assert.match(dom, /title="profile declares no cpuNodes"/, "skip reasons on hover");

      // The broken allocator fails every ALLOC row; the XLATE family has rows failed by some HAL and rows all pass.
      const failing = await chromium(["--dump-dom", `file://${path}#status=fail&family=XLATE`]);
      const shown = rows(failing).filter((row) => !row[2]);
      assert.ok(shown.length > 0 && shown.every((row) => row[1] === "XLATE"), "only XLATE rows with a failure");
      assert.ok(rows(failing).some((row) => row[1] === "XLATE" && row[2]), "XLATE rows without one are hidden");

      const card = /<details id="(r-\d+)" data-status="fail"/.exec(page)![1];
      const opened = await chromium(["--dump-dom", `file://${path}#${card}`]);
      assert.match(opened, new RegExp(`<details id="${card}" data-status="fail"[^>]* open=""`), "a link opens it");
      assert.match(opened, /replay: <code>deno run -A /);
      assert.match(opened, /<pre>1\. /, "the numbered counterexample");

      await chromium(["--window-size=390,844", `--screenshot=${dir}/phone.png`, `file://${path}`]);
      const png = await Deno.readFile(`${dir}/phone.png`);
      const view = new DataView(png.buffer);
      assert.equal(view.getUint32(16), 390, "rendered at a phone's width");
      assert.ok(png.length > 10_000, "something was drawn");
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test("merge writes the matrix page from shards", async () => {
  const dir = await Deno.makeTempDir({ prefix: "halconf_html_" });
  try {
    const common = ["--target", "identity", "--check", "alloc.*", "--seed", "3", "--runs", "20", "--format", "json"];
    for (const shard of [1, 2]) await runCli([...common, "--shard", `${shard}/2`, "--report", `${dir}/s${shard}.json`]);
    const merged = await runCli(["merge", `${dir}/s1.json`, `${dir}/s2.json`, "--format", "html"]);
    assert.equal(merged.code, 0, merged.stderr);
    assert.match(merged.stdout, /^<!doctype html>/);
    assert.equal(merged.stdout.match(/<tr data-family=/g)?.length, 5);
    const file = await runCli(["merge", `${dir}/s1.json`, `${dir}/s2.json`, "--report", `${dir}/m.html`]);
    assert.equal(file.code, 0);
    assert.match(await Deno.readTextFile(`${dir}/m.html`), /halconf conformance matrix/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

/** PROTOCOL.md cannot drift from the code: its example runs against the real driver, its tables match the code. */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { OPTIONAL_METHODS } from "../conformance/program/executor.ts";
import { OPERATION_KINDS } from "../conformance/program/program.ts";
import { EVENT_PREFIXES } from "./answer_codec.ts";
import { HANDSHAKE_KEYWORDS } from "./handshake.ts";
import { LIMITS, PROTOCOL_VERSION } from "./wire.ts";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const doc = await Deno.readTextFile(`${ROOT}PROTOCOL.md`);

Deno.test("PROTOCOL.md's example is what the TypeScript driver really says", async () => {
  const example = /## Example[\s\S]*?```text\n([\s\S]*?)```/.exec(doc)?.[1];
  assert.ok(example, "PROTOCOL.md has an example block");
  const lines = example.trimEnd().split("\n");
  const sent = lines.filter((line) => line.startsWith("> ")).map((line) => line.slice(2));
  const expected = lines.filter((line) => line.startsWith("< ")).map((line) => line.slice(2));
  const driver = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--quiet",
      "--no-prompt",
      `--config=${ROOT}deno.json`,
      `--allow-read=${ROOT}`,
      `${ROOT}driver/ts_driver.ts`,
      "reference:identity",
      ROOT,
    ],
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const writer = driver.stdin.getWriter();
  await writer.write(new TextEncoder().encode(sent.map((line) => `${line}\n`).join("")));
  await writer.close();
  const output = await driver.output();
  assert.equal(output.code, 0, new TextDecoder().decode(output.stderr));
  assert.deepEqual(new TextDecoder().decode(output.stdout).trimEnd().split("\n"), expected);
});

Deno.test("PROTOCOL.md names every operation, handshake line, answer token, method and limit the code has", () => {
  assert.match(doc, new RegExp(`^# The halconf driver protocol, version ${PROTOCOL_VERSION}$`, "m"));
  for (const kind of OPERATION_KINDS) assert.match(doc, new RegExp(`\\| \`${kind}(:|\`)`), `operation ${kind}`);
  for (const keyword of HANDSHAKE_KEYWORDS) {
    assert.match(doc, new RegExp(`\\| \`${keyword}( |\`)`), `handshake ${keyword}`);
  }
  for (const prefix of EVENT_PREFIXES) assert.ok(doc.includes(`\`${prefix}`), `answer token ${prefix}`);
  for (const method of OPTIONAL_METHODS) assert.ok(doc.includes(method), `method ${method}`);
  // Each limit has its own row, found by words from its description, holding its value.
  const rows: Record<keyof typeof LIMITS, RegExp> = {
    lineBytes: /longest line/,
    batchPrograms: /programs in one `run`/,
    programLength: /operations in one program/,
    fillFrames: /calls in one `fill`/,
    handshakeBytes: /handshake, before `ready`/,
    eventsPerStep: /tokens in one step/,
    outputBytes: /HAL output kept per check/,
  };
  const table = doc.slice(doc.indexOf("## Limits")).split("\n").filter((line) => line.startsWith("|"));
  for (const [name, value] of Object.entries(LIMITS)) {
    const row = table.find((line) => rows[name as keyof typeof LIMITS].test(line));
    assert.ok(row?.includes(String(value)), `limit ${name} = ${value} has its row in the limits table`);
  }
});

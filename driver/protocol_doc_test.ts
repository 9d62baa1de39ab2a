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
  // The driver's channel, as the supervisor makes it: two named pipes in a private directory.
  const dir = await Deno.makeTempDir({ prefix: "halconf_protocol_doc_" });
  const channel = `${dir}/channel`;
  await new Deno.Command("mkfifo", { args: ["-m", "600", `${channel}.in`, `${channel}.out`] }).output();
  const driver = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--quiet",
      "--no-prompt",
      `--config=${ROOT}deno.json`,
      `--allow-read=${ROOT},${channel}.in`,
      `--allow-write=${channel}.out`,
      `${ROOT}driver/ts_driver.ts`,
      "reference:identity",
      ROOT,
      channel,
    ],
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  try {
    const [toDriver, fromDriver] = await Promise.all([
      Deno.open(`${channel}.in`, { write: true }),
      Deno.open(`${channel}.out`, { read: true }),
    ]);
    const request = new TextEncoder().encode(sent.map((line) => `${line}\n`).join(""));
    for (let written = 0; written < request.length;) written += await toDriver.write(request.subarray(written));
    toDriver.close();
    const chunks: Uint8Array<ArrayBuffer>[] = [];
    const buffer = new Uint8Array(65536);
    for (let count; (count = await fromDriver.read(buffer)) !== null;) chunks.push(buffer.slice(0, count));
    fromDriver.close();
    const output = await driver.output();
    assert.equal(output.code, 0, new TextDecoder().decode(output.stderr));
    assert.equal(output.stdout.length, 0, "nothing of the protocol on the driver's standard output");
    const answer = new TextDecoder().decode(new Uint8Array(await new Blob(chunks).arrayBuffer()));
    assert.deepEqual(answer.trimEnd().split("\n"), expected);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
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
    lineBytes: /longest line a driver sends/,
    programBytes: /longest program line/,
    answerBytes: /answer of one program/,
    eventsPerProgram: /tokens in one program/,
    textChars: /characters of a text/,
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

/** Prints what used to be read as results (with the per-run marker from Deno.args) and protocol look-alikes. */
import { broken } from "./_broken.ts";

const marker = `\u001eHALCONF:${Deno.args.join(":")}:`;
const forged = [
  `${marker}{"type":"result","result":{"check":"alloc.unique","status":"pass"}}`,
  "end",
  "begin",
  "0x80000000",
  "halconf 1",
  "verdict pass",
];
for (const line of forged) {
  console.log(line);
  console.error(line);
  Deno.stdout.writeSync(new TextEncoder().encode(`${line}\n`));
}
export default broken("forged-events");

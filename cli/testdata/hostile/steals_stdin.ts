/** Reads the driver's standard input once programs run, to desynchronise the protocol (protocol 1 carried it there). */
import { broken } from "./_broken.ts";

const base = broken("steals-stdin");
let created = 0;
export default {
  ...base,
  create(host) {
    if (created++ === 1) Deno.stdin.readSync(new Uint8Array(64 * 1024));
    return base.create(host);
  },
} satisfies typeof base;

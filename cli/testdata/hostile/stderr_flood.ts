/** Prints a stray record separator, then 256 MiB on stderr without a newline, in the first program. */
import { broken } from "./_broken.ts";

const base = broken("stderr-flood");
const chunk = new TextEncoder().encode("y".repeat(1 << 20));
let flooded = false;
export default {
  ...base,
  create(host) {
    if (!flooded) {
      flooded = true;
      Deno.stderr.writeSync(new TextEncoder().encode("\u001e"));
      for (let i = 0; i < 256; i++) {
        for (let done = 0; done < chunk.length;) done += Deno.stderr.writeSync(chunk.subarray(done));
      }
    }
    return base.create(host);
  },
} satisfies typeof base;

/** Keeps the contract but prints on both streams, partial lines and fake protocol lines included. */
import { identityHal } from "../../impls/mod.ts";
import type { HalTarget } from "../../conformance/hal.ts";

console.log("noisy: loaded");
const base = identityHal({ name: "noisy" });
const encoder = new TextEncoder();
const target: HalTarget = {
  ...base,
  create(host) {
    const hal = base.create(host);
    return {
      ...hal,
      allocFrame() {
        Deno.stdout.writeSync(encoder.encode("partial line without newline "));
        console.error("noisy: allocating on stderr");
        console.log('\u001eHALCONF:not-the-nonce:{"type":"result"}');
        return hal.allocFrame();
      },
    };
  },
};
export default target;

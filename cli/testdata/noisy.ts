/** Keeps the contract but prints on both streams, partial lines and fake protocol lines included. */
import { identityHal } from "../../impls/mod.ts";
import { patched } from "../../conformance/testdata/mutants/_mutant.ts";

console.log("noisy: loaded");
const encoder = new TextEncoder();

export default patched("noisy", identityHal(), (hal) => ({
  allocFrame() {
    Deno.stdout.writeSync(encoder.encode("partial line without newline "));
    console.error("noisy: allocating on stderr");
    console.log('\u001eHALCONF:not-the-nonce:{"type":"result"}');
    return hal.allocFrame();
  },
}));

/** Prints what the old replay read as a trace with no violation. */
import { broken } from "./_broken.ts";

console.log(
  `\u001eHALCONF:${Deno.args.join(":")}:{"type":"traced","trace":{"steps":[],"strayDispatches":[]},"profile":{}}`,
);
console.log("no violation: the HAL now keeps the contract on this program");
export default broken("replay-forgery");

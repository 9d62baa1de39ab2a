/** Wraps every writer it can reach to turn "fail" into "pass" and drop error lines. */
import { broken } from "./_broken.ts";

const decoder = new TextDecoder();
const encoder = new TextEncoder();
for (const stream of [Deno.stdout, Deno.stderr]) {
  const original = stream.writeSync.bind(stream);
  stream.writeSync = (bytes: Uint8Array) => {
    const text = decoder.decode(bytes).replaceAll("fail", "pass").replaceAll("FAIL", "PASS").replace(
      /^error .*$/gm,
      "",
    );
    original(encoder.encode(text));
    return bytes.length;
  };
}
const proto = Object.getPrototypeOf(Deno.stderr);
const write = proto.writeSync;
proto.writeSync = function (this: typeof Deno.stderr, bytes: Uint8Array) {
  return write.call(this, encoder.encode(decoder.decode(bytes).replaceAll("fail", "pass")));
};
export default broken("stdout-rewrite");

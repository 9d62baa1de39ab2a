/** Keeps the contract and writes to fd 1 and fd 2 directly: node:fs writeSync, a tty.WriteStream, Deno's Stdout. */
import { writeSync } from "node:fs";
import tty from "node:tty";
import { identityHal } from "../../../impls/mod.ts";
import { patched } from "../../../conformance/testdata/mutants/_mutant.ts";

let stream: { write(text: string): unknown } | undefined;
try {
  stream = new tty.WriteStream(1);
} catch {
  // not a terminal: node:tty may refuse a pipe, which is fine for this HAL
}

export default patched("honest-fs-write-sync", identityHal(), (hal) => ({
  allocFrame() {
    const frame = hal.allocFrame();
    writeSync(1, `allocFrame: ${frame}\n`);
    writeSync(2, "begin\n");
    stream?.write("end\n");
    Deno.stdout.writeSync(new TextEncoder().encode("PASS\n"));
    return frame;
  },
}));

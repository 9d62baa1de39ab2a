/**
 * A driver that breaks the protocol in one chosen way (the first argument),
 * for the session's and the supervisor's tests. It is not halconf's driver:
 * it answers every program honestly with the identity reference HAL (through
 * halconf's own executor and codecs), on the channel `HALCONF_CHANNEL` names
 * (protocol 2), and breaks the protocol by hand where its mode says.
 */
import { executeProgram, OPTIONAL_METHODS, probeTarget } from "../../conformance/program/executor.ts";
import { declaredProfile, validateProfile } from "../../conformance/contract/profile.ts";
import { identityHal } from "../../impls/mod.ts";
import { decodeProgram } from "../program_codec.ts";
import { answerLines, encodeBegin, encodeStep } from "../answer_codec.ts";
import { encodeHandshake } from "../handshake.ts";

const mode = Deno.args[0];
const encoder = new TextEncoder();

if (mode === "version1") {
  // A driver built for protocol 1: it speaks on its standard output and reads its standard input.
  Deno.stdout.writeSync(
    encoder.encode(`halconf 1\nname fake-version1\nregion 0x80000000 0x100000 0\nmethods\nready\n`),
  );
  for await (const _ of Deno.stdin.readable) { /* until the end of its input */ }
  Deno.exit(0);
}

const channel = Deno.env.get("HALCONF_CHANNEL")!;
const input = await Deno.open(`${channel}.in`, { read: true });
const output = await Deno.open(`${channel}.out`, { write: true });
const out = (text: string) => {
  const bytes = encoder.encode(text);
  for (let done = 0; done < bytes.length;) done += output.writeSync(bytes.subarray(done));
};
const print = (text: string) => Deno.stdout.writeSync(encoder.encode(text));

const target = identityHal();
const profile = validateProfile(target.profile);
const handshake = encodeHandshake({
  version: mode === "version3" ? 3 : 2,
  name: `fake-${mode}`,
  profile: declaredProfile(profile),
  methods: [...probeTarget(target).methods],
});
out(handshake.join("\n") + "\n");

const decoder = new TextDecoder();
let pending = "";
const lines = async function* () {
  const buffer = new Uint8Array(65536);
  for (;;) {
    const count = await input.read(buffer);
    if (count === null) return;
    pending += decoder.decode(buffer.subarray(0, count), { stream: true });
    let at;
    while ((at = pending.indexOf("\n")) >= 0) {
      yield pending.slice(0, at);
      pending = pending.slice(at + 1);
    }
  }
}();

/** The identity HAL's honest answer to a program line, as halconf's own driver would give it. */
function honest(line: string, fillLimit: number): string {
  const trace = executeProgram(target, profile, decodeProgram(line), {
    fillLimit,
    methods: new Set(OPTIONAL_METHODS),
  });
  const lines = [encodeBegin(trace)];
  for (const step of trace.steps) lines.push(...answerLines(encodeStep(step, profile.frameSize)));
  return lines.join("\n") + "\n";
}

const forever = () => new Promise(() => setInterval(() => {}, 1_000));

for (;;) {
  const header = (await lines.next()).value as string | undefined;
  if (header === undefined || header === "quit") Deno.exit(0);
  const [, fill, count] = header.split(" ").map(Number);
  for (let n = 0; n < count; n++) {
    const program = (await lines.next()).value as string;
    switch (mode) {
      case "oversize":
        out("begin\n");
        for (let i = 0; i < 40; i++) out("7".repeat(1 << 20));
        out("\n");
        break;
      case "amplify":
        out("begin\n" + "0x1 ".repeat(4_000_000) + "0x1\n");
        break;
      case "verdict":
        out("PASS\n");
        break;
      case "extra-token":
        out(honest(program, fill).replace(/\n$/, " ok\n"));
        break;
      case "exit-mid":
        if (n === 1) Deno.exit(3);
        out(honest(program, fill));
        break;
      case "fork-exit-mid":
        // A sleeper that inherits everything (its output, and the channel through the environment), then an exit.
        if (n === 1) {
          new Deno.Command("sleep", { args: ["313"], stdout: "inherit", stderr: "inherit" }).spawn();
          Deno.exit(3);
        }
        out(honest(program, fill));
        break;
      case "silent":
        await forever();
        break;
      case "stdout-logging":
        // Printing is what a HAL does: none of it is the protocol.
        print(`allocFrame: ${n}\nbegin\nPASS\n`);
        out(honest(program, fill));
        break;
      case "empty-continuation":
        out("begin\n+\n");
        break;
      case "garbage":
        // Whatever bytes the file holds, as the answer to each program (the session's fuzz test writes them).
        output.writeSync(Deno.readFileSync(Deno.args[1]));
        break;
      case "irq-flood":
        out("begin\n");
        for (const token of honest(program, fill).split("\n").slice(1, -1)) out(`${token}${" irq:1".repeat(9_000)}\n`);
        break;
      default:
        out(honest(program, fill));
    }
  }
  switch (mode) {
    case "no-end":
      await forever();
      break;
    case "error-end":
      out("error I%20give%20up\n");
      break;
    case "extra-answer":
      out("begin\n0x80000000\nend\n");
      break;
    case "after-end":
      out("end\nbegin\n");
      break;
    default:
      out("end\n");
  }
}

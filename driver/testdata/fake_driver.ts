/**
 * A driver that breaks the protocol in one chosen way (the first argument),
 * for the session's tests. It is not halconf's driver: it answers by hand.
 */
const mode = Deno.args[0];
const encoder = new TextEncoder();
const out = (text: string) => {
  const bytes = encoder.encode(text);
  for (let done = 0; done < bytes.length;) done += Deno.stdout.writeSync(bytes.subarray(done));
};

out(mode === "version2" ? "halconf 2\n" : "halconf 1\n");
out(`name fake-${mode}\nregion 0x80000000 0x100000 0\nmethods\nready\n`);

const decoder = new TextDecoder();
let pending = "";
const lines = async function* () {
  for await (const chunk of Deno.stdin.readable) {
    pending += decoder.decode(chunk);
    let at;
    while ((at = pending.indexOf("\n")) >= 0) {
      yield pending.slice(0, at);
      pending = pending.slice(at + 1);
    }
  }
}();

/** A fresh bump allocator per program: alloc-only programs, answered correctly. */
function honest(program: string): string {
  let next = 0x8000_0000n;
  const steps = program.split(" ").map(() => {
    const frame = next;
    next += 0x1000n;
    return `0x${frame.toString(16)}`;
  });
  return ["begin", ...steps].join("\n") + "\n";
}

for (;;) {
  const header = (await lines.next()).value as string | undefined;
  if (header === undefined) Deno.exit(0);
  const count = Number(header.split(" ")[2]);
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
        out(honest(program).replace(/\n$/, " ok\n"));
        break;
      case "exit-mid":
        if (n === 1) Deno.exit(3);
        out(honest(program));
        break;
      case "silent":
        await new Promise(() => setInterval(() => {}, 1_000));
        break;
      case "garbage-stdout":
        out("I am printing a debug line here\n");
        break;
      default:
        out(honest(program));
    }
  }
  out("end\n");
}

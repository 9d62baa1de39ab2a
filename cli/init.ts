/**
 * The `init` command: scaffolds a standalone project with a custom HAL that
 * passes the suite, a `deno.json` that takes halconf from its package (with
 * `conform` and `test` tasks), a README and a GitHub Actions workflow that
 * gates on conformance. Nothing in it names the halconf checkout it was made
 * from, unless `--link` asks for a (relative) link to it.
 *
 * @module
 */

import { relative, resolve } from "node:path";
import { UsageError } from "./exit_codes.ts";

const HAL_TEMPLATE = `/**
 * A HAL for halconf: identity-mapped RAM, a bump allocator with a free list,
 * and an interrupt controller. Replace the bodies with calls into your own
 * implementation (or an adapter to it) and keep \`deno task conform\` green.
 */
import type { HalHost, HalInstance, HalTarget } from "@halconf/halconf";

const FRAME = 0x1000n;
const RAM = { start: 0x8000_0000n, size: 0x10_0000n }; // 1 MiB: 256 frames
const NONE = 1023; // what irqFetch returns with nothing pending (the GIC's spurious id)

function create(host: HalHost): HalInstance {
  let next = RAM.start; // frames below this were handed out at least once
  const freeList: bigint[] = [];
  const live = new Set<bigint>();
  const memory = new Map<bigint, Uint8Array>(); // frame -> bytes, only frames written to
  const pending = new Set<number>(); // lines in the order they became pending
  const inRam = (paddr: bigint) => paddr >= RAM.start && paddr < RAM.start + RAM.size;
  const frameOf = (paddr: bigint) => paddr - paddr % FRAME;
  const lowestPending = () => pending.size === 0 ? NONE : Math.min(...pending);

  return {
    allocFrame() {
      let frame = freeList.pop();
      if (frame === undefined && next < RAM.start + RAM.size) {
        frame = next;
        next += FRAME;
      }
      if (frame === undefined) return null;
      live.add(frame);
      memory.delete(frame); // zeroedFrames: a fresh frame reads as zeros
      return frame;
    },
    deallocFrame(paddr) {
      if (!live.delete(paddr)) throw new RangeError(\`Cannot free \${paddr.toString(16)}: not a live frame\`);
      freeList.push(paddr);
    },
    physToVirt(paddr) {
      if (!inRam(paddr)) throw new RangeError(\`\${paddr.toString(16)} is not in RAM\`);
      return paddr;
    },
    virtToPhys(vaddr) {
      if (!inRam(vaddr)) throw new RangeError(\`\${vaddr.toString(16)} is not mapped\`);
      return vaddr;
    },
    irqFetch: lowestPending,
    irqHandler() {
      const irq = lowestPending();
      if (irq === NONE) return;
      pending.delete(irq);
      host.dispatchIrq(irq);
    },
    raiseIrq(irq) {
      if (!Number.isInteger(irq) || irq < 0 || irq >= 64 || irq === NONE) throw new RangeError(\`no IRQ line \${irq}\`);
      pending.add(irq);
    },
    readMemory(vaddr, length) {
      const out = new Uint8Array(length);
      for (let i = 0; i < length; i++) {
        const paddr = vaddr + BigInt(i);
        out[i] = memory.get(frameOf(paddr))?.[Number(paddr % FRAME)] ?? 0;
      }
      return out;
    },
    writeMemory(vaddr, bytes) {
      bytes.forEach((byte, i) => {
        const paddr = vaddr + BigInt(i);
        let page = memory.get(frameOf(paddr));
        if (!page) memory.set(frameOf(paddr), page = new Uint8Array(Number(FRAME)));
        page[Number(paddr % FRAME)] = byte;
      });
    },
  };
}

const target: HalTarget = {
  name: "my-hal",
  profile: {
    memory: [RAM],
    irq: { lines: 64, none: NONE, order: "lowest-first" },
    zeroedFrames: true,
    strictFree: true,
  },
  create,
};
export default target;
`;

const TEST_TEMPLATE = `import { testConformance } from "@halconf/halconf";
import target from "./hal.ts";

Deno.test("my-hal keeps the AxVCpuHal contract", (t) => testConformance(t, target, { seed: 1 }));
`;

const WORKFLOW_TEMPLATE = `# Gates every push and pull request on the AxVCpuHal contract.
name: halconf
on: [push, pull_request]
jobs:
  conform:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-node@v4
        with:
          node-version: 20
      - name: Install Deno from npm
        run: npm install -g deno@2
      - name: Conformance (halconf runs from its package, as deno.json says)
        run: >-
          deno task conform --seed "\${{ github.run_number }}" --format junit --report halconf-report.json
          --save-failures halconf-failures > halconf-junit.xml
      - name: The HAL's own tests
        run: deno task test
      - name: Keep the JUnit report, the JSON report and the counterexamples
        if: always()
        uses: actions/upload-artifact@v4
        with:
          name: halconf
          path: |
            halconf-junit.xml
            halconf-report.json
            halconf-failures/
`;

const PERMISSIONS = "--allow-read --allow-write --allow-run --allow-env";

/** The project's deno.json: halconf as a dependency, like any published package; optionally linked to a checkout. */
function denoJson(link: string | undefined): string {
  return JSON.stringify(
    {
      imports: { "@halconf/halconf": "jsr:@halconf/halconf@^0.1.0" },
      ...(link ? { links: [link] } : {}),
      tasks: {
        conform:
          `deno run ${PERMISSIONS} --v8-flags=--max-semi-space-size=4 jsr:@halconf/halconf/cli conform --hal ./hal.ts`,
        test: `deno test ${PERMISSIONS} hal_test.ts`,
      },
    },
    null,
    2,
  ) + "\n";
}

const README_TEMPLATE = `# my-hal

A HAL checked by [halconf](https://jsr.io/@halconf/halconf) against the ArceOS \`AxVCpuHal\` contract.

- \`deno task conform\`: the conformance suite, the HAL in a sandboxed process (exit 0: the contract is kept).
- \`deno task test\`: the same checks as \`deno test\` steps, in process.

\`deno.json\` takes halconf from its package, \`jsr:@halconf/halconf\`. To work offline, or with a halconf
checkout of your own, link it: add \`"links": ["../halconf"]\` (the path of the checkout) to \`deno.json\`, or create
the project with \`halconf init <dir> --link <path-to-halconf>\`. Editors and \`deno check\` resolve
\`@halconf/halconf\` the same way.
`;

/**
 * Writes the scaffold into `dir` and returns the paths written. Refuses a
 * directory that already has any of the files unless `force` is set.
 *
 * @example
 * ```ts ignore
 * await initProject("my-hal", false);
 * ```
 */
export async function initProject(dir: string, force: boolean, link?: string): Promise<string[]> {
  // A link is written relative to the project, so that moving both together keeps it.
  const relativeLink = link === undefined ? undefined : relative(resolve(dir), resolve(link)) || ".";
  if (link !== undefined) {
    try {
      await Deno.stat(`${link}/mod.ts`);
    } catch {
      throw new UsageError(`--link "${link}" is not a halconf checkout (no mod.ts there)`);
    }
  }
  const files: [string, string][] = [
    ["hal.ts", HAL_TEMPLATE],
    ["hal_test.ts", TEST_TEMPLATE],
    ["deno.json", denoJson(relativeLink)],
    ["README.md", README_TEMPLATE],
    [".github/workflows/halconf.yml", WORKFLOW_TEMPLATE],
  ];
  if (!force) {
    for (const [name] of files) {
      try {
        await Deno.lstat(`${dir}/${name}`);
        throw new UsageError(`Cannot init "${dir}": ${name} already exists (use --force to overwrite)`);
      } catch (error) {
        if (error instanceof UsageError) throw error;
      }
    }
  }
  const written: string[] = [];
  try {
    await Deno.mkdir(`${dir}/.github/workflows`, { recursive: true });
    for (const [name, text] of files) {
      await Deno.writeTextFile(`${dir}/${name}`, text);
      written.push(`${dir}/${name}`);
    }
  } catch (error) {
    throw new UsageError(`Cannot init "${dir}": ${(error as Error).message.split("\n")[0]}`);
  }
  return written;
}

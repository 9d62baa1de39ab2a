/**
 * Renders SPEC.md from the clauses and the catalogue, so that the document a
 * HAL author reads and the checks that run can never drift apart.
 *
 * Run `deno task spec` after changing a clause or a check.
 *
 * @module
 */

import { CHECKS } from "./catalogue.ts";
import { CLAUSE_FAMILIES, CLAUSES } from "./clauses.ts";

/**
 * The host a HAL calls into and the test ports that stand in for hardware, with exact signatures and an example of
 * each: a section of SPEC.md, and what `halconf explain host` (or `ports`, or any of their names) prints.
 */
export const HOST_AND_PORTS: string = `## The host and the test ports

\`create(host)\` receives the **host**: what the HAL calls into, as it would call its host kernel. The **test
ports** are optional methods of an instance that stand in for hardware, so that checks can observe the HAL; a HAL
without them skips the checks that need them, with the reason. A Rust HAL gets the same through
\`halconf_driver::host\` and the \`TestPorts\` trait (\`adapters/rust\`).

| TypeScript | Rust (\`adapters/rust\`) | what it is |
| --- | --- | --- |
| \`host.dispatchIrq(irq: number): void\` | \`host::dispatch_irq(irq: usize)\` | the host kernel's IRQ dispatcher: \`irqHandler\` calls it exactly once for the IRQ it handles; nothing else calls it (IRQ-5) |
| \`host.currentCpu(): number\` | \`host::current_cpu() -> usize\` | the CPU the caller runs on, \`0..cpus\`; programs move it (\`setCpu\`) to test per-CPU and NUMA code |
| \`raiseIrq?(irq: number): void\` | \`TestPorts::raise_irq(irq: usize)\` | asserts line \`irq\` on the simulated interrupt controller: it becomes pending. Every IRQ check needs it |
| \`readMemory?(vaddr: bigint, length: number): Uint8Array\` | \`TestPorts::read_memory(vaddr: usize, len: usize) -> Vec<u8>\` | reads \`length\` bytes through a virtual address \`physToVirt\` returned. MEM-1, MEM-2 and ALLOC-8 need it |
| \`writeMemory?(vaddr: bigint, bytes: Uint8Array): void\` | \`TestPorts::write_memory(vaddr: usize, bytes: &[u8])\` | writes bytes through such an address |

An example of each, in an instance whose controller serves the lowest pending line:

\`\`\`ts ignore
create(host: HalHost): HalInstance {
  const pending = new Set<number>();
  const pages = new Map<bigint, Uint8Array>(); // what each frame holds, by frame
  const frameOf = (vaddr: bigint) => (vaddr - OFFSET) & ~0xfffn;
  return {
    ...memoryFunctions, // allocFrame, deallocFrame, physToVirt, virtToPhys
    irqFetch: () => pending.size ? Math.min(...pending) : 1023,
    irqHandler() {
      const irq = this.irqFetch!();
      if (irq === 1023) return;
      pending.delete(irq); // acknowledged...
      host.dispatchIrq(irq); // ...and dispatched exactly once
    },
    raiseIrq: (irq) => void pending.add(irq), // the port: hardware asserting a line
    readMemory: (vaddr, length) => {
      const page = pages.get(frameOf(vaddr)) ?? new Uint8Array(4096);
      const at = Number(vaddr & 0xfffn);
      return page.slice(at, at + length);
    },
    writeMemory: (vaddr, bytes) => {
      const page = pages.get(frameOf(vaddr)) ?? new Uint8Array(4096);
      page.set(bytes, Number(vaddr & 0xfffn));
      pages.set(frameOf(vaddr), page);
    },
  };
}
// Per-CPU code asks the host where it runs: host.currentCpu() is 0 until a program switches CPUs.
\`\`\`
`;

const INTRO = `# The AxVCpuHal contract

This is the contract halconf checks: what an implementation of the ArceOS
hypervisor's \`AxVCpuHal\` trait (crate \`axvcpu\`) must do, clause by clause.
Each clause has a stable id, a level (MUST or SHOULD, as in RFC 2119), a
rule, the reason for it, and the checks that enforce it
(\`deno task halconf explain <check>\` prints one).

This file is generated from \`conformance/clauses.ts\` and the check catalogue
by \`deno task spec\`; a test fails when it is out of date.

## The trait

| Rust (trait method) | TypeScript (halconf) | meaning |
| --- | --- | --- |
| \`alloc_frame() -> Option<HostPhysAddr>\` | \`allocFrame(): HostPhysAddr \\| null\` | one physical frame, \`null\` when none is free |
| \`dealloc_frame(paddr)\` | \`deallocFrame(paddr): void\` | give a frame back |
| \`phys_to_virt(paddr) -> HostVirtAddr\` | \`physToVirt(paddr): HostVirtAddr\` | host physical to host virtual |
| \`virt_to_phys(vaddr) -> HostPhysAddr\` | \`virtToPhys(vaddr): HostPhysAddr\` | host virtual to host physical |
| \`irq_fetch() -> usize\` (default: returns 0) | \`irqFetch?(): number\` | number of the current IRQ |
| \`irq_hanlder()\` (sic; default: \`unimplemented!()\`) | \`irqHandler?(): void\` | dispatch the current IRQ to the host |

Addresses are \`bigint\` (\`usize\` is 64 bits; a JS \`number\` is exact only up
to 2^53). Leaving out \`irqFetch\` and \`irqHandler\` is keeping the trait's
defaults: the HAL is then reported as "IRQ not implemented" (IRQ-7).

${HOST_AND_PORTS}
## Words used below

- **Profile**: the static facts a HAL declares (\`frameSize\`, \`memory\`,
  \`cpus\`, \`cpuNodes\`, \`irq\`, \`zeroedFrames\`, \`strictFree\`). A clause marked
  *when X* applies only when the profile makes claim X; otherwise its checks
  are skipped with the reason, never failed.
- **Usable frame**: a frame-aligned, frame-sized piece of a declared region,
  except the frame at address 0.
- **Live frame**: one \`allocFrame\` returned and \`deallocFrame\` has not yet
  taken back.
- **Pending line**: an IRQ line raised (through the \`raiseIrq\` test port) and
  not yet dispatched by \`irqHandler\`.
- **Instance**: what \`create(host)\` returns. Every check runs each program on
  a fresh instance; instances must not share state, and a HAL must behave the
  same way given the same calls, so that a counterexample replays.

Nothing here assumes a linear mapping, a particular allocation order or
placement: any behaviour the rules allow passes.
`;

/**
 * SPEC.md as text.
 *
 * @example
 * ```ts
 * import { renderSpec } from "@halconf/halconf";
 *
 * renderSpec().includes("### ALLOC-5"); // true
 * ```
 */
export function renderSpec(): string {
  const lines = [INTRO];
  for (const family of CLAUSE_FAMILIES) {
    lines.push(`## ${family.id}: ${family.title}`, "", `Covers ${family.covers}.`, "");
    for (const clause of CLAUSES.filter((c) => c.id.startsWith(`${family.id}-`))) {
      const checks = CHECKS.filter((check) => check.clauses.includes(clause.id)).map((check) => `\`${check.id}\``);
      const enforcedBy = clause.id === "IRQ-7"
        ? 'the runner: every `irq.*` check is skipped as "IRQ not implemented"'
        : [...checks, ...(clause.id === "STATE-1" ? [] : ["`state.model`"])].join(", ");
      lines.push(
        `### ${clause.id}`,
        "",
        `**${clause.level}**${clause.when ? ` (when ${clause.when})` : ""}: ${clause.rule}`,
        "",
        `*Why:* ${clause.rationale}`,
        "",
        `*Checked by:* ${enforcedBy}.`,
        "",
      );
    }
  }
  lines.push(
    "## Checks",
    "",
    "| check | clauses | needs | what it checks |",
    "| --- | --- | --- | --- |",
    ...CHECKS.map((check) =>
      `| \`${check.id}\` | ${check.clauses.join(", ")} | ${check.needs.join(", ") || "-"} | ${check.title} |`
    ),
    "",
  );
  return lines.join("\n");
}

if (import.meta.main) {
  await Deno.writeTextFile(new URL("../SPEC.md", import.meta.url), renderSpec());
  console.log("wrote SPEC.md");
}

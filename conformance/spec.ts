/**
 * Renders SPEC.md from the clauses and the catalogue, so that the document a
 * HAL author reads and the checks that run can never drift apart.
 *
 * Run `deno task spec` after changing a clause or a check.
 *
 * @module
 */

import { CHECKS, DEFAULT_EXHAUSTION_LIMIT } from "./checks/catalogue.ts";
import { CLAUSE_FAMILIES, CLAUSES } from "./contract/clauses.ts";
import { EDITIONS } from "./contract/editions.ts";
import { VACUITY_RULES } from "./contract/vacuity.ts";
import { DRAIN_FRAMES, MAX_STEPS_AFTER_DRAIN, MIN_DRAINS } from "./run/drain_plan.ts";

/**
 * The editions side by side: which Rust item each method is in each edition, the crates they were read from, and
 * the clause families that apply. A section of SPEC.md, and what `halconf explain editions` prints.
 */
export function editionsSection(): string {
  const header = `| | ${EDITIONS.map((edition) => `\`${edition.id}\``).join(" | ")} |`;
  const rule = `| --- | ${EDITIONS.map(() => "---").join(" | ")} |`;
  const methods = [...new Set(EDITIONS.flatMap((edition) => edition.methods.map((method) => method.ts)))];
  const rows = methods.map((ts) => {
    const cells = EDITIONS.map((edition) => {
      const method = edition.methods.find((candidate) => candidate.ts === ts);
      if (!method) return "-";
      const aliases = method.aliases ? ` (also spelt \`${method.aliases.join("`, `")}\`)` : "";
      return `\`${method.rust}\`${aliases}${method.optional ? "; has a default" : ""}`;
    });
    return `| \`${ts}\` | ${cells.join(" | ")} |`;
  });
  return [
    "## Editions",
    "",
    "The trait has changed shape across versions of the ArceOS hypervisor crates. A profile names the edition its HAL",
    "follows with `contract` (default `axvcpu-hal`); the checks of clause families outside the edition are skipped",
    "with the reason, and a method the edition has but the HAL lacks is an `error` (unless the trait gives it a",
    "default).",
    "",
    header,
    rule,
    `| follows | ${EDITIONS.map((edition) => edition.follows).join(" | ")} |`,
    `| read from | ${EDITIONS.map((edition) => edition.versions).join(" | ")} |`,
    ...rows,
    `| clause families | ${EDITIONS.map((edition) => edition.families.join(", ")).join(" | ")} |`,
    `| notes | ${EDITIONS.map((edition) => edition.notes).join(" | ")} |`,
    "",
    "### Rust onto halconf",
    "",
    "| Rust | halconf |",
    "| --- | --- |",
    "| a panic (`unwrap` on `None`, `assert!`, `unimplemented!`) | a throw, named `panic` (the Rust adapter catches it with `catch_unwind`) |",
    "| `None` | `null` |",
    "| `Some(addr)`, `HostPhysAddr`, `PhysAddr`, `usize` addresses | a `bigint` |",
    "| statics plus a reset hook (`reset_with`), or a fork per program | an instance: every program starts from a fresh one |",
    "| a method left to the trait's default | a method not declared (`irq_fetch`/`irq_hanlder`: IRQ-7) |",
    "| `irq_fecth` (one version's spelling) | `irqFetch` |",
    "",
  ].join("\n");
}

/**
 * Every word of a profile a user meets, defined: a section of SPEC.md, and what `halconf explain profile` prints.
 */
export const PROFILE_WORDS: string = `## Profile words

A profile is what a HAL declares about itself. Each word below is a field of \`HalProfile\` (TypeScript), of the
Rust adapter's \`Profile\` builder, and of the driver handshake (PROTOCOL.md).

- **\`contract\`**: the edition of the contract (see "Editions"): \`axvcpu-hal\` (default), \`axmm-hal\` or
  \`axvisor-memory\`.
- **\`frameSize\`**: bytes per frame, a power of two of at least 4096 (default 4096).
- **\`memory\`**: the board's usable RAM, as **regions** \`{ start, size, node? }\`: frame-aligned, not
  overlapping. \`physToVirt\` must be defined on all of it.
- **\`node\`**: the NUMA node of a region (default 0).
- **\`cpus\`**: how many CPUs \`host.currentCpu()\` may report (default 1).
- **\`cpuNodes\`**: the NUMA node of each CPU. Declaring it is the NUMA claim (NUMA-1, NUMA-2).
- **\`irq\`**: the interrupt claim, \`{ lines, none, order, fetch?, banked? }\`:
  - **\`lines\`**: lines are numbered \`0..lines-1\`;
  - **\`none\`**: what \`irqFetch\` returns when nothing is pending (the GIC's spurious id is 1023). A \`none\`
    that is also a line number (0, the trait default and \`unwrap_or_default()\`) **shadows** that line:
    halconf never raises it, because a HAL cannot report it apart from "nothing pending";
  - **\`order\`**: which pending line is served first: \`lowest-first\` (a GIC with equal priorities),
    \`highest-first\`, \`fifo\`, or \`any\`;
  - **\`fetch\`**: \`peek\` (default: fetching changes nothing, IRQ-4) or \`acknowledge\` (fetching makes the
    line active, as a GIC's IAR read does; the handler dispatches what was fetched and completes it: IRQ-8,
    IRQ-9);
  - **\`banked\`**: lines \`0..banked-1\` are per CPU (a GIC's SGIs and PPIs: 32), IRQ-10. A profile with one
    CPU may declare them (a single-core board's GIC banks them too); IRQ-10 then cannot arise, and is skipped;
  - **\`runningPriority\`**: a GIC CPU interface's running priority (with \`fetch: "acknowledge"\`): while a line
    is active on a CPU, \`irqFetch\` there returns \`none\` unless a pending line of strictly higher priority
    preempts it, and \`irqHandler\` completes the most recently acknowledged line first (IRQ-8, IRQ-9; see
    "Semantics of a GIC");
  - **\`priorities\`**: \`{ [line]: priority }\` for lines whose priority is not 0xa0 (Linux's default): 0 is the
    most urgent, 255 the least. The most urgent deliverable line is served first; \`order\` breaks ties (IRQ-3).
  - **\`raisable\`**: the lines the \`raiseIrq\` test port can raise (default: every line but \`none\`), for a
    controller that lets software pend only some (QEMU's GICv2 pends no PPI through \`GICD_ISPENDR\`: a HAL there
    raises the timer PPIs 27 and 30 through its timers). Programs raise no other line; IRQ-3 and the other
    two-line clauses need two raisable lines.
- **\`zeroedFrames\`**: the claim that \`allocFrame\` returns zero-filled frames (ALLOC-8).
- **\`strictFree\`**: the claim that a wrong free throws and changes nothing (FREE-3, FREE-4, CONTIG-6). Without
  it a wrong free is undefined behaviour: the model stops judging the program there.
- **\`testWindow\`**: \`{ start, size }\`, the part of \`memory\` the instance under test allocates from. A board
  with more RAM than a test can drain (64 GiB) is tested through a window: the HAL's \`create\` (or reset hook)
  sets its allocator up over the window only, allocation clauses (ALLOC, FREE, CONTIG, NUMA) are judged against
  the window, and translation clauses against all of \`memory\`.
- **Usable frame**: a frame-aligned, frame-sized piece of the window (or of \`memory\`), except the frame at 0.
- **Exhaustible**: RAM (or the window) holds at most ${DEFAULT_EXHAUSTION_LIMIT} usable frames (16 GiB of 4 KiB
  frames), so a check can allocate all of it. The checks that must drain it (exhaustion, capacity, reuse,
  \`state.deep\`) are skipped beyond that, with a pointer to \`testWindow\`. While the programs a draining check
  asks for would allocate at most ${DRAIN_FRAMES} frames in all (each program's first fill counted as all of RAM,
  each later one as what was freed since), they run as generated; on a larger board the check runs fewer, longer
  programs instead: each drains all of RAM once, early, then runs up to ${MAX_STEPS_AFTER_DRAIN} steps of the
  check's mix in the drained state (frees, refills, further drains). As many run as the budget holds, at least
  ${MIN_DRAINS}, and the report says how many and how many frames they drained (\`--drain-budget\` buys more).
- **Live frame**: one \`allocFrame\` returned and no free has taken back. **Live range**: one
  \`allocContiguousFrames\` returned and \`deallocContiguousFrames\` has not taken back.
- **Pending line**: raised (the \`raiseIrq\` port) and not yet fetched (acknowledge) or dispatched (peek).
  **Active line**: acknowledged by \`irqFetch\` and not yet completed by \`irqHandler\`.
- **Instance**: what \`create(host)\` returns. Each program runs on a fresh one; instances must not share state,
  and the same calls must give the same results, so that a counterexample replays.
`;

/** What each status means, with an example of each: a section of SPEC.md (and of `halconf explain verdicts`). */
export const VERDICTS: string = `## Verdicts

Each check ends with one status per HAL. A run passes (exit 0) when every status is \`pass\` or \`skip\` (or one an
expectations file expects).

| status | means | example |
| --- | --- | --- |
| \`pass\` | every program ran, no violation was seen, and the programs reached every clause of the check that can arise | \`PASS alloc.unique 200 programs, 18 ms\` |
| \`fail\` | a program broke a clause: any clause, whichever check's program saw it, with its shrunk counterexample | \`FAIL alloc.unique ALLOC-6: allocFrame returned 0x8000_0000, which is still live (handed out at step 7)\` |
| \`skip\` | the check's clauses cannot arise under the profile: a claim not made, or a board where they are vacuous | \`SKIP alloc.unique ALLOC-6 cannot arise: one usable frame: two live frames cannot exist\` |
| \`incomplete\` | a clause could arise but no program reached it, or the time budget ran out: halconf's generators fell short, and the check did not pass | \`INCOMPLETE mem.readback no program exercised MEM-1 (3 programs): more --runs, or a HAL that gets there\` |
| \`error\` | the HAL could not be driven: \`create\` threw, a method is missing, the driver crashed or broke the protocol | \`ERROR alloc.unique the HAL process exited (signal SIGSEGV) while it ran the program below\` |
| \`timeout\` | a program did not finish by the check's deadline (\`--timeout\`) | \`TIMEOUT alloc.unique no result within 60 s: the HAL process was killed while it ran the program below\` |

- **A violation observed is a violation.** Every program of every check is judged against every clause the profile
  makes applicable. A check whose program breaks another check's clause fails with it (the counterexample is shrunk
  for that clause), and that clause's own check, when it passed, is listed as failing too, naming the check whose
  program found it (replay that one).
- **Vacuous is not unreached.** Whether a clause can arise at all is decided from the profile alone:
${VACUITY_RULES.map((rule) => `  - ${rule.clause} cannot arise with ${rule.condition};`).join("\n")}
  A check whose clauses all cannot arise is skipped with the reason; a clause that cannot arise is still judged
  wherever a program shows it broken (a one-frame HAL that hands its frame out twice fails). \`incomplete\` is
  only for a clause that could arise and was not reached.
`;

/** The GIC architecture's interrupt rules in halconf's words, and how the profile and the checks follow them. */
export const GIC_SEMANTICS: string = `## Semantics of a GIC

A HAL on an Arm board fetches and handles interrupts through a GIC (Generic Interrupt Controller). The rules
halconf holds such a HAL to, with \`fetch: "acknowledge"\` and \`runningPriority\`, are the architecture's
(GICv2 CPU interface registers; GICv3's system registers behave alike), as QEMU's \`virt\` machine implements them:

- **States and lines.** An interrupt is inactive, pending, active, or active and pending. Ids 0-15 (SGIs) and 16-31
  (PPIs) have a copy per CPU interface (\`banked: 32\`); 32-1019 (SPIs) are shared: one state for all CPUs. The
  id 1023 means "spurious": nothing to take (\`none: 1023\`).
- **Priority.** Each interrupt has an 8-bit priority; a lower value is more urgent. The distributor signals a CPU
  interface the most urgent pending interrupt it may take; among equal priorities the architecture leaves the choice
  to the implementation, and QEMU takes the lowest id (\`order: "lowest-first"\`).
- **Acknowledge.** Reading the interrupt acknowledge register (GICC_IAR) returns that interrupt's id if it is more
  urgent than the CPU interface's running priority, makes it active (active and pending if it is asserted again) and
  raises the running priority to its priority; otherwise it returns 1023 and changes nothing. \`irqFetch\` is this
  read.
- **Running priority and preemption.** While an interrupt is active on a CPU, only a strictly more urgent one is
  signalled there: a second read with a line of the same priority pending returns 1023; a more urgent line
  preempts, and the two are nested. (Only the group bits above the binary point take part: declare priorities that
  differ there.)
- **End of interrupt.** Writing the end-of-interrupt register (GICC_EOIR) drops the running priority to that of the
  interrupt active before it (the priority drop is last in, first out) and, in the default mode, deactivates the
  interrupt named. It must name the most recently acknowledged interrupt. \`irqHandler\` dispatches and completes
  that one.
- **An active interrupt is not taken again** before it is deactivated: asserted again, it waits as active and
  pending, and is signalled again after its end of interrupt.
- **Looking without taking.** Reading the highest priority pending register (GICC_HPPIR, ICC_HPPIR1_EL1) returns
  the id an acknowledge would return, were no interrupt active, and changes nothing. A HAL whose \`irqFetch\` reads
  it is of the \`peek\` edition (IRQ-4); its \`priorities\` still order the lines (IRQ-3).

The faults a GIC driver makes, and what halconf reports:

| fault | clause |
| --- | --- |
| never writes end of interrupt (the line raised again is never delivered) | IRQ-6 |
| end of interrupt of another line than the one dispatched | IRQ-6 (or IRQ-8, IRQ-3 as it shows) |
| completes the oldest of two nested lines first | IRQ-9 |
| reads another CPU's interface, or a handler takes a line another CPU acknowledged | IRQ-10, IRQ-9 |
| serves a less urgent line while a more urgent one is pending (priority inversion) | IRQ-3 |
| acknowledges the next line while one is active (no running priority), or an active shared line again | IRQ-8 |
| drops a line raised while another is active | IRQ-6 |

Not modelled: the split end-of-interrupt mode (EOImode 1: priority drop and deactivation written apart), the
priority mask (taken as letting every priority through), interrupt groups and security states, and SPI routing to a
subset of CPUs (every SPI may go to any CPU).

**Checked against QEMU.** \`examples/qemu-gic/\` is a bare-metal HAL on QEMU's \`virt\` machine (4 CPUs, GICv2 and
GICv3, acknowledge and peek): it passes every check that applies, each GIC driver fault built into it fails, and its
traces on 500+ generated IRQ programs equal those of halconf's reference GIC (\`impls/gic.ts\`) under the same
profile. QEMU's model departs from the architecture in three places, which the guest works around and its README
describes: its GICv2 pends no PPI through GICD_ISPENDR (the guest raises the timer PPIs through the timers and
declares \`raisable\`), keeps an SPI's pending and active states per target CPU (the GICv1 N-N model; the guest
declares every line banked), and its GICv3 delivers a 1-of-N SPI to CPU 0 only (the guest routes each SPI to the CPU
about to acknowledge).
`;

/** What halconf reports for a faithful model of axvisor's aarch64 host HAL, and why. */
const AXVISOR_REPORT = `## What halconf reports for axvisor's aarch64 HAL

\`conformance/testdata/models/axvisor_aarch64.ts\` models axvisor's aarch64 host HAL over a simulated GIC, as
its code reads: \`irq_fetch()\` returns \`axhal::irq::fetch_irq()\`, a read of the acknowledge register, with the
spurious id turned into 0 by \`unwrap_or_default()\`; \`irq_hanlder()\` fetches again and hands what it got to the
host's handler, which dispatches it and writes end of interrupt. Its profile says so: \`fetch: "acknowledge"\`,
\`none: 0\`, \`banked: 32\`.

halconf reports **IRQ-9 broken** (\`irq.acknowledge\`, and through it \`irq.no-loss\` and the state checks), with
this counterexample: \`raise(n)\`, \`fetch() -> n\`, \`handle() -> dispatched nothing\`. The fetch acknowledged
line n; the handler acknowledged again, got nothing (or the next line), and line n stays active, never
dispatched and never completed, so the GIC never delivers it again. In the hypervisor this is the path where
the vCPU's exit reports \`ExternalInterrupt { vector }\` from \`irq_fetch\` and the host then calls
\`irq_hanlder\`. Every memory clause passes, and line 0 (SGI 0) is shadowed by \`none: 0\`. A HAL that keeps
the contract under acknowledge semantics dispatches, in \`irq_hanlder\`, the line \`irq_fetch\` acknowledged
(the \`axvisor\` reference HAL does).
`;

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

This file is generated from \`conformance/contract/clauses.ts\` and the check catalogue
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

- **Profile**: the static facts a HAL declares (see "Profile words" below). A
  clause marked *when X* applies only when the profile makes claim X;
  otherwise its checks are skipped with the reason, never failed.
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
  const lines = [INTRO, VERDICTS, editionsSection(), PROFILE_WORDS, GIC_SEMANTICS, AXVISOR_REPORT];
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

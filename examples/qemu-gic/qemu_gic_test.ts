/**
 * halconf against a real (emulated) GIC: the bare-metal guest on QEMU's `virt` machine, GICv2 and GICv3, passes every
 * check that applies, each GIC driver fault fails with its clause, and the guest and halconf's reference GIC give the
 * same trace for the same generated IRQ programs. Without QEMU or the aarch64 cross compiler these tests are skipped,
 * and say why.
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { programArbitrary } from "../../conformance/program/arbitraries.ts";
import { CHECKS, unmetNeed } from "../../conformance/checks/catalogue.ts";
import type { Program } from "../../conformance/program/program.ts";
import { validateProfile } from "../../conformance/contract/profile.ts";
import { inProcessExecutor } from "../../conformance/run/program_executor.ts";
import { runCli } from "../../cli/testdata/run_cli.ts";
import { DriverSession } from "../../driver/session.ts";
import { type GuestVariant, qemuGicTwin } from "./twin.ts";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const RUN = `${ROOT}examples/qemu-gic/run`;

async function missing(): Promise<string | undefined> {
  for (
    const [tool, pkg] of [["qemu-system-aarch64", "qemu-system-arm"], [
      "aarch64-linux-gnu-gcc",
      "gcc-aarch64-linux-gnu",
    ]]
  ) {
    try {
      await new Deno.Command(tool, { args: ["--version"], stdout: "null", stderr: "null" }).output();
    } catch {
      return `${tool} is not installed (Debian: apt-get install ${pkg})`;
    }
  }
  return undefined;
}

const why = await missing();
if (why) console.log(`examples/qemu-gic: QEMU tests skipped: ${why}`);
else {
  // Every image at once, before the tests run in parallel.
  const build = await new Deno.Command(RUN, { args: ["--build-only"], stderr: "piped" }).output();
  if (!build.success) {
    throw new Error(`examples/qemu-gic/run --build-only failed: ${new TextDecoder().decode(build.stderr)}`);
  }
}
const qemuTest = (name: string, fn: (t: Deno.TestContext) => Promise<void>) => Deno.test({ name, ignore: !!why, fn });

interface JsonResult {
  target: string;
  check: string;
  status: string;
  reason?: string;
  counterexample?: { steps: string[]; violation: { clause: string; also?: string[] } };
}

async function conform(driver: string, extra: string[]) {
  const run = await runCli(["--driver", driver, "--format", "json", "--seed", "1", ...extra]);
  return { ...run, results: run.stdout ? JSON.parse(run.stdout).results as JsonResult[] : [] };
}

const VARIANTS: GuestVariant[] = [
  { gic: 2, fetch: "acknowledge" },
  { gic: 3, fetch: "acknowledge" },
  { gic: 2, fetch: "peek" },
  { gic: 3, fetch: "peek" },
];
const command = ({ gic, fetch }: GuestVariant) => `${RUN} --gic ${gic} --fetch ${fetch}`;

qemuTest("the guest passes every check that applies on GICv2 and GICv3, and runs every IRQ check", async (t) => {
  const ran = new Set<string>();
  for (const variant of VARIANTS) {
    await t.step(`GICv${variant.gic}, fetch ${variant.fetch}`, async () => {
      // The full default run on each GIC; the peek variants add the IRQ checks of their edition.
      const run = await conform(command(variant), variant.fetch === "peek" ? ["--check", "irq.*"] : []);
      assert.equal(run.code, 0, `${run.stderr}\n${JSON.stringify(run.results.filter((r) => r.status !== "pass"))}`);
      for (const result of run.results) {
        assert.ok(result.status === "pass" || result.status === "skip", `${result.check} ${result.status}`);
        if (result.status === "pass") ran.add(result.check);
        if (result.check.startsWith("irq.") && result.status === "skip") {
          assert.match(result.reason!, /profile declares irq fetch (acknowledge|peek)/, result.check);
        }
      }
    });
  }
  // The PL011 UART, a byte per exit of QEMU, as on a board: the same protocol over it, on the IRQ checks and one that
  // moves bytes both ways (memory written and read back as hex).
  await t.step("GICv2 over the PL011 UART (--uart)", async () => {
    const run = await conform(`${RUN} --uart`, ["--check", "irq.*", "--check", "mem.readback"]);
    assert.equal(run.code, 0, `${run.stderr}\n${JSON.stringify(run.results.filter((r) => r.status !== "pass"))}`);
    assert.ok(run.results.some((result) => result.check === "mem.readback" && result.status === "pass"));
    for (const result of run.results) assert.ok(["pass", "skip"].includes(result.status), result.check);
  });
  const irqChecks = CHECKS.filter((check) => check.id.startsWith("irq.")).map((check) => check.id);
  assert.deepEqual(irqChecks.filter((id) => !ran.has(id)), [], "every IRQ check passed on some variant");
});

/** Each GIC driver fault, and the clauses its failures may name. */
const MUTANTS: [string, string[]][] = [
  ["no-eoi", ["IRQ-6", "IRQ-9"]],
  ["eoi-wrong-line", ["IRQ-3", "IRQ-6", "IRQ-8", "IRQ-9"]],
  ["eoi-oldest-first", ["IRQ-9"]],
  ["wrong-cpu-interface", ["IRQ-6", "IRQ-9", "IRQ-10"]],
  ["priority-inversion", ["IRQ-3", "IRQ-8"]],
  ["one-ack-queue", ["IRQ-8", "IRQ-9"]],
  ["drops-raise-while-active", ["IRQ-3", "IRQ-6", "IRQ-8"]],
];

qemuTest("each GIC driver fault fails on GICv2 and GICv3 with the clause it breaks", async (t) => {
  // One run of all fourteen guests (each names itself qemu-gic-v<gic>-<mutant>), as lanes of one halconf process.
  const drivers = MUTANTS.flatMap(([mutant]) => [2, 3].map((gic) => `${RUN} --gic ${gic} --mutant ${mutant}`));
  const run = await conform(drivers[0], [
    ...drivers.slice(1).flatMap((driver) => ["--driver", driver]),
    "--check",
    "irq.*",
  ]);
  assert.equal(run.code, 1, run.stderr);
  const targets = new Set(run.results.map((result) => result.target));
  assert.equal(targets.size, drivers.length, [...targets].join(", "));
  for (const [mutant, clauses] of MUTANTS) {
    await t.step(mutant, () => {
      for (const gic of [2, 3]) {
        const results = run.results.filter((result) => result.target === `qemu-gic-v${gic}-${mutant}`);
        assert.ok(results.length > 0, `no results for ${mutant} on GICv${gic}`);
        const failed = results.filter((result) => result.status === "fail");
        assert.ok(failed.length > 0, `${mutant} on GICv${gic} failed no check`);
        for (const result of failed) {
          const violation = result.counterexample!.violation;
          assert.ok(
            [violation.clause, ...violation.also ?? []].some((clause) => clauses.includes(clause)),
            `${mutant} on GICv${gic}: ${result.check} names ${violation.clause}, expected one of ${clauses.join(", ")}`,
          );
        }
        assert.ok(results.every((result) => result.status !== "error"), `${mutant} on GICv${gic}: an error`);
      }
    });
  }
});

/**
 * Programs found while building the guest, where QEMU's GIC and halconf's model first disagreed (each a finding: see
 * README.md) or that show the architecture's rules, all run on both GICs by the twin test.
 */
const REGRESSIONS: Program[] = [
  // The sequence: a line of the same priority waits for the end of interrupt; a more urgent one (SGI 1, 0x80)
  // preempts; the priority drops last in, first out.
  [
    { op: "raise", irq: 40 },
    { op: "raise", irq: 41 },
    { op: "fetch" },
    { op: "fetch" },
    { op: "raise", irq: 1 },
    { op: "fetch" },
    { op: "handle" },
    { op: "handle" },
    { op: "fetch" },
    { op: "handle" },
  ],
  // An SPI raised on two CPUs (banked on a GICv2: QEMU keeps its state per target CPU) and handled on the first.
  [
    { op: "raise", irq: 40 },
    { op: "setCpu", cpu: 1 },
    { op: "raise", irq: 40 },
    { op: "setCpu", cpu: 0 },
    {
      op: "handle",
    },
    { op: "setCpu", cpu: 1 },
    { op: "handle" },
  ],
  // An SPI acknowledged on CPU 2 (QEMU's GICv3 routes a 1-of-N SPI to CPU 0 only), a timer PPI on CPU 3.
  [
    { op: "setCpu", cpu: 2 },
    { op: "raise", irq: 50 },
    { op: "fetch" },
    { op: "setCpu", cpu: 3 },
    {
      op: "raise",
      irq: 27,
    },
    { op: "fetch" },
    { op: "handle" },
    { op: "setCpu", cpu: 2 },
    { op: "handle" },
  ],
];

qemuTest(
  "the guest on QEMU's GIC and halconf's reference GIC give the same trace for 500+ programs on 4 CPUs",
  async (t) => {
    for (const variant of VARIANTS) {
      await t.step(`GICv${variant.gic}, fetch ${variant.fetch}`, async () => {
        const twin = qemuGicTwin(variant);
        const profile = validateProfile(twin.profile);
        const guest = await DriverSession.start({ source: { command: command(variant).split(" ") }, label: "guest" });
        try {
          assert.deepEqual(guest.profile, profile, "the twin declares the guest's profile");
          const shapes = CHECKS.filter((check) =>
            check.id.startsWith("irq.") && check.needs.every((need) => !unmetNeed(need, profile, guest.methods))
          );
          const perCheck = Math.ceil(500 / shapes.length);
          const programs = [
            ...REGRESSIONS,
            ...shapes.flatMap((check) =>
              fc.sample(programArbitrary(profile, check.shape), { seed: 22 + variant.gic, numRuns: perCheck })
            ),
          ];
          assert.ok(programs.length >= 500 && programs.some((p) => p.some((op) => op.op === "setCpu")));
          const options = { fillLimit: 600, deadline: performance.now() + 120_000 };
          const fromGuest = await guest.execute(programs, options);
          const fromTwin = await inProcessExecutor(twin).execute(programs, options);
          assert.equal(fromGuest.failure, undefined, fromGuest.failure?.reason);
          for (const [index, trace] of fromGuest.traces.entries()) {
            assert.deepEqual(trace, fromTwin.traces[index], `program ${index + 1}: ${JSON.stringify(programs[index])}`);
          }
          assert.equal(fromGuest.traces.length, programs.length);
          const dispatched = fromGuest.traces.flatMap((trace) => trace.steps.flatMap((step) => step.dispatched));
          assert.ok(dispatched.length > 500, `only ${dispatched.length} dispatches`);
          if (variant.fetch === "acknowledge") {
            // The first regression as the hardware gives it: 40, spurious while 40 is active, 1 preempts, 1 ends
            // first, then 40, and only then is 41 delivered.
            const steps = fromGuest.traces[0].steps;
            assert.deepEqual(
              steps.map((step) => step.op.op === "fetch" ? step.result : step.dispatched.join(",")),
              ["", "", 40, 1023, "", 1, "1", "40", 41, "41"],
            );
          }
        } finally {
          await guest.close();
        }
      });
    }
  },
);

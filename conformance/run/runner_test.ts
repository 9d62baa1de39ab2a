import assert from "node:assert/strict";
import { identityHal } from "../../impls/mod.ts";
import { selectChecks } from "../checks/catalogue.ts";
import type { HalTarget } from "../contract/hal.ts";
import {
  deniedPermission,
  deriveSeed,
  DRAIN_FRAMES,
  MIN_DRAINS,
  replay,
  runCheck,
  runConformance,
  type RunOptions,
} from "./runner.ts";
import freeListSlip from "../testdata/mutants/free_list_slip.ts";

Deno.test("each (target, check) has its own seed, stable across runs", () => {
  assert.equal(deriveSeed(1, "a", "alloc.unique"), deriveSeed(1, "a", "alloc.unique"));
  assert.notEqual(deriveSeed(1, "a", "alloc.unique"), deriveSeed(2, "a", "alloc.unique"));
  assert.notEqual(deriveSeed(1, "a", "alloc.unique"), deriveSeed(1, "b", "alloc.unique"));
  assert.notEqual(deriveSeed(1, "a", "alloc.unique"), deriveSeed(1, "a", "alloc.capacity"));
});

Deno.test("a single check reproduces the result it had in a full run", async () => {
  const full = await runConformance(freeListSlip, { seed: 21, checks: selectChecks(["alloc.*"]) });
  const failing = full.results.find((result) => result.status === "fail")!;
  const alone = await runCheck(freeListSlip, selectChecks([failing.check])[0], { seed: 21 });
  assert.deepEqual(
    { ...alone, durationMs: 0 },
    { ...failing, durationMs: 0 },
  );
  assert.equal(replay(freeListSlip, alone.counterexample!).violation?.clause, "ALLOC-6");
});

Deno.test("a create() that throws is an error result, not a crash", async () => {
  const broken: HalTarget = {
    ...identityHal(),
    create: () => {
      throw new Error("firmware table missing");
    },
  };
  const result = await runCheck(broken, selectChecks(["alloc.unique"])[0], { seed: 1 });
  assert.equal(result.status, "error");
  assert.match(result.reason!, /create\(\) threw Error: firmware table missing/);
});

Deno.test("a check stopped by its time budget is incomplete, not passed, and says how far it got", async () => {
  const slow: HalTarget = {
    ...identityHal(),
    create(host) {
      const started = performance.now();
      while (performance.now() - started < 2) { /* a slow HAL */ }
      return identityHal().create(host);
    },
  };
  const result = await runCheck(slow, selectChecks(["alloc.unique"])[0], { seed: 1, runs: 10_000, timeLimitMs: 50 });
  assert.equal(result.status, "incomplete");
  assert.ok(result.runs < 10_000);
  assert.match(result.reason!, /time budget spent after \d+ of 10000 programs/);
});

Deno.test("deniedPermission reads Deno's permission messages", () => {
  assert.equal(deniedPermission('Requires net access to "127.0.0.1:9", run again'), 'net access to "127.0.0.1:9"');
  assert.equal(deniedPermission("Requires ffi access, run again"), "ffi access");
  assert.equal(deniedPermission("something else"), undefined);
});

Deno.test("seed and path replay a failure straight away", async () => {
  const [check] = selectChecks(["alloc.unique"]);
  const found = await runCheck(freeListSlip, check, { seed: 5 });
  const again = await runCheck(freeListSlip, check, { seed: 5, path: found.counterexample!.path });
  assert.equal(again.status, "fail");
  assert.ok(again.runs <= found.runs);
  assert.deepEqual(again.counterexample!.program, found.counterexample!.program);
});

Deno.test("a HAL that never acknowledges an IRQ does not pass irq.no-loss: a repeated dispatch breaks IRQ-6 too", async () => {
  const { InterruptController, withController } = await import("../testdata/mutants/_mutant.ts");
  const neverAcks = withController(
    "never-acks",
    (profile) => new InterruptController(profile.irq!.lines, profile.irq!.none, profile.irq!.order),
    (_hal, irq, host) => ({
      irqHandler() {
        const current = irq.current();
        if (current !== irq.none) host.dispatchIrq(current);
      },
    }),
  );
  const result = await runCheck(neverAcks, selectChecks(["irq.no-loss"])[0], { seed: 1 });
  assert.equal(result.status, "fail");
  assert.equal(result.counterexample!.violation.clause, "IRQ-5");
  assert.ok(result.counterexample!.violation.also?.includes("IRQ-6"));
});

Deno.test("a check whose clauses no program reached is incomplete, with the reason", async () => {
  const result = await runCheck(identityHal(), selectChecks(["mem.readback"])[0], { seed: 1, runs: 3 });
  assert.equal(result.status, "incomplete");
  assert.match(result.reason!, /no program exercised MEM-1 \(3 programs\)/);
});

Deno.test("a check that does not drain RAM costs the same on 64 MiB and on 256 MiB: its fills are a bounded sample", async () => {
  const calls = async (mib: number, checkId: string, options: RunOptions = {}) => {
    let count = 0;
    const base = identityHal({ memory: [{ start: 0x8000_0000n, size: BigInt(mib) << 20n }] });
    const counted: HalTarget = {
      ...base,
      name: "counted",
      create(host) {
        const hal = base.create(host);
        return { ...hal, allocFrame: () => (count++, hal.allocFrame()) };
      },
    };
    const result = await runCheck(counted, selectChecks([checkId])[0], { seed: 4, runs: 60, ...options });
    assert.equal(result.status, "pass");
    return { count, runs: result.runs, note: result.note };
  };
  const small = await calls(64, "alloc.unique");
  assert.ok(small.count > 60 * 1024, `alloc.unique fills (${small.count} calls): the test means something`);
  assert.deepEqual(await calls(256, "alloc.unique"), small);
  // The exhaustion family still drains all of it, in fewer, longer programs: each drains the pool once, early, then
  // runs the check's mix in the drained state; as many as the drain budget holds.
  const frames = 256 * 256;
  const draining = await calls(256, "alloc.capacity");
  const [, runs, filled] = draining.note!.match(
    /^(\d+) of 60 programs, each draining all 65536 usable frames once and then running up to \d+ steps in the drained state \((\d+) frames handed out by fills\): the drain budget is 524288/,
  ) ?? [];
  assert.equal(Number(runs), draining.runs);
  assert.ok(draining.runs >= 2 && draining.runs * frames <= DRAIN_FRAMES, draining.note);
  assert.ok(Number(filled) >= draining.runs * frames && Number(filled) <= DRAIN_FRAMES, draining.note);
  assert.ok(draining.count > Number(filled) && draining.count <= Number(filled) + 60 * 400, `${draining.count} calls`);
  // state.deep's programs refill RAM again and again after their drain: only what was freed comes back each time.
  const deep = await calls(256, "state.deep");
  assert.match(deep.note!, /^\d+ of 30 programs, each draining all 65536 usable frames once/);
  assert.ok(deep.count <= DRAIN_FRAMES + 30 * 400, `${deep.count} calls in ${deep.runs} programs`);
  // However small the budget, a draining check runs MIN_DRAINS programs, each a whole drain.
  const fewest = await calls(256, "state.deep", { drainFrames: 1000 });
  assert.equal(fewest.runs, MIN_DRAINS);
  assert.ok(fewest.count > MIN_DRAINS * frames, `${fewest.count} calls`);
});

Deno.test("a draining check cut short by its budget runs programs that drain, and still finds and shrinks a failure", async () => {
  // 16 MiB whose allocator loses its last 10 frames: only a drain shows it (ALLOC-7).
  const base = identityHal({ memory: [{ start: 0x8000_0000n, size: 16n << 20n }] });
  let handed = 0;
  const leaky: HalTarget = {
    ...base,
    name: "loses-the-last-frames",
    create(host) {
      const hal = base.create(host);
      let count = 0;
      return {
        ...hal,
        allocFrame: () => (handed++, ++count > 4096 - 10 ? null : hal.allocFrame()),
        deallocFrame: (paddr) => (count--, hal.deallocFrame(paddr)),
      };
    },
  };
  const [capacity] = selectChecks(["alloc.capacity"]);
  const result = await runCheck(leaky, capacity, { seed: 8, drainFrames: 5000 });
  assert.equal(result.status, "fail");
  assert.equal(result.counterexample!.violation.clause, "ALLOC-7");
  assert.ok(handed < 40 * 4096, `only the programs run, and shrinking, called the HAL (${handed} calls)`);
  assert.equal(replay(leaky, result.counterexample!).violation?.clause, "ALLOC-7");
});

Deno.test("the library runs every check in process with no permission at all: no environment, no process, no file", async () => {
  const root = new URL("../../", import.meta.url);
  const dir = await Deno.makeTempDir({ prefix: "halconf_library_" });
  try {
    const script = `${dir}/run.ts`;
    await Deno.writeTextFile(
      script,
      `import { identityHal, runConformance } from "${new URL("mod.ts", root).href}";\n` +
        `const report = await runConformance(identityHal(), { seed: 7 });\n` +
        `console.log(JSON.stringify(report.summary));\n`,
    );
    const output = await new Deno.Command(Deno.execPath(), {
      args: ["run", "--quiet", "--no-prompt", `--config=${new URL("deno.json", root).pathname}`, script],
      stdin: "null",
    }).output();
    const stderr = new TextDecoder().decode(output.stderr);
    assert.equal(output.code, 0, stderr);
    const summary = JSON.parse(new TextDecoder().decode(output.stdout));
    assert.equal(summary.errors, 0, stderr);
    assert.ok(summary.passed > 20);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

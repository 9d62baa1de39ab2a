import assert from "node:assert/strict";
import { DriverProcess } from "./driver_process.ts";
import { OutputBuffer } from "./output_buffer.ts";

/**
 * Starts `script` as a driver on a fresh channel, then keeps this thread busy for longer than the driver takes to end
 * and than the grace after its end, as a loaded machine can: its exit, its channel and the grace's timer are then all
 * ready at once, in no order this side chooses.
 */
async function startedThenStarved(script: string): Promise<DriverProcess> {
  const workDir = await Deno.makeTempDir({ prefix: "halconf_process_test_" });
  await DriverProcess.makeChannel(workDir, "starved");
  const process = DriverProcess.spawn({
    argv: ["/bin/sh", "-c", script],
    cwd: workDir,
    env: { PATH: "/usr/bin:/bin" },
    memoryKiB: 1 << 20,
    workDir,
    label: "starved",
  }, new OutputBuffer(1 << 16));
  // The driver's end: it has written and exited well before this thread looks (it needs a few milliseconds).
  for (const until = performance.now() + 400; performance.now() < until;) {
    // busy: nothing of this thread runs, as under a load that starves it
  }
  return process;
}

Deno.test("why a driver could not load is read even when its exit is seen first, on a starved machine", async (t) => {
  for (
    const [name, script] of [
      // The driver opens only the end it writes to, writes why, and exits.
      [
        "it opened only its answer end",
        'printf "error the%%20HAL%%20refuses%%20to%%20load\\n" > "$HALCONF_CHANNEL.out"',
      ],
      // It opens both ends, as a driver does, then fails.
      [
        "it opened both ends",
        'exec 3<"$HALCONF_CHANNEL.in"; printf "error the%%20HAL%%20refuses%%20to%%20load\\n" > "$HALCONF_CHANNEL.out"',
      ],
    ]
  ) {
    await t.step(name, async () => {
      const process = await startedThenStarved(script);
      const error = await process.handshake(10_000).then(() => undefined, (error: Error) => error);
      assert.match(String(error?.message), /^the HAL refuses to load$/);
    });
  }
});

Deno.test("a driver that ends without a word is said to have exited, however late this side looks", async () => {
  const process = await startedThenStarved("echo 'the last thing it printed' >&2; exit 3");
  const error = await process.handshake(10_000).then(() => undefined, (error: Error) => error);
  assert.match(String(error?.message), /exited with code 3 while loading: the last thing it printed/);
});

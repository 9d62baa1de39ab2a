/**
 * A worker that runs the checks of trusted reference HALs beside the main thread (which runs the first lane), so that
 * a default run keeps both cores busy. Reference HALs are halconf's own code: they may share the judge's process (each
 * worker is a thread of it). Custom HALs never come here; they run behind the driver protocol.
 *
 * Messages in: `{ warmUp }` (a new worker's first, see warm_up.ts), then jobs `{ reference, checks, seed, runs,
 * drainFrames, timeoutMs }`; out: `{ result }` per check of a job, then `{ done }`, or `{ failed }` when one could
 * not be run. Messages are handled one at a time, in order.
 *
 * @module
 */

import { selectChecks } from "../conformance/checks/catalogue.ts";
import { inProcessExecutor, type ProgramExecutor } from "../conformance/run/program_executor.ts";
import { runCheckWith } from "../conformance/run/runner.ts";
import { referenceHals } from "../impls/mod.ts";
import { EventLoopTurns } from "../driver/event_loop_turns.ts";
import { warmUp } from "./warm_up.ts";

/** What the worker is asked to run. */
export interface ReferenceJob {
  /** The reference HAL's name. */
  reference: string;
  /** Check ids, in order. */
  checks: string[];
  /** The run seed. */
  seed: number;
  /** Programs per check. */
  runs?: number;
  /** Frames a draining check may allocate over all its programs. */
  drainFrames?: number;
  /** The per-check deadline in milliseconds. */
  timeoutMs: number;
}

/** A new worker's first message: the reference HALs and checks it may be given, to warm up on (see warm_up.ts). */
export interface WarmUpRequest {
  /** Each reference HAL by name, with the ids of its checks. */
  warmUp: { reference: string; checks: string[] }[];
}

/** This worker's side of the channel (typed here: a lib directive would change the globals of every module). */
const scope = self as unknown as {
  onmessage: (event: MessageEvent<ReferenceJob | WarmUpRequest>) => void;
  postMessage(message: unknown): void;
};

function referenceNamed(name: string) {
  return referenceHals().find((candidate) => candidate.name === name)!;
}

// One executor per reference HAL for the worker's life: each job of a HAL uses the same resolved profile, so the
// judge's per-profile tables, pools and caches (keyed by it) carry over from job to job, as in the main thread.
const executors = new Map<string, ProgramExecutor>();

function executorNamed(name: string): ProgramExecutor {
  let executor = executors.get(name);
  if (executor === undefined) executors.set(name, executor = inProcessExecutor(referenceNamed(name)));
  return executor;
}

// A turn of the event loop after every check (see driver/event_loop_turns.ts). Open for the worker's life: the main thread
// terminates it.
const turns = new EventLoopTurns();

async function run(job: ReferenceJob): Promise<void> {
  const executor = executorNamed(job.reference);
  for (const check of selectChecks(job.checks)) {
    const result = await runCheckWith(executor, check, {
      seed: job.seed,
      runs: job.runs,
      drainFrames: job.drainFrames,
      timeLimitMs: job.timeoutMs * 0.8,
      deadlineMs: job.timeoutMs,
    });
    scope.postMessage({ result });
    await turns.next();
  }
  scope.postMessage({ done: true });
}

// A job that arrives during the warm-up waits for it: one message at a time.
let handled: Promise<void> = Promise.resolve();
scope.onmessage = (event) => {
  const message = event.data;
  handled = handled.then(() =>
    "warmUp" in message
      ? warmUp(
        message.warmUp.map(({ reference, checks }) => ({
          executor: executorNamed(reference),
          checks: selectChecks(checks),
        })),
        { between: () => turns.next() },
      )
      : run(message)
  ).catch((error: Error) => {
    // Said to the main thread, which rejects what this worker holds: never an uncaught error in the worker.
    scope.postMessage({ failed: `${error?.name}: ${error?.message}` });
  });
};

/**
 * A worker that runs the checks of trusted reference HALs beside the main thread (which runs the first lane), so that
 * a default run keeps both cores busy. Reference HALs are halconf's own code: they may share the judge's process (each
 * worker is a thread of it). Custom HALs never come here; they run behind the driver protocol.
 *
 * Messages in: `{ reference, checks, seed, runs, drainFrames, timeoutMs }`; out: `{ result }` per check, then `{ done }`.
 *
 * @module
 */

import { selectChecks } from "../conformance/catalogue.ts";
import { inProcessExecutor } from "../conformance/program_executor.ts";
import { runCheckWith } from "../conformance/runner.ts";
import { referenceHals } from "../impls/mod.ts";

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

/** This worker's side of the channel (typed here: a lib directive would change the globals of every module). */
const scope = self as unknown as {
  onmessage: (event: MessageEvent<ReferenceJob>) => void;
  postMessage(message: unknown): void;
};

scope.onmessage = async (event: MessageEvent<ReferenceJob>) => {
  const job = event.data;
  const target = referenceHals().find((candidate) => candidate.name === job.reference)!;
  const executor = inProcessExecutor(target);
  for (const check of selectChecks(job.checks)) {
    const result = await runCheckWith(executor, check, {
      seed: job.seed,
      runs: job.runs,
      drainFrames: job.drainFrames,
      timeLimitMs: job.timeoutMs * 0.8,
      deadlineMs: job.timeoutMs,
    });
    scope.postMessage({ result });
  }
  scope.postMessage({ done: true });
};

/**
 * This thread's side of a reference worker (`reference_worker.ts`): jobs are posted to it and answered in order, and
 * more than one may wait in its queue.
 *
 * Why queue ahead: this thread hears a worker between its own checks only (a check runs without turning the event
 * loop), so a worker given one job at a time sat idle from the end of each job to the end of this thread's current
 * check. With the next job already posted it goes straight on.
 *
 * @module
 */

import type { CheckResult } from "../conformance/run/runner.ts";
import type { ReferenceJob, WarmUpRequest } from "./reference_worker.ts";

interface PendingJob {
  onResult: (result: CheckResult) => void;
  resolve: () => void;
  reject: (error: Error) => void;
}

/**
 * A long-lived worker thread that runs reference HALs' checks, job after job.
 *
 * @example
 * ```ts ignore
 * const lane = new WorkerLane();
 * await lane.run({ reference: "identity", checks: ["alloc.unique"], seed: 1, timeoutMs: 60_000 }, console.log);
 * lane.terminate();
 * ```
 */
export class WorkerLane {
  readonly #worker: Worker;
  readonly #pending: PendingJob[] = [];
  #closed = false;

  constructor() {
    this.#worker = new Worker(new URL("./reference_worker.ts", import.meta.url), { type: "module" });
    this.#worker.onmessage = (event: MessageEvent<{ result?: CheckResult; done?: boolean; failed?: string }>) => {
      if (event.data.failed !== undefined) {
        this.#fail(new Error(`a reference HAL's worker failed: ${event.data.failed}`));
        return;
      }
      const job = this.#pending[0];
      if (job === undefined) return;
      if (event.data.result) job.onResult(event.data.result);
      if (event.data.done) {
        this.#pending.shift();
        job.resolve();
      }
    };
    this.#worker.onerror = (event) => {
      event.preventDefault();
      this.#fail(new Error(`a reference HAL's worker failed: ${event.message}`));
    };
  }

  /** Asks the worker to warm up (its first message: see warm_up.ts). */
  warmUp(request: WarmUpRequest): void {
    this.#worker.postMessage(request);
  }

  /**
   * Queues `job`; resolves once its last result is in (each given to `onResult` as it comes). Resolves at once, with
   * the results so far, when the lane is terminated.
   */
  run(job: ReferenceJob, onResult: (result: CheckResult) => void): Promise<void> {
    if (this.#closed) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.#pending.push({ onResult, resolve, reject });
      this.#worker.postMessage(job);
    });
  }

  /** Stops the worker; jobs still queued resolve without their remaining results. */
  terminate(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#worker.terminate();
    for (const job of this.#pending.splice(0)) job.resolve();
  }

  #fail(error: Error): void {
    this.#closed = true;
    this.#worker.terminate();
    for (const job of this.#pending.splice(0)) job.reject(error);
  }
}

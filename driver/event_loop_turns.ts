/**
 * Turns of the event loop on demand, for a thread that runs checks back to back: a check runs without turning it
 * (its awaits are of promises already settled), and what waits for a turn waits the whole check. The main thread hears
 * Ctrl-C and the workers' results there, and every thread lets V8 finish a garbage collection it has started: a worker
 * that ran four checks without a turn let its heap grow to 45 MiB before V8 could finish marking it.
 *
 * @example
 * ```ts
 * import { EventLoopTurns } from "./event_loop_turns.ts";
 *
 * const turns = new EventLoopTurns();
 * await turns.next(); // timers, messages and V8's tasks have had their turn
 * turns.close();
 * ```
 *
 * @module
 */

/**
 * Turns of the event loop on demand: a message posted to ourselves, which costs tens of microseconds, where a
 * zero-delay timer waits about 2 ms.
 */
export class EventLoopTurns {
  readonly #channel = new MessageChannel();
  #resume: (() => void) | undefined;

  constructor() {
    this.#channel.port1.onmessage = () => this.#resume?.();
  }

  /** Resolves after one turn of the event loop. */
  next(): Promise<void> {
    return new Promise((resolve) => {
      this.#resume = resolve;
      this.#channel.port2.postMessage(null);
    });
  }

  /** Closes the channel (an open one keeps the event loop alive). */
  close(): void {
    this.#channel.port1.close();
    this.#channel.port2.close();
  }
}

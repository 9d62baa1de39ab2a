/** A helper worker of honest_worker_log.ts: logs what it is sent, from its own thread, to the process's fd 1. */
// A worker's scope, typed here: a lib directive would change the globals of every module checked with this one.
const scope = self as unknown as { onmessage: (event: MessageEvent) => void };
scope.onmessage = (event) => console.log(`worker: ${event.data}`);

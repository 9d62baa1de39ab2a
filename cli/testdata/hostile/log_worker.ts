/** A helper worker of honest_worker_log.ts: logs what it is sent, from its own thread, to the process's fd 1. */
self.onmessage = (event: MessageEvent) => console.log(`worker: ${event.data}`);

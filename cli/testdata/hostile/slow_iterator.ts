/**
 * The broken HAL, with the Array iterator patched once programs run (the handshake's probe instance is left alone) so
 * that every step of every for...of, the driver's among them, spins for a second: every call is slow, and no program
 * ends in time. The run must end in about one check's time, not in every check's.
 */
import { broken } from "./_broken.ts";

const original = Array.prototype[Symbol.iterator];
function slowIterator(this: unknown[]) {
  const inner = original.call(this);
  return {
    next() {
      const until = performance.now() + 1000;
      while (performance.now() < until) { /* spin */ }
      return inner.next();
    },
    [Symbol.iterator]() {
      return this;
    },
  } as ArrayIterator<unknown>;
}

const base = broken("slow-iterator");
let created = 0;
export default {
  ...base,
  create(host) {
    if (created++ === 1) Array.prototype[Symbol.iterator] = slowIterator;
    return base.create(host);
  },
} satisfies typeof base;

/**
 * STATE: the model-based check.
 *
 * @module
 */

import { type Check, defineCheck } from "../check.ts";

/** The STATE check: long random programs over every operation, judged against every clause. */
export const stateChecks: Check[] = [
  defineCheck({
    id: "state.model",
    clauses: ["STATE-1"],
    title: "random programs over all operations never break any clause",
    description: "Runs long random programs mixing every operation (allocation, frees valid and invalid, " +
      "translation, IRQs, CPU switches, memory) on one instance, and judges every applicable clause after " +
      "every step against a reference model.",
    needs: [],
    judgesAll: true,
    shape: {
      mix: {
        alloc: 6,
        fill: 1,
        free: 4,
        freeAgain: 1,
        freeRaw: 1,
        p2v: 2,
        p2vRaw: 1,
        v2p: 2,
        raise: 3,
        fetch: 2,
        handle: 3,
        setCpu: 2,
        write: 2,
        read: 2,
      },
      maxLength: 80,
    },
  }),
];

/**
 * STATE: the model-based check.
 *
 * @module
 */

import { type Check, defineCheck } from "./check.ts";

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
        freeMany: 1,
        allocContig: 2,
        freeContig: 1,
        freeContigBad: 1,
        freeInRange: 1,
        p2vContig: 1,
      },
      maxLength: 80,
    },
  }),
  defineCheck({
    id: "state.deep",
    clauses: ["STATE-1"],
    title: "deep states: drained and refilled pools, hundreds of frees, CPU switches mid-sequence",
    description: "Drains all of RAM, frees hundreds of frames at once (oldest, newest or every other), drains " +
      "again, switches CPU between the steps and interleaves contiguous ranges, several times over in one " +
      "program; every clause is judged after every step. Bugs that need history (a slow leak, drift after " +
      "repeated drains, a per-CPU cache that overflows) show only here.",
    needs: ["exhaustible"],
    judgesAll: true,
    // Each program drains and refills RAM several times: half as many programs cost as much as a mixed check.
    runsShare: 0.5,
    shape: {
      mix: { setCpu: 3, alloc: 3, fill: 1, freeMany: 1 },
      maxLength: 12,
      size: "medium",
      then: {
        mix: { fill: 3, freeMany: 4, setCpu: 6, alloc: 4, free: 1, allocContig: 2, freeContig: 1, raise: 1, handle: 1 },
        maxLength: 40,
        size: "large",
      },
    },
  }),
];

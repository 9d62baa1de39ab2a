/**
 * FREE: what `deallocFrame` does.
 *
 * @module
 */

import { type Check, defineCheck } from "./check.ts";

/** The FREE checks. */
export const freeChecks: Check[] = [
  defineCheck({
    id: "free.accept",
    clauses: ["FREE-1"],
    title: "freeing a live frame succeeds",
    description: "Frees frames the HAL handed out, in any order; no such call may throw.",
    needs: [],
    shape: { mix: { alloc: 3, free: 3, fill: 1, setCpu: 1 }, maxLength: 30 },
  }),
  defineCheck({
    id: "free.reuse",
    clauses: ["FREE-2"],
    title: "a freed frame becomes allocatable again",
    description: "Fills RAM, frees some frames, fills again: every freed frame must come back before null.",
    needs: ["exhaustible"],
    shape: { mix: { fill: 3, free: 4, alloc: 1, setCpu: 1, freeMany: 1 }, maxLength: 16 },
  }),
  defineCheck({
    id: "free.strict",
    clauses: ["FREE-3"],
    title: "freeing a frame that is not live throws (strictFree)",
    description: "Double frees, frees of frames never allocated, unaligned addresses and addresses outside RAM " +
      "must throw.",
    needs: ["strictFree"],
    shape: { mix: { alloc: 3, free: 2, freeAgain: 3, freeRaw: 3 }, maxLength: 20 },
  }),
  defineCheck({
    id: "free.atomic",
    clauses: ["FREE-4"],
    title: "a rejected free changes nothing (strictFree)",
    description: "After rejected frees, allocation goes on as if they never happened: no frame is handed out twice.",
    needs: ["strictFree"],
    shape: { mix: { alloc: 3, free: 2, freeAgain: 3, freeRaw: 2, fill: 1 }, maxLength: 24 },
  }),
];

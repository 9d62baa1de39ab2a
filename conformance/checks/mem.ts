/**
 * MEM: memory seen through the test ports.
 *
 * @module
 */

import { type Check, defineCheck } from "./check.ts";

/** The MEM checks. */
export const memChecks: Check[] = [
  defineCheck({
    id: "mem.readback",
    clauses: ["MEM-1"],
    title: "bytes written through a frame's virtual address read back there",
    description: "Writes byte patterns at frame edges and random offsets, then reads them back.",
    needs: ["memory-ports"],
    shape: { mix: { alloc: 2, write: 4, read: 4, free: 1 }, maxLength: 30 },
  }),
  defineCheck({
    id: "mem.isolation",
    clauses: ["MEM-2"],
    title: "bytes written to one frame appear in no other live frame",
    description: "Writes different patterns to several live frames and reads each back.",
    needs: ["memory-ports"],
    shape: {
      mix: { alloc: 3, write: 3 },
      maxLength: 16,
      then: { mix: { read: 4, write: 1, alloc: 1, free: 1 }, maxLength: 16 },
    },
  }),
];

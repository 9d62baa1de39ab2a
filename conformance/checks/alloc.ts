/**
 * ALLOC: what `allocFrame` returns.
 *
 * @module
 */

import { type Check, defineCheck } from "./check.ts";

/** The ALLOC checks. */
export const allocChecks: Check[] = [
  defineCheck({
    id: "alloc.exhaustion",
    clauses: ["ALLOC-1", "ALLOC-2"],
    title: "allocFrame returns exactly null when no frame is free, and never throws",
    description: "Allocates all of RAM (fill), then more, with frees in between; every result must be a bigint " +
      "or exactly null, and no call may throw.",
    needs: ["exhaustible"],
    shape: { mix: { fill: 2, alloc: 3, free: 2, setCpu: 1 }, maxLength: 12 },
  }),
  defineCheck({
    id: "alloc.placement",
    clauses: ["ALLOC-3", "ALLOC-4", "ALLOC-5"],
    title: "frames are aligned, wholly inside a declared region, and never address 0",
    description: "Allocates and frees at random, sometimes all of RAM, and checks where every frame lies.",
    needs: [],
    shape: { mix: { alloc: 4, fill: 1, free: 2, setCpu: 1 }, maxLength: 30 },
  }),
  defineCheck({
    id: "alloc.unique",
    clauses: ["ALLOC-6"],
    title: "live frames are pairwise distinct",
    description: "Long runs of allocations and frees (on every CPU, sometimes all of RAM); no frame may be " +
      "handed out while it is live.",
    needs: [],
    shape: { mix: { alloc: 4, free: 3, fill: 2, setCpu: 1 }, maxLength: 50 },
  }),
  defineCheck({
    id: "alloc.capacity",
    clauses: ["ALLOC-7"],
    title: "every usable frame of every region is allocatable",
    description: "Allocates until null and compares the count with the declared RAM: a region ignored or a " +
      "frame lost shows as an early null.",
    needs: ["exhaustible"],
    shape: { mix: { fill: 3, free: 3, alloc: 1, setCpu: 1 }, maxLength: 16 },
  }),
  defineCheck({
    id: "alloc.zeroed",
    clauses: ["ALLOC-8"],
    title: "allocated frames read as zeros (zeroedFrames)",
    description: "Writes non-zero bytes to frames, frees them, allocates again and reads: every byte of a " +
      "fresh frame must be 0.",
    needs: ["zeroedFrames", "memory-ports"],
    shape: {
      mix: { alloc: 2, write: 3, free: 2 },
      maxLength: 16,
      then: { mix: { alloc: 3, read: 4, write: 1, free: 1 }, maxLength: 16 },
    },
  }),
];

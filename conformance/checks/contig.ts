/**
 * CONTIG: contiguous frames (the `axvisor-memory` edition).
 *
 * @module
 */

import { type Check, defineCheck } from "./check.ts";

/** The CONTIG checks. */
export const contigChecks: Check[] = [
  defineCheck({
    id: "contig.result",
    clauses: ["CONTIG-1", "CONTIG-2"],
    title: "allocContiguousFrames returns a bigint or exactly null, never throws, and null for zero frames",
    description: "Asks for ranges of every size (0, 1, odd counts, hundreds) and alignment, until RAM runs out; " +
      "every result must be a bigint or null, and a request for zero frames must get null.",
    needs: ["contiguous"],
    shape: { mix: { allocContig: 6, freeContig: 2, alloc: 1, fill: 1 }, maxLength: 24 },
  }),
  defineCheck({
    id: "contig.placement",
    clauses: ["CONTIG-3"],
    title: "ranges are aligned as asked and lie inside one declared region",
    description: "Allocates ranges with alignments from 1 frame to 512 frames, near region ends and after " +
      "single allocations have fragmented RAM.",
    needs: ["contiguous"],
    shape: { mix: { allocContig: 6, alloc: 2, free: 1, freeContig: 1 }, maxLength: 30 },
  }),
  defineCheck({
    id: "contig.disjoint",
    clauses: ["CONTIG-4"],
    title: "ranges are disjoint from every live frame and range",
    description: "Interleaves single and contiguous allocations and frees, sometimes draining RAM; no frame may " +
      "belong to two owners.",
    needs: ["contiguous"],
    shape: { mix: { allocContig: 4, alloc: 3, fill: 1, free: 2, freeContig: 2, freeMany: 1 }, maxLength: 40 },
  }),
  defineCheck({
    id: "contig.reuse",
    clauses: ["CONTIG-5"],
    title: "freeing a range succeeds and gives back exactly its frames",
    description: "Allocates ranges, drains RAM, frees ranges and drains again: every frame of a freed range must " +
      "come back, and no other.",
    needs: ["contiguous", "exhaustible"],
    shape: {
      mix: { allocContig: 4, freeContig: 3, alloc: 1 },
      maxLength: 12,
      then: { mix: { fill: 2, freeContig: 2, allocContig: 2, freeMany: 1 }, maxLength: 10 },
    },
  }),
  defineCheck({
    id: "contig.strict",
    clauses: ["CONTIG-6"],
    title: "freeing a range wrongly throws (strictFree)",
    description: "Frees live ranges with a count one too large or from their second frame, and frees single " +
      "frames of live ranges: each call must throw.",
    needs: ["contiguous", "strictFree"],
    shape: { mix: { allocContig: 3, freeContigBad: 3, freeInRange: 2, alloc: 1, freeContig: 1 }, maxLength: 20 },
  }),
  defineCheck({
    id: "contig.translate",
    clauses: ["CONTIG-7"],
    title: "a range is virtually contiguous",
    description: "Translates several frames of each range: their virtual addresses must follow the first's.",
    needs: ["contiguous"],
    shape: { mix: { allocContig: 3, p2vContig: 5, v2p: 1, freeContig: 1 }, maxLength: 30 },
  }),
];

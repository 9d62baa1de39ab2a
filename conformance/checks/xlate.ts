/**
 * XLATE: `physToVirt` and `virtToPhys`. No check assumes a linear mapping:
 * each judges only what earlier results of the same instance imply.
 *
 * @module
 */

import { type Check, defineCheck } from "./check.ts";

const translations = {
  mix: { alloc: 2, p2v: 3, p2vRaw: 3, fill: 1, v2p: 1 },
  maxLength: 14,
  then: { mix: { v2p: 4, p2v: 1, p2vRaw: 1 }, maxLength: 14 },
};

/** The XLATE checks. */
export const xlateChecks: Check[] = [
  defineCheck({
    id: "xlate.total",
    clauses: ["XLATE-1"],
    title: "translation is defined on all declared RAM",
    description: "Translates region edges, last frames and random addresses of every region, and the virtual " +
      "pages they map to; no call may throw.",
    needs: [],
    shape: { mix: { p2vRaw: 4, alloc: 2, p2v: 3, v2p: 3, fill: 1 }, maxLength: 24 },
  }),
  defineCheck({
    id: "xlate.roundtrip",
    clauses: ["XLATE-2"],
    title: "virtToPhys(physToVirt(x)) == x",
    description: "Translates physical addresses and translates the results back.",
    needs: [],
    shape: translations,
  }),
  defineCheck({
    id: "xlate.offset",
    clauses: ["XLATE-3"],
    title: "offsets inside a frame are kept both ways",
    description: "Translates several offsets of one frame (0, frameSize-1, random) and of its virtual page.",
    needs: [],
    shape: translations,
  }),
  defineCheck({
    id: "xlate.injective",
    clauses: ["XLATE-4"],
    title: "distinct frames map to disjoint virtual pages",
    description: "Translates frames of every region and compares the virtual pages they land on.",
    needs: [],
    shape: { mix: { p2vRaw: 4, alloc: 2, p2v: 3, fill: 1 }, maxLength: 30 },
  }),
  defineCheck({
    id: "xlate.stable",
    clauses: ["XLATE-5"],
    title: "a frame's translation never changes",
    description: "Translates frames before and after they are freed and allocated again.",
    needs: [],
    shape: { mix: { alloc: 2, free: 2, p2v: 4, p2vRaw: 2, fill: 1 }, maxLength: 30 },
  }),
  defineCheck({
    id: "xlate.range",
    clauses: ["XLATE-6"],
    title: "translations are exact 64-bit bigints",
    description: "Every translation must be a bigint in [0, 2^64): no number, no overflow past 2^64.",
    needs: [],
    shape: { mix: { p2vRaw: 4, alloc: 1, p2v: 2, v2p: 2 }, maxLength: 20 },
  }),
];

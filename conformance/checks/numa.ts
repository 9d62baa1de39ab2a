/**
 * NUMA: frame placement across nodes.
 *
 * @module
 */

import { type Check, defineCheck } from "./check.ts";

/** The NUMA checks. */
export const numaChecks: Check[] = [
  defineCheck({
    id: "numa.local-first",
    clauses: ["NUMA-1"],
    title: "frames come from the current CPU's node while it has free frames",
    description: "Allocates from every CPU and checks the node of each frame.",
    needs: ["numa"],
    shape: { mix: { setCpu: 3, alloc: 4, free: 2, fill: 1 }, maxLength: 30 },
  }),
  defineCheck({
    id: "numa.fallback",
    clauses: ["NUMA-2"],
    title: "allocation falls back to other nodes; null only when all are empty",
    description: "Exhausts nodes from different CPUs; allocation must go on while any node has a free frame.",
    needs: ["numa", "exhaustible"],
    shape: { mix: { setCpu: 3, alloc: 2, fill: 2, free: 2 }, maxLength: 16 },
  }),
];

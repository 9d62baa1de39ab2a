/**
 * IRQ: `irqFetch` and `irqHandler`.
 *
 * @module
 */

import { type Check, defineCheck } from "./check.ts";

/** The IRQ checks. */
export const irqChecks: Check[] = [
  defineCheck({
    id: "irq.idle",
    clauses: ["IRQ-1"],
    title: "irqFetch returns the declared none when nothing is pending",
    description: "Fetches before any IRQ and after all are handled.",
    needs: ["irq"],
    shape: { mix: { fetch: 3, raise: 1, handle: 2 }, maxLength: 20 },
  }),
  defineCheck({
    id: "irq.pending",
    clauses: ["IRQ-2"],
    title: "irqFetch returns a pending line",
    description: "Raises lines (edges and random ones), fetches and handles; a fetched line must be pending.",
    needs: ["irq"],
    shape: { mix: { raise: 3, fetch: 3, handle: 2, setCpu: 1 }, maxLength: 30 },
  }),
  defineCheck({
    id: "irq.order",
    clauses: ["IRQ-3"],
    title: "pending lines are served in the declared order",
    description: "Raises several lines, then fetches and handles them one by one.",
    needs: ["irq", "irq-order"],
    shape: {
      mix: { raise: 4, fetch: 1 },
      maxLength: 12,
      then: { mix: { fetch: 2, handle: 3, raise: 1 }, maxLength: 20 },
    },
  }),
  defineCheck({
    id: "irq.fetch-pure",
    clauses: ["IRQ-4"],
    title: "irqFetch has no side effect (fetch peek)",
    description: "Fetches repeatedly with nothing in between, and handles after fetching.",
    needs: ["irq", "irq-peek"],
    shape: { mix: { raise: 2, fetch: 4, handle: 2 }, maxLength: 24 },
  }),
  defineCheck({
    id: "irq.dispatch",
    clauses: ["IRQ-5"],
    title: "irqHandler dispatches the current IRQ once and acknowledges it",
    description: "Handles with and without pending lines; each call must dispatch the current line exactly " +
      "once, and only from irqHandler.",
    needs: ["irq"],
    shape: { mix: { raise: 3, handle: 4, fetch: 1, setCpu: 1 }, maxLength: 30 },
  }),
  defineCheck({
    id: "irq.no-loss",
    clauses: ["IRQ-6"],
    title: "no IRQ is lost or duplicated",
    description: "Long runs with many lines pending at once; every raised line is dispatched exactly once.",
    needs: ["irq"],
    shape: {
      mix: { raise: 3, handle: 1, fetch: 1 },
      maxLength: 16,
      then: { mix: { handle: 4, fetch: 2, raise: 2, setCpu: 1 }, maxLength: 24 },
    },
  }),
  defineCheck({
    id: "irq.acknowledge",
    clauses: ["IRQ-8", "IRQ-9"],
    title: "irqFetch acknowledges, and irqHandler dispatches and completes what it fetched (fetch acknowledge)",
    description: "Raises lines, fetches one or several (on several CPUs, nested under a GIC's running priority), " +
      "raises them again while active, and handles on the CPU that fetched and on others: each handler must " +
      "dispatch and complete the line its CPU acknowledged, and a completed line must be delivered again.",
    needs: ["irq", "irq-acknowledge"],
    shape: {
      mix: { raise: 3, fetch: 3, handle: 2, setCpu: 2 },
      maxLength: 16,
      then: { mix: { fetch: 3, handle: 3, raise: 3, setCpu: 2 }, maxLength: 20 },
    },
  }),
  defineCheck({
    id: "irq.banked",
    clauses: ["IRQ-10"],
    title: "banked lines are per CPU",
    description: "Raises banked and shared lines on several CPUs and fetches and handles them from others: a " +
      "banked line is seen only on the CPU it was raised on.",
    needs: ["irq", "irq-banked"],
    shape: { mix: { raise: 3, setCpu: 3, fetch: 2, handle: 3 }, maxLength: 30, size: "medium" },
  }),
];

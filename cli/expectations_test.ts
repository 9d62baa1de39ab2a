import assert from "node:assert/strict";
import type { CheckResult } from "../conformance/run/runner.ts";
import { applyExpectation, expectationsFrom } from "./expectations.ts";

const result = (check: string, status: CheckResult["status"], reason?: string): CheckResult => ({
  target: "hal",
  check,
  clauses: [],
  status,
  runs: 1,
  durationMs: 1,
  seed: 1,
  ...(reason ? { reason } : {}),
});

Deno.test("a result is unexpected when it differs from its expectation (pass and skip by default)", () => {
  const expectations = { hal: { "a": { status: "fail" as const, reason: "bug 12" } } };
  assert.equal(applyExpectation(result("a", "fail"), expectations).unexpected, false);
  assert.equal(applyExpectation(result("a", "pass"), expectations).unexpected, true);
  assert.equal(applyExpectation(result("b", "skip"), expectations).unexpected, false);
  assert.equal(applyExpectation(result("b", "timeout"), expectations).unexpected, true);
});

Deno.test("expectationsFrom keeps reasons and links of unchanged entries", () => {
  const previous = { hal: { a: { status: "fail" as const, reason: "bug 12", link: "https://example.org/12" } } };
  const written = expectationsFrom([
    result("a", "fail", "new text"),
    result("b", "error", "crash"),
    result("c", "pass"),
  ], previous);
  assert.deepEqual(written, {
    hal: {
      a: { status: "fail", reason: "bug 12", link: "https://example.org/12" },
      b: { status: "error", reason: "crash" },
    },
  });
});

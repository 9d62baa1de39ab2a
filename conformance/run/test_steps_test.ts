import assert from "node:assert/strict";
import { identityHal } from "../../impls/mod.ts";
import { selectChecks } from "../checks/catalogue.ts";
import { ConformanceError, testConformance } from "./test_steps.ts";
import silentDoubleFree from "../testdata/mutants/silent_double_free.ts";

Deno.test("testConformance registers the checks of a conforming HAL as passing steps", async (t) => {
  await testConformance(t, identityHal(), { seed: 3, runs: 20, checks: selectChecks(["alloc.*", "numa.*"]) });
});

Deno.test("testConformance fails a step with the counterexample", async (t) => {
  let failure: unknown;
  const fakeContext = {
    ...t,
    step: async (definition: string | Deno.TestStepDefinition, fn?: () => void) => {
      const run = typeof definition === "string" ? fn! : definition.fn as () => void;
      if (typeof definition !== "string" && definition.ignore) return true;
      try {
        await run();
      } catch (error) {
        failure = error;
      }
      return true;
    },
  } as unknown as Deno.TestContext;
  await testConformance(fakeContext, silentDoubleFree, { seed: 3, checks: selectChecks(["free.strict"]) });
  assert.ok(failure instanceof ConformanceError);
  assert.match(failure.message, /free\.strict fail: FREE-3/);
  assert.match(failure.message, / {2}1\. free\(0x[0-9a-f_]+\) -> ok {3}<-- FREE-3 broken/);
});

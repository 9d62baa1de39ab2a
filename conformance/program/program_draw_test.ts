import assert from "node:assert/strict";
import fc from "fast-check";
import { CHECKS } from "../checks/catalogue.ts";
import { validateProfile } from "../contract/profile.ts";
import { identityHal } from "../../impls/mod.ts";
import { programArbitrary } from "./arbitraries.ts";
import { ProgramDraw } from "./program_draw.ts";
import { type Program, programToJson } from "./program.ts";

const profile = validateProfile(identityHal().profile);
const parameters = { randomType: "congruential32" } as const;
const json = (programs: readonly Program[]) => programs.map(programToJson);

Deno.test("programs drawn in chunks are fast-check's own, in order: those fc.sample gives and fc.check regenerates", () => {
  for (const check of CHECKS) {
    const arbitrary = programArbitrary(profile, check.shape);
    for (const seed of [1, 7919, -2_000_000_001]) {
      const whole = fc.sample(arbitrary, { ...parameters, seed, numRuns: 60 });
      const draw = new ProgramDraw(arbitrary, { ...parameters, seed }, 60);
      // Uneven chunks, as growing batches ask for them, and a slice asked twice.
      const drawn = [...draw.slice(0, 1), ...draw.slice(1, 8), ...draw.slice(8, 8), ...draw.slice(8, 31)];
      drawn.push(...draw.slice(31, 1_000));
      assert.deepEqual(json(drawn), json(whole), `${check.id}, seed ${seed}`);
      assert.deepEqual(json(draw.slice(3, 5)), json(whole.slice(3, 5)), `${check.id}, seed ${seed}: asked again`);
    }
  }
});

Deno.test("a draw makes no program before it is asked for, and none past its count", () => {
  const arbitrary = programArbitrary(profile, CHECKS[0].shape);
  const draw = new ProgramDraw(arbitrary, { ...parameters, seed: 3 }, 10);
  assert.equal(draw.drawn, 0);
  assert.equal(draw.slice(0, 4).length, 4);
  assert.equal(draw.drawn, 4);
  assert.equal(draw.slice(2, 50).length, 8);
  assert.equal(draw.drawn, 10);
  assert.equal(draw.all().length, 10);
});

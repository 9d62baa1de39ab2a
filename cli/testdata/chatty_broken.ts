/** Hands a live frame out twice from its fourth allocation on, and says so on stdout at every step it takes. */
import { identityHal } from "../../impls/mod.ts";
import { patched } from "../../conformance/testdata/mutants/_mutant.ts";

let instances = 0;
export default patched("chatty-broken", identityHal(), (hal) => {
  const instance = ++instances;
  let calls = 0;
  let first: bigint | null = null;
  console.log(`instance ${instance} created`);
  return {
    allocFrame() {
      calls++;
      console.log(`instance ${instance}: allocFrame call ${calls}`);
      const frame = calls >= 4 && first !== null ? first : hal.allocFrame();
      first ??= frame;
      return frame;
    },
  };
});

import { referenceHals } from "./impls/mod.ts";
import { runConformance } from "./conformance/runner.ts";
const t = performance.now();
for (const target of referenceHals()) await runConformance(target, { seed: 1 });
console.log(performance.now() - t);

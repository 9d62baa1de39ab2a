/** Keeps the contract and logs with console.count and console.time/timeEnd, which write to fd 1 on their own. */
import { identityHal } from "../../../impls/mod.ts";
import { patched } from "../../../conformance/testdata/mutants/_mutant.ts";

export default patched("honest-console-count", identityHal(), (hal) => ({
  allocFrame() {
    console.count("allocFrame");
    console.time("allocFrame");
    const frame = hal.allocFrame();
    console.timeEnd("allocFrame");
    return frame;
  },
}));

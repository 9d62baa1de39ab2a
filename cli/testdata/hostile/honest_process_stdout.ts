/** Keeps the contract and logs every call with node:process's stdout, a route to fd 1 the driver cannot re-point. */
import process from "node:process";
import { identityHal } from "../../../impls/mod.ts";
import { patched } from "../../../conformance/testdata/mutants/_mutant.ts";

export default patched("honest-process-stdout", identityHal(), (hal) => ({
  allocFrame() {
    const frame = hal.allocFrame();
    process.stdout.write(`allocFrame: ${frame}\nbegin\nend\n`);
    return frame;
  },
}));

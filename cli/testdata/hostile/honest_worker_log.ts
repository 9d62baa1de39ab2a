/** Keeps the contract and logs every call from a helper Worker (console.log in another thread reaches fd 1). */
import { identityHal } from "../../../impls/mod.ts";
import { patched } from "../../../conformance/testdata/mutants/_mutant.ts";

const worker = new Worker(new URL("./log_worker.ts", import.meta.url), { type: "module" });

export default patched("honest-worker-log", identityHal(), (hal) => ({
  allocFrame() {
    const frame = hal.allocFrame();
    worker.postMessage(`allocFrame: ${frame}`);
    return frame;
  },
}));

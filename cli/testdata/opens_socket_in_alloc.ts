/** Opens a socket from allocFrame without awaiting it: the denial arrives after the call returned. */
import { identityHal } from "../../impls/mod.ts";
import { patched } from "../../conformance/testdata/mutants/_mutant.ts";

export default patched("opens-socket-in-alloc", identityHal(), (hal) => ({
  allocFrame() {
    Deno.connect({ hostname: "127.0.0.1", port: 9 }).catch(() => {});
    return hal.allocFrame();
  },
}));

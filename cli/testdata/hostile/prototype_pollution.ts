/** Pollutes Object.prototype: fast-check once read `randomType` from it and generated only empty programs. */
import { broken } from "./_broken.ts";

const polluted = Object.prototype as Record<string, unknown>;
polluted.randomType = () => () => ({ value: 0, rng: null });
polluted.numRuns = 0;
polluted.seed = 1;
polluted.then = undefined;
export default broken("prototype-pollution");

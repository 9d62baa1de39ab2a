/** A slow leak: every 50th free is dropped. Reached only after 50 frees. Breaks FREE-2. */
import { slowLeak } from "./_deep.ts";

export const breaks = ["FREE-2", "STATE-1"];
export default slowLeak(50);

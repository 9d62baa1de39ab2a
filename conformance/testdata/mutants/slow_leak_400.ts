/** A slow leak: every 400th free is dropped. Reached only after 400 frees. Breaks FREE-2. */
import { slowLeak } from "./_deep.ts";

export const breaks = ["FREE-2", "STATE-1"];
export default slowLeak(400);

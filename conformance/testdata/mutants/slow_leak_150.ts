/** A slow leak: every 150th free is dropped. Reached only after 150 frees. Breaks FREE-2. */
import { slowLeak } from "./_deep.ts";

export const breaks = ["FREE-2", "STATE-1", "FREE-3"];
export default slowLeak(150);

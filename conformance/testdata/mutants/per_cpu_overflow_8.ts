/** A per-CPU cache of 8 freed frames drops what overflows it. Breaks FREE-2. */
import { perCpuOverflow } from "./_deep.ts";

export const breaks = ["FREE-2", "STATE-1", "FREE-3"];
export default perCpuOverflow(8);

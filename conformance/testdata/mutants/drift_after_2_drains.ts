/** After the pool ran dry 2 times, one freed frame is handed out twice. Breaks ALLOC-6. */
import { driftAfterDrains } from "./_deep.ts";

export const breaks = ["ALLOC-6", "STATE-1", "FREE-1"];
export default driftAfterDrains(2);

/** Patches Map, Set and Array lookups while loading, before the handshake. */
import { broken } from "./_broken.ts";

Map.prototype.get = function () {
  return undefined;
};
Set.prototype.has = () => false;
Array.prototype.findIndex = () => -1;
export default broken("builtin-patch-on-load");

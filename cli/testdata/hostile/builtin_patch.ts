/**
 * Patches the builtins a judge relies on (Map, Set and Array lookups always
 * say "not seen"), once the first program runs: after the handshake, so the
 * driver loads normally and then runs on poisoned builtins.
 */
import { broken } from "./_broken.ts";

const base = broken("builtin-patch");
let created = 0;
export default {
  ...base,
  create(host) {
    if (created++ === 1) {
      Map.prototype.get = function () {
        return undefined;
      };
      Map.prototype.has = () => false;
      Set.prototype.has = () => false;
      Array.prototype.includes = () => false;
      Array.prototype.findIndex = () => -1;
    }
    return base.create(host);
  },
} satisfies typeof base;

/**
 * Claims strictFree and zeroedFrames, then deletes the claims from its own profile when its first instance is made,
 * before the driver's handshake reads them: its lax frees would then have been skipped. The claims are read before
 * any instance exists, so they are judged.
 */
import type { HalTarget } from "../../../conformance/contract/hal.ts";
import { broken } from "./_broken.ts";

const base = broken("deletes-claims");
const profile = { ...base.profile, strictFree: true as boolean | undefined, zeroedFrames: true as boolean | undefined };
const target: HalTarget = {
  ...base,
  profile,
  create(host) {
    delete profile.strictFree;
    delete profile.zeroedFrames;
    const hal = base.create(host);
    return { ...hal, deallocFrame() {} }; // a free that never refuses anything
  },
};
export default target;

/**
 * Legal: `readMemory` returns a view of the HAL's own RAM (a `Uint8Array` over its backing store), not a copy: the
 * bytes a read returned are its result as of that step, whatever is written after.
 */
import type { HalTarget } from "../../contract/hal.ts";
import { identityHal } from "../../../impls/identity.ts";

const base = identityHal({ name: "readmemory-view" });

const target: HalTarget = {
  ...base,
  create(host) {
    const hal = base.create(host);
    // The HAL's RAM, a page at a time as it is touched (identity-mapped: a virtual address is a physical one).
    const pages = new Map<bigint, Uint8Array>();
    const pageOf = (vaddr: bigint) => {
      const frame = vaddr & ~0xfffn;
      let page = pages.get(frame);
      if (page === undefined) pages.set(frame, page = new Uint8Array(0x1000));
      return page;
    };
    return {
      ...hal,
      allocFrame() {
        const frame = hal.allocFrame();
        if (frame !== null) pages.delete(frame); // zeroedFrames: a fresh page next time it is touched
        return frame;
      },
      // A view over the page itself, as a HAL reading its RAM in place would return.
      readMemory: (vaddr, length) => pageOf(vaddr).subarray(Number(vaddr & 0xfffn), Number(vaddr & 0xfffn) + length),
      writeMemory: (vaddr, bytes) => pageOf(vaddr).set(bytes, Number(vaddr & 0xfffn)),
    };
  },
};

export default target;

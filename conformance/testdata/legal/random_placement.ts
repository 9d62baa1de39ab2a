/** Legal but unusual: hands out a random free frame each time (seeded per instance), identity-mapped. */
import type { HalTarget } from "../../contract/hal.ts";

const memory = [{ start: 0x1000n, size: 0x3_0000n }, { start: 0x100_0000n, size: 0x2_0000n }];

const target: HalTarget = {
  name: "random-placement",
  profile: { memory, strictFree: true },
  create() {
    let state = 0x2545f491;
    const random = () => {
      state ^= state << 13;
      state ^= state >>> 17;
      state ^= state << 5;
      return (state >>> 0) / 2 ** 32;
    };
    const free: bigint[] = [];
    for (const region of memory) {
      for (let frame = region.start; frame < region.start + region.size; frame += 0x1000n) free.push(frame);
    }
    const live = new Set<bigint>();
    const inRam = (p: bigint) => memory.some((r) => p >= r.start && p < r.start + r.size);
    return {
      allocFrame() {
        if (free.length === 0) return null;
        const index = Math.floor(random() * free.length);
        const frame = free[index];
        free[index] = free[free.length - 1];
        free.pop();
        live.add(frame);
        return frame;
      },
      deallocFrame(paddr) {
        if (!live.delete(paddr)) throw new RangeError(`not live: ${paddr}`);
        free.push(paddr);
      },
      physToVirt(paddr) {
        if (!inRam(paddr)) throw new RangeError("not in RAM");
        return paddr;
      },
      virtToPhys(vaddr) {
        if (!inRam(vaddr)) throw new RangeError("not mapped");
        return vaddr;
      },
    };
  },
};
export default target;

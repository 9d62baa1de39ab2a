/** Allocates only from the current CPU's node: null as soon as that node is empty. Breaks NUMA-2. */
import { numaFrames, numaHal } from "../../../impls/mod.ts";
import { validateProfile } from "../../contract/profile.ts";
import { assembleHal } from "../../../impls/assemble.ts";
import { FrameAllocator } from "../../../impls/frame_allocator.ts";
import type { HalTarget } from "../../contract/hal.ts";

const base = numaHal();
const profile = validateProfile(base.profile);
const reference = base.create({ dispatchIrq() {}, currentCpu: () => 0 });

export const breaks = ["NUMA-2"];
const target: HalTarget = {
  name: "no-remote-fallback",
  profile: base.profile,
  create(host) {
    const nodes = new Map<number, FrameAllocator>();
    for (const node of new Set(profile.memory.map((r) => r.node))) {
      nodes.set(node, new FrameAllocator(profile.memory.filter((r) => r.node === node), profile.frameSize));
    }
    const all = numaFrames(profile);
    return assembleHal({
      profile: base.profile,
      frames: {
        alloc: (cpu) => nodes.get(profile.cpuNodes[cpu])!.alloc(),
        free(paddr) {
          for (const allocator of nodes.values()) if (allocator.contains(paddr)) return allocator.free(paddr);
          all.free(paddr);
        },
      },
      translation: { toVirt: (p) => reference.physToVirt(p), toPhys: (v) => reference.virtToPhys(v) },
      host,
    });
  },
};
export default target;

/** Takes the CPU number for its NUMA node (ignoring cpuNodes), so CPU 1 allocates from node 1. Breaks NUMA-1. */
import { numaFrames, numaHal } from "../../../impls/mod.ts";
import { validateProfile } from "../../contract/profile.ts";
import { assembleHal } from "../../../impls/assemble.ts";
import type { HalTarget } from "../../contract/hal.ts";

const base = numaHal();
const profile = validateProfile(base.profile);
const wrongNodes = { ...profile, cpuNodes: profile.cpuNodes.map((_, cpu) => Math.min(cpu, 2)) };
const reference = base.create({ dispatchIrq() {}, currentCpu: () => 0 });

export const breaks = ["NUMA-1"];
const target: HalTarget = {
  name: "remote-node-first",
  profile: base.profile,
  create(host) {
    const hal = assembleHal({
      profile: base.profile,
      frames: numaFrames(wrongNodes),
      translation: { toVirt: (p) => reference.physToVirt(p), toPhys: (v) => reference.virtToPhys(v) },
      host,
    });
    return hal;
  },
};
export default target;

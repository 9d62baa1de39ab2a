/**
 * Helpers for mutants: reference HALs broken in exactly one way.
 *
 * Each mutant module default-exports a `HalTarget` and exports `breaks`, the
 * clauses its bug breaks (the first is the one it was written for).
 */

import type { HalHost, HalInstance, HalProfile, HalTarget } from "../../contract/hal.ts";
import { type ResolvedProfile, validateProfile } from "../../contract/profile.ts";
import { assembleHal } from "../../../impls/assemble.ts";
import { InterruptController } from "../../../impls/interrupt_controller.ts";
import { plainFrames } from "../../../impls/reference.ts";
import { axvisorHal } from "../../../impls/axvisor.ts";
import { Gic } from "../../../impls/gic.ts";
import { identityHal } from "../../../impls/identity.ts";
import { offsetMap } from "../../../impls/translation.ts";

/** What a mutant module exports. */
export interface MutantModule {
  default: HalTarget;
  breaks: string[];
}

/** A target whose instances are the base's, patched. */
export function patched(
  name: string,
  base: HalTarget,
  patch: (hal: HalInstance, context: { host: HalHost; profile: ResolvedProfile }) => Partial<HalInstance>,
): HalTarget {
  const profile = validateProfile(base.profile);
  return {
    name,
    profile: base.profile,
    create(host) {
      const hal = base.create(host);
      return { ...hal, ...patch(hal, { host, profile }) };
    },
  };
}

/** The identity HAL's profile with IRQs, for IRQ mutants. */
export const IRQ_PROFILE: HalProfile = {
  memory: [{ start: 0x8000_0000n, size: 0x4_0000n }],
  irq: { lines: 64, none: 1023, order: "lowest-first" },
  zeroedFrames: true,
  strictFree: true,
};

/** An identity-mapped HAL whose interrupt controller is built by `controller`, then patched. */
export function withController(
  name: string,
  controller: (profile: ResolvedProfile) => InterruptController,
  patch: (hal: HalInstance, irq: InterruptController, host: HalHost) => Partial<HalInstance> = () => ({}),
  profile: HalProfile = IRQ_PROFILE,
): HalTarget {
  const resolved = validateProfile(profile);
  const translation = offsetMap(resolved.memory, 0n);
  return {
    name,
    profile,
    create(host) {
      const interrupts = controller(resolved);
      const hal = assembleHal({ profile, frames: plainFrames(resolved), translation, host, interrupts });
      return { ...hal, ...patch(hal, interrupts, host) };
    },
  };
}

export { InterruptController };

/** The axvisor reference HAL, patched: for CONTIG and acknowledge-semantics mutants. */
export function axvisorPatched(
  name: string,
  patch: (hal: HalInstance, context: { host: HalHost; profile: ResolvedProfile }) => Partial<HalInstance>,
  options: Parameters<typeof axvisorHal>[0] = {},
): HalTarget {
  return patched(name, axvisorHal(options), patch);
}

/**
 * The identity HAL (1 MiB, 4 CPUs) with a deep-state bug: `decide` sees every
 * call and may replace its effect. Shared by the deep mutants, whose files
 * only vary the bug's parameter.
 */
export function deepMutant(
  name: string,
  patch: (hal: HalInstance, host: HalHost) => Partial<HalInstance>,
): HalTarget {
  return patched(name, identityHal({ cpus: 4 }), (hal, { host }) => patch(hal, host));
}

/** A simulated GIC of 64 lines as the profile declares it (banked lines, priorities, running priority). */
export function profileGic(profile: ResolvedProfile, banked: number = profile.irq!.banked): Gic {
  const irq = profile.irq!;
  return new Gic(64, banked, profile.cpus, 1023, { priorities: irq.priorities, runningPriority: irq.runningPriority });
}

/** How a GIC-backed mutant's IRQ functions go wrong (each defaults to the correct behaviour). */
export interface GicFaults {
  /** Lines banked per CPU (default 32; 0 shares every line between CPUs). */
  banked?: number;
  /** Whether irqHandler writes end of interrupt (default true). */
  completes?: boolean;
  /** Whether irqHandler acknowledges again instead of handling what irqFetch acknowledged (axvisor's aarch64 HAL). */
  handlerFetchesAgain?: boolean;
  /** Whether a shared line raised again while active is fetched again before it is completed. */
  refetchesActiveShared?: boolean;
  /** Whether the lines irqFetch acknowledged go on one list for all CPUs (a handler may take another CPU's). */
  oneQueueForAllCpus?: boolean;
  /** Whether irqHandler completes the oldest acknowledged line first, where a GIC completes the most recent. */
  completesOldestFirst?: boolean;
  /** Whether the end of interrupt names another active line of the CPU than the one dispatched. */
  eoiWrongLine?: boolean;
  /** Whether the controller serves the lowest numbered line whatever the priorities. */
  priorityBlind?: boolean;
  /** Whether the controller acknowledges the next pending line while one is active (no running priority). */
  ignoresRunningPriority?: boolean;
  /** Whether irqFetch reads the acknowledge register of the next CPU's interface instead of its own. */
  wrongCpuInterface?: boolean;
  /** Whether a line raised while another is active on the CPU is dropped. */
  dropsRaiseWhileActive?: boolean;
}

/**
 * The axvisor reference HAL with its IRQ functions rebuilt over a fresh simulated GIC, one fault at a time: the
 * acknowledge-semantics mutants differ only in `faults`.
 */
export function gicMutant(name: string, faults: GicFaults): HalTarget {
  const {
    banked = 32,
    completes = true,
    handlerFetchesAgain = false,
    refetchesActiveShared = false,
    oneQueueForAllCpus = false,
    completesOldestFirst = false,
    eoiWrongLine = false,
    priorityBlind = false,
    ignoresRunningPriority = false,
    wrongCpuInterface = false,
    dropsRaiseWhileActive = false,
  } = faults;
  return axvisorPatched(name, (_hal, { host, profile }) => {
    const irq = profile.irq!;
    const gic = new Gic(64, banked, profile.cpus, 1023, {
      priorities: priorityBlind ? undefined : irq.priorities,
      runningPriority: irq.runningPriority && !ignoresRunningPriority,
    });
    const cpus = profile.cpus;
    // Lines fetched and not yet handled, per CPU (or, faulty, one list for every CPU).
    const fetched: number[][] = Array.from({ length: profile.cpus }, () => []);
    const fetchedOn = (cpu: number) => fetched[oneQueueForAllCpus ? 0 : cpu];
    const lifo = irq.runningPriority && !completesOldestFirst;
    // A shared line acknowledged and not completed, which a faulty controller hands out again when it is raised again.
    const activeShared = new Set<number>();
    const raisedAgain = new Set<number>();
    return {
      raiseIrq(line) {
        if (refetchesActiveShared && activeShared.has(line)) raisedAgain.add(line);
        if (dropsRaiseWhileActive && fetched[host.currentCpu()].length > 0) return;
        gic.raise(line, host.currentCpu());
      },
      irqFetch() {
        const cpu = wrongCpuInterface ? (host.currentCpu() + 1) % cpus : host.currentCpu();
        const again = refetchesActiveShared ? [...raisedAgain][0] : undefined;
        let line: number;
        if (again !== undefined) {
          raisedAgain.delete(again);
          line = again;
        } else {
          line = gic.acknowledge(cpu);
        }
        if (line !== 1023) fetchedOn(cpu).push(line);
        if (line >= banked && line !== 1023) activeShared.add(line);
        return line;
      },
      irqHandler() {
        const cpu = host.currentCpu();
        const queue = fetchedOn(cpu);
        const line = handlerFetchesAgain
          ? gic.acknowledge(cpu)
          : (lifo ? queue.pop() : queue.shift()) ?? gic.acknowledge(cpu);
        if (line === 1023) return;
        host.dispatchIrq(line);
        activeShared.delete(line);
        if (!completes) return;
        // The end of interrupt names another active line of this CPU, when there is one.
        const other = eoiWrongLine ? queue.find((candidate) => candidate !== line) : undefined;
        gic.complete(cpu, other ?? line);
      },
    };
  });
}

/**
 * Where programs run: the runner generates and judges, a `ProgramExecutor`
 * only executes. In process for a trusted HAL (the library's speed path),
 * or through the driver protocol for a HAL the judge must not share a
 * process with (`driver/session.ts`).
 *
 * @module
 */

import { executeProgram, probeTarget, type Trace } from "../program/executor.ts";
import type { HalTarget } from "../contract/hal.ts";
import type { Program } from "../program/program.ts";
import { type ResolvedProfile, validateProfile } from "../contract/profile.ts";
import { editionProblem } from "../contract/editions.ts";

/** How a batch ran. */
export interface BatchOptions {
  /** The most `allocFrame` calls one `fill` makes. */
  fillLimit: number;
  /** When the batch must be done (a `performance.now()` time); past it the HAL is stopped. */
  deadline: number;
  /**
   * Called with each trace as soon as it is read, in order. With it, traces
   * are not kept in the outcome: judging one program overlaps with the
   * driver running the next, and memory holds one trace at a time.
   */
  onTrace?: (index: number, trace: Trace) => void;
  /**
   * The batch the caller will most likely ask for next, with the same fill limit: an executor may start it now (a
   * driver runs it while this one is judged). Asked for next, it is passed as this very array; if something else is
   * asked for instead, what ran of it is dropped.
   */
  next?: readonly Program[];
}

/** Why a batch stopped before its last program: the program at `traces.length` broke the driver. */
export interface ExecutionFailure {
  /** `timeout` when the deadline passed, `error` for a crash or a broken protocol. */
  status: "error" | "timeout";
  /** What happened, in one sentence. */
  reason: string;
}

/** The traces of a batch, in order; with a failure, the traces of the programs before the one that failed. */
export interface BatchOutcome {
  /** One trace per program that completed (none kept when `onTrace` was given). */
  traces: Trace[];
  /** How many programs completed: the one at this index failed, if any did. */
  completed: number;
  /** Set when a program did not complete. */
  failure?: ExecutionFailure;
}

/**
 * Runs programs on fresh instances of one HAL.
 *
 * @example
 * ```ts ignore
 * const outcome = await executor.execute([[{ op: "alloc" }]], { fillLimit: 257, deadline: performance.now() + 1000 });
 * ```
 */
export interface ProgramExecutor {
  /** The HAL's name. */
  readonly name: string;
  /** Its validated profile. */
  readonly profile: ResolvedProfile;
  /** The optional methods and ports it declared (those of its first instance). */
  readonly methods: ReadonlySet<string>;
  /** Set when the HAL's first instance could not be created. */
  readonly probeError?: string;
  /** Runs each program on a fresh instance. */
  execute(programs: readonly Program[], options: BatchOptions): Promise<BatchOutcome>;
  /** What the HAL printed since the last call, if anything. */
  takeOutput(): string | undefined;
}

/**
 * Runs a trusted HAL in this process: no isolation, no deadline, the speed
 * path of the library API. Never use it for a HAL you do not trust.
 *
 * @example
 * ```ts
 * import { identityHal } from "../../impls/mod.ts";
 * import { inProcessExecutor } from "./program_executor.ts";
 *
 * const executor = inProcessExecutor(identityHal());
 * const { traces } = await executor.execute([[{ op: "alloc" }]], { fillLimit: 10, deadline: Infinity });
 * traces[0].steps[0].result; // 0x8000_0000n
 * ```
 */
export function inProcessExecutor(target: HalTarget): ProgramExecutor {
  const profile = validateProfile(target.profile);
  const probe = probeTarget(target);
  const { methods } = probe;
  // Methods that disagree with the edition make every check an error (the CLI refuses such a HAL with exit 3).
  const probeError = probe.probeError ?? editionProblem(profile.contract, methods);
  return {
    name: target.name,
    profile,
    methods,
    ...(probeError ? { probeError } : {}),
    execute(programs, options) {
      const traces: Trace[] = [];
      programs.forEach((program, index) => {
        const trace = executeProgram(target, profile, program, { fillLimit: options.fillLimit, methods });
        if (options.onTrace) options.onTrace(index, trace);
        else traces.push(trace);
      });
      return Promise.resolve({ traces, completed: programs.length });
    },
    takeOutput: () => undefined,
  };
}

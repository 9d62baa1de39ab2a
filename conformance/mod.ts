/**
 * The `AxVCpuHal` contract as types, profile validation, and the conformance
 * suite that checks a HAL against the contract.
 *
 * @example
 * ```ts
 * import { identityHal } from "@halconf/halconf";
 * import { runConformance } from "@halconf/halconf/conformance";
 *
 * const report = await runConformance(identityHal(), { seed: 1, runs: 10 });
 * report.summary.failed; // 0
 * ```
 *
 * @module
 */

export type {
  AxVCpuHal,
  ContractEdition,
  HalHost,
  HalInstance,
  HalPorts,
  HalProfile,
  HalTarget,
  HostPhysAddr,
  HostVirtAddr,
  IrqFetch,
  IrqOrder,
  IrqProfile,
  MemoryRegion,
  TestWindow,
} from "./hal.ts";
export { type Edition, editionHasClause, type EditionMethod, editionOf, EDITIONS } from "./editions.ts";
export { ADDRESS_LIMIT, alignDown, alignUp, formatAddress, isAligned, parseAddress } from "./address.ts";
export {
  capacityOf,
  CONTRACT_EDITIONS,
  IRQ_FETCHES,
  IRQ_ORDERS,
  nameProblem,
  type ResolvedIrq,
  type ResolvedProfile,
  type ResolvedRegion,
  validateProfile,
  validateTarget,
} from "./profile.ts";
export {
  type JsonOperation,
  MANY_LIMIT,
  type Operation,
  OPERATION_KINDS,
  type OperationKind,
  type Pick,
  type Program,
  programFromJson,
  programToJson,
  type StepRef,
} from "./program.ts";
export {
  type ExecuteOptions,
  executeProgram,
  methodsOf,
  OPTIONAL_METHODS,
  type OptionalMethod,
  type Probe,
  probeTarget,
  type ThrownError,
  type Trace,
  type TraceStep,
} from "./executor.ts";
export { describeValue, HARNESS_ERROR, type Judgement, judgeTrace, judgeTraceReach, type Violation } from "./judge.ts";
export { formatProgram, formatStep, formatTrace } from "./print.ts";
export {
  type BatchOptions,
  type BatchOutcome,
  type ExecutionFailure,
  inProcessExecutor,
  type ProgramExecutor,
} from "./program_executor.ts";
export { decodeValue, encodeValue, type Json, traceFromJson, traceToJson } from "./trace_json.ts";
export { WordList } from "./word_list.ts";
export type { OperationMix, ProgramShape } from "./arbitraries.ts";
export { type Check, defineCheck, type Need } from "./check.ts";
export { CHECKS, DEFAULT_EXHAUSTION_LIMIT, needIsBroken, selectChecks, unmetNeed } from "./catalogue.ts";
export { type Clause, CLAUSE_FAMILIES, clauseById, type ClauseFamily, CLAUSES } from "./clauses.ts";
export {
  type CheckResult,
  type CheckStatus,
  type ConformanceReport,
  type Counterexample,
  DEFAULT_RUNS,
  deniedPermission,
  deriveSeed,
  DRAIN_FRAMES,
  MIN_DRAIN_RUNS,
  pinPicks,
  randomSeed,
  replay,
  type ReplayResult,
  type ReportSummary,
  runCheck,
  runCheckWith,
  runConformance,
  type RunOptions,
  SUITE_VERSION,
  summarize,
} from "./runner.ts";
export { ConformanceError, testConformance } from "./test_steps.ts";
export { editionsSection, PROFILE_WORDS, renderSpec } from "./spec.ts";
export { applicableStates, lineEdges, REACH_STATES, type ReachState } from "./reach.ts";

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
} from "./contract/hal.ts";
export {
  type Edition,
  editionHasClause,
  type EditionMethod,
  editionOf,
  editionProblem,
  EDITIONS,
} from "./contract/editions.ts";
export { ADDRESS_LIMIT, alignDown, alignUp, formatAddress, isAligned, parseAddress } from "./contract/address.ts";
export {
  capacityOf,
  CONTRACT_EDITIONS,
  declaredProfile,
  IRQ_FETCHES,
  IRQ_ORDERS,
  nameProblem,
  type ResolvedIrq,
  type ResolvedProfile,
  type ResolvedRegion,
  validateProfile,
  validateTarget,
} from "./contract/profile.ts";
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
} from "./program/program.ts";
export {
  type ExecuteOptions,
  executeProgram,
  methodsOf,
  OPTIONAL_METHODS,
  type OptionalMethod,
  type Probe,
  probeTarget,
  REQUIRED_METHODS,
  type ThrownError,
  type Trace,
  type TraceStep,
} from "./program/executor.ts";
export {
  describeValue,
  HARNESS_ERROR,
  type Judgement,
  judgeTrace,
  judgeTraceReach,
  type Violation,
} from "./judge/judge.ts";
export { formatProgram, formatStep, formatTrace } from "./judge/print.ts";
export {
  type BatchOptions,
  type BatchOutcome,
  type ExecutionFailure,
  inProcessExecutor,
  type ProgramExecutor,
} from "./run/program_executor.ts";
export { decodeValue, encodeValue, type Json, traceFromJson, traceToJson } from "./program/trace_json.ts";
export { WordList } from "./program/word_list.ts";
export type { OperationMix, ProgramShape } from "./program/arbitraries.ts";
export { type Check, defineCheck, type Need } from "./checks/check.ts";
export { CHECKS, DEFAULT_EXHAUSTION_LIMIT, needIsBroken, selectChecks, unmetNeed } from "./checks/catalogue.ts";
export { type Clause, CLAUSE_FAMILIES, clauseById, type ClauseFamily, CLAUSES } from "./contract/clauses.ts";
export {
  type CheckResult,
  type CheckStatus,
  type ConformanceReport,
  type Counterexample,
  decidedBeforeRunning,
  DEFAULT_RUNS,
  deniedPermission,
  deriveSeed,
  DRAIN_FRAMES,
  MIN_DRAINS,
  pinPicks,
  randomSeed,
  ranOutOfTime,
  replay,
  type ReplayResult,
  type ReportSummary,
  runCheck,
  runCheckWith,
  runConformance,
  type RunOptions,
  SUITE_VERSION,
  summarize,
} from "./run/runner.ts";
export { ConformanceError, testConformance } from "./run/test_steps.ts";
export { listUnderOwnChecks } from "./run/cross_list.ts";
export { drainOnceShape, fillCost, MAX_STEPS_AFTER_DRAIN } from "./run/drain_plan.ts";
export { editionsSection, PROFILE_WORDS, renderSpec } from "./spec.ts";
export { raisableLines, VACUITY_RULES, type VacuityRule, vacuousReason } from "./contract/vacuity.ts";
export { applicableStates, lineEdges, REACH_STATES, type ReachState } from "./judge/reach.ts";

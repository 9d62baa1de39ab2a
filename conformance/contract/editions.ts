/**
 * The editions of the contract: which crate and trait a HAL follows, which
 * methods that trait has (with their Rust names), and which clause families
 * apply. A profile chooses one with its `contract` field.
 *
 * @module
 */

import type { ContractEdition } from "./hal.ts";

/** One method of an edition: its halconf (TypeScript) name and its Rust name and signature. */
export interface EditionMethod {
  /** The name a TypeScript HAL (and the driver protocol) uses. */
  ts: string;
  /** The Rust item, as the crate spells it. */
  rust: string;
  /** Other spellings published versions used. */
  aliases?: string[];
  /** Whether the trait gives it a default (leaving it out is legal). */
  optional?: boolean;
}

/** One edition of the contract. */
export interface Edition {
  /** The name a profile's `contract` field gives. */
  id: ContractEdition;
  /** The Rust items the edition follows. */
  follows: string;
  /** The crate versions it was read from. */
  versions: string;
  /** The methods a HAL of this edition has. */
  methods: EditionMethod[];
  /** The clause families that apply. */
  families: string[];
  /** What differs from the other editions, in one or two sentences. */
  notes: string;
}

const MEMORY: EditionMethod[] = [
  { ts: "allocFrame", rust: "alloc_frame() -> Option<HostPhysAddr>" },
  { ts: "deallocFrame", rust: "dealloc_frame(paddr: HostPhysAddr)" },
  { ts: "physToVirt", rust: "phys_to_virt(paddr: HostPhysAddr) -> HostVirtAddr" },
  { ts: "virtToPhys", rust: "virt_to_phys(vaddr: HostVirtAddr) -> HostPhysAddr" },
];

const IRQ: EditionMethod[] = [
  { ts: "irqFetch", rust: "AxVCpuHal::irq_fetch() -> usize", aliases: ["irq_fecth"], optional: true },
  { ts: "irqHandler", rust: "AxVCpuHal::irq_hanlder()", optional: true },
];

const BASE_FAMILIES = ["ALLOC", "FREE", "XLATE", "MEM", "IRQ", "NUMA", "STATE"];

/** The editions, oldest first. */
export const EDITIONS: readonly Edition[] = [
  {
    id: "axvcpu-hal",
    follows: "`axvcpu::AxVCpuHal`: the memory functions and the IRQ functions on one trait",
    versions: "axvcpu 0.1 before `type MmHal` (the seed's trait)",
    methods: [...MEMORY.map((method) => ({ ...method, rust: `AxVCpuHal::${method.rust}` })), ...IRQ],
    families: BASE_FAMILIES,
    notes: "The default. One published version spells `irq_fetch` as `irq_fecth`; both map to `irqFetch`.",
  },
  {
    id: "axmm-hal",
    follows: "`axaddrspace::AxMmHal` (memory) behind `AxVCpuHal::MmHal`, and `axvcpu::AxVCpuHal` (IRQs)",
    versions: "axvcpu 0.1 with `type MmHal: axaddrspace::AxMmHal`; axaddrspace 0.1",
    methods: [...MEMORY.map((method) => ({ ...method, rust: `AxMmHal::${method.rust}` })), ...IRQ],
    families: BASE_FAMILIES,
    notes: "The same clauses as axvcpu-hal: the memory functions moved to another trait, their meaning did not.",
  },
  {
    id: "axvisor-memory",
    follows: "the `axvisor_api::memory` interface (memory), and `axvcpu::AxVCpuHal` (IRQs)",
    versions: "axvisor_api 0.1 `memory` module",
    methods: [
      ...MEMORY.map((method) => ({
        ...method,
        rust: `memory::${method.rust.replace("Host", "").replace("Host", "")}`,
      })),
      {
        ts: "allocContiguousFrames",
        rust: "memory::alloc_contiguous_frames(num_frames: usize, frame_align_pow2: usize) -> Option<PhysAddr>",
      },
      {
        ts: "deallocContiguousFrames",
        rust: "memory::dealloc_contiguous_frames(first_addr: PhysAddr, num_frames: usize)",
      },
      ...IRQ,
    ],
    families: [...BASE_FAMILIES.slice(0, -1), "CONTIG", "STATE"],
    notes: "Adds contiguous frames (the CONTIG clauses). `frame_align_pow2` is an exponent: the first " +
      "address is aligned to `frameSize << alignPow2` bytes.",
  },
];

/**
 * The edition with this name.
 *
 * @example
 * ```ts
 * import { editionOf } from "@halconf/halconf";
 *
 * editionOf("axvisor-memory").families.includes("CONTIG"); // true
 * ```
 */
export function editionOf(id: ContractEdition): Edition {
  return EDITIONS.find((edition) => edition.id === id)!;
}

/** Whether a clause (by id, `CONTIG-3`) belongs to the edition. */
export function editionHasClause(id: ContractEdition, clause: string): boolean {
  return editionOf(id).families.includes(clause.split("-")[0]);
}

/** The optional methods (of `OPTIONAL_METHODS`) that only an edition with contiguous frames has. */
const CONTIGUOUS_METHODS = ["allocContiguousFrames", "deallocContiguousFrames"];

/**
 * Why the methods a HAL declares disagree with the edition its profile names, or `undefined`: contiguous methods
 * without the `axvisor-memory` contract (their checks would be skipped, silently), or that contract without them
 * (it has no defaults). A profile error, named with its fix.
 *
 * @example
 * ```ts
 * import { editionProblem } from "@halconf/halconf";
 *
 * editionProblem("axvcpu-hal", new Set(["allocContiguousFrames", "deallocContiguousFrames"]));
 * // 'the HAL has allocContiguousFrames and deallocContiguousFrames, but its contract is axvcpu-hal: ...'
 * ```
 */
export function editionProblem(contract: ContractEdition, methods: ReadonlySet<string>): string | undefined {
  const present = CONTIGUOUS_METHODS.filter((method) => methods.has(method));
  const hasContiguous = editionOf(contract).methods.some((method) => CONTIGUOUS_METHODS.includes(method.ts));
  if (!hasContiguous && present.length > 0) {
    return `the HAL has ${present.join(" and ")}, but its contract is ${contract}, which has no contiguous frames: ` +
      'declare contract "axvisor-memory" (Rust: Profile::contract("axvisor-memory")) so that the CONTIG clauses ' +
      "check them, or leave them out";
  }
  const missing = CONTIGUOUS_METHODS.filter((method) => !methods.has(method));
  if (hasContiguous && missing.length > 0) {
    return `the ${contract} edition has alloc_contiguous_frames and dealloc_contiguous_frames, and the HAL lacks ` +
      `${missing.join(" and ")}: implement ${missing.length > 1 ? "them" : "it"} (Rust: .with_contiguous(..)), or ` +
      "declare the edition the HAL follows (contract axvcpu-hal or axmm-hal)";
  }
  return undefined;
}

/**
 * The clauses of the contract, as data: SPEC.md is generated from them and
 * `halconf explain` prints them.
 *
 * @module
 */

/** One clause of the contract. */
export interface Clause {
  /** Stable id, `FAMILY-n`. */
  id: string;
  /** RFC 2119 level. */
  level: "MUST" | "SHOULD";
  /** The profile claim that makes the clause apply, if any. */
  when?: string;
  /** The rule, in one sentence. */
  rule: string;
  /** Why, and where it comes from. */
  rationale: string;
}

/** A family of clauses. */
export interface ClauseFamily {
  /** `ALLOC`, `FREE`, ... */
  id: string;
  /** Heading. */
  title: string;
  /** The trait methods and ports it covers. */
  covers: string;
}

/** The clause families, in SPEC.md order. */
export const CLAUSE_FAMILIES: readonly ClauseFamily[] = [
  { id: "ALLOC", title: "Frame allocation", covers: "`alloc_frame` / `allocFrame`" },
  { id: "FREE", title: "Freeing frames", covers: "`dealloc_frame` / `deallocFrame`" },
  {
    id: "XLATE",
    title: "Address translation",
    covers: "`phys_to_virt` / `physToVirt`, `virt_to_phys` / `virtToPhys`",
  },
  { id: "MEM", title: "Memory behind the frames", covers: "the `readMemory` / `writeMemory` test ports" },
  {
    id: "IRQ",
    title: "Interrupts",
    covers: "`irq_fetch` / `irqFetch`, `irq_hanlder` / `irqHandler` (and the `raiseIrq` test port)",
  },
  { id: "NUMA", title: "NUMA placement", covers: "`allocFrame` with `cpuNodes` declared" },
  {
    id: "CONTIG",
    title: "Contiguous frames (axvisor-memory edition)",
    covers: "`alloc_contiguous_frames` / `allocContiguousFrames`, `dealloc_contiguous_frames` / " +
      "`deallocContiguousFrames`",
  },
  { id: "STATE", title: "State over time", covers: "every method together" },
];

/** Every clause, in SPEC.md order. */
export const CLAUSES: readonly Clause[] = [
  {
    id: "ALLOC-1",
    level: "MUST",
    rule: "When no frame is free, `allocFrame` returns `null`; it never throws.",
    rationale: 'The trait returns `Option<HostPhysAddr>`: `None` is the only way to say "out of memory", and ' +
      "callers such as `PhysFrame::alloc` turn it into an error they can handle. A panic in the host allocator " +
      "takes the whole hypervisor down.",
  },
  {
    id: "ALLOC-2",
    level: "MUST",
    rule: "`allocFrame` returns a `bigint` address or exactly `null`: never `undefined`, never a `number`.",
    rationale: "`Option<usize>` has two cases. In TypeScript `undefined` slips through loose checks, and a " +
      "`number` silently loses precision above 2^53.",
  },
  {
    id: "ALLOC-3",
    level: "MUST",
    rule: "Every frame is aligned to the frame size (4 KiB unless the profile declares another power of two).",
    rationale: "Frames hold page tables, VMCS/VMCB and EPT/stage-2 tables, which the hardware requires page " +
      "aligned; the whole ArceOS ecosystem uses 4 KiB frames.",
  },
  {
    id: "ALLOC-4",
    level: "MUST",
    rule: "Every frame lies wholly inside one declared memory region.",
    rationale: "A frame past a region's end (an off-by-one in the bound) or in a hole between regions is MMIO " +
      "or memory owned by someone else.",
  },
  {
    id: "ALLOC-5",
    level: "MUST",
    rule: "`allocFrame` never returns address 0.",
    rationale: "Callers treat 0 as invalid: `PhysFrame::alloc` asserts a non-zero address. RAM that starts at " +
      "0 loses its first frame.",
  },
  {
    id: "ALLOC-6",
    level: "MUST",
    rule: "A live frame (returned and not yet freed) is never returned again.",
    rationale: "Two owners of one frame corrupt each other silently; free-list slips that push a frame twice " +
      "are the classic cause.",
  },
  {
    id: "ALLOC-7",
    level: "MUST",
    rule: "`allocFrame` returns `null` only when every usable frame is live: every frame of every declared " +
      "region is allocatable (the frame at address 0 excepted).",
    rationale: "A known real bug: a page allocator that managed only the first of several memory regions. " +
      "Declared RAM that cannot be allocated is capacity the guest never gets.",
  },
  {
    id: "ALLOC-8",
    level: "MUST",
    when: "zeroedFrames",
    rule: "Every byte of a newly allocated frame reads 0.",
    rationale: "Callers that rely on the claim build page tables in fresh frames without clearing them; stale " +
      "bytes become stale mappings.",
  },
  {
    id: "FREE-1",
    level: "MUST",
    rule: "Freeing a live frame succeeds, in any order.",
    rationale: "`dealloc_frame` returns `()`: the trait gives no way to refuse a valid free.",
  },
  {
    id: "FREE-2",
    level: "MUST",
    rule: "A freed frame becomes allocatable again: `allocFrame` does not return `null` while a freed frame is " +
      "free.",
    rationale: "A frame lost on free leaks host memory for the life of the hypervisor; it shows only after " +
      "many frees, when memory is nearly full.",
  },
  {
    id: "FREE-3",
    level: "MUST",
    when: "strictFree",
    rule: "Freeing an address that is not a live frame (a double free, a frame never allocated, an unaligned " +
      "address, an address outside RAM) throws; it SHOULD throw a `RangeError`.",
    rationale: "Mock HALs that silently ignore double frees hide the caller's bug until production, where the " +
      "frame is handed out twice.",
  },
  {
    id: "FREE-4",
    level: "MUST",
    when: "strictFree",
    rule: "A rejected free leaves the allocator unchanged.",
    rationale: "A free that throws after pushing the frame on its free list hands the frame out twice later.",
  },
  {
    id: "XLATE-1",
    level: "MUST",
    rule: "`physToVirt` is defined for every address in declared RAM, and `virtToPhys` for every address in a " +
      "virtual page that `physToVirt` returned; neither throws there.",
    rationale: "The vCPU translates any frame it was given, including the last frame of a region; a bound " +
      "check off by one shows only there.",
  },
  {
    id: "XLATE-2",
    level: "MUST",
    rule: "`virtToPhys(physToVirt(x)) == x` for every `x` in RAM, and so `physToVirt(virtToPhys(v)) == v` for " +
      "every `v` `physToVirt` returned.",
    rationale: "A virtual address used as a physical one (a known bug) or a window off by a page breaks the " +
      "round trip.",
  },
  {
    id: "XLATE-3",
    level: "MUST",
    rule: "Offsets inside a frame are kept: `physToVirt(f + o) == physToVirt(f) + o` for `0 <= o < frameSize`, " +
      "and the same for `virtToPhys`.",
    rationale: "Callers translate a frame once and index into it; a translation that rounds to the page " +
      "loses the offset.",
  },
  {
    id: "XLATE-4",
    level: "MUST",
    rule: "Distinct frames map to disjoint virtual pages.",
    rationale: "Overlapping windows make two frames share memory through their virtual addresses.",
  },
  {
    id: "XLATE-5",
    level: "MUST",
    rule: "A frame's translation never changes over the life of an instance, across frees and reallocation.",
    rationale: "Pointers into a frame are kept across calls; no check may assume a linear map, so stability " +
      "is what is checked instead.",
  },
  {
    id: "XLATE-6",
    level: "MUST",
    rule: "Translations are `bigint`s in `[0, 2^64)`.",
    rationale: "Addresses are 64-bit `usize`: a `number` loses precision above 2^53, and `phys + offset` " +
      "computed without wrapping overflows 2^64.",
  },
  {
    id: "MEM-1",
    level: "MUST",
    when: "memory ports",
    rule: "Bytes written through a live frame's virtual address read back there.",
    rationale: "The frames back real data structures; writes that are lost at a frame's edge corrupt them.",
  },
  {
    id: "MEM-2",
    level: "MUST",
    when: "memory ports",
    rule: "Bytes written to one live frame appear in no other live frame.",
    rationale: "Aliased frames (two physical frames backed by one page) corrupt each other silently.",
  },
  {
    id: "IRQ-1",
    level: "MUST",
    when: "irq",
    rule: "With nothing pending, `irqFetch` returns the profile's `none`.",
    rationale: "The trait default `irq_fetch` returns 0, and ArceOS's `fetch_irq().unwrap_or_default()` does " +
      "too, which cannot be told from a real IRQ 0 (SGI 0 on a GIC). A `none` that is also a line number " +
      "shadows that line: halconf never raises it, and `irq.idle` notes it in the report. " +
      "Declare a `none` outside the lines, such as the GIC's spurious id 1023, to keep every line.",
  },
  {
    id: "IRQ-2",
    level: "MUST",
    when: "irq",
    rule: "With lines pending, `irqFetch` returns one of them, as an integer, and never throws.",
    rationale: "The vCPU injects or handles what `irq_fetch` reports; a stale or invented number is a " +
      "spurious interrupt.",
  },
  {
    id: "IRQ-3",
    level: "MUST",
    when: "irq order other than any, or priorities",
    rule: "`irqFetch` and `irqHandler` serve, among the pending lines the CPU may take, one of the highest " +
      "priority (when the profile declares priorities), and among those the one the declared order " +
      "(`lowest-first`, `highest-first`, `fifo`) puts first.",
    rationale: "Priority is part of the interrupt controller's contract; a HAL that declares an order is held " +
      "to it. A GIC serves the most urgent pending interrupt, the lowest id among equals (QEMU's GIC model).",
  },
  {
    id: "IRQ-4",
    level: "MUST",
    when: "irq fetch peek",
    rule: "`irqFetch` has no side effect: two calls with nothing in between return the same line, and fetching " +
      "does not acknowledge.",
    rationale: "Callers may fetch to decide and then call the handler; a fetch that acknowledges loses the IRQ.",
  },
  {
    id: "IRQ-5",
    level: "MUST",
    when: "irq",
    rule: "`irqHandler` dispatches the current IRQ to `host.dispatchIrq` exactly once and acknowledges it; it " +
      "dispatches nothing when nothing is pending, and nothing else dispatches.",
    rationale: "`irq_hanlder` (sic) hands the IRQ to the host kernel; a double dispatch runs a device's handler " +
      "twice.",
  },
  {
    id: "IRQ-6",
    level: "MUST",
    when: "irq",
    rule: "No IRQ is lost or duplicated: every line that becomes pending is dispatched exactly once (a line " +
      "raised while already pending coalesces with it).",
    rationale: "Controllers with a bounded pending queue drop IRQs only when several are pending at once.",
  },
  {
    id: "IRQ-7",
    level: "SHOULD",
    when: "irq",
    rule: "A HAL that claims IRQ support implements both `irqFetch` and `irqHandler`; one that keeps the trait " +
      'defaults (`irq_fetch` returns 0, `irq_hanlder` is `unimplemented!()`) is reported as "IRQ not ' +
      'implemented" and its IRQ checks are skipped, not failed.',
    rationale: "The defaults exist so that HALs without interrupts still compile; they are a gap to report, " +
      "not a broken contract.",
  },
  {
    id: "IRQ-8",
    level: "MUST",
    when: "irq fetch acknowledge",
    rule: "`irqFetch` acknowledges: it returns the pending line the order serves first and makes it active; an " +
      "active line is not fetched again until `irqHandler` has completed it. Without running priority a second " +
      "fetch returns the next pending line (or `none`). With `runningPriority` (a GIC CPU interface), while a " +
      "line is active on a CPU a fetch there returns `none` unless a pending line has a strictly higher " +
      "priority, which it returns (it preempts).",
    rationale: "On aarch64, ArceOS's `fetch_irq()` reads the GIC's acknowledge register (GICC_IAR): the read " +
      "itself moves the interrupt from pending to active, and the CPU interface's running priority becomes " +
      "that interrupt's, so that only a more urgent one is signalled until the end of interrupt. A HAL that " +
      "declares this is held to it.",
  },
  {
    id: "IRQ-9",
    level: "MUST",
    when: "irq fetch acknowledge",
    rule: "After `irqFetch` acknowledged lines on a CPU, the next `irqHandler` on that CPU dispatches exactly " +
      "one of them and completes it (end of interrupt): the oldest, or with `runningPriority` the most recent " +
      "(a GIC's priority drop is last in, first out). It does not acknowledge another line, nor take one " +
      "another CPU acknowledged.",
    rationale: "Under acknowledge semantics a fetch-then-handle sequence loses the interrupt when the handler " +
      "fetches again: the first line stays active, is never dispatched and never completed, and the GIC " +
      "delivers it no more. Nested interrupts end in the reverse order they began, on the CPU that took them.",
  },
  {
    id: "IRQ-10",
    level: "MUST",
    when: "irq banked",
    rule: "Lines below `banked` are per CPU: raised on a CPU, such a line is pending on that CPU only; " +
      "`irqFetch` and `irqHandler` on another CPU neither report nor dispatch it.",
    rationale: "A GIC banks SGIs and PPIs (lines 0-31) per CPU: a timer PPI of CPU 2 handled on CPU 0 runs " +
      "the wrong CPU's handler and leaves CPU 2's interrupt pending.",
  },
  {
    id: "NUMA-1",
    level: "MUST",
    when: "cpuNodes",
    rule: "While the current CPU's node has a free frame, `allocFrame` returns a frame of that node.",
    rationale: "Remote memory is slower; a HAL that claims a NUMA layout allocates locally first.",
  },
  {
    id: "NUMA-2",
    level: "MUST",
    when: "cpuNodes",
    rule: "When the current CPU's node is empty, `allocFrame` returns a frame of another node (it SHOULD be " +
      "the nearest); `null` only when every node is empty.",
    rationale: "Running out of local memory is not running out of memory.",
  },
  {
    id: "CONTIG-1",
    level: "MUST",
    when: "contiguous",
    rule: "`allocContiguousFrames(count, alignPow2)` returns a `bigint` address or exactly `null` (when no " +
      "suitable range is free); it never throws.",
    rationale: "`alloc_contiguous_frames` returns `Option<PhysAddr>`: `None` is how it says the request " +
      "cannot be met, and callers (DMA buffers, stage-2 root tables) fall back on it.",
  },
  {
    id: "CONTIG-2",
    level: "MUST",
    when: "contiguous",
    rule: "`allocContiguousFrames(0, alignPow2)` returns `null` and takes nothing.",
    rationale: "An empty range has no first address; a HAL that returns one hands out an address nobody " +
      "may free.",
  },
  {
    id: "CONTIG-3",
    level: "MUST",
    when: "contiguous",
    rule: "The range's first address is aligned to `frameSize << alignPow2` bytes, is not 0, and the whole " +
      "range `[first, first + count * frameSize)` lies inside one declared region.",
    rationale: "`frame_align_pow2` is an exponent. Implementations disagree (one reads it as a frame count), " +
      "and a range that crosses a region's end runs into MMIO.",
  },
  {
    id: "CONTIG-4",
    level: "MUST",
    when: "contiguous",
    rule: "A range is disjoint from every live frame and every live range; `allocFrame` never returns a " +
      "frame of a live range.",
    rationale: "Single and contiguous allocations usually share one bitmap or buddy allocator; an " +
      "off-by-one in its bookkeeping hands one frame to two owners.",
  },
  {
    id: "CONTIG-5",
    level: "MUST",
    when: "contiguous",
    rule: "`deallocContiguousFrames(first, count)` of a live range succeeds, and makes exactly its frames " +
      "allocatable again, as single frames or as ranges.",
    rationale: "A known real bug: a HAL handed the physical address it was given to an allocator that " +
      "expects a virtual one when freeing a range, so the frames were never freed (or the wrong ones were).",
  },
  {
    id: "CONTIG-6",
    level: "MUST",
    when: "contiguous and strictFree",
    rule: "Freeing a range with the wrong count or an address that is not its first throws, and so does " +
      "`deallocFrame` of a frame of a live range; none of them changes the allocator.",
    rationale: "A partial or shifted free leaves part of a range owned twice; a strict HAL catches the " +
      "caller's mistake where it is made.",
  },
  {
    id: "CONTIG-7",
    level: "MUST",
    when: "contiguous",
    rule: "A range is virtually contiguous: `physToVirt(first + i) == physToVirt(first) + i` for every byte " +
      "`i` of the range, besides every XLATE clause for each of its frames.",
    rationale: "Callers translate the first address once and use the range as one buffer through it.",
  },
  {
    id: "STATE-1",
    level: "MUST",
    rule: "Any sequence of operations on one instance, mixing every method, keeps every clause above.",
    rationale: "Bugs that need a particular history (after the n-th free, only when memory is nearly full, " +
      "only with several IRQs pending, only after a CPU switch) are found only by long random programs " +
      "judged against a model.",
  },
];

/**
 * The clause with this id.
 *
 * @example
 * ```ts
 * import { clauseById } from "@halconf/halconf";
 *
 * clauseById("ALLOC-5")?.rule; // "`allocFrame` never returns address 0."
 * ```
 */
export function clauseById(id: string): Clause | undefined {
  return CLAUSES.find((clause) => clause.id === id);
}

/**
 * fast-check arbitraries for programs, shaped by a profile so that they reach
 * the corners: exhaustion and refill, region edges, the last frame, offsets 0
 * and frameSize-1, addresses above 2^53 and near 2^64, every IRQ line, every
 * CPU.
 *
 * @module
 */

import fc from "fast-check";
import { ADDRESS_LIMIT } from "../contract/address.ts";
import { MANY_LIMIT, type Operation, type OperationKind, type Program, READ_LIMIT } from "./program.ts";
import type { ResolvedProfile } from "../contract/profile.ts";

/**
 * The constraints of every `fc.oneof` here. None is recursive, so fast-check's depth bias (which favours the first
 * arbitrary as a structure gets deeper) always came to nothing; `"max"` says so, and spares the computing of it on
 * every draw. The programs generated are the same.
 */
const ONE_OF = { depthSize: "max" } as const;

/** Relative weights of operation kinds in generated programs; absent kinds are never generated. */
export type OperationMix = Partial<Record<OperationKind, number>>;

/** The shape of the programs a check generates. */
export interface ProgramShape {
  /** Which operations, how often. */
  mix: OperationMix;
  /** The longest program (default 40). */
  maxLength?: number;
  /** The shortest program (default 1). */
  minLength?: number;
  /** A second phase appended to the first: for example raises first, then handling. */
  then?: ProgramShape;
  /**
   * How long programs tend to be within their bounds (fast-check's size,
   * default `"small"`): `"large"` reaches deep states more often and still
   * shrinks to a few steps.
   */
  size?: "small" | "medium" | "large";
}

/**
 * An index into earlier results, taken modulo their number when the program
 * runs, negative counting from the most recent: mostly the first few, often
 * the last few (after a fill, the last frames of RAM), sometimes anywhere.
 */
const pick = (): fc.Arbitrary<number> =>
  fc.oneof(
    ONE_OF,
    { arbitrary: fc.nat({ max: 15 }), weight: 3 },
    { arbitrary: fc.integer({ min: -4, max: -1 }), weight: 1 },
    { arbitrary: fc.nat({ max: 1 << 16 }), weight: 1 },
  );

function offsetIn(frameSize: number): fc.Arbitrary<number> {
  return fc.oneof(
    ONE_OF,
    fc.constant(0),
    fc.constant(frameSize - 1),
    fc.integer({ min: 0, max: frameSize - 1 }),
  );
}

/** Any address in declared RAM, biased to region edges. */
export function ramAddress(profile: ResolvedProfile): fc.Arbitrary<bigint> {
  const frame = BigInt(profile.frameSize);
  // Built once per region, not once per address drawn, and only for a region drawn: a board of 5,000 regions built
  // 30,000 arbitraries per check, a tenth of its run (what is drawn does not depend on when an arbitrary was built).
  const inRegion: fc.Arbitrary<bigint>[] = [];
  const build = (index: number) => {
    const { start, end } = profile.memory[index];
    return fc.oneof(
      ONE_OF,
      fc.constant(start),
      fc.constant(start + frame - 1n),
      fc.constant(end - frame),
      fc.constant(end - 1n),
      fc.bigInt({ min: start, max: end - 1n }),
    );
  };
  return fc.integer({ min: 0, max: profile.memory.length - 1 }).chain((index) => inRegion[index] ??= build(index));
}

/** Addresses that are not a live frame: unaligned, outside RAM, huge, or any frame of RAM. */
export function invalidFreeAddress(profile: ResolvedProfile): fc.Arbitrary<bigint> {
  const frame = BigInt(profile.frameSize);
  // Regions are in address order and do not overlap: a region's end is outside RAM unless the next one starts there,
  // and the frame below its start unless the one before ends there.
  const regions = profile.memory;
  const outside = regions.flatMap((region, i) => [
    ...(regions[i + 1]?.start !== region.end ? [region.end] : []),
    ...(regions[i - 1]?.end !== region.start ? [region.start - frame] : []),
  ]).filter((address) => address >= 0n && address < ADDRESS_LIMIT).slice(0, 64);
  return fc.oneof(
    ONE_OF,
    ramAddress(profile).map((address) => address - address % frame + 1n + (address % (frame - 1n))),
    fc.constantFrom(...outside, ADDRESS_LIMIT - frame, 1n << 53n, 0n),
    ramAddress(profile).map((address) => address - address % frame),
  );
}

/**
 * IRQ lines the profile declares, without `none`; biased to the first and last, to the banked edge, and to the
 * lines whose priority differs from the rest (a GIC's preemption needs them).
 */
export function irqLine(profile: ResolvedProfile): fc.Arbitrary<number> {
  const { lines, banked, priorities, raisable } = profile.irq!;
  const canRaise = new Set(raisable);
  const valid = (line: number) => canRaise.has(line);
  const common = priorities[raisable[0]];
  const distinct = raisable.filter((line) => priorities[line] !== common).slice(0, 16);
  const edges = [0, 1, lines - 2, lines - 1, banked - 1, banked, raisable[0], raisable[raisable.length - 1]]
    .filter((line) => line >= 0 && line < lines && valid(line));
  const small = raisable.slice(0, 6);
  const every = raisable.length === lines
    ? fc.integer({ min: 0, max: lines - 1 })
    : fc.nat({ max: raisable.length - 1 }).map((index) => raisable[index]);
  return fc.oneof(
    ONE_OF,
    fc.constantFrom(...edges),
    fc.constantFrom(...small),
    every,
    ...(distinct.length > 0 ? [fc.constantFrom(...distinct)] : []),
  );
}

/**
 * How many frames a `freeMany` frees: a few, or hundreds (deep states: a
 * slow leak shows only after the hundredth free).
 */
const manyCount = (): fc.Arbitrary<number> =>
  fc.oneof(
    ONE_OF,
    { arbitrary: fc.integer({ min: 2, max: 16 }), weight: 2 },
    { arbitrary: fc.integer({ min: 64, max: 512 }), weight: 2 },
    { arbitrary: fc.constant(MANY_LIMIT), weight: 1 },
  );

/** Frame counts of contiguous ranges: single frames, small runs, and runs past a buddy order. */
const contigCount = (): fc.Arbitrary<number> =>
  fc.oneof(
    ONE_OF,
    { arbitrary: fc.integer({ min: 1, max: 4 }), weight: 4 },
    { arbitrary: fc.integer({ min: 5, max: 64 }), weight: 2 },
    { arbitrary: fc.constantFrom(0, 3, 7, 9, 17, 33, 256, 513), weight: 1 },
  );

/** Arbitraries for each operation kind under a profile. */
export function operationArbitraries(profile: ResolvedProfile): Record<OperationKind, fc.Arbitrary<Operation>> {
  const frameSize = profile.frameSize;
  const bytes = fc.array(fc.integer({ min: 1, max: 255 }), { minLength: 1, maxLength: 8 });
  return {
    alloc: fc.constant({ op: "alloc" }),
    fill: fc.constant({ op: "fill" }),
    free: pick().map((frame) => ({ op: "free", frame })),
    freeAgain: pick().map((frame) => ({ op: "freeAgain", frame })),
    freeRaw: invalidFreeAddress(profile).map((addr) => ({ op: "freeRaw", addr })),
    p2v: fc.tuple(pick(), offsetIn(frameSize)).map(([frame, offset]) => ({ op: "p2v", frame, offset })),
    p2vRaw: ramAddress({ ...profile, memory: profile.board }).map((addr) => ({ op: "p2vRaw", addr })),
    v2p: fc.tuple(pick(), offsetIn(frameSize)).map(([p, offset]) => ({ op: "v2p", pick: p, offset })),
    raise: profile.irq ? irqLine(profile).map((irq) => ({ op: "raise", irq })) : fc.constant({ op: "fetch" }),
    fetch: fc.constant({ op: "fetch" }),
    handle: fc.constant({ op: "handle" }),
    setCpu: fc.integer({ min: 0, max: profile.cpus - 1 }).map((cpu) => ({ op: "setCpu", cpu })),
    write: fc.tuple(pick(), offsetIn(frameSize), bytes).map(([frame, offset, data]) => ({
      op: "write",
      frame,
      offset,
      bytes: data,
    })),
    read: fc.tuple(
      pick(),
      offsetIn(frameSize),
      fc.oneof(ONE_OF, fc.integer({ min: 1, max: 16 }), fc.constant(Math.min(frameSize, READ_LIMIT))),
    ).map(([frame, offset, length]) => ({
      op: "read",
      frame,
      offset,
      length,
    })),
    freeMany: fc.tuple(manyCount(), fc.constantFrom(1, 1, 2, 3, -1, -2)).map(([count, stride]) => ({
      op: "freeMany",
      count,
      stride,
    })),
    allocContig: fc.tuple(
      contigCount(),
      fc.oneof(ONE_OF, fc.constantFrom(0, 0, 1, 2, 3), fc.integer({ min: 0, max: 9 })),
    )
      .map(([count, alignPow2]) => ({ op: "allocContig", count, alignPow2 })),
    freeContig: pick().map((range) => ({ op: "freeContig", range })),
    freeContigBad: fc.tuple(pick(), fc.constantFrom("count" as const, "first" as const))
      .map(([range, wrong]) => ({ op: "freeContigBad", range, wrong })),
    freeInRange: fc.tuple(pick(), fc.nat({ max: 64 })).map(([range, nth]) => ({ op: "freeInRange", range, nth })),
    p2vContig: fc.tuple(pick(), fc.oneof(ONE_OF, fc.constant(0), fc.nat({ max: 64 })), offsetIn(frameSize))
      .map(([range, nth, offset]) => ({ op: "p2vContig", range, nth, offset })),
  };
}

/**
 * Programs of the given shape for a profile.
 *
 * @example
 * ```ts ignore
 * import fc from "fast-check";
 * import { identityHal, validateProfile } from "@halconf/halconf";
 * import { programArbitrary } from "./arbitraries.ts";
 *
 * const profile = validateProfile(identityHal().profile);
 * const [program] = fc.sample(programArbitrary(profile, { mix: { alloc: 3, free: 1 } }), 1);
 * ```
 */
export function programArbitrary(profile: ResolvedProfile, shape: ProgramShape): fc.Arbitrary<Program> {
  const arbitraries = operationArbitraries(profile);
  if (!profile.irq || !raises(shape)) return programOf(arbitraries, shape);
  // A program raises mostly a few lines of its own (banked and shared, of several priorities), so that a line is
  // raised again while it is pending or active, and several are pending at once; any line now and then.
  const anyLine = irqLine(profile);
  // Palettes repeat (they favour a few lines): the arbitrary of each is built once.
  const byPalette = new Map<string, fc.Arbitrary<Program>>();
  return linePalette(profile, anyLine).chain((palette) => {
    const key = palette.join(",");
    let programs = byPalette.get(key);
    if (programs === undefined) {
      const line = fc.oneof(ONE_OF, { arbitrary: fc.constantFrom(...palette), weight: 3 }, {
        arbitrary: anyLine,
        weight: 2,
      });
      programs = programOf({ ...arbitraries, raise: line.map((irq) => ({ op: "raise", irq })) }, shape);
      byPalette.set(key, programs);
    }
    return programs;
  });
}

/**
 * The few lines a program raises most: one to three lines; and, when the profile gives lines different priorities
 * (a GIC), as often a less urgent line and a more urgent one, so that one preempts the other while it is active.
 */
function linePalette(profile: ResolvedProfile, anyLine: fc.Arbitrary<number>): fc.Arbitrary<number[]> {
  const some = fc.uniqueArray(anyLine, { minLength: 1, maxLength: 4 });
  const { priorities, raisable } = profile.irq!;
  const byPriority = new Map<number, number[]>();
  for (const line of raisable) {
    const group = byPriority.get(priorities[line]) ?? [];
    if (group.length < 16) group.push(line);
    byPriority.set(priorities[line], group);
  }
  const levels = [...byPriority.keys()].sort((a, b) => a - b);
  if (levels.length < 2) return some;
  const nested = fc.tuple(fc.nat({ max: levels.length - 2 }), fc.nat({ max: 15 }), fc.nat({ max: 15 }), fc.nat())
    .chain(([low, a, b, gap]) => {
      const urgent = byPriority.get(levels[low])!;
      const lesser = byPriority.get(levels[low + 1 + (gap % (levels.length - 1 - low))])!;
      return fc.constant([lesser[a % lesser.length], urgent[b % urgent.length]] as number[]);
    });
  return fc.oneof(ONE_OF, some, nested);
}

function raises(shape: ProgramShape): boolean {
  return (shape.mix.raise ?? 0) > 0 || (shape.then !== undefined && raises(shape.then));
}

function programOf(
  arbitraries: Record<OperationKind, fc.Arbitrary<Operation>>,
  shape: ProgramShape,
): fc.Arbitrary<Program> {
  const phase = (part: ProgramShape): fc.Arbitrary<Program> => {
    const weighted = Object.entries(part.mix)
      .filter(([, weight]) => weight !== undefined && weight > 0)
      .map(([kind, weight]) => ({ arbitrary: arbitraries[kind as OperationKind], weight: weight! }));
    if (weighted.length === 0) return fc.constant([]);
    return fc.array(fc.oneof(ONE_OF, ...weighted), {
      minLength: part.minLength ?? 1,
      maxLength: part.maxLength ?? 40,
      size: part.size ?? "small",
    });
  };
  if (!shape.then) return phase(shape);
  return fc.tuple(phase(shape), programOf(arbitraries, shape.then)).map(([first, second]) => [...first, ...second]);
}

/**
 * Judging the memory ports (MEM-1, MEM-2, ALLOC-8).
 *
 * @module
 */

import { formatAddress } from "../../contract/address.ts";
import type { TraceStep } from "../../program/executor.ts";
import { type ContractModel, describeValue, type Report, type Violation } from "./state.ts";

const hex = formatAddress;
import { judgeTranslation } from "./translation.ts";

/** Judges a `write` or `read` step, then records what was written. */
export function judgeMemoryAccess(
  model: ContractModel,
  step: TraceStep,
  at: Report,
  threw: string,
): Violation | undefined {
  const fs = model.frameSize;
  const paddr = step.paddr!;
  const base = paddr - paddr % fs;
  if (step.threw?.method === "physToVirt") {
    return at("XLATE-1", `physToVirt(${hex(base)}) ${threw}`, "a virtual address", threw);
  }
  const translation = judgeTranslation(model, base, step.translated, step, at);
  if (translation) return translation;
  const offset = Number(paddr % fs);
  if (!model.live.has(base)) return undefined;
  const zeroed = model.profile.zeroedFrames;
  let frame = model.memory.get(base);
  if (step.op.op === "write") {
    if (step.threw) {
      return at("MEM-1", `writeMemory(${hex(step.vaddr!)}) ${threw}`, "the bytes are written", threw);
    }
    if (step.op.bytes.length === 0) return undefined;
    frame = model.bytesOf(base);
    model.writes.push({ frame: base, offset, bytes: step.op.bytes, step: step.index });
    const end = offset + step.op.bytes.length;
    frame.values.set(step.op.bytes, offset);
    frame.steps.fill(step.index + 1, offset, end);
    frame.low = Math.min(frame.low, offset);
    frame.high = Math.max(frame.high, end);
    return undefined;
  }
  if (step.op.op !== "read") return undefined;
  const length = step.op.length;
  if (step.threw) return at("MEM-1", `readMemory(${hex(step.vaddr!)}, ${length}) ${threw}`, "the bytes", threw);
  const bytes = step.result;
  if (!(bytes instanceof Uint8Array) || bytes.length !== length) {
    return at(
      "MEM-1",
      `readMemory(${hex(step.vaddr!)}, ${length}) returned ${describeValue(bytes)}`,
      `a Uint8Array of ${length} bytes`,
      describeValue(bytes),
    );
  }
  // Only frames written to are in model.memory.
  if (model.memory.size > (frame ? 1 : 0)) model.reach("MEM-2");
  // Clauses are recorded once per read, not per byte: a read is up to a whole frame.
  const steps = frame?.steps;
  // Every written offset lies in the frame's [low, high): the read's bytes before and after that span were never
  // written, so they are zero (zeroedFrames) or anything.
  const writtenFrom = frame ? Math.min(Math.max(frame.low - offset, 0), length) : length;
  const writtenTo = frame ? Math.min(Math.max(frame.high - offset, writtenFrom), length) : length;
  let inRange = 0;
  if (steps) { for (let i = offset + writtenFrom; i < offset + writtenTo; i++) if (steps[i] !== 0) inRange++; }
  if (inRange > 0) model.reach("MEM-1");
  if (zeroed && inRange < length) model.reach("ALLOC-8");
  // The first byte that differs from what the model holds, found by a plain scan (a read is up to a whole frame);
  // the loop below then explains it.
  let first = zeroed ? firstNonZero(bytes, 0, writtenFrom) : writtenFrom;
  if (steps && first === writtenFrom) {
    const values = frame!.values;
    while (first < writtenTo) {
      const at = offset + first;
      if (steps[at] !== 0 ? bytes[first] !== values[at] : zeroed && bytes[first] !== 0) break;
      first++;
    }
    if (first === writtenTo) first = zeroed ? firstNonZero(bytes, writtenTo, length) : length;
  }
  for (let i = first; i < length; i++) {
    const wroteAt = steps ? steps[offset + i] - 1 : -1;
    const expected = wroteAt >= 0 ? frame!.values[offset + i] : zeroed ? 0 : undefined;
    if (expected === undefined || bytes[i] === expected) continue;
    const where = `${hex(base)} + ${hex(BigInt(offset + i))}`;
    for (const [otherBase, other] of model.memory) {
      const otherStep = other.steps[offset + i] - 1;
      if (otherBase !== base && otherStep > wroteAt && other.values[offset + i] === bytes[i]) {
        return at(
          "MEM-2",
          `frame ${hex(base)} reads ${bytes[i]} at offset ${hex(BigInt(offset + i))}: the byte written to frame ${
            hex(otherBase)
          } at step ${otherStep + 1}`,
          `${expected}`,
          `${bytes[i]}`,
        );
      }
    }
    if (wroteAt >= 0) {
      return at(
        "MEM-1",
        `read ${bytes[i]} at ${where}, where step ${wroteAt + 1} wrote ${expected}`,
        `${expected}`,
        `${bytes[i]}`,
      );
    }
    // A byte written to another frame while both were live (freed since, so no longer in model.memory): aliased.
    const allocatedAt = model.live.get(base)!;
    const alias = model.writes.findLast((write) =>
      write.frame !== base && write.step > allocatedAt && offset + i >= write.offset &&
      offset + i < write.offset + write.bytes.length && write.bytes[offset + i - write.offset] === bytes[i]
    );
    if (alias) {
      return at(
        "MEM-2",
        `frame ${hex(base)} reads ${bytes[i]} at offset ${hex(BigInt(offset + i))}: the byte written to frame ${
          hex(alias.frame)
        } at step ${alias.step + 1}, while both were live`,
        zeroed ? "0 (zeroedFrames)" : "what this frame holds",
        `${bytes[i]}`,
        zeroed ? ["ALLOC-8"] : undefined,
      );
    }
    return at(
      "ALLOC-8",
      `frame ${hex(base)}, allocated at step ${allocatedAt + 1} and not written since, reads ${bytes[i]} at offset ${
        hex(BigInt(offset + i))
      }, not 0`,
      "0 (zeroedFrames)",
      `${bytes[i]}`,
    );
  }
  return undefined;
}

/** Below this many bytes a zero scan goes byte by byte (a view costs more than it saves). */
const WORD_SCAN_FROM = 64;

/**
 * The index of the first byte of `bytes[from, to)` that is not zero, or `to`: four bytes at a time where the buffer
 * lines up (a read is up to a whole frame, most of it zero).
 */
function firstNonZero(bytes: Uint8Array, from: number, to: number): number {
  let i = from;
  if (to - i >= WORD_SCAN_FROM) {
    while (((bytes.byteOffset + i) & 3) !== 0) {
      if (bytes[i] !== 0) return i;
      i++;
    }
    const words = new Uint32Array(bytes.buffer, bytes.byteOffset + i, (to - i) >> 2);
    let word = 0;
    while (word < words.length && words[word] === 0) word++;
    i += word * 4;
  }
  while (i < to && bytes[i] === 0) i++;
  return i;
}

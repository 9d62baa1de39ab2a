/**
 * Judging the memory ports (MEM-1, MEM-2, ALLOC-8).
 *
 * @module
 */

import { formatAddress } from "../address.ts";
import type { TraceStep } from "../executor.ts";
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
    if (!frame) model.memory.set(base, frame = { bytes: new Map() });
    const written = frame.bytes;
    step.op.bytes.forEach((value, i) => written.set(offset + i, { value, step: step.index }));
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
  let othersWritten = false;
  for (const [otherBase, other] of model.memory) {
    if (otherBase !== base && other.bytes.size > 0) othersWritten = true;
  }
  // Clauses are recorded once per read, not per byte: a read is up to a whole frame.
  if (othersWritten) model.reach("MEM-2");
  const written = frame?.bytes;
  let inRange = 0;
  for (const byte of written?.keys() ?? []) if (byte >= offset && byte < offset + length) inRange++;
  if (inRange > 0) model.reach("MEM-1");
  if (zeroed && inRange < length) model.reach("ALLOC-8");
  for (let i = 0; i < length; i++) {
    const known = written?.get(offset + i);
    const expected = known?.value ?? (zeroed ? 0 : undefined);
    if (expected === undefined || bytes[i] === expected) continue;
    const where = `${hex(base)} + ${hex(BigInt(offset + i))}`;
    for (const [otherBase, other] of model.memory) {
      const write = other.bytes.get(offset + i);
      if (otherBase !== base && write && write.value === bytes[i] && write.step > (known?.step ?? -1)) {
        return at(
          "MEM-2",
          `frame ${hex(base)} reads ${bytes[i]} at offset ${hex(BigInt(offset + i))}: the byte written to frame ${
            hex(otherBase)
          } at step ${write.step + 1}`,
          `${expected}`,
          `${bytes[i]}`,
        );
      }
    }
    if (known) {
      return at(
        "MEM-1",
        `read ${bytes[i]} at ${where}, where step ${known.step + 1} wrote ${known.value}`,
        `${known.value}`,
        `${bytes[i]}`,
      );
    }
    return at(
      "ALLOC-8",
      `frame ${hex(base)}, just allocated, reads ${bytes[i]} at offset ${hex(BigInt(offset + i))}, not 0`,
      "0 (zeroedFrames)",
      `${bytes[i]}`,
    );
  }
  return undefined;
}

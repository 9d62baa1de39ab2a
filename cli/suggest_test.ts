import assert from "node:assert/strict";
import { explainCheck } from "./catalogue_commands.ts";
import { parseCommandLine } from "./options.ts";
import { didYouMean, editDistance, nearest } from "./suggest.ts";

Deno.test("near misses get a suggestion, far ones none", () => {
  assert.equal(editDistance("kitten", "sitting"), 3);
  assert.equal(nearest("alloc.uniqe", ["alloc.unique", "free.accept"]), "alloc.unique");
  assert.equal(nearest("ALLOC-6", ["alloc-6"]), "alloc-6");
  assert.equal(nearest("zzz", ["alloc.unique"]), undefined);
  assert.equal(didYouMean("--chek", ["--check", "--hal"]), " (did you mean --check?)");
});

Deno.test("explain takes the clause id every failure prints, in any case, and names its checks", () => {
  for (const id of ["FREE-2", "free-2"]) {
    const text = explainCheck(id);
    assert.match(text, /^FREE-2 \(MUST\)\n {2}A freed frame becomes allocatable again/);
    assert.match(text, /Checked by: free\.reuse, state\.model/);
  }
  assert.match(explainCheck("alloc.unique"), /^alloc\.unique: live frames are pairwise distinct/);
  assert.throws(
    () => explainCheck("alloc.uniqe"),
    /unknown check, clause or topic "alloc\.uniqe" \(did you mean alloc\.unique\?\)/,
  );
  assert.throws(() => explainCheck("nothing-like-it"), (error: Error) => !/did you mean/.test(error.message));
});

Deno.test("misspelled flags and commands get the nearest real one", () => {
  assert.throws(() => parseCommandLine(["--chek", "x"]), /unknown flag --chek \(did you mean --check\?\)/);
  assert.throws(
    () => parseCommandLine(["replay", "f.json", "--hall", "x"]),
    /unknown flag --hall \(did you mean --hal\?\)/,
  );
  assert.throws(() => parseCommandLine(["confrom"]), /unknown command "confrom" \(did you mean conform\?\)/);
  assert.throws(
    () => parseCommandLine(["--frobnicate"]),
    /unknown flag --frobnicate for conform \(see halconf conform --help\)/,
  );
});

Deno.test("explain host and explain ports give the signatures and an example of each", () => {
  for (const topic of ["host", "ports", "raiseIrq", "readmemory"]) {
    const text = explainCheck(topic);
    assert.match(text, /`host\.dispatchIrq\(irq: number\): void`/);
    assert.match(text, /`readMemory\?\(vaddr: bigint, length: number\): Uint8Array`/);
    assert.match(text, /raiseIrq: \(irq\) => void pending\.add\(irq\)/);
  }
});

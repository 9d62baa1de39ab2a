import assert from "node:assert/strict";
import { OutputBuffer } from "./output_buffer.ts";

Deno.test("the head and the tail are kept, the middle counted; received counts every byte, taken or dropped", () => {
  const buffer = new OutputBuffer(8);
  assert.equal(buffer.received, 0);
  buffer.add("0123456789abcdef");
  assert.equal(buffer.received, 16);
  assert.equal(buffer.take(), "0123\n... (8 bytes omitted) ...\ncdef");
  assert.equal(buffer.take(), undefined);
  assert.equal(buffer.received, 16, "taking does not change what was received");
  buffer.add("xy");
  assert.equal(buffer.received, 18);
  assert.equal(buffer.take(), "xy");
});

Deno.test("the line that says what went wrong: a Rust panic's message and place, else the last line but stack frames", () => {
  const said = (text: string) => {
    const buffer = new OutputBuffer(1 << 16);
    buffer.add(text);
    return buffer.lastLine();
  };
  // Rust 1.89 on: the thread's id, the place, then the message; the note on backtraces last.
  assert.equal(
    said(
      "booting\n\nthread 'main' (3792) panicked at src/lib.rs:185:13:\ndealloc_frame(0x0): not an allocated frame\n" +
        "note: run with `RUST_BACKTRACE=1` environment variable to display a backtrace\n",
    ),
    "dealloc_frame(0x0): not an allocated frame (panicked at src/lib.rs:185:13)",
  );
  // Rust 1.73-1.88, a thread without a name, and a backtrace after the message: the last panic counts.
  assert.equal(
    said(
      "thread 'main' panicked at src/a.rs:1:1:\nfirst\nthread '<unnamed>' panicked at src/b.rs:2:2:\nthe table is missing\n" +
        "stack backtrace:\n   0: rust_begin_unwind\n",
    ),
    "the table is missing (panicked at src/b.rs:2:2)",
  );
  // Before Rust 1.73: the message quoted in the header.
  assert.equal(
    said("thread 'main' panicked at 'the table is missing', src/main.rs:9:5\nnote: run with `RUST_BACKTRACE=1`\n"),
    "the table is missing (panicked at src/main.rs:9:5)",
  );
  // A panic caught earlier, then other output: not what ended the process.
  assert.equal(
    said("thread 'main' (9) panicked at src/lib.rs:185:13:\nnot an allocated frame\nbegin\nSegmentation fault\n"),
    "Segmentation fault",
  );
  // No panic: the last line that is not a stack frame (a TypeScript crash is its message).
  assert.equal(
    said("error: Uncaught Error: no firmware\n    at load (hal.ts:3:9)\n"),
    "error: Uncaught Error: no firmware",
  );
  assert.equal(said("  \n"), undefined);
});

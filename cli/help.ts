/**
 * Help texts of the `halconf` command.
 *
 * @module
 */

import { DRAIN_FRAMES, MIN_DRAINS, SUITE_VERSION } from "../conformance/run/runner.ts";
import type { Command } from "./options.ts";

const EXIT_CODES = `Exit codes:
  0    every result passed or was skipped (or failed as expected)
  1    an unexpected fail, error, timeout or incomplete result (--allow-incomplete accepts incomplete)
  2    usage error: bad flag or value, unreadable input, unwritable output
  3    a HAL module could not be loaded or its profile is invalid: the harness could not run it
  130  interrupted (Ctrl-C): the partial report was written`;

/** Help text of each command, and of the whole tool. */
export const HELP: Record<Command | "main", string> = {
  main: `halconf ${SUITE_VERSION}: checks implementations of the ArceOS AxVCpuHal trait against its contract.

Usage: halconf [command] [options]

Commands:
  conform            run the suite (the default command)
  list               the checks, their clauses and what they need
  explain <topic>    a check, a clause (the id a failure prints), the host and ports,
                     every profile word, the contract editions, what each status means,
                     or the GIC semantics
  replay <file>      re-run a saved counterexample against its HAL
  init <dir>         scaffold a HAL that passes (TypeScript, or --rust), with tasks and a
                     sharded CI workflow
  merge <reports...> join the JSON reports of shards into one

Options:
  -h, --help         help (also: halconf <command> --help)
  -V, --version      the version

${EXIT_CODES}
`,
  conform: `Usage: halconf conform [options]

Runs every check against every reference HAL, or against the HALs you name.

Options:
  --hal <path>             a custom HAL module (default export: a HalTarget); repeatable.
                           It runs in a sandboxed driver process that may only read its own
                           folder; programs are generated and judged here, never there.
  --driver "<command>"     a HAL in any language behind a driver executable that speaks
                           PROTOCOL.md (version 2, on the channel HALCONF_CHANNEL names;
                           what it prints is the HAL's output); repeatable. The command is split into words as a
                           shell would (quotes kept), and run without a shell: a binary
                           ("target/release/my-driver"), "cargo run -q --manifest-path
                           driver/Cargo.toml", a script ("sh run.sh"), or a guest under
                           QEMU ("examples/qemu-gic/run --gic 3"). It runs in its own
                           process group with a cleared environment, a private HOME and
                           TMPDIR and a memory cap, in this directory; native code is not
                           otherwise sandboxed
  --target <name>          a reference HAL: identity, offset, sparse, numa, paged, axvisor;
                           repeatable
  --check <id|glob>        checks to run (alloc.unique, 'irq.*'); repeatable; default all
  --seed <n>               run seed (default random); each (target, check) derives its own
  --runs <n>               programs per check (default 200)
  --drain-budget <frames>  frames each check that drains RAM may allocate over all its
                           programs (default ${DRAIN_FRAMES}): past it, the check runs fewer,
                           longer programs that each drain RAM once (at least ${MIN_DRAINS}), and
                           the result says how many ran and how many frames they drained
  --timeout <seconds>      deadline of each check (default 60, at most 86400); a HAL still
                           running then is killed. No new programs start after 80% of it:
                           a check that could not run all its programs is incomplete. A
                           check that runs out of time ends its HAL's run: its later
                           checks are reported as not run (timeout)
  --jobs <n>               lanes checking at once (default: number of CPUs): one per target,
                           and reference HALs deal their checks out to this process's thread
                           and worker threads; --jobs 1 uses the least memory. At most
                           this many driver processes are alive at once
  --format <f>             pretty (default), json, junit, tap, github, html (a page with
                           the matrix of HALs and checks and every counterexample)
  --report <path>          also write the report there: the HTML page when the name ends
                           in .html, else the JSON report (what merge reads)
  --save-failures <dir>    write each counterexample as JSON for \`halconf replay\`
  --isolate                run reference HALs in a driver process too
  --memory <MiB>           memory cap of each HAL process (default 2048, at least 512)
  --allow-incomplete       exit 0 even if some checks are incomplete (still reported as such)
  --fail-fast              stop at the first check that does not pass as expected: report
                           it and what ran before it, exit 1 (the rest is not run)
  --reach                  under each check, the model states its programs visited (pool
                           drained, drained twice, every CPU, ...) and those none did
  --heartbeat <seconds>    when stderr is not a terminal (CI), a line every this many seconds
                           while a check runs (default 30); a line per finished check always
  --no-warm-up             skip the warm-up: each thread that checks reference HALs first runs
                           one program per check on them, so the JIT optimises once for all
                           (results dropped; skipped anyway below 50 programs per check)
  --expect <file>          expected statuses: known failures do not fail the run
  --update-expectations <file>
                           write that file from this run's results
  --shard <i/n>            run the i-th of n deterministic slices of (target, check) pairs

${EXIT_CODES}
`,
  list: `Usage: halconf list [--format pretty|json]

Lists every check with the SPEC.md clauses it enforces and the profile claims it needs.
`,
  explain: `Usage: halconf explain <check | clause | host | ports | profile | editions | verdicts | gic>

  explain alloc.unique   what a check does and the text of the clauses it enforces
  explain FREE-2         a clause (the id every failure prints) and the checks that enforce it
  explain host           the host a HAL calls (dispatchIrq, currentCpu) and the test ports
                         (raiseIrq, readMemory, writeMemory), with signatures and examples
  explain profile        every profile word: contract, irq fetch/banked/none, testWindow,
                         exhaustible, live frame, ... (also: explain testWindow)
  explain editions       axvcpu-hal, axmm-hal and axvisor-memory side by side, with the Rust
                         names of every method (also: explain axvisor-memory)
  explain verdicts       what pass, fail, skip, incomplete, error and timeout mean, and which
                         clauses cannot arise on which boards (also: explain skip)
  explain gic            the GIC rules the interrupt clauses follow: priorities, running
                         priority, end of interrupt (also: explain runningPriority)
`,
  replay: `Usage: halconf replay <file> [--hal <path> | --driver "<command>"] [--format pretty|json]

Re-runs a counterexample saved with --save-failures against its HAL (or --hal, or
--driver) and prints each step with the values seen and the violation. A failure
found through a driver command replays only with --driver "<command>" given again
(halconf runs no command it read from a file); the same command starts in the
directory the original run started in.
Exit 1 when the violation is still there, 0 when the HAL now passes, 2 for a
malformed or mismatched file, 3 when the HAL cannot be loaded.
`,
  init: `Usage: halconf init <dir> [--rust] [--link <path-to-halconf> | --registry] [--force]

Writes a project that passes the suite, with a deno.json (tasks: conform,
halconf; test for TypeScript), a README and a GitHub Actions workflow
(.github/workflows/halconf.yml) that runs the suite in four shards and merges
their reports into one JUnit report and one HTML matrix.

  (default)   a custom HAL in TypeScript (hal.ts) and its test (hal_test.ts)
  --rust      a Rust HAL crate on the published ArceOS crates (axvcpu 0.2,
              axaddrspace 0.1, bitmap-allocator 0.2) and its driver crate
              (halconf-driver/, one call: Hal::from_axvcpu); when <dir> already
              holds a crate, only the driver crate and the tasks beside it
  --link      link @halconf/halconf to this halconf checkout (default: the
              checkout running this command), as a relative path: no package
              registry is needed
  --registry  take halconf from its published packages instead (no link)
  --force     overwrite files that exist
`,
  merge: `Usage: halconf merge <report.json...> [--format f] [--report <path>] [--allow-partial]

Joins the JSON reports of shards (same seed and suite version) into the report one
run would give. Writes JSON to stdout unless --format says otherwise. Every shard
of the run must be given (exit 2 naming the missing ones) unless --allow-partial,
which merges what is there, warns, and marks the report with "missingShards".
Exit codes as for conform.
`,
};

/**
 * The `init` command: scaffolds a project with a custom HAL that passes the
 * suite (TypeScript, or with `--rust` a Rust HAL crate on the published
 * ArceOS crates and its driver crate), a `deno.json` with `conform` and
 * `halconf` tasks, a README and a GitHub Actions workflow that runs the suite
 * in shards and merges their reports into one (JUnit and HTML).
 *
 * The project works where it is made: run from a halconf checkout, `deno.json`
 * links `@halconf/halconf` to that checkout (a relative path), so no package
 * registry is needed; `--registry` writes the published-package form instead,
 * and the README says how to switch.
 *
 * @module
 */

import { basename, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { UsageError } from "./exit_codes.ts";
import { taskCommand } from "./run_settings.ts";

const HAL_TEMPLATE = `/**
 * A HAL for halconf: identity-mapped RAM, a bump allocator with a free list,
 * and an interrupt controller. Replace the bodies with calls into your own
 * implementation (or an adapter to it) and keep \`deno task conform\` green.
 */
import type { HalHost, HalInstance, HalTarget } from "@halconf/halconf";

const FRAME = 0x1000n;
const RAM = { start: 0x8000_0000n, size: 0x10_0000n }; // 1 MiB: 256 frames
const NONE = 1023; // what irqFetch returns with nothing pending (the GIC's spurious id)

function create(host: HalHost): HalInstance {
  let next = RAM.start; // frames below this were handed out at least once
  const freeList: bigint[] = [];
  const live = new Set<bigint>();
  const memory = new Map<bigint, Uint8Array>(); // frame -> bytes, only frames written to
  const pending = new Set<number>(); // lines in the order they became pending
  const inRam = (paddr: bigint) => paddr >= RAM.start && paddr < RAM.start + RAM.size;
  const frameOf = (paddr: bigint) => paddr - paddr % FRAME;
  const lowestPending = () => pending.size === 0 ? NONE : Math.min(...pending);

  return {
    allocFrame() {
      let frame = freeList.pop();
      if (frame === undefined && next < RAM.start + RAM.size) {
        frame = next;
        next += FRAME;
      }
      if (frame === undefined) return null;
      live.add(frame);
      memory.delete(frame); // zeroedFrames: a fresh frame reads as zeros
      return frame;
    },
    deallocFrame(paddr) {
      if (!live.delete(paddr)) throw new RangeError(\`Cannot free \${paddr.toString(16)}: not a live frame\`);
      freeList.push(paddr);
    },
    physToVirt(paddr) {
      if (!inRam(paddr)) throw new RangeError(\`\${paddr.toString(16)} is not in RAM\`);
      return paddr;
    },
    virtToPhys(vaddr) {
      if (!inRam(vaddr)) throw new RangeError(\`\${vaddr.toString(16)} is not mapped\`);
      return vaddr;
    },
    irqFetch: lowestPending,
    irqHandler() {
      const irq = lowestPending();
      if (irq === NONE) return;
      pending.delete(irq);
      host.dispatchIrq(irq);
    },
    raiseIrq(irq) {
      if (!Number.isInteger(irq) || irq < 0 || irq >= 64 || irq === NONE) throw new RangeError(\`no IRQ line \${irq}\`);
      pending.add(irq);
    },
    readMemory(vaddr, length) {
      const out = new Uint8Array(length);
      for (let i = 0; i < length; i++) {
        const paddr = vaddr + BigInt(i);
        out[i] = memory.get(frameOf(paddr))?.[Number(paddr % FRAME)] ?? 0;
      }
      return out;
    },
    writeMemory(vaddr, bytes) {
      bytes.forEach((byte, i) => {
        const paddr = vaddr + BigInt(i);
        let page = memory.get(frameOf(paddr));
        if (!page) memory.set(frameOf(paddr), page = new Uint8Array(Number(FRAME)));
        page[Number(paddr % FRAME)] = byte;
      });
    },
  };
}

const target: HalTarget = {
  name: "my-hal",
  profile: {
    memory: [RAM],
    irq: { lines: 64, none: NONE, order: "lowest-first" },
    zeroedFrames: true,
    strictFree: true,
  },
  create,
};
export default target;
`;

const TEST_TEMPLATE = `import { testConformance } from "@halconf/halconf";
import target from "./hal.ts";

Deno.test("my-hal keeps the AxVCpuHal contract", (t) => testConformance(t, target, { seed: 1 }));
`;

/** How the project finds halconf: a relative link to a checkout, or the published packages. */
type Source = { link: string } | { registry: true };

const PERMISSIONS = "--allow-read --allow-write --allow-run --allow-env";
/** The checkout this halconf runs from, when it runs from files (not from a package registry). */
const RUNNING_CHECKOUT: string | undefined = import.meta.url.startsWith("file:")
  ? fileURLToPath(new URL("../", import.meta.url)).replace(/\/$/, "")
  : undefined;

/** The project's deno.json: halconf as a dependency, linked to a checkout unless it comes from the registry. */
function denoJson(source: Source, conform: string, extra: Record<string, string>): string {
  // halconf's own settings for a run (run_settings.ts): the project's CI runs as fast as `deno task conform` here.
  const cli = taskCommand(PERMISSIONS, "jsr:@halconf/halconf/cli");
  return JSON.stringify(
    {
      imports: { "@halconf/halconf": "jsr:@halconf/halconf@^0.1.0" },
      ...("link" in source ? { links: [source.link] } : {}),
      tasks: { conform: `${cli} conform ${conform}`, halconf: cli, ...extra },
    },
    null,
    2,
  ) + "\n";
}

/** GitHub Actions: the suite in four shards on four runners, then one merged report (JUnit and HTML), as wpt runs. */
function workflow(source: Source, rust: boolean): string {
  const getHalconf = "link" in source
    ? `
      - name: halconf (the checkout deno.json links to; cloned from the repository variable HALCONF_GIT if absent)
        env:
          HALCONF_DIR: ${source.link}
          HALCONF_GIT: \${{ vars.HALCONF_GIT }}
        run: |
          if [ ! -f "$HALCONF_DIR/mod.ts" ]; then
            if [ -z "$HALCONF_GIT" ]; then
              echo "::error::halconf is not at $HALCONF_DIR: set the repository variable HALCONF_GIT to its git URL, or switch deno.json to the published package (README)"
              exit 1
            fi
            git clone --depth 1 "$HALCONF_GIT" "$HALCONF_DIR"
          fi`
    : "";
  const setup = `      - uses: actions/checkout@v4
      - uses: actions/setup-node@v4
        with:
          node-version: 20
      - name: Install Deno from npm
        run: npm install -g deno@2${getHalconf}`;
  return `# Gates every push and pull request on the AxVCpuHal contract: the suite in shards, one merged report.
name: halconf
on: [push, pull_request]
jobs:
  conform:
    runs-on: ubuntu-latest
    strategy:
      fail-fast: false
      matrix:
        shard: [1, 2, 3, 4]
    steps:
${setup}
      - name: Conformance, shard \${{ matrix.shard }} of 4${rust ? " (cargo builds the driver)" : ""}
        run: >-
          deno task conform --seed "\${{ github.run_number }}" --shard "\${{ matrix.shard }}/4"
          --report "shard-\${{ matrix.shard }}.json" --save-failures halconf-failures --format github
      - name: Keep the shard's report and counterexamples
        if: always()
        uses: actions/upload-artifact@v4
        with:
          name: halconf-shard-\${{ matrix.shard }}
          path: |
            shard-\${{ matrix.shard }}.json
            halconf-failures/
  report:
    needs: conform
    if: always()
    runs-on: ubuntu-latest
    steps:
${setup}
      - uses: actions/download-artifact@v4
        with:
          pattern: halconf-shard-*
          merge-multiple: true
      - name: One report from the shards (JUnit and the HTML matrix)
        run: |
          deno task halconf merge shard-*.json --format junit > halconf-junit.xml
          deno task halconf merge shard-*.json --report halconf.html
      - uses: actions/upload-artifact@v4
        with:
          name: halconf-report
          path: |
            halconf-junit.xml
            halconf.html
`;
}

function readme(source: Source, rust: boolean, name: string): string {
  const how = "link" in source
    ? `\`deno.json\` links \`@halconf/halconf\` to the halconf checkout this project was made from (\`${source.link}\`,
relative to the project): no package registry is needed. CI clones halconf there from the repository variable
\`HALCONF_GIT\` when it is absent. To take halconf from its published package instead, remove \`"links"\` from
\`deno.json\` and the "halconf" step from \`.github/workflows/halconf.yml\`${
      rust ? `, and in \`halconf-driver/Cargo.toml\` replace the adapter's \`path\` with \`version = "0.2"\`` : ""
    } (or make the project again with \`halconf init --registry\`).`
    : `\`deno.json\` takes halconf from its published package, \`jsr:@halconf/halconf\`${
      rust ? ", and `halconf-driver/Cargo.toml` the adapter crate from crates.io" : ""
    }. To work offline or with a checkout of your own, add \`"links": ["../halconf"]\` (the checkout's path) to
\`deno.json\`${rust ? " and point the adapter's dependency at `../halconf/adapters/rust` with `path`" : ""}.`;
  const body = rust
    ? `A Rust HAL checked by [halconf](https://jsr.io/@halconf/halconf) against the ArceOS \`AxVCpuHal\` contract.

- \`src/lib.rs\`: the HAL, on the published crates (\`axvcpu\` 0.2, \`axaddrspace\` 0.1, \`bitmap-allocator\` 0.2):
  \`AxMmHalImpl: AxMmHal\`, \`AxVCpuHalImpl: AxVCpuHal\`. Replace it with yours; it needs no halconf.
- \`halconf-driver/\`: the driver halconf runs, one call: \`Hal::from_axvcpu::<AxVCpuHalImpl>()\`, its profile, the
  test port that raises IRQs and the reset.
- \`deno task conform\`: builds the driver with cargo and runs the suite on it (exit 0: the contract is kept).
- \`axaddrspace\` 0.1 uses nightly features: \`.cargo/config.toml\` sets \`RUSTC_BOOTSTRAP=1\` for a stable toolchain
  (remove it if you build with nightly, as ArceOS does).`
    : `A HAL checked by [halconf](https://jsr.io/@halconf/halconf) against the ArceOS \`AxVCpuHal\` contract.

- \`deno task conform\`: the conformance suite, the HAL in a sandboxed process (exit 0: the contract is kept).
- \`deno task test\`: the same checks as \`deno test\` steps, in process.`;
  return `# ${name}

${body}
- \`deno task halconf <command>\`: any halconf command (\`explain\`, \`replay\`, \`merge\`).
- CI (\`.github/workflows/halconf.yml\`): the suite in four shards (\`--shard i/4\`), merged into one JUnit report and
  one HTML matrix (\`halconf merge\`), kept as artifacts with the counterexamples.

${how}
`;
}

/** A crate name from a directory's: lowercase letters, digits and dashes, starting with a letter. */
function crateName(dir: string): string {
  const name = basename(resolve(dir)).toLowerCase().replace(/[^a-z0-9-]+/g, "-").replace(/^[^a-z]+|-+$/g, "");
  return name || "my-hal";
}

const RUST_HAL = (crate: string) =>
  `//! ${crate}: an AxVCpuHal on the published ArceOS crates, as axvisor's host HAL is shaped: an \`AxMmHal\`
//! (frames from a bitmap allocator, a linear map) and an \`AxVCpuHal\` whose IRQ handler dispatches to the host
//! kernel. Replace the bodies with your HAL; keep \`deno task conform\` green. Nothing here depends on halconf.

use std::sync::{Mutex, MutexGuard, OnceLock};

use axaddrspace::{AxMmHal, HostPhysAddr, HostVirtAddr};
use axvcpu::AxVCpuHal;
use bitmap_allocator::{BitAlloc, BitAlloc256};

/// RAM: 1 MiB at 2 GiB (256 frames of 4 KiB).
pub const RAM_START: usize = 0x8000_0000;
/// RAM's size in bytes.
pub const RAM_SIZE: usize = 0x10_0000;
/// Where the host maps physical memory.
pub const PHYS_VIRT_OFFSET: usize = 0xffff_8000_0000_0000;
/// Interrupt lines, and what \`irq_fetch\` returns when none is pending (the GIC's spurious id).
pub const IRQ_LINES: usize = 64;
/// The GIC's spurious id.
pub const SPURIOUS: usize = 1023;
const FRAME: usize = 4096;

static FRAMES: Mutex<Option<BitAlloc256>> = Mutex::new(None);
static PENDING: Mutex<u64> = Mutex::new(0);
static HOST_IRQ: OnceLock<fn(usize)> = OnceLock::new();

/// A lock a caught panic (a refused free) does not make unusable.
fn locked<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn with_frames<T>(work: impl FnOnce(&mut BitAlloc256) -> T) -> T {
    let mut frames = locked(&FRAMES);
    work(frames.get_or_insert_with(|| {
        let mut bitmap = BitAlloc256::DEFAULT;
        bitmap.insert(0..RAM_SIZE / FRAME);
        bitmap
    }))
}

/// Installs the host kernel's IRQ dispatcher (the kernel at boot; under test, the driver).
pub fn set_host_irq(dispatch: fn(usize)) {
    let _ = HOST_IRQ.set(dispatch);
}

/// Every static as at boot.
pub fn reset() {
    *locked(&FRAMES) = None;
    *locked(&PENDING) = 0;
}

/// Asserts an interrupt line on the (simulated) controller: a test port.
pub fn raise_irq(irq: usize) {
    assert!(irq < IRQ_LINES, "raise_irq({irq}): the controller has {IRQ_LINES} lines");
    *locked(&PENDING) |= 1 << irq;
}

/// The memory half.
pub struct AxMmHalImpl;

impl AxMmHal for AxMmHalImpl {
    fn alloc_frame() -> Option<HostPhysAddr> {
        with_frames(|frames| frames.alloc()).map(|index| HostPhysAddr::from(RAM_START + index * FRAME))
    }

    fn dealloc_frame(paddr: HostPhysAddr) {
        let offset = paddr.as_usize().wrapping_sub(RAM_START);
        let freed = offset.is_multiple_of(FRAME)
            && offset < RAM_SIZE
            && with_frames(|frames| frames.dealloc(offset / FRAME));
        assert!(freed, "dealloc_frame({:#x}): not an allocated frame", paddr.as_usize());
    }

    fn phys_to_virt(paddr: HostPhysAddr) -> HostVirtAddr {
        HostVirtAddr::from(paddr.as_usize().wrapping_add(PHYS_VIRT_OFFSET))
    }

    fn virt_to_phys(vaddr: HostVirtAddr) -> HostPhysAddr {
        HostPhysAddr::from(vaddr.as_usize().wrapping_sub(PHYS_VIRT_OFFSET))
    }
}

/// The HAL.
pub struct AxVCpuHalImpl;

impl AxVCpuHal for AxVCpuHalImpl {
    type MmHal = AxMmHalImpl;

    fn irq_fetch() -> usize {
        let pending = *locked(&PENDING);
        if pending == 0 { SPURIOUS } else { pending.trailing_zeros() as usize }
    }

    fn irq_hanlder() {
        let irq = Self::irq_fetch();
        if irq == SPURIOUS {
            return;
        }
        *locked(&PENDING) &= !(1 << irq);
        if let Some(dispatch) = HOST_IRQ.get() {
            dispatch(irq);
        }
    }
}
`;

const RUST_DRIVER = (crate: string, ident: string) =>
  `//! The driver halconf runs: ${crate} served over halconf's protocol (\`deno task conform\`).

use halconf_driver::{serve, Hal, IrqOrder, Profile};
use ${ident}::{AxVCpuHalImpl, IRQ_LINES, RAM_SIZE, RAM_START, SPURIOUS};

fn main() {
    // The HAL dispatches IRQs to its host kernel: under test, halconf's.
    ${ident}::set_host_irq(halconf_driver::host::dispatch_irq);
    serve(
        Hal::from_axvcpu::<AxVCpuHalImpl>()
            .named("${crate}")
            .with_profile(
                Profile::new()
                    .region(RAM_START as u64, RAM_SIZE as u64)
                    .irq(IRQ_LINES, SPURIOUS, IrqOrder::LowestFirst)
                    .strict_free(),
            )
            .with_raise_irq(${ident}::raise_irq)
            .reset_with(${ident}::reset),
    );
}
`;

/** The files of a Rust project: the HAL crate (unless `dir` has one), the driver crate beside it, and their glue. */
function rustFiles(dir: string, source: Source, hasCrate: boolean, crate: string): [string, string][] {
  const ident = crate.replaceAll("-", "_");
  const adapter = "link" in source
    ? `{ path = "${join("..", source.link, "adapters/rust")}", features = ["axvcpu"] }`
    : `{ version = "0.2", features = ["axvcpu"] }`;
  const driverToml = `[package]
name = "${crate}-halconf-driver"
version = "0.1.0"
edition = "2021"
publish = false

[dependencies]
halconf-driver = ${adapter}
${crate} = { path = ".." }

# halconf runs the driver's programs by the thousand: an optimised dev build.
[profile.dev]
opt-level = 2
`;
  const files: [string, string][] = [
    ["halconf-driver/Cargo.toml", driverToml],
    [
      "halconf-driver/src/main.rs",
      hasCrate
        ? RUST_DRIVER(crate, ident).replace(
          "use halconf_driver::",
          `// Your crate: name its AxVCpuHal type, RAM and reset below (the starter's names are axvisor's).\nuse halconf_driver::`,
        )
        : RUST_DRIVER(crate, ident),
    ],
    [
      ".cargo/config.toml",
      `# axaddrspace 0.1 (under axvcpu 0.2) uses nightly features: this lets a stable toolchain build it. Remove it when
# you build with nightly, as ArceOS does.
[env]
RUSTC_BOOTSTRAP = "1"
`,
    ],
  ];
  if (!hasCrate) {
    files.push(
      [
        "Cargo.toml",
        `[package]
name = "${crate}"
version = "0.1.0"
edition = "2021"
publish = false

[dependencies]
axvcpu = "0.2"
axaddrspace = "0.1"
bitmap-allocator = "0.2"
`,
      ],
      ["src/lib.rs", RUST_HAL(crate)],
      [".gitignore", "target/\n"],
    );
  }
  void dir;
  return files;
}

/** What `init` may be asked. */
export interface InitOptions {
  /** Overwrite files that exist. */
  force?: boolean;
  /** The halconf checkout to link (default: the one running, when it runs from files). */
  link?: string;
  /** Take halconf from its published packages: no link. */
  registry?: boolean;
  /** A Rust project: the HAL crate (unless `dir` has one) and its driver crate. */
  rust?: boolean;
}

/**
 * Writes the scaffold into `dir` and returns the paths written. Refuses a
 * directory that already has any of the files unless `force` is set.
 *
 * @example
 * ```ts ignore
 * await initProject("my-hal", { rust: true });
 * ```
 */
export async function initProject(dir: string, options: InitOptions = {}): Promise<string[]> {
  const checkout = options.registry ? undefined : options.link ?? RUNNING_CHECKOUT;
  if (checkout !== undefined) {
    try {
      await Deno.stat(`${checkout}/mod.ts`);
    } catch {
      throw new UsageError(`--link "${checkout}" is not a halconf checkout (no mod.ts there)`);
    }
  }
  // A link is written relative to the project, so that moving both together keeps it.
  const source: Source = checkout === undefined
    ? { registry: true }
    : { link: relative(resolve(dir), resolve(checkout)) || "." };
  const hasCrate = options.rust === true && await exists(`${dir}/Cargo.toml`);
  const crate = options.rust ? await existingCrateName(dir) ?? crateName(dir) : "my-hal";
  const files: [string, string][] = options.rust
    ? [
      ...rustFiles(dir, source, hasCrate, crate),
      ["deno.json", denoJson(source, '--driver "cargo run -q --manifest-path halconf-driver/Cargo.toml"', {})],
      ["README.md", readme(source, true, crate)],
      [".github/workflows/halconf.yml", workflow(source, true)],
    ]
    : [
      ["hal.ts", HAL_TEMPLATE],
      ["hal_test.ts", TEST_TEMPLATE],
      ["deno.json", denoJson(source, "--hal ./hal.ts", { test: `deno test ${PERMISSIONS} hal_test.ts` })],
      ["README.md", readme(source, false, "my-hal")],
      [".github/workflows/halconf.yml", workflow(source, false)],
    ];
  if (hasCrate) {
    // The author's README stays theirs.
    const at = files.findIndex(([name]) => name === "README.md");
    files[at] = ["halconf-driver/README.md", readme(source, true, crate)];
  }
  if (!options.force) {
    for (const [name] of files) {
      if (await exists(`${dir}/${name}`)) {
        throw new UsageError(`Cannot init "${dir}": ${name} already exists (use --force to overwrite)`);
      }
    }
  }
  const written: string[] = [];
  try {
    for (const [name, text] of files) {
      const path = `${dir}/${name}`;
      await Deno.mkdir(path.slice(0, path.lastIndexOf("/")), { recursive: true });
      await Deno.writeTextFile(path, text);
      written.push(path);
    }
  } catch (error) {
    throw new UsageError(`Cannot init "${dir}": ${(error as Error).message.split("\n")[0]}`);
  }
  return written;
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.lstat(path);
    return true;
  } catch {
    return false;
  }
}

/** The package name of the crate already in `dir`, if any. */
async function existingCrateName(dir: string): Promise<string | undefined> {
  try {
    const manifest = await Deno.readTextFile(`${dir}/Cargo.toml`);
    return /^\s*name\s*=\s*"([^"]+)"/m.exec(manifest)?.[1];
  } catch {
    return undefined;
  }
}

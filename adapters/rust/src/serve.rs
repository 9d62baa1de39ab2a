//! The driver loop: the handshake, then batches of programs, each on a fresh instance, answered step by step, on the
//! channel halconf names in `HALCONF_CHANNEL` (two named pipes: `<channel>.in` to read, `<channel>.out` to write).

use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::panic::{catch_unwind, AssertUnwindSafe};

use crate::hal::{Fresh, Hal};
use crate::host;
use crate::program::{parse_program, Op};
use crate::resolver::Resolver;

/// The protocol version this crate speaks.
pub const PROTOCOL_VERSION: u32 = 2;

/// The environment variable that names the driver's channel.
pub const CHANNEL_VARIABLE: &str = "HALCONF_CHANNEL";

/// The longest line a driver may send, in bytes (PROTOCOL.md, "Limits"): a longer answer goes on over lines ending `+`.
pub const LINE_BYTES: usize = 1024 * 1024;

/// The most characters of a panic message sent; the rest is cut, saying how long it was.
pub const TEXT_CHARS: usize = 2000;

#[cfg(unix)]
mod sys {
    extern "C" {
        pub fn fork() -> i32;
        pub fn waitpid(pid: i32, status: *mut i32, options: i32) -> i32;
        pub fn _exit(code: i32) -> !;
    }
}

/// Percent-encodes text the way JavaScript's `encodeURIComponent` does: no space, colon or newline remains.
pub fn pct(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-_.!~*'()".contains(&byte) {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

fn panic_message(payload: Box<dyn std::any::Any + Send>) -> String {
    if let Some(text) = payload.downcast_ref::<&str>() {
        text.to_string()
    } else if let Some(text) = payload.downcast_ref::<String>() {
        text.clone()
    } else {
        "a panic with a non-string payload".into()
    }
}

/// A HAL's text cut to `TEXT_CHARS` characters, saying how long it was: halconf shows a message, never stores it whole.
pub fn clip(text: &str) -> String {
    let length = text.chars().count();
    if length <= TEXT_CHARS {
        return text.to_string();
    }
    let kept: String = text.chars().take(TEXT_CHARS).collect();
    format!("{kept}... ({length} characters)")
}

/// Runs `call`; a panic becomes the `throw:` token of the answer (a panic is a throw, as SPEC.md maps Rust).
fn guarded<T>(method: &str, call: impl FnOnce() -> T) -> Result<T, String> {
    catch_unwind(AssertUnwindSafe(call)).map_err(|payload| {
        format!(
            "throw:{method}:panic:{}",
            pct(&clip(&panic_message(payload)))
        )
    })
}

/// A step's answer as protocol lines of at most `max_bytes` bytes each, newline included: a longer one (a fill of a
/// million frames in no order) is cut between tokens, each line but the last ending in ` +`.
///
/// ```
/// use halconf_driver::serve::answer_lines;
///
/// assert_eq!(answer_lines("0x1000 0x3000 0x5000", 16), ["0x1000 0x3000 +", "0x5000"]);
/// ```
pub fn answer_lines(line: &str, max_bytes: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut rest = line;
    // Room for " +" and the newline.
    let room = max_bytes.saturating_sub(3);
    while rest.len() >= max_bytes {
        match rest[..=room.min(rest.len() - 1)].rfind(' ') {
            Some(cut) if cut > 0 => {
                lines.push(format!("{} +", &rest[..cut]));
                rest = &rest[cut + 1..];
            }
            // One token longer than a line: sent as it is, for halconf to refuse with the reason.
            _ => break,
        }
    }
    lines.push(rest.to_string());
    lines
}

fn address(value: usize) -> String {
    format!("0x{value:x}")
}

fn frame(value: Option<usize>) -> String {
    value.map(address).unwrap_or_else(|| "null".into())
}

/// A fill's addresses as tokens: a run of addresses one frame apart, up or down, is one token (`0x80000000*256`,
/// `0x800ff000*-256`), as PROTOCOL.md allows; an allocator hands out frames in order.
pub fn run_tokens(values: &[usize], frame: usize) -> Vec<String> {
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < values.len() {
        let first = values[i];
        let up = values.get(i + 1).copied() == first.checked_add(frame);
        let down = !up && values.get(i + 1).copied() == first.checked_sub(frame);
        let mut count = 1;
        while (up || down) && i + count < values.len() {
            let previous = values[i + count - 1];
            let next = if up {
                previous.checked_add(frame)
            } else {
                previous.checked_sub(frame)
            };
            if next != Some(values[i + count]) {
                break;
            }
            count += 1;
        }
        tokens.push(match count {
            1 => address(first),
            _ if down => format!("{}*-{count}", address(first)),
            _ => format!("{}*{count}", address(first)),
        });
        i += count;
    }
    tokens
}

/// The answer of `count` calls that returned normally: `ok`, or one `ok*<count>` token for more than one.
fn oks(count: usize) -> Option<String> {
    match count {
        0 => None,
        1 => Some("ok".into()),
        _ => Some(format!("ok*{count}")),
    }
}

/// Runs one program on the HAL (already fresh) and returns its answer lines: `begin`, then one line per operation.
pub(crate) fn run_program(
    hal: &Hal,
    program: &[Op],
    fill_limit: usize,
    begin: String,
) -> Vec<String> {
    let mut lines = vec![begin];
    let mut resolver = Resolver::new(hal.profile.frame_bytes(), hal.profile.cpu_count());
    host::set_cpu(0);
    host::take_dispatched();
    for (index, op) in program.iter().enumerate() {
        let mut tokens: Vec<String> = Vec::new();
        let missing = match op {
            Op::Raise(_) if hal.raise_irq.is_none() => Some("raiseIrq"),
            Op::Fetch if hal.irq_fetch.is_none() => Some("irqFetch"),
            Op::Handle if hal.irq_handler.is_none() => Some("irqHandler"),
            Op::Write(..) if hal.write_memory.is_none() => Some("writeMemory"),
            Op::Read(..) if hal.read_memory.is_none() => Some("readMemory"),
            Op::AllocContig(..) if hal.alloc_contiguous_frames.is_none() => {
                Some("allocContiguousFrames")
            }
            Op::FreeContig(_) | Op::FreeContigBad(..)
                if hal.dealloc_contiguous_frames.is_none() =>
            {
                Some("deallocContiguousFrames")
            }
            _ => None,
        };
        if let Some(method) = missing {
            tokens.push(format!("missing:{method}"));
        } else if let Some(resolved) = resolver.resolve(op) {
            let paddr = resolved.paddr.unwrap_or(0);
            let ok = |result: Result<(), String>| {
                result
                    .map(|_| "ok".to_string())
                    .unwrap_or_else(|thrown| thrown)
            };
            match op {
                Op::Alloc => match guarded("allocFrame", hal.alloc_frame) {
                    Ok(value) => {
                        if let Some(frame) = value {
                            resolver.handed_out(frame as u64, index, 0);
                        }
                        tokens.push(frame(value));
                    }
                    Err(thrown) => tokens.push(thrown),
                },
                Op::Fill => {
                    let mut frames = Vec::new();
                    let mut end = None;
                    for nth in 0..fill_limit {
                        match guarded("allocFrame", hal.alloc_frame) {
                            Ok(Some(value)) => {
                                resolver.handed_out(value as u64, index, nth);
                                frames.push(value);
                            }
                            Ok(None) => {
                                end = Some("null".to_string());
                                break;
                            }
                            Err(thrown) => {
                                end = Some(thrown);
                                break;
                            }
                        }
                    }
                    tokens.extend(run_tokens(&frames, hal.profile.frame_bytes() as usize));
                    tokens.extend(end);
                }
                Op::FreeMany(..) => {
                    let mut freed = Vec::new();
                    let mut threw = None;
                    for &paddr in &resolved.frames {
                        match guarded("deallocFrame", || (hal.dealloc_frame)(paddr as usize)) {
                            Ok(()) => freed.push(paddr),
                            Err(thrown) => {
                                threw = Some(thrown);
                                break;
                            }
                        }
                    }
                    tokens.extend(oks(freed.len()));
                    tokens.extend(threw);
                    resolver.released_many(&freed, index);
                }
                Op::AllocContig(count, align) => {
                    let alloc = hal.alloc_contiguous_frames.unwrap();
                    match guarded("allocContiguousFrames", || {
                        alloc(*count as usize, *align as usize)
                    }) {
                        Ok(value) => {
                            if let Some(first) = value {
                                resolver.range_allocated(first as u64, *count, index);
                            }
                            tokens.push(frame(value));
                        }
                        Err(thrown) => tokens.push(thrown),
                    }
                }
                Op::FreeContig(_) | Op::FreeContigBad(..) => {
                    tokens.push(format!("@{}", address(paddr as usize)));
                    let dealloc = hal.dealloc_contiguous_frames.unwrap();
                    let count = resolved.count as usize;
                    let result =
                        guarded("deallocContiguousFrames", || dealloc(paddr as usize, count));
                    if result.is_ok() {
                        resolver.range_released(paddr, resolved.count);
                    }
                    tokens.push(ok(result));
                }
                Op::FreeInRange(..) => {
                    tokens.push(format!("@{}", address(paddr as usize)));
                    tokens.push(ok(guarded("deallocFrame", || {
                        (hal.dealloc_frame)(paddr as usize)
                    })));
                }
                Op::Free(_) | Op::FreeAgain(_) | Op::FreeRaw(_) => {
                    if !matches!(op, Op::FreeRaw(_)) {
                        tokens.push(format!("@{}", address(paddr as usize)));
                    }
                    let result = guarded("deallocFrame", || (hal.dealloc_frame)(paddr as usize));
                    if result.is_ok() {
                        resolver.released(paddr, index);
                    }
                    tokens.push(ok(result));
                }
                Op::P2v(..) | Op::P2vRaw(_) | Op::P2vContig(..) => {
                    if !matches!(op, Op::P2vRaw(_)) {
                        tokens.push(format!("@{}", address(paddr as usize)));
                    }
                    match guarded("physToVirt", || (hal.phys_to_virt)(paddr as usize)) {
                        Ok(vaddr) => {
                            resolver.translated(paddr, vaddr as u64, index);
                            tokens.push(address(vaddr));
                        }
                        Err(thrown) => tokens.push(thrown),
                    }
                }
                Op::V2p(..) => {
                    let vaddr = resolved.vaddr.unwrap_or(0) as usize;
                    tokens.push(format!("@{}", address(vaddr)));
                    match guarded("virtToPhys", || (hal.virt_to_phys)(vaddr)) {
                        Ok(value) => tokens.push(address(value)),
                        Err(thrown) => tokens.push(thrown),
                    }
                }
                Op::Raise(irq) => {
                    let raise = hal.raise_irq.unwrap();
                    tokens.push(ok(guarded("raiseIrq", || raise(*irq as usize))));
                }
                Op::Fetch => match guarded("irqFetch", hal.irq_fetch.unwrap()) {
                    Ok(irq) => tokens.push(format!("n:{irq}")),
                    Err(thrown) => tokens.push(thrown),
                },
                Op::Handle => tokens.push(ok(guarded("irqHandler", hal.irq_handler.unwrap()))),
                Op::SetCpu(_) => {
                    host::set_cpu(resolver.cpu as usize);
                    tokens.push(format!("cpu:{}", resolver.cpu));
                }
                Op::Write(..) | Op::Read(..) => {
                    tokens.push(format!("@{}", address(paddr as usize)));
                    let frame = resolver.picked_frame as usize;
                    match guarded("physToVirt", || (hal.phys_to_virt)(frame)) {
                        Err(thrown) => tokens.push(thrown),
                        Ok(base) => {
                            tokens.push(address(base));
                            let vaddr = base.wrapping_add(paddr as usize - frame);
                            if let Op::Read(_, _, length) = op {
                                let read = hal.read_memory.unwrap();
                                match guarded("readMemory", || read(vaddr, *length as usize)) {
                                    Ok(data) => {
                                        let hex: String =
                                            data.iter().map(|byte| format!("{byte:02x}")).collect();
                                        tokens.push(format!("b:{hex}"));
                                    }
                                    Err(thrown) => tokens.push(thrown),
                                }
                            } else if let Op::Write(_, _, bytes) = op {
                                let write = hal.write_memory.unwrap();
                                tokens.push(ok(guarded("writeMemory", || write(vaddr, bytes))));
                            }
                        }
                    }
                }
            }
        } else {
            tokens.push("skip".into());
        }
        for irq in host::take_dispatched() {
            tokens.push(format!("irq:{irq}"));
        }
        lines.extend(answer_lines(&tokens.join(" "), LINE_BYTES));
    }
    lines
}

/// Runs one program on a fresh instance: reset first, or in a forked child. Returns `Err` with a reason when the
/// forked child died without answering.
fn run_fresh(
    hal: &Hal,
    program: &[Op],
    fill_limit: usize,
    out: &mut impl Write,
) -> Result<(), String> {
    match hal.fresh {
        Fresh::Reset(reset) => {
            let begin = match guarded("create", reset) {
                Ok(()) => "begin".to_string(),
                Err(thrown) => {
                    writeln!(out, "begin {thrown}").map_err(|error| error.to_string())?;
                    return out.flush().map_err(|error| error.to_string());
                }
            };
            let begin = begin + &dispatched_tokens();
            for line in run_program(hal, program, fill_limit, begin) {
                writeln!(out, "{line}").map_err(|error| error.to_string())?;
            }
            out.flush().map_err(|error| error.to_string())
        }
        Fresh::Fork => fork_and_run(hal, program, fill_limit, out),
    }
}

fn dispatched_tokens() -> String {
    host::take_dispatched()
        .iter()
        .map(|irq| format!(" irq:{irq}"))
        .collect()
}

#[cfg(unix)]
fn fork_and_run(
    hal: &Hal,
    program: &[Op],
    fill_limit: usize,
    out: &mut impl Write,
) -> Result<(), String> {
    out.flush().map_err(|error| error.to_string())?;
    // SAFETY: the driver is single-threaded; the child only runs the program, writes its answer and _exits.
    let pid = unsafe { sys::fork() };
    if pid < 0 {
        return Err("fork failed".into());
    }
    if pid == 0 {
        let mut code = 0;
        for line in run_program(hal, program, fill_limit, "begin".into()) {
            if writeln!(out, "{line}").is_err() {
                code = 1;
            }
        }
        if out.flush().is_err() {
            code = 1;
        }
        // SAFETY: ends the child without running the parent's destructors or atexit handlers.
        unsafe { sys::_exit(code) }
    }
    let mut status = 0;
    // SAFETY: waits for the child just forked.
    unsafe { sys::waitpid(pid, &mut status, 0) };
    let signal = status & 0x7f;
    let code = (status >> 8) & 0xff;
    match (signal, code) {
        (0, 0) => Ok(()),
        (0, code) => Err(format!("the program's process exited with code {code}")),
        (signal, _) => Err(format!(
            "the program's process was killed by signal {signal}"
        )),
    }
}

#[cfg(not(unix))]
fn fork_and_run(_: &Hal, _: &[Op], _: usize, _: &mut impl Write) -> Result<(), String> {
    Err("Fresh::Fork needs a Unix system: use Hal::reset_with".into())
}

/// Opens the channel halconf named: `<channel>.in` to read programs, `<channel>.out` to write answers.
fn open_channel() -> Result<(File, File), String> {
    let channel = std::env::var(CHANNEL_VARIABLE).map_err(|_| {
        format!(
            "{CHANNEL_VARIABLE} is not set: this program is a halconf driver, started by halconf \
             (deno task conform --driver \"...\"), which gives it its channel"
        )
    })?;
    let input = File::open(format!("{channel}.in"))
        .map_err(|error| format!("cannot open the channel {channel}.in: {error}"))?;
    let output = OpenOptions::new()
        .write(true)
        .open(format!("{channel}.out"))
        .map_err(|error| format!("cannot open the channel {channel}.out: {error}"))?;
    Ok((input, output))
}

/// Serves `hal` to halconf on the channel `HALCONF_CHANNEL` names until halconf says `quit` or closes it, then exits.
/// Call it from your driver's `main`. What the HAL prints (`println!`, `eprintln!`) is its output, kept by halconf: the
/// protocol never travels on the standard streams.
///
/// ```no_run
/// # use halconf_driver::{axvcpu_hal, serve, Profile};
/// # trait AxVCpuHal { fn alloc_frame() -> Option<usize>; fn dealloc_frame(p: usize); fn phys_to_virt(p: usize) -> usize; fn virt_to_phys(v: usize) -> usize; }
/// # struct MyHal;
/// # impl AxVCpuHal for MyHal { fn alloc_frame() -> Option<usize> { None } fn dealloc_frame(_: usize) {} fn phys_to_virt(p: usize) -> usize { p } fn virt_to_phys(v: usize) -> usize { v } }
/// fn main() {
///     serve(axvcpu_hal!(MyHal).named("my-hal").with_profile(Profile::new().region(0x8000_0000, 0x10_0000)));
/// }
/// ```
pub fn serve(hal: Hal) -> ! {
    let (input, output) = match open_channel() {
        Ok(channel) => channel,
        Err(reason) => {
            eprintln!("halconf-driver: {reason}");
            std::process::exit(2)
        }
    };
    let mut out = BufWriter::new(output);
    let code = match serve_on(&hal, BufReader::new(input), &mut out) {
        Ok(()) => 0,
        Err(reason) => {
            let _ = writeln!(out, "error {}", pct(&clip(&reason)));
            let _ = out.flush();
            1
        }
    };
    std::process::exit(code)
}

/// Whether `irq_hanlder` is the `AxVCpuHal` trait's default, `unimplemented!()`: called once before the handshake
/// with nothing pending (the panic it may print is silenced), then the HAL is reset. Such a HAL declares neither IRQ
/// method, and halconf reports "IRQ not implemented" rather than failing its IRQ checks.
fn keeps_default_irq_handler(hal: &Hal) -> bool {
    let Some(handler) = hal.irq_handler else {
        return false;
    };
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let outcome = catch_unwind(AssertUnwindSafe(handler));
    std::panic::set_hook(hook);
    host::take_dispatched();
    if let Fresh::Reset(reset) = hal.fresh {
        let _ = catch_unwind(reset);
    }
    outcome.is_err_and(|payload| panic_message(payload).starts_with("not implemented"))
}

/// The protocol on any input and output (for tests): the handshake, then every batch until the input ends.
pub fn serve_on(hal: &Hal, input: impl BufRead, out: &mut impl Write) -> Result<(), String> {
    let served;
    let hal = if keeps_default_irq_handler(hal) {
        served = Hal {
            irq_fetch: None,
            irq_handler: None,
            ..hal.clone()
        };
        &served
    } else {
        hal
    };
    let io = |error: std::io::Error| error.to_string();
    writeln!(out, "halconf {PROTOCOL_VERSION}").map_err(io)?;
    writeln!(out, "name {}", pct(&hal.name)).map_err(io)?;
    for line in hal.profile.handshake_lines() {
        writeln!(out, "{line}").map_err(io)?;
    }
    writeln!(
        out,
        "{}",
        format!("methods {}", hal.methods().join(" ")).trim_end()
    )
    .map_err(io)?;
    writeln!(out, "ready").map_err(io)?;
    out.flush().map_err(io)?;
    let mut lines = input.lines();
    while let Some(header) = lines.next() {
        let header = header.map_err(io)?;
        if header == "quit" {
            break;
        }
        let words: Vec<&str> = header.split(' ').collect();
        let (fill_limit, count) = match words.as_slice() {
            ["run", fill, count] => (
                fill.parse::<usize>()
                    .map_err(|_| format!("bad fill limit in {header:?}"))?,
                count
                    .parse::<usize>()
                    .map_err(|_| format!("bad count in {header:?}"))?,
            ),
            _ => {
                return Err(format!(
                    "expected \"run <fillLimit> <count>\", got {header:?}"
                ))
            }
        };
        for _ in 0..count {
            let line = lines
                .next()
                .ok_or("the input ended inside a batch")?
                .map_err(io)?;
            let program = parse_program(&line)?;
            run_fresh(hal, &program, fill_limit, out)?;
        }
        writeln!(out, "end").map_err(io)?;
        out.flush().map_err(io)?;
    }
    Ok(())
}

//! The driver loop: the handshake, then batches of programs, each on a fresh instance, answered step by step, on the
//! channel halconf names in `HALCONF_CHANNEL` (two named pipes: `<channel>.in` to read, `<channel>.out` to write).

use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, BufWriter, Cursor, Read, Write};
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
        pub fn fcntl(fd: i32, cmd: i32, ...) -> i32;
        pub fn pipe(fds: *mut i32) -> i32;
        pub fn close(fd: i32) -> i32;
    }
    /// `fcntl`'s command that sets a descriptor's flags (`FD_CLOEXEC` among them).
    pub const F_SETFD: i32 = 2;
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
                                        tokens.push(format!("b:{}", to_runs(&data)));
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

/// What became of a program run on a fresh instance.
enum Ran {
    /// Its answer was written.
    Answered,
    /// The reset panicked in a process that had run programs before (a lock poisoned by a caught panic, most often):
    /// nothing was written, and a fresh process is to run it.
    ResetPanicked(String),
}

/// Runs one program on a fresh instance made by `reset` (fork mode runs its programs in a [`ForkPipeline`]). With
/// `restartable`, a reset that panics is not answered but returned.
fn run_after_reset(
    reset: fn(),
    hal: &Hal,
    program: &[Op],
    fill_limit: usize,
    out: &mut impl Write,
    restartable: bool,
) -> Result<Ran, String> {
    let begin = match catch_unwind(AssertUnwindSafe(reset)) {
        Ok(()) => "begin".to_string(),
        Err(payload) if restartable => return Ok(Ran::ResetPanicked(panic_message(payload))),
        Err(payload) => {
            let thrown = format!("throw:create:panic:{}", pct(&clip(&panic_message(payload))));
            writeln!(out, "begin {thrown}").map_err(|error| error.to_string())?;
            out.flush().map_err(|error| error.to_string())?;
            return Ok(Ran::Answered);
        }
    };
    let begin = begin + &dispatched_tokens();
    for line in run_program(hal, program, fill_limit, begin) {
        writeln!(out, "{line}").map_err(|error| error.to_string())?;
    }
    out.flush().map_err(|error| error.to_string())?;
    Ok(Ran::Answered)
}

fn dispatched_tokens() -> String {
    host::take_dispatched()
        .iter()
        .map(|irq| format!(" irq:{irq}"))
        .collect()
}

/// How many forked programs may run at once: the next ones start while the oldest runs, so that the kernel's fork and
/// exit (a fixed cost of about 0.1 ms a program, whatever the driver's size) overlap with running programs. On two cores
/// a full run of the example took 2.2 s forking one at a time, 1.65 s with two at once, 1.48 s with four.
const FORK_AHEAD: usize = 4;

/// The programs of a batch in forked processes, at most [`FORK_AHEAD`] at once, each answering into a pipe of its own;
/// the answers go on the channel in program order.
#[derive(Default)]
struct ForkPipeline {
    /// The running programs, oldest first: each process and the read end of its answer's pipe.
    running: std::collections::VecDeque<(i32, File)>,
}

impl ForkPipeline {
    /// Starts `program` in a forked process; first answers the oldest when [`FORK_AHEAD`] are running.
    #[cfg(unix)]
    fn start(
        &mut self,
        hal: &Hal,
        program: &[Op],
        fill_limit: usize,
        out: &mut impl Write,
    ) -> Result<(), String> {
        use std::os::fd::FromRawFd;
        if self.running.len() >= FORK_AHEAD {
            self.answer_oldest(out)?;
        }
        let mut fds = [0i32; 2];
        // SAFETY: pipe fills the two descriptors it creates.
        if unsafe { sys::pipe(fds.as_mut_ptr()) } < 0 {
            return Err("pipe failed".into());
        }
        // SAFETY: the driver is single-threaded; the child only runs the program, writes its answer and _exits.
        let pid = unsafe { sys::fork() };
        if pid < 0 {
            return Err("fork failed".into());
        }
        if pid == 0 {
            // SAFETY: the child owns the write end it inherited; the read end is the parent's.
            let mut answer = BufWriter::new(unsafe { File::from_raw_fd(fds[1]) });
            unsafe { sys::close(fds[0]) };
            let mut code = 0;
            for line in run_program(hal, program, fill_limit, "begin".into()) {
                if writeln!(answer, "{line}").is_err() {
                    code = 1;
                }
            }
            if answer.flush().is_err() {
                code = 1;
            }
            // SAFETY: ends the child without running the parent's destructors or atexit handlers.
            unsafe { sys::_exit(code) }
        }
        // SAFETY: the parent keeps the read end and gives up the write end, so the pipe ends with the child's answer.
        unsafe { sys::close(fds[1]) };
        self.running
            .push_back((pid, unsafe { File::from_raw_fd(fds[0]) }));
        Ok(())
    }

    #[cfg(not(unix))]
    fn start(&mut self, _: &Hal, _: &[Op], _: usize, _: &mut impl Write) -> Result<(), String> {
        Err("Fresh::Fork needs a Unix system: use Hal::reset_with".into())
    }

    /// Copies the oldest program's answer to the channel once its process has ended well.
    fn answer_oldest(&mut self, out: &mut impl Write) -> Result<(), String> {
        let Some((pid, mut answer)) = self.running.pop_front() else {
            return Ok(());
        };
        // Read in pieces: `read_to_end` on a `File` first asks its size and position (statx and lseek, two system
        // calls a program, for a pipe that has neither).
        let mut text = Vec::new();
        let mut piece = [0u8; 16384];
        loop {
            match std::io::Read::read(&mut answer, &mut piece) {
                Ok(0) => break,
                Ok(count) => text.extend_from_slice(&piece[..count]),
                Err(error) if error.kind() == std::io::ErrorKind::Interrupted => {}
                Err(error) => return Err(error.to_string()),
            }
        }
        let mut status = 0;
        // SAFETY: waits for a child this driver forked.
        #[cfg(unix)]
        unsafe {
            sys::waitpid(pid, &mut status, 0)
        };
        let signal = status & 0x7f;
        let code = (status >> 8) & 0xff;
        match (signal, code) {
            (0, 0) => out.write_all(&text).map_err(|error| error.to_string()),
            (0, code) => Err(format!("the program's process exited with code {code}")),
            (signal, _) => Err(format!(
                "the program's process was killed by signal {signal}"
            )),
        }
    }

    /// Answers every program still running, in order.
    fn finish(&mut self, out: &mut impl Write) -> Result<(), String> {
        while !self.running.is_empty() {
            self.answer_oldest(out)?;
        }
        Ok(())
    }
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

/// The environment variable that hands a restarted driver the rest of its batch (a file in its `TMPDIR`).
const RESUME_VARIABLE: &str = "HALCONF_DRIVER_RESUME";

/// The rest of a batch a driver could not run on a fresh instance: its fill limit and program lines, the first being
/// the one whose reset panicked.
struct Resume {
    fill_limit: usize,
    programs: Vec<String>,
    /// What had been read from the channel past the batch (halconf may send the next batch before the answers of
    /// this one are read): the restarted image reads it before the channel.
    read_ahead: Vec<u8>,
}

/// Serves `hal` to halconf on the channel `HALCONF_CHANNEL` names until halconf says `quit` or closes it, then exits.
/// Call it from your driver's `main`. What the HAL prints (`println!`, `eprintln!`) is its output, kept by halconf: the
/// protocol never travels on the standard streams.
///
/// A reset (`reset_with`) that panics after a program panicked, as `lock().unwrap()` on a `std::sync::Mutex` poisoned
/// by that panic does, does not fail every later program: the driver starts itself again (the same process, a fresh
/// image: `exec`) and runs the rest of the batch on pristine statics, saying so once in the HAL's output.
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
    let resume = take_resume();
    let channel = match &resume {
        Ok(Some((_, fds))) => Ok(inherited_channel(*fds)),
        _ => open_channel(),
    };
    let (input, output) = match channel {
        Ok(channel) => channel,
        Err(reason) => {
            eprintln!("halconf-driver: {reason}");
            std::process::exit(2)
        }
    };
    let fds = raw_fds(&input, &output);
    let read_ahead = match &resume {
        Ok(Some((resume, _))) => resume.read_ahead.clone(),
        _ => Vec::new(),
    };
    let mut input = BufReader::new(Cursor::new(read_ahead).chain(input));
    let mut out = BufWriter::new(output);
    let served = match resume {
        Ok(None) => handshake(&hal, &mut out).and_then(|hal| {
            serve_batches(&hal, &mut input, &mut out, Some(channel_read_ahead), None)
        }),
        Ok(Some((resume, _))) => {
            let hal = served_hal(&hal);
            serve_batches(
                &hal,
                &mut input,
                &mut out,
                Some(channel_read_ahead),
                Some(resume),
            )
        }
        Err(reason) => Err(reason),
    };
    let code = match served {
        Ok(None) => 0,
        Ok(Some(resume)) => {
            let _ = out.flush();
            let reason = restart(resume, fds);
            let _ = writeln!(out, "error {}", pct(&clip(&reason)));
            let _ = out.flush();
            1
        }
        Err(reason) => {
            let _ = writeln!(out, "error {}", pct(&clip(&reason)));
            let _ = out.flush();
            1
        }
    };
    std::process::exit(code)
}

/// The channel's two descriptors (programs in, answers out).
type ChannelFds = (i32, i32);

/// The channel's descriptors, kept open across a restart.
#[cfg(unix)]
fn raw_fds(input: &File, output: &File) -> (i32, i32) {
    use std::os::fd::AsRawFd;
    (input.as_raw_fd(), output.as_raw_fd())
}

#[cfg(not(unix))]
fn raw_fds(_: &File, _: &File) -> (i32, i32) {
    (-1, -1)
}

/// The channel a restarted driver inherited from the image before it.
#[cfg(unix)]
fn inherited_channel((input, output): (i32, i32)) -> (File, File) {
    use std::os::fd::FromRawFd;
    // SAFETY: the previous image of this process opened these descriptors, kept them open across exec and named them
    // in the resume file; nothing else in this process owns them.
    unsafe { (File::from_raw_fd(input), File::from_raw_fd(output)) }
}

#[cfg(not(unix))]
fn inherited_channel(_: (i32, i32)) -> (File, File) {
    unreachable!("a driver restarts only on Unix")
}

/// The batch a restarted driver is to finish and the channel it inherited, if it is one (the file is removed once
/// read).
fn take_resume() -> Result<Option<(Resume, ChannelFds)>, String> {
    let Some(path) = std::env::var_os(RESUME_VARIABLE) else {
        return Ok(None);
    };
    std::env::remove_var(RESUME_VARIABLE);
    let text = std::fs::read_to_string(&path)
        .map_err(|error| format!("cannot read the batch to resume: {error}"))?;
    let _ = std::fs::remove_file(&path);
    let mut lines = text.lines();
    let fds = lines
        .next()
        .and_then(|line| {
            let (input, output) = line.split_once(' ')?;
            Some((input.parse().ok()?, output.parse().ok()?))
        })
        .ok_or("the batch to resume names no channel")?;
    let fill_limit = lines
        .next()
        .and_then(|line| line.parse().ok())
        .ok_or("the batch to resume has no fill limit")?;
    let read_ahead = lines
        .next()
        .and_then(|line| line.strip_prefix("ahead "))
        .and_then(|hex| crate::program::bytes(hex, "the read-ahead").ok())
        .ok_or("the batch to resume has no read-ahead line")?;
    Ok(Some((
        Resume {
            fill_limit,
            programs: lines.map(String::from).collect(),
            read_ahead,
        },
        fds,
    )))
}

/// Starts this driver again in its own process (`exec`: same pid, channel and output), handing it the rest of the
/// batch. Returns only when it cannot, with why.
#[cfg(unix)]
fn restart(resume: Resume, (input, output): (i32, i32)) -> String {
    use std::os::unix::process::CommandExt;
    // The channel stays open across exec: were it closed for a moment, halconf would see the driver end.
    // SAFETY: clears FD_CLOEXEC on two descriptors this process owns.
    if unsafe { sys::fcntl(input, sys::F_SETFD, 0) < 0 || sys::fcntl(output, sys::F_SETFD, 0) < 0 }
    {
        return "the HAL's reset panicked and the driver could not keep its channel open to restart itself".into();
    }
    let dir = std::env::temp_dir();
    let path = dir.join(format!("halconf-driver-resume-{}", std::process::id()));
    let mut text = format!(
        "{input} {output}\n{}\nahead {}\n",
        resume.fill_limit,
        to_hex(&resume.read_ahead)
    );
    for program in &resume.programs {
        text.push_str(program);
        text.push('\n');
    }
    if let Err(error) = std::fs::write(&path, text) {
        return format!(
            "the HAL's reset panicked and the driver could not restart itself: {error}"
        );
    }
    let restarts: u32 = std::env::var("HALCONF_DRIVER_RESTARTS")
        .ok()
        .and_then(|value| value.parse().ok())
        .unwrap_or(0);
    let Ok(exe) = std::env::current_exe() else {
        return "the HAL's reset panicked and the driver could not find its own executable to restart".into();
    };
    let error = std::process::Command::new(exe)
        .args(std::env::args_os().skip(1))
        .env(RESUME_VARIABLE, &path)
        .env("HALCONF_DRIVER_RESTARTS", (restarts + 1).to_string())
        .exec();
    format!("the HAL's reset panicked and the driver could not restart itself: {error}")
}

#[cfg(not(unix))]
fn restart(_: Resume, _: (i32, i32)) -> String {
    "the HAL's reset panicked after a caught panic (a poisoned lock?); restarting needs a Unix system".into()
}

/// Says once per driver, in the HAL's output, why it restarted.
fn restart_hint(thrown: &str) {
    if std::env::var_os("HALCONF_DRIVER_RESTARTS").is_none() {
        eprintln!(
            "halconf-driver: the HAL's reset panicked after an earlier program panicked ({thrown}); the driver \
             restarted itself to run the next programs on fresh statics (slower). A lock that does not poison \
             (kspin, spin) or `.lock().unwrap_or_else(PoisonError::into_inner)` in the HAL avoids it."
        );
    }
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

/// The HAL as the handshake declares it: without its IRQ methods when it keeps `AxVCpuHal`'s defaults.
fn served_hal(hal: &Hal) -> Hal {
    if keeps_default_irq_handler(hal) {
        Hal {
            irq_fetch: None,
            irq_handler: None,
            ..hal.clone()
        }
    } else {
        hal.clone()
    }
}

/// Writes the handshake; returns the HAL as it declared it.
fn handshake(hal: &Hal, out: &mut impl Write) -> Result<Hal, String> {
    let hal = served_hal(hal);
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
    Ok(hal)
}

/// The protocol on any input and output (for tests): the handshake, then every batch until the input ends.
pub fn serve_on(hal: &Hal, mut input: impl BufRead, out: &mut impl Write) -> Result<(), String> {
    let hal = handshake(hal, out)?;
    serve_batches(&hal, &mut input, out, None, None).map(|_| ())
}

/// Bytes as pairs of lowercase hex digits (a read of a frame answers 8,192 of them: no formatting machinery per byte).
fn to_hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut hex = String::with_capacity(bytes.len() * 2);
    for byte in bytes {
        hex.push(char::from(DIGITS[usize::from(byte >> 4)]));
        hex.push(char::from(DIGITS[usize::from(byte & 15)]));
    }
    hex
}

/// The shortest repeat of one byte written as a run (`00*8` is 4 characters where the hex takes 16).
const RUN_BYTES: usize = 8;

/// Bytes as an answer writes them: hex, with every repeat of one byte at least [`RUN_BYTES`] long as a run
/// (`<byte>*<count>`), pieces separated by commas (PROTOCOL.md): a zeroed frame is `00*4096`, not 8,192 digits.
fn to_runs(bytes: &[u8]) -> String {
    let mut pieces: Vec<String> = Vec::new();
    let mut plain_from = 0;
    let mut at = 0;
    while at < bytes.len() {
        let mut end = at + 1;
        while end < bytes.len() && bytes[end] == bytes[at] {
            end += 1;
        }
        if end - at >= RUN_BYTES {
            if plain_from < at {
                pieces.push(to_hex(&bytes[plain_from..at]));
            }
            pieces.push(format!("{}*{}", to_hex(&bytes[at..=at]), end - at));
            plain_from = end;
        }
        at = end;
    }
    if plain_from < bytes.len() || pieces.is_empty() {
        pieces.push(to_hex(&bytes[plain_from..]));
    }
    pieces.join(",")
}

/// The channel's input in `serve`: what a previous image of this process had read ahead, then the channel.
type ChannelInput = BufReader<std::io::Chain<Cursor<Vec<u8>>, File>>;

/// What was read from the channel and not yet taken: the buffer, then what is left of the previous image's read-ahead.
fn channel_read_ahead(input: &ChannelInput) -> Vec<u8> {
    let mut bytes = input.buffer().to_vec();
    let previous = input.get_ref().get_ref().0;
    let at = usize::try_from(previous.position()).unwrap_or(usize::MAX);
    bytes.extend_from_slice(previous.get_ref().get(at..).unwrap_or_default());
    bytes
}

/// The next line of `input` without its line ending; `None` at the end of the input.
fn next_line(input: &mut impl BufRead) -> Option<std::io::Result<String>> {
    let mut line = String::new();
    match input.read_line(&mut line) {
        Ok(0) => None,
        Ok(_) => {
            if line.ends_with('\n') {
                line.pop();
                if line.ends_with('\r') {
                    line.pop();
                }
            }
            Some(Ok(line))
        }
        Err(error) => Some(Err(error)),
    }
}

/// Every batch until `quit` or the end of the input, starting with the rest of a resumed one. With `restartable` (how
/// to take what was read ahead of the input), a reset that panics in a process that already ran a program ends the
/// loop with the rest of its batch and what was read past it.
fn serve_batches<R: BufRead>(
    hal: &Hal,
    input: &mut R,
    out: &mut impl Write,
    restartable: Option<fn(&R) -> Vec<u8>>,
    resume: Option<Resume>,
) -> Result<Option<Resume>, String> {
    let io = |error: std::io::Error| error.to_string();
    let read_ahead = |input: &R| restartable.map(|take| take(input)).unwrap_or_default();
    let restartable = restartable.is_some();
    // The first program of a process runs whatever its reset does: restarting could not help it.
    let mut ran_one = false;
    // Only a reset can panic its way into a restart: a resumed batch is always one of a driver that resets.
    if let (Some(resume), Fresh::Reset(reset)) = (resume, hal.fresh) {
        for (index, line) in resume.programs.iter().enumerate() {
            let program = parse_program(line)?;
            match run_after_reset(
                reset,
                hal,
                &program,
                resume.fill_limit,
                out,
                ran_one && restartable,
            )? {
                Ran::Answered => ran_one = true,
                Ran::ResetPanicked(thrown) => {
                    restart_hint(&thrown);
                    return Ok(Some(Resume {
                        fill_limit: resume.fill_limit,
                        programs: resume.programs[index..].to_vec(),
                        read_ahead: read_ahead(input),
                    }));
                }
            }
        }
        writeln!(out, "end").map_err(io)?;
        out.flush().map_err(io)?;
    }
    while let Some(header) = next_line(input) {
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
        let Fresh::Reset(reset) = hal.fresh else {
            // A forked process per program, the next ones started while the oldest runs (see ForkPipeline).
            let mut pipeline = ForkPipeline::default();
            for _ in 0..count {
                let line = next_line(input)
                    .ok_or("the input ended inside a batch")?
                    .map_err(io)?;
                pipeline.start(hal, &parse_program(&line)?, fill_limit, out)?;
            }
            pipeline.finish(out)?;
            writeln!(out, "end").map_err(io)?;
            out.flush().map_err(io)?;
            continue;
        };
        for done in 0..count {
            let line = next_line(input)
                .ok_or("the input ended inside a batch")?
                .map_err(io)?;
            let program = parse_program(&line)?;
            match run_after_reset(
                reset,
                hal,
                &program,
                fill_limit,
                out,
                ran_one && restartable,
            )? {
                Ran::Answered => ran_one = true,
                Ran::ResetPanicked(thrown) => {
                    restart_hint(&thrown);
                    // The rest of the batch is all sent before any answer is read: take it along.
                    let mut programs = vec![line];
                    for _ in done + 1..count {
                        programs.push(
                            next_line(input)
                                .ok_or("the input ended inside a batch")?
                                .map_err(io)?,
                        );
                    }
                    return Ok(Some(Resume {
                        fill_limit,
                        programs,
                        read_ahead: read_ahead(input),
                    }));
                }
            }
        }
        writeln!(out, "end").map_err(io)?;
        out.flush().map_err(io)?;
    }
    Ok(None)
}

//! Programs as the supervisor sends them: one line, one token per operation (see PROTOCOL.md).

/// An earlier result: an index into a list (modulo its length, negative from the end), or a step reference.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pick {
    /// The entry at this index, modulo the number of entries.
    Index(i64),
    /// The `nth` address step `step` produced.
    Step {
        /// 0-based step.
        step: usize,
        /// Which of its addresses.
        nth: usize,
    },
}

/// One operation of a program.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Op {
    /// `alloc_frame()` once.
    Alloc,
    /// `alloc_frame()` until `None` or the fill limit.
    Fill,
    /// `dealloc_frame` of a live frame.
    Free(Pick),
    /// `dealloc_frame` of a freed frame.
    FreeAgain(Pick),
    /// `dealloc_frame` of an address.
    FreeRaw(u64),
    /// `phys_to_virt` of a live frame plus an offset.
    P2v(Pick, u64),
    /// `phys_to_virt` of an address.
    P2vRaw(u64),
    /// `virt_to_phys` of a page `phys_to_virt` returned, plus an offset.
    V2p(Pick, u64),
    /// The `raise_irq` port.
    Raise(u64),
    /// `irq_fetch()`.
    Fetch,
    /// `irq_hanlder()`.
    Handle,
    /// The CPU `current_cpu()` reports from now on.
    SetCpu(u64),
    /// The `write_memory` port, through the virtual address of a live frame.
    Write(Pick, u64, Vec<u8>),
    /// The `read_memory` port.
    Read(Pick, u64, u64),
    /// `dealloc_frame` of up to `count` live frames, every `stride`-th (from the end when negative).
    FreeMany(u64, i64),
    /// `alloc_contiguous_frames(count, align_pow2)`.
    AllocContig(u64, u64),
    /// `dealloc_contiguous_frames` of a live range, with its count.
    FreeContig(Pick),
    /// The same with a wrong argument: `true` for the second frame as first, `false` for count + 1.
    FreeContigBad(Pick, bool),
    /// `dealloc_frame` of the `nth` frame of a live range.
    FreeInRange(Pick, u64),
    /// `phys_to_virt` of the `nth` frame of a live range, plus an offset.
    P2vContig(Pick, u64, u64),
}

fn number(token: &str, what: &str) -> Result<u64, String> {
    token
        .parse::<u64>()
        .map_err(|_| format!("{what}: expected a number, got {token:?}"))
}

fn address(token: &str, what: &str) -> Result<u64, String> {
    token
        .strip_prefix("0x")
        .and_then(|hex| u64::from_str_radix(hex, 16).ok())
        .ok_or_else(|| format!("{what}: expected an address like 0x1000, got {token:?}"))
}

fn pick(token: &str, what: &str) -> Result<Pick, String> {
    if let Some(reference) = token.strip_prefix('@') {
        let (step, nth) = reference
            .split_once('.')
            .ok_or_else(|| format!("{what}: bad reference {token:?}"))?;
        return Ok(Pick::Step {
            step: number(step, what)? as usize,
            nth: number(nth, what)? as usize,
        });
    }
    token
        .parse::<i64>()
        .map(Pick::Index)
        .map_err(|_| format!("{what}: expected a pick, got {token:?}"))
}

/// Bytes from pairs of hex digits (`01ff`).
pub(crate) fn bytes(hex: &str, what: &str) -> Result<Vec<u8>, String> {
    if !hex.len().is_multiple_of(2) {
        return Err(format!("{what}: odd number of hex digits"));
    }
    (0..hex.len() / 2)
        .map(|i| {
            u8::from_str_radix(&hex[2 * i..2 * i + 2], 16)
                .map_err(|_| format!("{what}: bad byte in {hex:?}"))
        })
        .collect()
}

/// Reads one operation token (`alloc`, `free:3`, `p2v:@0.0:5`, `write:0:16:01ff`, ...).
///
/// ```
/// use halconf_driver::program::{parse_op, Op, Pick};
///
/// assert_eq!(parse_op("p2v:-1:4095", 0), Ok(Op::P2v(Pick::Index(-1), 4095)));
/// ```
pub fn parse_op(token: &str, index: usize) -> Result<Op, String> {
    let mut parts = token.split(':');
    let kind = parts.next().unwrap_or_default();
    let args: Vec<&str> = parts.collect();
    let what = format!("step {} ({kind})", index + 1);
    let arity = |n: usize| {
        if args.len() == n {
            Ok(())
        } else {
            Err(format!(
                "{what}: expected {n} argument(s), got {}",
                args.len()
            ))
        }
    };
    Ok(match kind {
        "alloc" => arity(0).map(|_| Op::Alloc)?,
        "fill" => arity(0).map(|_| Op::Fill)?,
        "fetch" => arity(0).map(|_| Op::Fetch)?,
        "handle" => arity(0).map(|_| Op::Handle)?,
        "free" => arity(1).and_then(|_| pick(args[0], &what)).map(Op::Free)?,
        "freeAgain" => arity(1)
            .and_then(|_| pick(args[0], &what))
            .map(Op::FreeAgain)?,
        "freeRaw" => arity(1)
            .and_then(|_| address(args[0], &what))
            .map(Op::FreeRaw)?,
        "p2vRaw" => arity(1)
            .and_then(|_| address(args[0], &what))
            .map(Op::P2vRaw)?,
        "raise" => arity(1)
            .and_then(|_| number(args[0], &what))
            .map(Op::Raise)?,
        "setCpu" => arity(1)
            .and_then(|_| number(args[0], &what))
            .map(Op::SetCpu)?,
        "p2v" => {
            arity(2)?;
            Op::P2v(pick(args[0], &what)?, number(args[1], &what)?)
        }
        "v2p" => {
            arity(2)?;
            Op::V2p(pick(args[0], &what)?, number(args[1], &what)?)
        }
        "write" => {
            arity(3)?;
            Op::Write(
                pick(args[0], &what)?,
                number(args[1], &what)?,
                bytes(args[2], &what)?,
            )
        }
        "read" => {
            arity(3)?;
            Op::Read(
                pick(args[0], &what)?,
                number(args[1], &what)?,
                number(args[2], &what)?,
            )
        }
        "freeMany" => {
            arity(2)?;
            let stride = args[1]
                .parse::<i64>()
                .map_err(|_| format!("{what}: expected a stride, got {:?}", args[1]))?;
            Op::FreeMany(number(args[0], &what)?, stride)
        }
        "allocContig" => {
            arity(2)?;
            Op::AllocContig(number(args[0], &what)?, number(args[1], &what)?)
        }
        "freeContig" => arity(1)
            .and_then(|_| pick(args[0], &what))
            .map(Op::FreeContig)?,
        "freeContigBad" => {
            arity(2)?;
            let first = match args[1] {
                "first" => true,
                "count" => false,
                other => return Err(format!("{what}: expected first or count, got {other:?}")),
            };
            Op::FreeContigBad(pick(args[0], &what)?, first)
        }
        "freeInRange" => {
            arity(2)?;
            Op::FreeInRange(pick(args[0], &what)?, number(args[1], &what)?)
        }
        "p2vContig" => {
            arity(3)?;
            Op::P2vContig(
                pick(args[0], &what)?,
                number(args[1], &what)?,
                number(args[2], &what)?,
            )
        }
        other => return Err(format!("step {}: unknown operation {other:?}", index + 1)),
    })
}

/// Reads a program line.
pub fn parse_program(line: &str) -> Result<Vec<Op>, String> {
    if line.is_empty() {
        return Ok(Vec::new());
    }
    line.split(' ')
        .enumerate()
        .map(|(index, token)| parse_op(token, index))
        .collect()
}

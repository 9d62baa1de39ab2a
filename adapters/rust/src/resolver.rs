//! What each step operates on: the same pick resolution as halconf's `conformance/step_resolver.ts`. The supervisor
//! resolves every pick again from the results and refuses an answer whose address differs, so the two cannot drift
//! silently.

use crate::program::{Op, Pick};

#[derive(Clone, Copy)]
struct Entry {
    paddr: u64,
    vaddr: u64,
    step: usize,
    nth: usize,
}

/// Live frames, freed frames and translations of the program running.
pub(crate) struct Resolver {
    frame_size: u64,
    cpus: u64,
    live: Vec<Entry>,
    freed: Vec<Entry>,
    translated: Vec<Entry>,
    /// Live ranges: `paddr` is the first frame, `vaddr` holds the count.
    ranges: Vec<Entry>,
    /// The CPU `current_cpu()` reports.
    pub cpu: u64,
    /// The frame the last pick named (for `read`/`write`).
    pub picked_frame: u64,
}

/// The addresses a step operates on.
#[derive(Default)]
pub(crate) struct Resolved {
    pub paddr: Option<u64>,
    pub vaddr: Option<u64>,
    /// For `freeContig`/`freeContigBad`: the count passed.
    pub count: u64,
    /// For `freeMany`: the frames to free, in order.
    pub frames: Vec<u64>,
}

fn choose(list: &[Entry], pick: Pick) -> Option<Entry> {
    match pick {
        Pick::Index(index) => {
            if list.is_empty() {
                return None;
            }
            let at = index.rem_euclid(list.len() as i64) as usize;
            Some(list[at])
        }
        Pick::Step { step, nth } => list
            .iter()
            .find(|entry| entry.step == step && entry.nth == nth)
            .copied(),
    }
}

impl Resolver {
    pub fn new(frame_size: u64, cpus: u64) -> Self {
        Resolver {
            frame_size,
            cpus,
            live: Vec::new(),
            freed: Vec::new(),
            translated: Vec::new(),
            ranges: Vec::new(),
            cpu: 0,
            picked_frame: 0,
        }
    }

    /// Resolves a step's picks; `None` when a pick has nothing to pick (the step is answered `skip`).
    pub fn resolve(&mut self, op: &Op) -> Option<Resolved> {
        let fs = self.frame_size;
        let mut out = Resolved::default();
        match op {
            Op::Free(pick) => out.paddr = Some(self.pick_live(*pick, 0)?),
            Op::FreeAgain(pick) => {
                let entry = choose(&self.freed, *pick)?;
                self.picked_frame = entry.paddr;
                out.paddr = Some(entry.paddr);
            }
            Op::FreeRaw(addr) | Op::P2vRaw(addr) => out.paddr = Some(*addr),
            Op::P2v(pick, offset) => out.paddr = Some(self.pick_live(*pick, offset % fs)?),
            Op::V2p(pick, offset) => {
                let entry = choose(&self.translated, *pick)?;
                let offset = offset % fs;
                out.vaddr = Some(
                    entry
                        .vaddr
                        .wrapping_sub(entry.paddr % fs)
                        .wrapping_add(offset),
                );
                out.paddr = Some(entry.paddr - entry.paddr % fs + offset);
            }
            Op::Write(pick, offset, bytes) => {
                let at = (offset % fs).min(fs.saturating_sub(bytes.len() as u64));
                out.paddr = Some(self.pick_live(*pick, at)?);
            }
            Op::Read(pick, offset, length) => {
                let at = (offset % fs).min(fs.saturating_sub(*length));
                out.paddr = Some(self.pick_live(*pick, at)?);
            }
            Op::SetCpu(cpu) => self.cpu = cpu % self.cpus,
            Op::FreeMany(count, stride) => {
                let live = self.live.len() as u64;
                let step = stride.unsigned_abs().max(1);
                let mut j = 0;
                while j < *count && j * step < live {
                    let at = if *stride < 0 {
                        live - 1 - j * step
                    } else {
                        j * step
                    };
                    out.frames.push(self.live[at as usize].paddr);
                    j += 1;
                }
            }
            Op::FreeContig(pick)
            | Op::FreeContigBad(pick, _)
            | Op::FreeInRange(pick, _)
            | Op::P2vContig(pick, _, _) => {
                let range = choose(&self.ranges, *pick)?;
                let (first, count) = (range.paddr, range.vaddr);
                match op {
                    Op::FreeContig(_) => {
                        out.paddr = Some(first);
                        out.count = count;
                    }
                    Op::FreeContigBad(_, wrong_first) => {
                        out.paddr = Some(if *wrong_first { first + fs } else { first });
                        out.count = if *wrong_first { count } else { count + 1 };
                    }
                    Op::FreeInRange(_, nth) => out.paddr = Some(first + (nth % count) * fs),
                    Op::P2vContig(_, nth, offset) => {
                        self.picked_frame = first + (nth % count) * fs;
                        out.paddr = Some(self.picked_frame + offset % fs);
                    }
                    _ => unreachable!(),
                }
            }
            _ => {}
        }
        Some(out)
    }

    fn pick_live(&mut self, pick: Pick, offset: u64) -> Option<u64> {
        let entry = choose(&self.live, pick)?;
        self.picked_frame = entry.paddr;
        Some(entry.paddr.wrapping_add(offset))
    }

    /// A frame `alloc_frame` handed out (step, nth).
    pub fn handed_out(&mut self, paddr: u64, step: usize, nth: usize) {
        self.live.push(Entry {
            paddr,
            vaddr: 0,
            step,
            nth,
        });
        if let Some(at) = self.freed.iter().position(|entry| entry.paddr == paddr) {
            self.freed.remove(at);
        }
    }

    /// A free that returned normally.
    pub fn released(&mut self, paddr: u64, step: usize) {
        if let Some(at) = self.live.iter().position(|entry| entry.paddr == paddr) {
            self.live.remove(at);
        }
        self.freed.push(Entry {
            paddr,
            vaddr: 0,
            step,
            nth: 0,
        });
    }

    /// Frees of a `freeMany` that returned normally: one pass over the live frames.
    pub fn released_many(&mut self, frames: &[u64], step: usize) {
        self.live.retain(|entry| !frames.contains(&entry.paddr));
        for &paddr in frames {
            self.freed.push(Entry {
                paddr,
                vaddr: 0,
                step,
                nth: 0,
            });
        }
    }

    /// A range `alloc_contiguous_frames` returned.
    pub fn range_allocated(&mut self, first: u64, count: u64, step: usize) {
        if count > 0 {
            self.ranges.push(Entry {
                paddr: first,
                vaddr: count,
                step,
                nth: 0,
            });
        }
    }

    /// A range free that returned normally: the live range it names exactly, if any, is gone (a wrong free may
    /// name another range: its second frame is that range's first).
    pub fn range_released(&mut self, first: u64, count: u64) {
        if let Some(at) = self
            .ranges
            .iter()
            .position(|entry| entry.paddr == first && entry.vaddr == count)
        {
            self.ranges.remove(at);
        }
    }

    /// A translation `phys_to_virt` returned.
    pub fn translated(&mut self, paddr: u64, vaddr: u64, step: usize) {
        self.translated.push(Entry {
            paddr,
            vaddr,
            step,
            nth: 0,
        });
    }
}

//! An `AxVCpuHal` implementation shaped like axvisor's, on the published crates: `axvcpu::AxVCpuHal` whose `MmHal` is
//! an `axaddrspace::AxMmHal`, addresses of `memory_addr`, pages from `bitmap-allocator` (one `BitAlloc4K` per bank of
//! RAM) handed out as virtual pages of a linear map (`PHYS_VIRT_OFFSET`), global state behind locks, and a GIC-like
//! interrupt controller whose handler dispatches the current IRQ to the host kernel and ends it.
//!
//! The HAL itself (everything but [`driver`]) does not know halconf: its handler dispatches through [`host_irq`], the
//! host kernel's dispatcher that the kernel (or, under test, the driver) installs with [`set_host_irq`].
//!
//! `Mutant` selects one realistic bug at startup, so that halconf can be shown to catch each (`--mutant <name>`).

use std::collections::BTreeMap;
use std::sync::{Mutex, MutexGuard, OnceLock};

use axaddrspace::{AxMmHal, HostPhysAddr, HostVirtAddr};
use axvcpu::AxVCpuHal;
use bitmap_allocator::{BitAlloc, BitAlloc4K};
use halconf_driver::{Hal, IrqOrder, Profile, TestPorts};

/// The host kernel's IRQ dispatcher, as the HAL reaches it: installed once at boot with [`set_host_irq`] (by the
/// kernel; under halconf, by the driver with `halconf_driver::host::dispatch_irq`). The HAL crate needs no halconf.
static HOST_IRQ: OnceLock<fn(usize)> = OnceLock::new();

/// Installs the host kernel's IRQ dispatcher (once).
pub fn set_host_irq(dispatch: fn(usize)) {
    let _ = HOST_IRQ.set(dispatch);
}

/// Hands an IRQ to the host kernel's dispatcher; with none installed, the IRQ is dropped (and the host never sees it).
pub fn host_irq(irq: usize) {
    if let Some(dispatch) = HOST_IRQ.get() {
        dispatch(irq);
    }
}

/// Where physical memory is mapped in the host's address space.
pub const PHYS_VIRT_OFFSET: usize = 0xffff_8000_0000_0000;
/// The page size.
pub const PAGE_SIZE: usize = 4096;
/// RAM: two banks, as a board with a gap would have.
pub const RAM: [(usize, usize); 2] = [(0x4000_0000, 0x10_0000), (0x8000_0000, 0x8_0000)];
/// Interrupt lines of the controller.
pub const IRQ_LINES: usize = 64;
/// What the GIC's acknowledge register reads when nothing is pending.
pub const SPURIOUS: usize = 1023;

/// One bug to build in, for halconf to catch (each mirrors a TypeScript mutant of halconf's suite).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mutant {
    /// The HAL as it should be.
    None,
    /// After three frees, a freed frame is handed out but not marked used: it comes out twice (ALLOC-6).
    FrameTwice,
    /// Only the first bank of RAM is managed (ALLOC-7).
    FirstRegionOnly,
    /// The first frame handed out is address 0 (ALLOC-5).
    FrameZero,
    /// Freeing a frame that is not allocated is silently accepted (FREE-3).
    SilentDoubleFree,
    /// `virt_to_phys` is off by one page (XLATE-2).
    V2pOffByPage,
    /// Lines 32 and up are dispatched but never ended: they come back again and again (IRQ-5).
    UnackedHighLines,
    /// The process aborts on the fifth allocation of a program (a crash, not a clause: halconf reports an error).
    Aborts,
    /// `dealloc_contiguous_frames` hands the physical address to the allocator, which expects a virtual one: the
    /// range is never freed (CONTIG-5; with `--axvisor-memory`).
    ContigFreeWrongSpace,
}

impl Mutant {
    /// Every mutant, with its name on the command line and the clause it breaks.
    pub const ALL: [(Mutant, &'static str, &'static str); 6] = [
        (Mutant::FrameTwice, "frame-twice", "ALLOC-6"),
        (Mutant::FirstRegionOnly, "first-region-only", "ALLOC-7"),
        (Mutant::FrameZero, "frame-zero", "ALLOC-5"),
        (Mutant::SilentDoubleFree, "silent-double-free", "FREE-3"),
        (Mutant::V2pOffByPage, "v2p-off-by-page", "XLATE-2"),
        (Mutant::UnackedHighLines, "unacked-high-lines", "IRQ-5"),
    ];
}

static MUTANT: OnceLock<Mutant> = OnceLock::new();

/// Builds `mutant` in (once, at startup; the driver does it, and a test of its own may).
pub fn set_mutant(mutant: Mutant) {
    MUTANT.set(mutant).expect("the mutant is chosen once");
}

fn mutant() -> Mutant {
    *MUTANT.get().unwrap_or(&Mutant::None)
}

/// A bank of RAM: its first address and a bitmap of its pages (`bitmap-allocator`: a set bit is a free page).
struct Bank {
    start: usize,
    pages: usize,
    bitmap: BitAlloc4K,
}

/// The page allocator a kernel keeps: one bitmap per bank, pages handed out as virtual addresses of the linear map.
struct PageAllocator {
    banks: Vec<Bank>,
    /// Live contiguous ranges: first page (virtual address) and page count.
    ranges: Vec<(usize, usize)>,
    frees: usize,
    allocations: usize,
    handed_zero: bool,
}

impl PageAllocator {
    fn boot() -> Self {
        let banks = if mutant() == Mutant::FirstRegionOnly {
            &RAM[..1]
        } else {
            &RAM[..]
        };
        let banks = banks
            .iter()
            .map(|&(start, size)| {
                let mut bitmap = BitAlloc4K::DEFAULT;
                bitmap.insert(0..size / PAGE_SIZE);
                Bank {
                    start,
                    pages: size / PAGE_SIZE,
                    bitmap,
                }
            })
            .collect();
        PageAllocator {
            banks,
            ranges: Vec::new(),
            frees: 0,
            allocations: 0,
            handed_zero: false,
        }
    }

    /// The bank and page index of a physical address, if it is a page of a bank.
    fn page_of(&mut self, paddr: usize) -> Option<(&mut Bank, usize)> {
        self.banks.iter_mut().find_map(|bank| {
            let index = paddr.checked_sub(bank.start)? / PAGE_SIZE;
            (paddr.is_multiple_of(PAGE_SIZE) && index < bank.pages).then_some((bank, index))
        })
    }

    /// The lowest free page (the bitmap's first free bit), as a virtual address.
    fn alloc_pages(&mut self) -> Option<usize> {
        self.allocations += 1;
        if mutant() == Mutant::Aborts && self.allocations == 5 {
            std::process::abort();
        }
        if mutant() == Mutant::FrameZero && !self.handed_zero {
            self.handed_zero = true;
            return Some(PHYS_VIRT_OFFSET);
        }
        let leaky = mutant() == Mutant::FrameTwice && self.frees >= 3;
        for bank in &mut self.banks {
            if let Some(index) = bank.bitmap.alloc() {
                if leaky {
                    bank.bitmap.dealloc(index);
                }
                return Some(bank.start + index * PAGE_SIZE + PHYS_VIRT_OFFSET);
            }
        }
        None
    }

    /// Frees a page given by its virtual address; panics when it is not an allocated page.
    fn dealloc_pages(&mut self, vaddr: usize) {
        let paddr = vaddr.wrapping_sub(PHYS_VIRT_OFFSET);
        let in_range = self
            .ranges
            .iter()
            .any(|&(first, count)| (first..first + count * PAGE_SIZE).contains(&vaddr));
        if in_range {
            panic!("dealloc_frame(0x{paddr:x}): a page of a live contiguous range");
        }
        // The bitmap says whether the page was allocated: `dealloc` is false for a page already free.
        let freed = self
            .page_of(paddr)
            .is_some_and(|(bank, index)| bank.bitmap.dealloc(index));
        if freed {
            self.frees += 1;
        } else if mutant() != Mutant::SilentDoubleFree {
            panic!("dealloc_frame(0x{paddr:x}): not an allocated frame");
        }
    }

    /// `count` free pages in a row whose first physical address is aligned to `PAGE_SIZE << align_pow2` (the banks
    /// start at aligned addresses), as a virtual address.
    fn alloc_contiguous(&mut self, count: usize, align_pow2: usize) -> Option<usize> {
        if count == 0 || align_pow2 >= usize::BITS as usize - 12 {
            return None;
        }
        for bank in &mut self.banks {
            if let Some(index) = bank.bitmap.alloc_contiguous(None, count, align_pow2) {
                let vaddr = bank.start + index * PAGE_SIZE + PHYS_VIRT_OFFSET;
                self.ranges.push((vaddr, count));
                return Some(vaddr);
            }
        }
        None
    }

    /// Frees a range given by its first page's virtual address and its count; panics unless it is a live range.
    fn dealloc_contiguous(&mut self, vaddr: usize, count: usize) {
        let Some(at) = self
            .ranges
            .iter()
            .position(|&range| range == (vaddr, count))
        else {
            if mutant() == Mutant::ContigFreeWrongSpace {
                return; // the allocator's debug_assert!: nothing in a release build
            }
            panic!(
                "dealloc_contiguous_frames(0x{vaddr:x}, {count}): not a live range with that count"
            );
        };
        self.ranges.remove(at);
        let paddr = vaddr.wrapping_sub(PHYS_VIRT_OFFSET);
        if let Some((bank, index)) = self.page_of(paddr) {
            bank.bitmap.dealloc_contiguous(index, count);
        }
    }
}

/// A GIC-like distributor and CPU interface: pending lines, served lowest first.
struct Gic {
    pending: u64,
}

impl Gic {
    /// The acknowledge register, read without acknowledging (a peek): the lowest pending line, or SPURIOUS.
    fn highest_priority_pending(&self) -> usize {
        if self.pending == 0 {
            SPURIOUS
        } else {
            self.pending.trailing_zeros() as usize
        }
    }

    /// End of interrupt: the line is no longer pending.
    fn end_of_interrupt(&mut self, irq: usize) {
        if mutant() == Mutant::UnackedHighLines && irq >= 32 {
            return;
        }
        self.pending &= !(1u64 << irq);
    }
}

static ALLOCATOR: Mutex<Option<PageAllocator>> = Mutex::new(None);
static GIC: Mutex<Gic> = Mutex::new(Gic { pending: 0 });
/// What the frames hold, by physical frame: frames never written read as zero.
static MEMORY: Mutex<BTreeMap<usize, Vec<u8>>> = Mutex::new(BTreeMap::new());

/// Set by `--poisoning-locks`: locks taken with `.lock().unwrap()`, as a port of kspin's (non-poisoning) locks to
/// `std::sync::Mutex` naturally is. Still a correct HAL: after a refused free poisons a lock, halconf's driver
/// restarts itself rather than fail every later program on a `PoisonError`.
static POISONING_LOCKS: OnceLock<bool> = OnceLock::new();

/// Locks as `--poisoning-locks` says (see [`POISONING_LOCKS`]).
pub fn set_poisoning_locks(poisoning: bool) {
    let _ = POISONING_LOCKS.set(poisoning);
}

/// A lock that a panic in an earlier call (a refused free) did not make unusable, unless `--poisoning-locks`.
fn locked<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    if POISONING_LOCKS.get() == Some(&true) {
        return mutex.lock().unwrap();
    }
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn with_allocator<T>(work: impl FnOnce(&mut PageAllocator) -> T) -> T {
    let mut allocator = locked(&ALLOCATOR);
    work(allocator.get_or_insert_with(PageAllocator::boot))
}

/// The memory half of the HAL: what axvisor's `AxMmHalImpl` is, over this crate's statics.
pub struct AxMmHalImpl;

impl AxMmHal for AxMmHalImpl {
    fn alloc_frame() -> Option<HostPhysAddr> {
        let vaddr = with_allocator(|allocator| allocator.alloc_pages())?;
        let paddr = Self::virt_to_phys(vaddr.into());
        if mutant() != Mutant::V2pOffByPage {
            locked(&MEMORY).remove(&paddr.as_usize()); // a fresh frame reads as zeros
        } else {
            locked(&MEMORY).remove(&(paddr.as_usize() - PAGE_SIZE));
        }
        Some(if mutant() == Mutant::V2pOffByPage {
            (paddr.as_usize() - PAGE_SIZE).into()
        } else {
            paddr
        })
    }

    fn dealloc_frame(paddr: HostPhysAddr) {
        let vaddr = paddr.as_usize().wrapping_add(PHYS_VIRT_OFFSET);
        with_allocator(|allocator| allocator.dealloc_pages(vaddr));
    }

    fn phys_to_virt(paddr: HostPhysAddr) -> HostVirtAddr {
        paddr.as_usize().wrapping_add(PHYS_VIRT_OFFSET).into()
    }

    fn virt_to_phys(vaddr: HostVirtAddr) -> HostPhysAddr {
        let paddr = vaddr.as_usize().wrapping_sub(PHYS_VIRT_OFFSET);
        if mutant() == Mutant::V2pOffByPage {
            paddr.wrapping_add(PAGE_SIZE).into()
        } else {
            paddr.into()
        }
    }
}

/// The HAL: what axvisor's `AxVCpuHalImpl` is, its memory from [`AxMmHalImpl`].
pub struct AxVCpuHalImpl;

impl AxVCpuHal for AxVCpuHalImpl {
    type MmHal = AxMmHalImpl;

    fn irq_fetch() -> usize {
        locked(&GIC).highest_priority_pending()
    }

    fn irq_hanlder() {
        let mut gic = locked(&GIC);
        let irq = gic.highest_priority_pending();
        if irq == SPURIOUS {
            return;
        }
        gic.end_of_interrupt(irq);
        drop(gic);
        host_irq(irq);
    }
}

/// The test ports and the axvisor memory API's contiguous functions live on the HAL type too.
pub type RustHal = AxVCpuHalImpl;

impl RustHal {
    /// `axvisor_api::memory::alloc_contiguous_frames`: `num_frames` pages aligned to `PAGE_SIZE << frame_align_pow2`.
    pub fn alloc_contiguous_frames(
        num_frames: usize,
        frame_align_pow2: usize,
    ) -> Option<HostPhysAddr> {
        let vaddr =
            with_allocator(|allocator| allocator.alloc_contiguous(num_frames, frame_align_pow2))?;
        let paddr = AxMmHalImpl::virt_to_phys(vaddr.into()).as_usize();
        let mut memory = locked(&MEMORY);
        for page in 0..num_frames {
            memory.remove(&(paddr + page * PAGE_SIZE));
        }
        Some(paddr.into())
    }

    /// `axvisor_api::memory::dealloc_contiguous_frames`.
    pub fn dealloc_contiguous_frames(first_addr: HostPhysAddr, num_frames: usize) {
        let vaddr = if mutant() == Mutant::ContigFreeWrongSpace {
            first_addr.as_usize() // the real bug: the physical address, where a virtual one is expected
        } else {
            AxMmHalImpl::phys_to_virt(first_addr).as_usize()
        };
        with_allocator(|allocator| allocator.dealloc_contiguous(vaddr, num_frames));
    }
}

impl TestPorts for RustHal {
    fn raise_irq(irq: usize) {
        assert!(
            irq < IRQ_LINES,
            "raise_irq({irq}): the controller has {IRQ_LINES} lines"
        );
        locked(&GIC).pending |= 1u64 << irq;
    }

    fn read_memory(vaddr: usize, len: usize) -> Vec<u8> {
        let paddr = vaddr.wrapping_sub(PHYS_VIRT_OFFSET);
        let (frame, offset) = (paddr - paddr % PAGE_SIZE, paddr % PAGE_SIZE);
        let memory = locked(&MEMORY);
        (0..len)
            .map(|i| {
                memory
                    .get(&frame)
                    .map_or(0, |bytes| bytes[(offset + i) % PAGE_SIZE])
            })
            .collect()
    }

    fn write_memory(vaddr: usize, bytes: &[u8]) {
        let paddr = vaddr.wrapping_sub(PHYS_VIRT_OFFSET);
        let (frame, offset) = (paddr - paddr % PAGE_SIZE, paddr % PAGE_SIZE);
        let mut memory = locked(&MEMORY);
        let page = memory.entry(frame).or_insert_with(|| vec![0; PAGE_SIZE]);
        for (i, byte) in bytes.iter().enumerate() {
            page[(offset + i) % PAGE_SIZE] = *byte;
        }
    }
}

/// Puts every static back as it is at boot.
pub fn reset() {
    *locked(&ALLOCATOR) = None;
    locked(&GIC).pending = 0;
    locked(&MEMORY).clear();
}

/// The profile this HAL claims; with `axvisor_memory`, the axvisor-memory edition (contiguous frames).
pub fn profile(axvisor_memory: bool) -> Profile {
    let profile = if axvisor_memory {
        Profile::new().contract("axvisor-memory")
    } else {
        Profile::new()
    };
    RAM.iter()
        .fold(profile, |profile, &(start, size)| {
            profile.region(start as u64, size as u64)
        })
        .irq(IRQ_LINES, SPURIOUS, IrqOrder::LowestFirst)
        .zeroed_frames()
        .strict_free()
}

/// The HAL as halconf's driver serves it, with `mutant` built in, reset before every program (or, with `fork`, each
/// program in a fresh process); with `axvisor_memory`, as the axvisor-memory edition with contiguous frames.
pub fn driver(mutant: Mutant, fork: bool, axvisor_memory: bool) -> Hal {
    set_mutant(mutant);
    let name = Mutant::ALL
        .iter()
        .find(|(m, _, _)| *m == mutant)
        .map_or("rust-hal".into(), |(_, n, _)| format!("rust-hal-{n}"));
    // The HAL's dispatcher is halconf's host under test: the one line that ties the HAL to halconf.
    set_host_irq(halconf_driver::host::dispatch_irq);
    let hal = Hal::from_axvcpu::<AxVCpuHalImpl>()
        .named(&name)
        .with_profile(profile(axvisor_memory))
        .with_ports::<RustHal>();
    let hal = if axvisor_memory {
        hal.with_contiguous(
            |count, align| {
                RustHal::alloc_contiguous_frames(count, align).map(|paddr| paddr.as_usize())
            },
            |first, count| RustHal::dealloc_contiguous_frames(first.into(), count),
        )
    } else {
        hal
    };
    if fork {
        hal.fork_per_program()
    } else {
        hal.reset_with(reset)
    }
}

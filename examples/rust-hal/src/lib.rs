//! An `AxVCpuHal` implementation shaped like axvisor's: global state behind locks, a bitmap page allocator that hands
//! out virtual pages of a linear map (`PHYS_VIRT_OFFSET`), and a GIC-like interrupt controller whose handler
//! dispatches the current IRQ to the host kernel and ends it.
//!
//! `Mutant` selects one realistic bug at startup, so that halconf can be shown to catch each (`--mutant <name>`).

use std::collections::BTreeMap;
use std::sync::{Mutex, MutexGuard, OnceLock};

use halconf_driver::{axvcpu_hal, host, Hal, IrqOrder, Profile, TestPorts};

/// The trait as the `axvcpu` crate declares it (a local copy: the crate is not reachable offline). A HAL built
/// against the real crate uses `axvcpu::AxVCpuHal` instead; nothing else changes.
pub trait AxVCpuHal {
    /// One physical frame, or `None`.
    fn alloc_frame() -> Option<HostPhysAddr>;
    /// Gives a frame back.
    fn dealloc_frame(paddr: HostPhysAddr);
    /// Host physical to host virtual.
    fn phys_to_virt(paddr: HostPhysAddr) -> HostVirtAddr;
    /// Host virtual to host physical.
    fn virt_to_phys(vaddr: HostVirtAddr) -> HostPhysAddr;
    /// The current IRQ number.
    fn irq_fetch() -> usize {
        0
    }
    /// Dispatches the current IRQ to the host.
    fn irq_hanlder() {
        unimplemented!()
    }
}

/// A host physical address (as `memory_addr::PhysAddr`: a `usize` newtype).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct HostPhysAddr(usize);
/// A host virtual address.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct HostVirtAddr(usize);

impl From<usize> for HostPhysAddr {
    fn from(value: usize) -> Self {
        HostPhysAddr(value)
    }
}
impl From<HostPhysAddr> for usize {
    fn from(value: HostPhysAddr) -> Self {
        value.0
    }
}
impl From<usize> for HostVirtAddr {
    fn from(value: usize) -> Self {
        HostVirtAddr(value)
    }
}
impl From<HostVirtAddr> for usize {
    fn from(value: HostVirtAddr) -> Self {
        value.0
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

fn mutant() -> Mutant {
    *MUTANT.get().unwrap_or(&Mutant::None)
}

/// A page of a bank: free, handed out alone, or part of a contiguous range.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Page {
    Free,
    Single,
    InRange,
}

/// A bitmap over the pages of each bank, as a kernel's page allocator keeps it.
struct BitmapAllocator {
    banks: Vec<(usize, Vec<Page>)>,
    /// Live contiguous ranges: first page (virtual address) and page count.
    ranges: Vec<(usize, usize)>,
    frees: usize,
    allocations: usize,
    handed_zero: bool,
}

impl BitmapAllocator {
    fn boot() -> Self {
        let banks = if mutant() == Mutant::FirstRegionOnly {
            &RAM[..1]
        } else {
            &RAM[..]
        };
        let banks = banks
            .iter()
            .map(|&(start, size)| (start, vec![Page::Free; size / PAGE_SIZE]))
            .collect();
        BitmapAllocator {
            banks,
            ranges: Vec::new(),
            frees: 0,
            allocations: 0,
            handed_zero: false,
        }
    }

    /// The lowest free page, as a virtual address.
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
        for (start, used) in &mut self.banks {
            if let Some(index) = used.iter().position(|&page| page == Page::Free) {
                used[index] = if leaky { Page::Free } else { Page::Single };
                return Some(*start + index * PAGE_SIZE + PHYS_VIRT_OFFSET);
            }
        }
        None
    }

    /// Frees a page given by its virtual address; panics when it is not an allocated page.
    fn dealloc_pages(&mut self, vaddr: usize) {
        let paddr = vaddr.wrapping_sub(PHYS_VIRT_OFFSET);
        let slot = self.banks.iter_mut().find_map(|(start, used)| {
            let index = paddr.checked_sub(*start)? / PAGE_SIZE;
            (paddr.is_multiple_of(PAGE_SIZE) && index < used.len()).then(move || &mut used[index])
        });
        match slot {
            Some(page) if *page == Page::Single => {
                *page = Page::Free;
                self.frees += 1;
            }
            Some(page) if *page == Page::InRange => {
                panic!("dealloc_frame(0x{paddr:x}): a page of a live contiguous range")
            }
            _ if mutant() == Mutant::SilentDoubleFree => {}
            _ => panic!("dealloc_frame(0x{paddr:x}): not an allocated frame"),
        }
    }
}

impl BitmapAllocator {
    /// `count` free pages in a row whose first physical address is aligned to `PAGE_SIZE << align_pow2`, as a
    /// virtual address.
    fn alloc_contiguous(&mut self, count: usize, align_pow2: usize) -> Option<usize> {
        if count == 0 || align_pow2 >= usize::BITS as usize - 12 {
            return None;
        }
        let align = 1usize << align_pow2;
        for (start, used) in &mut self.banks {
            let base = *start / PAGE_SIZE;
            let mut index = (align - base % align) % align;
            while index + count <= used.len() {
                match used[index..index + count]
                    .iter()
                    .position(|&page| page != Page::Free)
                {
                    None => {
                        used[index..index + count].fill(Page::InRange);
                        let vaddr = *start + index * PAGE_SIZE + PHYS_VIRT_OFFSET;
                        self.ranges.push((vaddr, count));
                        return Some(vaddr);
                    }
                    Some(taken) => {
                        let next = index + taken + 1;
                        index = next + (align - (base + next) % align) % align;
                    }
                }
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
        for (start, used) in &mut self.banks {
            if let Some(index) = paddr.checked_sub(*start).map(|offset| offset / PAGE_SIZE) {
                if index < used.len() {
                    used[index..index + count].fill(Page::Free);
                }
            }
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

static ALLOCATOR: Mutex<Option<BitmapAllocator>> = Mutex::new(None);
static GIC: Mutex<Gic> = Mutex::new(Gic { pending: 0 });
/// What the frames hold, by physical frame: frames never written read as zero.
static MEMORY: Mutex<BTreeMap<usize, Vec<u8>>> = Mutex::new(BTreeMap::new());

/// A lock that a panic in an earlier call (a refused free) did not make unusable.
fn locked<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn with_allocator<T>(work: impl FnOnce(&mut BitmapAllocator) -> T) -> T {
    let mut allocator = locked(&ALLOCATOR);
    work(allocator.get_or_insert_with(BitmapAllocator::boot))
}

/// The HAL: what axvisor's `AxVCpuHalImpl` is, over this crate's statics.
pub struct RustHal;

impl AxVCpuHal for RustHal {
    fn alloc_frame() -> Option<HostPhysAddr> {
        let vaddr = with_allocator(|allocator| allocator.alloc_pages())?;
        let paddr = Self::virt_to_phys(vaddr.into());
        if mutant() != Mutant::V2pOffByPage {
            locked(&MEMORY).remove(&usize::from(paddr)); // a fresh frame reads as zeros
        } else {
            locked(&MEMORY).remove(&(usize::from(paddr) - PAGE_SIZE));
        }
        Some(if mutant() == Mutant::V2pOffByPage {
            (usize::from(paddr) - PAGE_SIZE).into()
        } else {
            paddr
        })
    }

    fn dealloc_frame(paddr: HostPhysAddr) {
        let vaddr = usize::from(paddr).wrapping_add(PHYS_VIRT_OFFSET);
        with_allocator(|allocator| allocator.dealloc_pages(vaddr));
    }

    fn phys_to_virt(paddr: HostPhysAddr) -> HostVirtAddr {
        usize::from(paddr).wrapping_add(PHYS_VIRT_OFFSET).into()
    }

    fn virt_to_phys(vaddr: HostVirtAddr) -> HostPhysAddr {
        let paddr = usize::from(vaddr).wrapping_sub(PHYS_VIRT_OFFSET);
        if mutant() == Mutant::V2pOffByPage {
            paddr.wrapping_add(PAGE_SIZE).into()
        } else {
            paddr.into()
        }
    }

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
        host::dispatch_irq(irq);
    }
}

impl RustHal {
    /// `axvisor_api::memory::alloc_contiguous_frames`: `num_frames` pages aligned to `PAGE_SIZE << frame_align_pow2`.
    pub fn alloc_contiguous_frames(
        num_frames: usize,
        frame_align_pow2: usize,
    ) -> Option<HostPhysAddr> {
        let vaddr =
            with_allocator(|allocator| allocator.alloc_contiguous(num_frames, frame_align_pow2))?;
        let paddr = usize::from(Self::virt_to_phys(vaddr.into()));
        let mut memory = locked(&MEMORY);
        for page in 0..num_frames {
            memory.remove(&(paddr + page * PAGE_SIZE));
        }
        Some(paddr.into())
    }

    /// `axvisor_api::memory::dealloc_contiguous_frames`.
    pub fn dealloc_contiguous_frames(first_addr: HostPhysAddr, num_frames: usize) {
        let vaddr = if mutant() == Mutant::ContigFreeWrongSpace {
            usize::from(first_addr) // the real bug: the physical address, where a virtual one is expected
        } else {
            usize::from(Self::phys_to_virt(first_addr))
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
    MUTANT.set(mutant).expect("the mutant is chosen once");
    let name = Mutant::ALL
        .iter()
        .find(|(m, _, _)| *m == mutant)
        .map_or("rust-hal".into(), |(_, n, _)| format!("rust-hal-{n}"));
    let hal = axvcpu_hal!(RustHal, irq)
        .named(&name)
        .with_profile(profile(axvisor_memory))
        .with_ports::<RustHal>();
    let hal = if axvisor_memory {
        hal.with_contiguous(
            |count, align| RustHal::alloc_contiguous_frames(count, align).map(usize::from),
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

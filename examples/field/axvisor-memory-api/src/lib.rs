//! axvisor's memory API as its `src/hal.rs` implemented it at commit 0c193a2 (May 2025), over ArceOS's global page
//! allocator (`axalloc`: the `BitmapPageAllocator` of ArceOS's allocator crate, managing the linear map's virtual
//! pages), written here in the same shape so that halconf can drive it: [`axvisor_glue`] as axvisor had it,
//! [`corrected_glue`] with its two bugs fixed. See README.md.
//!
//! The modules hold free functions, as axvisor's `#[api_mod_impl(axvisor_api::memory)] mod memory_api_impl` does:
//! `halconf_driver::axvisor_memory!(axvisor_memory_api::axvisor_glue)` serves either in one call.

use std::sync::{Mutex, MutexGuard};

use axallocator::{BaseAllocator, BitmapPageAllocator, PageAllocator};
use memory_addr::{PhysAddr, VirtAddr, PAGE_SIZE_4K};

/// Where the host maps physical memory (ArceOS's aarch64 `PHYS_VIRT_OFFSET`).
pub const PHYS_VIRT_OFFSET: usize = 0xffff_0000_0000_0000;
/// The host's RAM that the page allocator manages: 1 MiB at 1 GiB (256 pages).
pub const RAM: (usize, usize) = (0x4000_0000, 0x10_0000);

/// ArceOS's `axalloc` global allocator, its page half: virtual pages of the linear map.
static PAGES: Mutex<Option<BitmapPageAllocator<PAGE_SIZE_4K>>> = Mutex::new(None);

/// The allocator, booted on first use over RAM's virtual range, as `axalloc::global_init` sets it up. The lock ignores
/// poisoning: a panic inside the allocator (a bad free) must not stop the next program from running.
fn global_allocator() -> MutexGuard<'static, Option<BitmapPageAllocator<PAGE_SIZE_4K>>> {
    let mut pages = PAGES
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    if pages.is_none() {
        let mut allocator = BitmapPageAllocator::new();
        allocator.init(phys_to_virt_raw(RAM.0), RAM.1);
        *pages = Some(allocator);
    }
    pages
}

fn alloc_pages(num_pages: usize, align: usize) -> Option<usize> {
    global_allocator()
        .as_mut()
        .and_then(|pages| pages.alloc_pages(num_pages, align).ok())
}

fn dealloc_pages(pos: usize, num_pages: usize) {
    if let Some(pages) = global_allocator().as_mut() {
        pages.dealloc_pages(pos, num_pages);
    }
}

fn phys_to_virt_raw(paddr: usize) -> usize {
    paddr.wrapping_add(PHYS_VIRT_OFFSET)
}

fn virt_to_phys_raw(vaddr: usize) -> usize {
    vaddr.wrapping_sub(PHYS_VIRT_OFFSET)
}

/// Boots the allocator again: every page free, as at startup.
pub fn reset() {
    *PAGES
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner()) = None;
}

/// axvisor's `memory_api_impl` at 0c193a2: single frames through the `AxMmHal` implementation (ArceOS's paging
/// handler: one page of the global allocator, translated), ranges straight from the global allocator.
pub mod axvisor_glue {
    use super::*;

    /// `alloc_frame`: one page, its physical address.
    pub fn alloc_frame() -> Option<PhysAddr> {
        alloc_pages(1, PAGE_SIZE_4K).map(|vaddr| PhysAddr::from(virt_to_phys_raw(vaddr)))
    }

    /// `alloc_contiguous_frames`: `num_frames` pages aligned to `PAGE_SIZE_4K << frame_align_pow2`. For one frame,
    /// `BitmapPageAllocator::alloc_pages` ignores the alignment (CONTIG-3).
    pub fn alloc_contiguous_frames(num_frames: usize, frame_align_pow2: usize) -> Option<PhysAddr> {
        alloc_pages(num_frames, PAGE_SIZE_4K << frame_align_pow2)
            .map(|vaddr| virt_to_phys(VirtAddr::from(vaddr)))
    }

    /// `dealloc_frame`: the page, by its virtual address.
    pub fn dealloc_frame(paddr: PhysAddr) {
        dealloc_pages(phys_to_virt_raw(paddr.as_usize()), 1);
    }

    /// `dealloc_contiguous_frames`, as axvisor wrote it: the physical address goes to an allocator of virtual pages
    /// (CONTIG-5).
    pub fn dealloc_contiguous_frames(paddr: PhysAddr, num_frames: usize) {
        dealloc_pages(paddr.as_usize(), num_frames);
    }

    /// `phys_to_virt`: the linear map.
    pub fn phys_to_virt(paddr: PhysAddr) -> VirtAddr {
        VirtAddr::from(phys_to_virt_raw(paddr.as_usize()))
    }

    /// `virt_to_phys`: the linear map.
    pub fn virt_to_phys(vaddr: VirtAddr) -> PhysAddr {
        PhysAddr::from(virt_to_phys_raw(vaddr.as_usize()))
    }
}

/// The same API with both bugs fixed in the glue: ranges are freed by their virtual address, and a single aligned
/// frame is taken as the first of two aligned pages (the allocator honours alignment for more than one), the second
/// given back at once.
pub mod corrected_glue {
    pub use super::axvisor_glue::{alloc_frame, dealloc_frame, phys_to_virt, virt_to_phys};
    use super::*;

    /// `alloc_contiguous_frames`, aligned for one frame too.
    pub fn alloc_contiguous_frames(num_frames: usize, frame_align_pow2: usize) -> Option<PhysAddr> {
        let align = PAGE_SIZE_4K << frame_align_pow2;
        let vaddr = if num_frames == 1 && frame_align_pow2 > 0 {
            let first = alloc_pages(2, align)?;
            dealloc_pages(first + PAGE_SIZE_4K, 1);
            first
        } else {
            alloc_pages(num_frames, align)?
        };
        Some(virt_to_phys(VirtAddr::from(vaddr)))
    }

    /// `dealloc_contiguous_frames`, by the virtual address the allocator handed out.
    pub fn dealloc_contiguous_frames(paddr: PhysAddr, num_frames: usize) {
        dealloc_pages(phys_to_virt_raw(paddr.as_usize()), num_frames);
    }
}

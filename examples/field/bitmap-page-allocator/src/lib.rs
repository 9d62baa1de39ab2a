//! A HAL whose frames and ranges of frames come from ArceOS's `BitmapPageAllocator`, as published: `axallocator` 0.2.0
//! (the allocator crate on bitmap-allocator 0.2) and `ax-allocator` 0.5.6 (the newest). Physical addresses are
//! identity mapped; everything else is the crate's own. `alloc_pages(1, align)` ignores `align` in both (CONTIG-3);
//! the `corrected` HALs take an aligned single frame as the first of two aligned pages. See README.md.

/// The HAL's RAM: 1 MiB at 1 GiB (256 pages).
pub const RAM: (usize, usize) = (0x4000_0000, 0x10_0000);
const PAGE: usize = 4096;

/// One HAL module per crate version: the same glue over that version's allocator.
macro_rules! hal_over {
    ($module:ident, $krate:ident) => {
        #[doc = concat!("The HAL over `", stringify!($krate), "`'s `BitmapPageAllocator`.")]
        pub mod $module {
            use std::sync::{Mutex, MutexGuard};

            use $krate::{BaseAllocator, BitmapPageAllocator, PageAllocator};

            use super::{PAGE, RAM};

            static PAGES: Mutex<Option<BitmapPageAllocator<PAGE>>> = Mutex::new(None);

            fn pages() -> MutexGuard<'static, Option<BitmapPageAllocator<PAGE>>> {
                let mut pages = PAGES
                    .lock()
                    .unwrap_or_else(|poisoned| poisoned.into_inner());
                if pages.is_none() {
                    let mut allocator = BitmapPageAllocator::new();
                    allocator.init(RAM.0, RAM.1);
                    *pages = Some(allocator);
                }
                pages
            }

            fn alloc_pages(count: usize, align: usize) -> Option<usize> {
                pages()
                    .as_mut()
                    .and_then(|p| p.alloc_pages(count, align).ok())
            }

            fn dealloc_pages(first: usize, count: usize) {
                if let Some(p) = pages().as_mut() {
                    p.dealloc_pages(first, count);
                }
            }

            /// Every page free again.
            pub fn reset() {
                *PAGES
                    .lock()
                    .unwrap_or_else(|poisoned| poisoned.into_inner()) = None;
            }

            /// The crate as it is: `alloc_pages(count, PAGE << align_pow2)`.
            pub mod as_published {
                use super::*;

                /// One page.
                pub fn alloc_frame() -> Option<usize> {
                    alloc_pages(1, PAGE)
                }
                /// Gives one page back.
                pub fn dealloc_frame(paddr: usize) {
                    dealloc_pages(paddr, 1)
                }
                /// `count` pages aligned to `PAGE << align_pow2`.
                pub fn alloc_contiguous_frames(count: usize, align_pow2: usize) -> Option<usize> {
                    alloc_pages(count, PAGE << align_pow2)
                }
                /// Gives a range back.
                pub fn dealloc_contiguous_frames(first: usize, count: usize) {
                    dealloc_pages(first, count)
                }
                /// Identity.
                pub fn phys_to_virt(paddr: usize) -> usize {
                    paddr
                }
                /// Identity.
                pub fn virt_to_phys(vaddr: usize) -> usize {
                    vaddr
                }
            }

            /// The glue that works around it: an aligned single frame is the first of two aligned pages.
            pub mod corrected {
                pub use super::as_published::{
                    alloc_frame, dealloc_contiguous_frames, dealloc_frame, phys_to_virt,
                    virt_to_phys,
                };
                use super::*;

                /// `count` pages aligned to `PAGE << align_pow2`, one page included.
                pub fn alloc_contiguous_frames(count: usize, align_pow2: usize) -> Option<usize> {
                    if count == 1 && align_pow2 > 0 {
                        let first = alloc_pages(2, PAGE << align_pow2)?;
                        dealloc_pages(first + PAGE, 1);
                        return Some(first);
                    }
                    alloc_pages(count, PAGE << align_pow2)
                }
            }
        }
    };
}

hal_over!(axallocator_0_2, axallocator);
hal_over!(ax_allocator_0_5, ax_allocator);

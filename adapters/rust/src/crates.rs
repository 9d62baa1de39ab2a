//! [`Hal`]s built from the traits of the published ArceOS crates, one cargo feature per crate and version line:
//!
//! | feature                    | crate and versions                     | trait              | entry point                      |
//! | -------------------------- | -------------------------------------- | ------------------ | -------------------------------- |
//! | `axvcpu`                   | `axvcpu` 0.2.x                         | `AxVCpuHal`        | [`Hal::from_axvcpu`]             |
//! | `axvcpu-0-1`               | `axvcpu` 0.1.1 and later 0.1.x         | `AxVCpuHal`        | [`Hal::from_axvcpu_0_1`]         |
//! | `axaddrspace`              | `axaddrspace` 0.5.0 to 0.5.12          | `AxMmHal`          | [`Hal::from_axmm`]               |
//! | `axaddrspace-0-3`          | `axaddrspace` 0.3.x                    | `AxMmHal`          | [`Hal::from_axmm_0_3`]           |
//! | `axaddrspace-0-2`          | `axaddrspace` 0.2.x                    | `AxMmHal`          | [`Hal::from_axmm_0_2`]           |
//! | `axaddrspace-0-1`          | `axaddrspace` 0.1.x                    | `AxMmHal`          | [`Hal::from_axmm_0_1`]           |
//! | `page-table-multiarch`     | `page_table_multiarch` 0.6.x           | `PagingHandler`    | [`Hal::from_paging_handler`]     |
//! | `page-table-multiarch-0-5` | `page_table_multiarch` 0.5.x           | `PagingHandler`    | [`Hal::from_paging_handler_0_5`] |
//!
//! These are every published version line that defines the trait (later `axvcpu` and `axaddrspace` releases dropped
//! them). The `axaddrspace` 0.1 line, and so both `axvcpu` lines, use unstable features: build them with a nightly
//! toolchain, as ArceOS itself is, or with `RUSTC_BOOTSTRAP=1` on a stable one.
//!
//! The trait's own defaults apply when the HAL keeps them: `AxVCpuHal::irq_fetch` returns 0 and `irq_hanlder` is
//! `unimplemented!()`, which the driver finds before its handshake and reports as "IRQ not implemented".
#![allow(unused_imports)]

use crate::hal::Hal;

/// The last path segment of a type's name: `my_hal::AxVCpuHalImpl` is reported as `AxVCpuHalImpl`.
fn short_name<T>() -> String {
    let full = std::any::type_name::<T>();
    let base = full.split('<').next().unwrap_or(full);
    base.rsplit("::").next().unwrap_or(base).to_string()
}

/// `from_axmm` for one version line of `axaddrspace`.
macro_rules! axmm_line {
    ($feature:literal, $krate:ident, $method:ident, $versions:literal) => {
        #[cfg(feature = $feature)]
        impl Hal {
            #[doc = concat!(
                "A HAL from a type implementing `axaddrspace::AxMmHal` (", $versions, ", feature `", $feature, "`): ",
                "its four functions, addresses converted from `HostPhysAddr`/`HostVirtAddr`, the `axmm-hal` ",
                "edition set. Add the profile's regions, a reset and any test ports.\n\n",
                "```\n",
                "use ", stringify!($krate), "::{AxMmHal, HostPhysAddr, HostVirtAddr};\n",
                "use halconf_driver::{Hal, Profile};\n\n",
                "struct MmHal;\n",
                "impl AxMmHal for MmHal {\n",
                "    fn alloc_frame() -> Option<HostPhysAddr> { Some(HostPhysAddr::from(0x8000_0000)) }\n",
                "    fn dealloc_frame(_paddr: HostPhysAddr) {}\n",
                "    fn phys_to_virt(paddr: HostPhysAddr) -> HostVirtAddr { HostVirtAddr::from(paddr.as_usize()) }\n",
                "    fn virt_to_phys(vaddr: HostVirtAddr) -> HostPhysAddr { HostPhysAddr::from(vaddr.as_usize()) }\n",
                "}\n\n",
                "let hal = Hal::", stringify!($method), "::<MmHal>().with_profile(Profile::new().region(0x8000_0000, 0x1000));\n",
                "assert_eq!(hal.name, \"MmHal\");\n",
                "assert_eq!((hal.alloc_frame)(), Some(0x8000_0000));\n",
                "```"
            )]
            pub fn $method<M: $krate::AxMmHal>() -> Hal {
                let mut hal = Hal::memory(
                    &short_name::<M>(),
                    || M::alloc_frame().map(usize::from),
                    |paddr| M::dealloc_frame($krate::HostPhysAddr::from(paddr)),
                    |paddr| usize::from(M::phys_to_virt($krate::HostPhysAddr::from(paddr))),
                    |vaddr| usize::from(M::virt_to_phys($krate::HostVirtAddr::from(vaddr))),
                );
                hal.profile = hal.profile.contract("axmm-hal");
                hal
            }
        }
    };
}

axmm_line!("axaddrspace", axaddrspace, from_axmm, "0.5.0 to 0.5.12");
axmm_line!("axaddrspace-0-3", axaddrspace_0_3, from_axmm_0_3, "0.3.x");
axmm_line!("axaddrspace-0-2", axaddrspace_0_2, from_axmm_0_2, "0.2.x");
axmm_line!("axaddrspace-0-1", axaddrspace_0_1, from_axmm_0_1, "0.1.x");

/// `from_axvcpu` for one version line of `axvcpu` (whose `MmHal` is an `axaddrspace` 0.1 `AxMmHal`).
macro_rules! axvcpu_line {
    ($feature:literal, $krate:ident, $method:ident, $versions:literal) => {
        #[cfg(feature = $feature)]
        impl Hal {
            #[doc = concat!(
                "A HAL from a type implementing `axvcpu::AxVCpuHal` (", $versions, ", feature `", $feature, "`): ",
                "memory from its `MmHal`, and `irq_fetch` / `irq_hanlder` from the type itself (when it keeps the ",
                "trait's defaults, halconf reports \"IRQ not implemented\"). Add the profile, a reset and the test ports ",
                "its IRQ checks need.\n\n",
                "```\n",
                "use axaddrspace_0_1::{AxMmHal, HostPhysAddr, HostVirtAddr};\n",
                "use ", stringify!($krate), "::AxVCpuHal;\n",
                "use halconf_driver::{Hal, Profile};\n\n",
                "struct MmHal;\n",
                "impl AxMmHal for MmHal {\n",
                "    fn alloc_frame() -> Option<HostPhysAddr> { None }\n",
                "    fn dealloc_frame(_paddr: HostPhysAddr) {}\n",
                "    fn phys_to_virt(paddr: HostPhysAddr) -> HostVirtAddr { HostVirtAddr::from(paddr.as_usize()) }\n",
                "    fn virt_to_phys(vaddr: HostVirtAddr) -> HostPhysAddr { HostPhysAddr::from(vaddr.as_usize()) }\n",
                "}\n",
                "struct AxVCpuHalImpl;\n",
                "impl AxVCpuHal for AxVCpuHalImpl {\n",
                "    type MmHal = MmHal;\n",
                "}\n\n",
                "let hal = Hal::", stringify!($method), "::<AxVCpuHalImpl>().with_profile(Profile::new().region(0x8000_0000, 0x1000));\n",
                "assert_eq!(hal.name, \"AxVCpuHalImpl\");\n",
                "assert!(hal.irq_fetch.is_some());\n",
                "```"
            )]
            pub fn $method<H: $krate::AxVCpuHal>() -> Hal {
                use axaddrspace_0_1::{AxMmHal, HostPhysAddr, HostVirtAddr};
                let mut hal = Hal::memory(
                    &short_name::<H>(),
                    || <H::MmHal as AxMmHal>::alloc_frame().map(usize::from),
                    |paddr| <H::MmHal as AxMmHal>::dealloc_frame(HostPhysAddr::from(paddr)),
                    |paddr| usize::from(<H::MmHal as AxMmHal>::phys_to_virt(HostPhysAddr::from(paddr))),
                    |vaddr| usize::from(<H::MmHal as AxMmHal>::virt_to_phys(HostVirtAddr::from(vaddr))),
                );
                hal.irq_fetch = Some(|| H::irq_fetch());
                hal.irq_handler = Some(|| H::irq_hanlder());
                hal
            }
        }
    };
}

axvcpu_line!("axvcpu", axvcpu, from_axvcpu, "0.2.x");
axvcpu_line!(
    "axvcpu-0-1",
    axvcpu_0_1,
    from_axvcpu_0_1,
    "0.1.1 and later 0.1.x"
);

/// The memory functions of a `PagingHandler` `P` (any version: `memory_addr` 0.4 addresses), and `virt_to_phys`.
#[cfg(any(feature = "page-table-multiarch", feature = "page-table-multiarch-0-5"))]
macro_rules! paging_memory {
    ($handler:ident, $virt_to_phys:expr) => {
        Hal::memory(
            &short_name::<$handler>(),
            || $handler::alloc_frame().map(usize::from),
            |paddr| $handler::dealloc_frame(memory_addr_0_4::PhysAddr::from(paddr)),
            |paddr| {
                usize::from($handler::phys_to_virt(memory_addr_0_4::PhysAddr::from(
                    paddr,
                )))
            },
            $virt_to_phys,
        )
    };
}

#[cfg(feature = "page-table-multiarch")]
impl Hal {
    /// A HAL from a type implementing `page_table_multiarch::PagingHandler` (0.6.x, feature `page-table-multiarch`):
    /// `alloc_frame`, `dealloc_frame` and `phys_to_virt` from the trait, and its `alloc_frames(num, align)` /
    /// `dealloc_frames(paddr, num)` as the contiguous frames of the `axvisor-memory` edition (set by this call; the
    /// alignment is `frame_size << align_pow2` bytes). The trait has no `virt_to_phys`: give your kernel's.
    ///
    /// ```
    /// use page_table_multiarch::PagingHandler;
    /// use memory_addr_0_4::{PhysAddr, VirtAddr};
    /// use halconf_driver::{Hal, Profile};
    ///
    /// struct Handler;
    /// impl PagingHandler for Handler {
    ///     fn alloc_frames(_num: usize, _align: usize) -> Option<PhysAddr> { None }
    ///     fn dealloc_frames(_paddr: PhysAddr, _num: usize) {}
    ///     fn phys_to_virt(paddr: PhysAddr) -> VirtAddr { VirtAddr::from(paddr.as_usize()) }
    /// }
    ///
    /// let hal = Hal::from_paging_handler::<Handler>(|vaddr| vaddr).with_profile(Profile::new().region(0x8000_0000, 0x1000));
    /// assert!(hal.alloc_contiguous_frames.is_some());
    /// ```
    pub fn from_paging_handler<P: page_table_multiarch::PagingHandler>(
        virt_to_phys: fn(usize) -> usize,
    ) -> Hal {
        use memory_addr_0_4::PhysAddr;
        let mut hal = paging_memory!(P, virt_to_phys);
        hal.profile = hal.profile.contract("axvisor-memory");
        hal.alloc_contiguous_frames = Some(|count, align_pow2| {
            let frame = 4096;
            P::alloc_frames(count, frame << align_pow2).map(usize::from)
        });
        hal.dealloc_contiguous_frames =
            Some(|first, count| P::dealloc_frames(PhysAddr::from(first), count));
        hal
    }
}

#[cfg(feature = "page-table-multiarch-0-5")]
impl Hal {
    /// A HAL from a type implementing `page_table_multiarch::PagingHandler` (0.5.x, feature
    /// `page-table-multiarch-0-5`): `alloc_frame`, `dealloc_frame` and `phys_to_virt` from the trait; it has no
    /// `virt_to_phys`: give your kernel's. The `axmm-hal` edition is set.
    ///
    /// ```
    /// use page_table_multiarch_0_5::PagingHandler;
    /// use memory_addr_0_4::{PhysAddr, VirtAddr};
    /// use halconf_driver::{Hal, Profile};
    ///
    /// struct Handler;
    /// impl PagingHandler for Handler {
    ///     fn alloc_frame() -> Option<PhysAddr> { Some(PhysAddr::from(0x8000_0000)) }
    ///     fn dealloc_frame(_paddr: PhysAddr) {}
    ///     fn phys_to_virt(paddr: PhysAddr) -> VirtAddr { VirtAddr::from(paddr.as_usize()) }
    /// }
    ///
    /// let hal = Hal::from_paging_handler_0_5::<Handler>(|vaddr| vaddr);
    /// assert_eq!((hal.alloc_frame)(), Some(0x8000_0000));
    /// ```
    pub fn from_paging_handler_0_5<P: page_table_multiarch_0_5::PagingHandler>(
        virt_to_phys: fn(usize) -> usize,
    ) -> Hal {
        let mut hal = paging_memory!(P, virt_to_phys);
        hal.profile = hal.profile.contract("axmm-hal");
        hal
    }
}

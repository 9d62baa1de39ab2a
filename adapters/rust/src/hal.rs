//! The driver's view of a HAL: a table of functions, built from your `AxVCpuHal` implementation by
//! [`axvcpu_hal!`](crate::axvcpu_hal), plus its name, profile, test ports and how to get a fresh instance.

use crate::profile::Profile;

/// How each program gets a fresh HAL. Real HALs are statics: either they can be reset, or each program runs in a
/// forked copy of the driver process.
#[derive(Clone, Copy, Debug)]
pub enum Fresh {
    /// Calls this before every program (and it must leave the HAL as if just booted). Fast: no process per program.
    Reset(fn()),
    /// Forks the driver before every program, so statics start as they were at startup. Costs a `fork` per program
    /// (about 0.2 ms, partly hidden: up to four forked programs run at once, answered in order); needs nothing from
    /// the HAL whose state lives in its process. State outside it (a shared mapping, a file) is neither fresh nor
    /// private to one program in this mode: reset it with [`Fresh::Reset`] instead. Unix only.
    Fork,
}

/// A HAL as the driver calls it: addresses as `usize`, `None` for no frame, panics for errors.
#[derive(Clone)]
pub struct Hal {
    /// The name reported by halconf.
    pub name: String,
    /// What the HAL claims.
    pub profile: Profile,
    /// `alloc_frame`.
    pub alloc_frame: fn() -> Option<usize>,
    /// `dealloc_frame`.
    pub dealloc_frame: fn(usize),
    /// `phys_to_virt`.
    pub phys_to_virt: fn(usize) -> usize,
    /// `virt_to_phys`.
    pub virt_to_phys: fn(usize) -> usize,
    /// `irq_fetch`; `None` keeps the trait default (reported as "IRQ not implemented").
    pub irq_fetch: Option<fn() -> usize>,
    /// `irq_hanlder` (sic); `None` keeps the trait default.
    pub irq_handler: Option<fn()>,
    /// Test port: asserts an interrupt line on the simulated controller.
    pub raise_irq: Option<fn(usize)>,
    /// Test port: reads `len` bytes through a virtual address.
    pub read_memory: Option<fn(usize, usize) -> Vec<u8>>,
    /// Test port: writes bytes through a virtual address.
    pub write_memory: Option<fn(usize, &[u8])>,
    /// `alloc_contiguous_frames(num_frames, frame_align_pow2)` of the axvisor-memory edition.
    pub alloc_contiguous_frames: Option<fn(usize, usize) -> Option<usize>>,
    /// `dealloc_contiguous_frames(first_addr, num_frames)` of the axvisor-memory edition.
    pub dealloc_contiguous_frames: Option<fn(usize, usize)>,
    /// How each program gets a fresh instance.
    pub fresh: Fresh,
}

/// The test ports of a HAL: stand-ins for hardware, so that halconf can observe it. Implement what your HAL can
/// simulate and pass it to [`Hal::with_ports`].
pub trait TestPorts {
    /// Asserts interrupt line `irq` on the simulated interrupt controller.
    fn raise_irq(irq: usize);
    /// Reads `len` bytes through a virtual address.
    fn read_memory(vaddr: usize, len: usize) -> Vec<u8>;
    /// Writes bytes through a virtual address.
    fn write_memory(vaddr: usize, bytes: &[u8]);
}

impl Hal {
    /// A HAL of the four memory functions alone (no IRQ functions, no ports, the default profile, a fork per
    /// program): what every entry point starts from.
    ///
    /// ```
    /// let hal = halconf_driver::Hal::memory("bump", || Some(0x8000_0000), |_| {}, |p| p, |v| v);
    /// assert_eq!((hal.alloc_frame)(), Some(0x8000_0000));
    /// ```
    pub fn memory(
        name: &str,
        alloc_frame: fn() -> Option<usize>,
        dealloc_frame: fn(usize),
        phys_to_virt: fn(usize) -> usize,
        virt_to_phys: fn(usize) -> usize,
    ) -> Hal {
        Hal {
            name: name.into(),
            profile: Profile::new(),
            alloc_frame,
            dealloc_frame,
            phys_to_virt,
            virt_to_phys,
            irq_fetch: None,
            irq_handler: None,
            raise_irq: None,
            read_memory: None,
            write_memory: None,
            alloc_contiguous_frames: None,
            dealloc_contiguous_frames: None,
            fresh: Fresh::Fork,
        }
    }

    /// Names the HAL.
    pub fn named(mut self, name: &str) -> Self {
        self.name = name.into();
        self
    }

    /// Sets the profile.
    /// The contract an entry point set (`axvisor_memory!`, `Hal::from_axmm`, ...) is kept unless `profile` names one.
    pub fn with_profile(mut self, mut profile: Profile) -> Self {
        if profile.contract.is_none() {
            profile.contract = self.profile.contract;
        }
        self.profile = profile;
        self
    }

    /// Adds the contiguous-frame functions of the `axvisor-memory` edition
    /// (`alloc_contiguous_frames(num_frames, frame_align_pow2)`, `dealloc_contiguous_frames(first, num_frames)`),
    /// with addresses as `usize`. Declare `.contract("axvisor-memory")` in the profile too.
    pub fn with_contiguous(
        mut self,
        alloc: fn(usize, usize) -> Option<usize>,
        dealloc: fn(usize, usize),
    ) -> Self {
        self.alloc_contiguous_frames = Some(alloc);
        self.dealloc_contiguous_frames = Some(dealloc);
        self
    }

    /// Adds one test port: raising an interrupt line on the simulated controller (the IRQ checks need it). Ports are
    /// optional one by one: a HAL that can raise IRQs but not read its memory adds only this.
    ///
    /// ```
    /// # use halconf_driver::{axvcpu_hal, Profile};
    /// # trait AxVCpuHal { fn alloc_frame() -> Option<usize>; fn dealloc_frame(p: usize); fn phys_to_virt(p: usize) -> usize; fn virt_to_phys(v: usize) -> usize; }
    /// # struct MyHal;
    /// # impl AxVCpuHal for MyHal { fn alloc_frame() -> Option<usize> { None } fn dealloc_frame(_: usize) {} fn phys_to_virt(p: usize) -> usize { p } fn virt_to_phys(v: usize) -> usize { v } }
    /// fn raise(irq: usize) { /* set the line pending on the simulated controller */ }
    /// let hal = axvcpu_hal!(MyHal).with_raise_irq(raise);
    /// assert!(hal.raise_irq.is_some() && hal.read_memory.is_none());
    /// ```
    pub fn with_raise_irq(mut self, raise: fn(usize)) -> Self {
        self.raise_irq = Some(raise);
        self
    }

    /// Adds one test port: reading `len` bytes through a virtual address (the memory checks need it and
    /// [`Hal::with_write_memory`]).
    pub fn with_read_memory(mut self, read: fn(usize, usize) -> Vec<u8>) -> Self {
        self.read_memory = Some(read);
        self
    }

    /// Adds one test port: writing bytes through a virtual address.
    pub fn with_write_memory(mut self, write: fn(usize, &[u8])) -> Self {
        self.write_memory = Some(write);
        self
    }

    /// Adds the three test ports of `P` (or add them one by one with [`Hal::with_raise_irq`],
    /// [`Hal::with_read_memory`], [`Hal::with_write_memory`]).
    pub fn with_ports<P: TestPorts>(mut self) -> Self {
        self.raise_irq = Some(P::raise_irq);
        self.read_memory = Some(P::read_memory);
        self.write_memory = Some(P::write_memory);
        self
    }

    /// Resets the HAL's statics before every program (see [`Fresh`]).
    pub fn reset_with(mut self, reset: fn()) -> Self {
        self.fresh = Fresh::Reset(reset);
        self
    }

    /// Runs every program in a forked copy of the driver (see [`Fresh`]).
    pub fn fork_per_program(mut self) -> Self {
        self.fresh = Fresh::Fork;
        self
    }

    /// The optional methods and ports the HAL has, by their halconf names.
    pub(crate) fn methods(&self) -> Vec<&'static str> {
        [
            (self.irq_fetch.is_some(), "irqFetch"),
            (self.irq_handler.is_some(), "irqHandler"),
            (self.raise_irq.is_some(), "raiseIrq"),
            (self.read_memory.is_some(), "readMemory"),
            (self.write_memory.is_some(), "writeMemory"),
            (
                self.alloc_contiguous_frames.is_some(),
                "allocContiguousFrames",
            ),
            (
                self.dealloc_contiguous_frames.is_some(),
                "deallocContiguousFrames",
            ),
        ]
        .into_iter()
        .filter_map(|(has, name)| has.then_some(name))
        .collect()
    }
}

/// Builds a [`Hal`] from a type implementing the `AxVCpuHal` trait, whichever crate and version it comes from: the
/// macro calls `T::alloc_frame()`, `T::dealloc_frame(..)`, `T::phys_to_virt(..)` and `T::virt_to_phys(..)` through the
/// trait you have in scope, and converts the address types with `From<usize>` / `Into<usize>` (as `PhysAddr` and
/// `VirtAddr` of `memory_addr` do; plain `usize` works too). Add `irq` to call `T::irq_fetch()` and `T::irq_hanlder()`
/// (sic) as well; without it the HAL keeps the trait defaults, which halconf reports as "IRQ not implemented".
///
/// ```
/// use halconf_driver::{axvcpu_hal, Profile};
///
/// trait AxVCpuHal {
///     fn alloc_frame() -> Option<usize>;
///     fn dealloc_frame(paddr: usize);
///     fn phys_to_virt(paddr: usize) -> usize;
///     fn virt_to_phys(vaddr: usize) -> usize;
/// }
/// struct MyHal;
/// impl AxVCpuHal for MyHal {
///     fn alloc_frame() -> Option<usize> { Some(0x8000_0000) }
///     fn dealloc_frame(_paddr: usize) {}
///     fn phys_to_virt(paddr: usize) -> usize { paddr }
///     fn virt_to_phys(vaddr: usize) -> usize { vaddr }
/// }
///
/// let hal = axvcpu_hal!(MyHal).named("my-hal").with_profile(Profile::new().region(0x8000_0000, 0x1000));
/// assert_eq!((hal.alloc_frame)(), Some(0x8000_0000));
/// ```
#[macro_export]
macro_rules! axvcpu_hal {
    ($hal:ty) => {
        $crate::Hal::memory(
            stringify!($hal),
            || <$hal>::alloc_frame().map(::core::convert::Into::<usize>::into),
            |paddr| <$hal>::dealloc_frame(::core::convert::From::from(paddr)),
            |paddr| {
                ::core::convert::Into::<usize>::into(<$hal>::phys_to_virt(
                    ::core::convert::From::from(paddr),
                ))
            },
            |vaddr| {
                ::core::convert::Into::<usize>::into(<$hal>::virt_to_phys(
                    ::core::convert::From::from(vaddr),
                ))
            },
        )
    };
    ($hal:ty, irq) => {
        $crate::Hal {
            irq_fetch: Some(|| <$hal>::irq_fetch()),
            irq_handler: Some(|| <$hal>::irq_hanlder()),
            ..$crate::axvcpu_hal!($hal)
        }
    };
}

/// Builds a [`Hal`] of the `axvisor-memory` edition from the six free functions of axvisor's memory API
/// (`axvisor_api::memory`: `alloc_frame`, `dealloc_frame`, `alloc_contiguous_frames`, `dealloc_contiguous_frames`,
/// `phys_to_virt`, `virt_to_phys`), given the module that holds them: your `#[api_mod_impl(axvisor_api::memory)]`
/// module, or `axvisor_api::memory` itself, which calls it. Addresses convert with `From<usize>` / `Into<usize>` (as
/// `memory_addr`'s `PhysAddr` and `VirtAddr` do), and the contract is set.
///
/// ```
/// use halconf_driver::{axvisor_memory, Profile};
///
/// mod memory_impl {
///     pub fn alloc_frame() -> Option<usize> { Some(0x8000_0000) }
///     pub fn dealloc_frame(_paddr: usize) {}
///     pub fn alloc_contiguous_frames(_num_frames: usize, _frame_align_pow2: usize) -> Option<usize> { None }
///     pub fn dealloc_contiguous_frames(_first_addr: usize, _num_frames: usize) {}
///     pub fn phys_to_virt(paddr: usize) -> usize { paddr }
///     pub fn virt_to_phys(vaddr: usize) -> usize { vaddr }
/// }
///
/// let hal = axvisor_memory!(memory_impl).with_profile(Profile::new().region(0x8000_0000, 0x1000));
/// assert!(hal.alloc_contiguous_frames.is_some());
/// assert_eq!(hal.profile.contract, Some("axvisor-memory"));
/// ```
#[macro_export]
macro_rules! axvisor_memory {
    ($api:path) => {{
        use $api as api;
        $crate::Hal {
            alloc_contiguous_frames: Some(|count, align_pow2| {
                api::alloc_contiguous_frames(count, align_pow2)
                    .map(::core::convert::Into::<usize>::into)
            }),
            dealloc_contiguous_frames: Some(|first, count| {
                api::dealloc_contiguous_frames(::core::convert::From::from(first), count)
            }),
            ..$crate::Hal::memory(
                stringify!($api),
                || api::alloc_frame().map(::core::convert::Into::<usize>::into),
                |paddr| api::dealloc_frame(::core::convert::From::from(paddr)),
                |paddr| {
                    ::core::convert::Into::<usize>::into(api::phys_to_virt(
                        ::core::convert::From::from(paddr),
                    ))
                },
                |vaddr| {
                    ::core::convert::Into::<usize>::into(api::virt_to_phys(
                        ::core::convert::From::from(vaddr),
                    ))
                },
            )
            .with_profile($crate::Profile::new().contract("axvisor-memory"))
        }
    }};
}

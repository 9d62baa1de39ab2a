//! The adapter on the published crates' own traits (run with `cargo test --all-features`): a HAL that keeps
//! `AxVCpuHal`'s IRQ defaults declares neither IRQ method, one that implements them declares both.
#![cfg(feature = "axvcpu")]

use std::io::Cursor;

use axaddrspace_0_1::{AxMmHal, HostPhysAddr, HostVirtAddr};
use axvcpu::AxVCpuHal;
use halconf_driver::serve::serve_on;
use halconf_driver::{Hal, IrqOrder, Profile};

struct MmHal;
impl AxMmHal for MmHal {
    fn alloc_frame() -> Option<HostPhysAddr> {
        Some(HostPhysAddr::from(0x8000_0000))
    }
    fn dealloc_frame(_paddr: HostPhysAddr) {}
    fn phys_to_virt(paddr: HostPhysAddr) -> HostVirtAddr {
        HostVirtAddr::from(paddr.as_usize())
    }
    fn virt_to_phys(vaddr: HostVirtAddr) -> HostPhysAddr {
        HostPhysAddr::from(vaddr.as_usize())
    }
}

/// Keeps the trait's `irq_fetch` (returns 0) and `irq_hanlder` (`unimplemented!()`).
struct KeepsDefaults;
impl AxVCpuHal for KeepsDefaults {
    type MmHal = MmHal;
}

/// Implements both.
struct HandlesIrqs;
impl AxVCpuHal for HandlesIrqs {
    type MmHal = MmHal;
    fn irq_fetch() -> usize {
        1023
    }
    fn irq_hanlder() {}
}

fn methods_line(hal: Hal) -> String {
    let hal = hal.with_profile(Profile::new().region(0x8000_0000, 0x1000).irq(
        64,
        1023,
        IrqOrder::LowestFirst,
    ));
    let mut out = Vec::new();
    serve_on(&hal, Cursor::new(""), &mut out).unwrap();
    String::from_utf8(out)
        .unwrap()
        .lines()
        .find(|line| line.starts_with("methods"))
        .unwrap()
        .to_string()
}

#[test]
fn the_trait_defaults_are_irq_not_implemented() {
    assert_eq!(methods_line(Hal::from_axvcpu::<KeepsDefaults>()), "methods");
    assert_eq!(
        methods_line(Hal::from_axvcpu::<HandlesIrqs>()),
        "methods irqFetch irqHandler"
    );
}

#[test]
fn memory_comes_from_the_mm_hal() {
    let hal = Hal::from_axvcpu::<HandlesIrqs>();
    assert_eq!(hal.name, "HandlesIrqs");
    assert_eq!((hal.alloc_frame)(), Some(0x8000_0000));
    assert_eq!((hal.phys_to_virt)(0x8000_1000), 0x8000_1000);
}

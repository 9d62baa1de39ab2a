//! The model test a Rust developer would otherwise write for `examples/rust-hal`: a `Vec<Op>` strategy, a reference
//! model and `reset()` per case. `src/main.rs` runs it programmatically for its in-process rate;
//! `tests/model.rs` is the same model as the `proptest!` test a developer keeps in `cargo test`.

use std::collections::BTreeSet;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use axaddrspace::{AxMmHal, HostPhysAddr, HostVirtAddr};
use axvcpu::AxVCpuHal;
use halconf_driver::TestPorts;
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;
use rust_hal::{AxMmHalImpl, AxVCpuHalImpl, Mutant, IRQ_LINES, RAM, SPURIOUS};

/// HAL calls made so far.
pub static CALLS: AtomicUsize = AtomicUsize::new(0);
/// IRQs the HAL handed to the host since the last `Handle`.
pub static DISPATCHED: Mutex<Vec<usize>> = Mutex::new(Vec::new());

fn call<T>(work: impl FnOnce() -> T) -> T {
    CALLS.fetch_add(1, Ordering::Relaxed);
    work()
}

/// One operation of a case; indices pick among the frames the model holds.
#[derive(Clone, Debug)]
pub enum Op {
    /// `alloc_frame`.
    Alloc,
    /// `dealloc_frame` of a live frame.
    Free(usize),
    /// `dealloc_frame` of a freed frame: must panic.
    FreeTwice(usize),
    /// `phys_to_virt` then `virt_to_phys` of an address in a live frame.
    Translate(usize, usize),
    /// Raises a line through the example's test port.
    Raise(usize),
    /// `irq_fetch`: the lowest pending line, or the spurious ID.
    Fetch,
    /// `irq_hanlder`: dispatches the lowest pending line once.
    Handle,
}

/// One operation, weighted towards allocation.
pub fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        6 => Just(Op::Alloc),
        3 => any::<usize>().prop_map(Op::Free),
        1 => any::<usize>().prop_map(Op::FreeTwice),
        2 => (any::<usize>(), 0..4096usize).prop_map(|(i, o)| Op::Translate(i, o)),
        2 => (0..IRQ_LINES).prop_map(Op::Raise),
        1 => Just(Op::Fetch),
        2 => Just(Op::Handle),
    ]
}

fn frames_in_ram() -> usize {
    RAM.iter().map(|&(_, size)| size / 4096).sum()
}

fn in_ram(paddr: usize) -> bool {
    RAM.iter()
        .any(|&(start, size)| paddr >= start && paddr < start + size && paddr.is_multiple_of(4096))
}

/// Runs one case against the HAL and its model.
pub fn run_case(ops: &[Op]) -> Result<(), TestCaseError> {
    rust_hal::reset();
    DISPATCHED.lock().unwrap().clear();
    let mut live: Vec<usize> = Vec::new();
    let mut freed: BTreeSet<usize> = BTreeSet::new();
    let mut pending: BTreeSet<usize> = BTreeSet::new();
    for op in ops {
        match *op {
            Op::Alloc => match call(AxMmHalImpl::alloc_frame) {
                Some(paddr) => {
                    let paddr = paddr.as_usize();
                    prop_assert!(in_ram(paddr), "{paddr:#x} is not a frame of RAM");
                    prop_assert!(!live.contains(&paddr), "{paddr:#x} is live");
                    live.push(paddr);
                    freed.remove(&paddr);
                }
                None => prop_assert_eq!(live.len(), frames_in_ram(), "None with frames free"),
            },
            Op::Free(pick) if !live.is_empty() => {
                let paddr = live.swap_remove(pick % live.len());
                let freed_ok = std::panic::catch_unwind(|| {
                    call(|| AxMmHalImpl::dealloc_frame(HostPhysAddr::from(paddr)))
                });
                prop_assert!(freed_ok.is_ok(), "freeing live {paddr:#x} panicked");
                freed.insert(paddr);
            }
            Op::FreeTwice(pick) if !freed.is_empty() => {
                let paddr = *freed.iter().nth(pick % freed.len()).unwrap();
                let refused = std::panic::catch_unwind(|| {
                    call(|| AxMmHalImpl::dealloc_frame(HostPhysAddr::from(paddr)))
                });
                prop_assert!(refused.is_err(), "a double free of {paddr:#x} was accepted");
            }
            Op::Translate(pick, offset) if !live.is_empty() => {
                let paddr = live[pick % live.len()] + offset;
                let vaddr = call(|| AxMmHalImpl::phys_to_virt(HostPhysAddr::from(paddr)));
                let back = call(|| AxMmHalImpl::virt_to_phys(HostVirtAddr::from(vaddr.as_usize())));
                prop_assert_eq!(back.as_usize(), paddr, "the round trip does not come back");
            }
            Op::Raise(irq) => {
                call(|| <AxVCpuHalImpl as TestPorts>::raise_irq(irq));
                pending.insert(irq);
            }
            Op::Fetch => {
                let expected = pending.first().copied().unwrap_or(SPURIOUS);
                prop_assert_eq!(call(AxVCpuHalImpl::irq_fetch), expected);
            }
            Op::Handle => {
                call(AxVCpuHalImpl::irq_hanlder);
                let dispatched = std::mem::take(&mut *DISPATCHED.lock().unwrap());
                let expected: Vec<usize> = pending.pop_first().into_iter().collect();
                prop_assert_eq!(dispatched, expected);
            }
            _ => {}
        }
    }
    Ok(())
}

/// Selects the mutant (by its name in `rust_hal::Mutant::ALL`, `None` for the correct HAL) and routes dispatched IRQs
/// to the model.
pub fn set_up(mutant: Option<&str>) {
    let chosen = mutant.map_or(Mutant::None, |mutant| {
        Mutant::ALL
            .iter()
            .find(|(_, name, _)| *name == mutant)
            .map(|(m, _, _)| *m)
            .unwrap_or_else(|| panic!("unknown mutant {mutant}"))
    });
    rust_hal::set_mutant(chosen);
    rust_hal::set_host_irq(|irq| DISPATCHED.lock().unwrap().push(irq));
}

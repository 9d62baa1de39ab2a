//! The test a Rust developer would otherwise write for `examples/rust-hal`: a proptest model test (`Vec<Op>`
//! strategy, a reference model, `reset()` per case), run programmatically so that `bench/peer_bench.ts` can time it
//! beside halconf. `halconf-peer [--cases N] [--seed S] [--mutant NAME]` prints one JSON line: cases run, HAL calls
//! made, seconds, and whether (and when) it found a failure.

use std::collections::BTreeSet;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::Instant;

use axaddrspace::{AxMmHal, HostPhysAddr, HostVirtAddr};
use axvcpu::AxVCpuHal;
use halconf_driver::TestPorts;
use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestCaseError, TestRng, TestRunner};
use rust_hal::{AxMmHalImpl, AxVCpuHalImpl, Mutant, IRQ_LINES, RAM, SPURIOUS};

static CALLS: AtomicUsize = AtomicUsize::new(0);
static DISPATCHED: Mutex<Vec<usize>> = Mutex::new(Vec::new());

fn call<T>(work: impl FnOnce() -> T) -> T {
    CALLS.fetch_add(1, Ordering::Relaxed);
    work()
}

/// One operation of a case; indices pick among the frames the model holds.
#[derive(Clone, Debug)]
enum Op {
    Alloc,
    Free(usize),
    FreeTwice(usize),
    Translate(usize, usize),
    Raise(usize),
    Fetch,
    Handle,
}

fn op() -> impl Strategy<Value = Op> {
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
fn run_case(ops: &[Op]) -> Result<(), TestCaseError> {
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

fn main() {
    let mut cases = 256u32;
    let mut seed = 1u64;
    let mut mutant = Mutant::None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let value = args.next().unwrap_or_default();
        match arg.as_str() {
            "--cases" => cases = value.parse().expect("--cases N"),
            "--seed" => seed = value.parse().expect("--seed S"),
            "--mutant" => {
                mutant = Mutant::ALL
                    .iter()
                    .find(|(_, name, _)| *name == value)
                    .map(|(m, _, _)| *m)
                    .unwrap_or_else(|| panic!("unknown mutant {value}"))
            }
            other => panic!("unknown argument {other} (usage: halconf-peer [--cases N] [--seed S] [--mutant NAME])"),
        }
    }
    rust_hal::set_mutant(mutant);
    rust_hal::set_host_irq(|irq| DISPATCHED.lock().unwrap().push(irq));
    // Panics the HAL raises on purpose (a refused double free) print nothing.
    std::panic::set_hook(Box::new(|_| {}));
    let mut bytes = [0u8; 32];
    bytes[..8].copy_from_slice(&seed.to_le_bytes());
    let config = Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    };
    let mut runner =
        TestRunner::new_with_rng(config, TestRng::from_seed(RngAlgorithm::ChaCha, &bytes));
    let started = Instant::now();
    let outcome = runner.run(&proptest::collection::vec(op(), 0..100), |ops| {
        run_case(&ops)
    });
    let seconds = started.elapsed().as_secs_f64();
    let failed = outcome.is_err();
    if let Err(failure) = &outcome {
        eprintln!("halconf-peer: {failure}");
    }
    println!(
        "{{\"cases\":{cases},\"calls\":{},\"seconds\":{seconds:.6},\"failed\":{failed}}}",
        CALLS.load(Ordering::Relaxed)
    );
}

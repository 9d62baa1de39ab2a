//! The peer's in-process rate: the model of `src/lib.rs` run programmatically, so that `bench/peer_bench.ts` can
//! count the HAL calls it makes per second beside halconf. `halconf-peer [--cases N] [--seed S] [--mutant NAME]`
//! prints one JSON line: cases run, HAL calls made, seconds, and whether it found a failure.

use std::sync::atomic::Ordering;
use std::time::Instant;

use halconf_peer::{op, run_case, set_up, CALLS};
use proptest::test_runner::{Config, RngSeed, TestRunner};

fn main() {
    let mut cases = 256u32;
    let mut seed = 1u64;
    let mut mutant = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let value = args.next().unwrap_or_default();
        match arg.as_str() {
            "--cases" => cases = value.parse().expect("--cases N"),
            "--seed" => seed = value.parse().expect("--seed S"),
            "--mutant" => mutant = Some(value),
            other => panic!("unknown argument {other} (usage: halconf-peer [--cases N] [--seed S] [--mutant NAME])"),
        }
    }
    set_up(mutant.as_deref());
    // Panics the HAL raises on purpose (a refused double free) print nothing.
    std::panic::set_hook(Box::new(|_| {}));
    let config = Config {
        cases,
        failure_persistence: None,
        // As `PROPTEST_RNG_SEED` seeds the test binary: both runs of one seed see the same cases.
        rng_seed: RngSeed::Fixed(seed),
        ..Config::default()
    };
    let mut runner = TestRunner::new(config);
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

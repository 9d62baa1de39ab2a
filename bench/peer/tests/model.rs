//! The same model as the `proptest!` test a developer keeps in `cargo test`: libtest's harness, proptest's default
//! configuration (256 cases, failure persistence, the default panic hook), read from the environment as proptest does
//! (`PROPTEST_CASES`, `PROPTEST_RNG_SEED`). `bench/peer_bench.ts` times this binary to its shrunk failure on each
//! mutant, named by `HALCONF_PEER_MUTANT`.

use halconf_peer::{op, run_case, set_up};
use proptest::prelude::*;

proptest! {
    #[test]
    fn the_hal_keeps_its_model(ops in proptest::collection::vec(op(), 0..100)) {
        static SET_UP: std::sync::Once = std::sync::Once::new();
        SET_UP.call_once(|| set_up(std::env::var("HALCONF_PEER_MUTANT").ok().as_deref()));
        run_case(&ops)?;
    }
}

//! The driver: `rust-hal [--mutant <name>] [--fork] [--axvisor-memory] [--contiguous-without-contract]
//! [--poisoning-locks]`, started by
//! `halconf conform --driver "..."`. The last serves the contiguous functions under a profile that forgot
//! `Profile::contract("axvisor-memory")`: halconf refuses it (exit 3) rather than skip the CONTIG checks.

use rust_hal::{driver, profile, Mutant};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut mutant = Mutant::None;
    let mut fork = false;
    let mut axvisor_memory = false;
    let mut forget_contract = false;
    let mut words = args.iter();
    while let Some(word) = words.next() {
        match word.as_str() {
            "--fork" => fork = true,
            "--poisoning-locks" => rust_hal::set_poisoning_locks(true),
            "--axvisor-memory" => axvisor_memory = true,
            "--contiguous-without-contract" => {
                axvisor_memory = true;
                forget_contract = true;
            }
            "--mutant" => {
                let name = words.next().map(String::as_str).unwrap_or_default();
                mutant = match Mutant::ALL.iter().find(|(_, n, _)| *n == name) {
                    _ if name == "aborts" => Mutant::Aborts,
                    _ if name == "contig-free-wrong-space" => Mutant::ContigFreeWrongSpace,
                    Some((m, _, _)) => *m,
                    None => {
                        let names: Vec<&str> = Mutant::ALL.iter().map(|(_, n, _)| *n).collect();
                        eprintln!(
                            "rust-hal: unknown mutant {name:?} (one of {})",
                            names.join(", ")
                        );
                        std::process::exit(2);
                    }
                };
            }
            other => {
                eprintln!("rust-hal: unknown argument {other:?} (usage: rust-hal [--mutant <name>] [--fork] [--axvisor-memory] [--contiguous-without-contract] [--poisoning-locks])");
                std::process::exit(2);
            }
        }
    }
    let hal = driver(mutant, fork, axvisor_memory);
    // `with_profile` keeps the contract set before; a driver that builds its `Hal` by hand can still forget it.
    halconf_driver::serve(if forget_contract {
        halconf_driver::Hal {
            profile: profile(false),
            ..hal
        }
    } else {
        hal
    });
}

//! The driver: `rust-hal [--mutant <name>] [--fork] [--axvisor-memory]`, started by `halconf conform --driver "..."`.

use rust_hal::{driver, Mutant};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut mutant = Mutant::None;
    let mut fork = false;
    let mut axvisor_memory = false;
    let mut words = args.iter();
    while let Some(word) = words.next() {
        match word.as_str() {
            "--fork" => fork = true,
            "--axvisor-memory" => axvisor_memory = true,
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
                eprintln!("rust-hal: unknown argument {other:?} (usage: rust-hal [--mutant <name>] [--fork] [--axvisor-memory])");
                std::process::exit(2);
            }
        }
    }
    halconf_driver::serve(driver(mutant, fork, axvisor_memory));
}

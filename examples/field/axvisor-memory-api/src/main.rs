//! The driver: `axvisor-memory-api [--corrected]`, started by `halconf conform --driver "..."`.

use axvisor_memory_api::{reset, RAM};
use halconf_driver::{axvisor_memory, Profile};

fn main() {
    let corrected = match std::env::args().nth(1).as_deref() {
        None => false,
        Some("--corrected") => true,
        Some(other) => {
            eprintln!("axvisor-memory-api: unknown argument {other:?} (usage: axvisor-memory-api [--corrected])");
            std::process::exit(2);
        }
    };
    let hal = if corrected {
        axvisor_memory!(axvisor_memory_api::corrected_glue).named("axvisor-memory-api-corrected")
    } else {
        axvisor_memory!(axvisor_memory_api::axvisor_glue).named("axvisor-memory-api")
    };
    halconf_driver::serve(
        hal.with_profile(Profile::new().region(RAM.0 as u64, RAM.1 as u64))
            .reset_with(reset),
    );
}

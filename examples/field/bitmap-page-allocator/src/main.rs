//! The driver: `bitmap-page-allocator [--version 0.2|0.5] [--corrected]`, started by `halconf conform --driver "..."`.

use bitmap_page_allocator::{ax_allocator_0_5, axallocator_0_2, RAM};
use halconf_driver::{axvisor_memory, Hal, Profile};

fn main() {
    let mut version = "0.5".to_string();
    let mut corrected = false;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--version" => version = args.next().unwrap_or_default(),
            "--corrected" => corrected = true,
            other => {
                eprintln!("bitmap-page-allocator: unknown argument {other:?} (usage: bitmap-page-allocator [--version 0.2|0.5] [--corrected])");
                std::process::exit(2);
            }
        }
    }
    let (hal, reset): (Hal, fn()) = match (version.as_str(), corrected) {
        ("0.2", false) => (
            axvisor_memory!(axallocator_0_2::as_published),
            axallocator_0_2::reset,
        ),
        ("0.2", true) => (
            axvisor_memory!(axallocator_0_2::corrected),
            axallocator_0_2::reset,
        ),
        ("0.5", false) => (
            axvisor_memory!(ax_allocator_0_5::as_published),
            ax_allocator_0_5::reset,
        ),
        ("0.5", true) => (
            axvisor_memory!(ax_allocator_0_5::corrected),
            ax_allocator_0_5::reset,
        ),
        (other, _) => {
            eprintln!("bitmap-page-allocator: --version is 0.2 (axallocator 0.2.0) or 0.5 (ax-allocator 0.5.6), not {other:?}");
            std::process::exit(2);
        }
    };
    let name = format!(
        "bitmap-page-allocator-{version}{}",
        if corrected { "-corrected" } else { "" }
    );
    halconf_driver::serve(
        hal.named(&name)
            .with_profile(Profile::new().region(RAM.0 as u64, RAM.1 as u64))
            .reset_with(reset),
    );
}

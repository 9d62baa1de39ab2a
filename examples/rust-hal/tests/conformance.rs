//! `cargo test` runs halconf on the example, the way a HAL author would gate their own HAL.

/// halconf runs on Deno: without it these tests say so and pass vacuously (CI installs it first).
fn deno_missing() -> bool {
    let deno = std::env::var_os("DENO").unwrap_or("deno".into());
    let missing = std::process::Command::new(deno)
        .arg("--version")
        .output()
        .is_err();
    if missing {
        eprintln!("skipped: deno is not installed (npm install -g deno@2), so halconf cannot run");
    }
    missing
}

#[test]
fn the_example_keeps_the_axvcpu_hal_contract() {
    if deno_missing() {
        return;
    }
    halconf_driver::testing::assert_conforms(env!("CARGO_BIN_EXE_rust-hal"), &["--seed", "1"]);
}

#[test]
fn a_mutant_fails_with_the_counterexample() {
    if deno_missing() {
        return;
    }
    let driver = format!(
        "{} --mutant frame-twice",
        halconf_driver::testing::quote(env!("CARGO_BIN_EXE_rust-hal"))
    );
    let report =
        halconf_driver::testing::conform(&driver, &["--check", "alloc.unique", "--seed", "1"])
            .unwrap_err();
    assert!(report.contains("ALLOC-6"), "{report}");
}

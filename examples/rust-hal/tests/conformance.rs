//! `cargo test` runs halconf on the example, the way a HAL author would gate their own HAL.

#[test]
fn the_example_keeps_the_axvcpu_hal_contract() {
    if std::process::Command::new(std::env::var_os("DENO").unwrap_or("deno".into()))
        .arg("--version")
        .output()
        .is_err()
    {
        eprintln!("skipped: deno is not installed (npm install -g deno@2), so halconf cannot run");
        return;
    }
    halconf_driver::testing::assert_conforms(env!("CARGO_BIN_EXE_rust-hal"), &["--seed", "1"]);
}

#[test]
fn a_mutant_fails_with_the_counterexample() {
    if std::process::Command::new(std::env::var_os("DENO").unwrap_or("deno".into()))
        .arg("--version")
        .output()
        .is_err()
    {
        eprintln!("skipped: deno is not installed");
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

//! halconf from `cargo test`: run the suite on your driver binary and fail the test with halconf's counterexample.
//!
//! Needs `deno` on the `PATH` (or in `$DENO`) and a halconf checkout: `$HALCONF` names its `cli/main.ts`; without it,
//! the checkout this crate lives in is used (`adapters/rust` inside halconf).

use std::path::PathBuf;
use std::process::Command;

/// Where halconf's command line is: `$HALCONF`, or the checkout around this crate.
///
/// ```
/// let cli = halconf_driver::testing::halconf_cli();
/// println!("halconf runs from {}", cli.display());
/// ```
pub fn halconf_cli() -> PathBuf {
    std::env::var_os("HALCONF")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../cli/main.ts")))
}

/// Quotes a path or word for the `--driver` command line (halconf splits it like a shell).
///
/// ```
/// use halconf_driver::testing::quote;
///
/// assert_eq!(quote("target/release/my-driver"), "target/release/my-driver");
/// assert_eq!(quote("my dir/driver"), "'my dir/driver'");
/// ```
pub fn quote(word: &str) -> String {
    if !word.is_empty()
        && word
            .bytes()
            .all(|byte| byte.is_ascii_alphanumeric() || b"/._-+=:@".contains(&byte))
    {
        word.to_string()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}

/// Runs `halconf conform --driver <driver> <args>`; `Ok` with the report when it exits 0, `Err` with the report and
/// halconf's error output otherwise (a broken clause, or halconf could not be run).
///
/// ```no_run
/// let report = halconf_driver::testing::conform(env!("CARGO_MANIFEST_DIR"), &["--seed", "1"]);
/// ```
pub fn conform(driver: &str, args: &[&str]) -> Result<String, String> {
    let deno = std::env::var_os("DENO").unwrap_or_else(|| "deno".into());
    let cli = halconf_cli();
    let output = Command::new(&deno)
        // The settings halconf's own `deno task conform` starts it with (cli/run_settings.ts; a test there holds this
        // call to them): without them a full run of the example took 9% longer and 27% more CPU (0.58 s, 0.80 s).
        .args(["run", "--quiet", "-A", "--v8-flags=--max-semi-space-size=8,--turbo-filter=~"])
        .env("MALLOC_ARENA_MAX", "2")
        .arg(&cli)
        .args(["conform", "--driver", driver])
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .map_err(|error| {
            format!(
                "cannot run halconf ({} run {}): {error}; install Deno (npm install -g deno@2) or set $DENO and $HALCONF",
                deno.to_string_lossy(),
                cli.display()
            )
        })?;
    let report = String::from_utf8_lossy(&output.stdout).into_owned();
    if output.status.success() {
        Ok(report)
    } else {
        Err(format!(
            "{report}{}",
            String::from_utf8_lossy(&output.stderr)
        ))
    }
}

/// Fails the calling test with halconf's report unless the driver keeps the contract.
///
/// ```no_run
/// #[test]
/// fn my_hal_keeps_the_contract() {
///     halconf_driver::testing::assert_conforms(env!("CARGO_BIN_EXE_my-driver"), &["--seed", "1"]);
/// }
/// ```
pub fn assert_conforms(driver_binary: &str, args: &[&str]) {
    if let Err(report) = conform(&quote(driver_binary), args) {
        panic!("halconf found a broken clause (or could not run):\n{report}");
    }
}

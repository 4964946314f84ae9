//! The integration tests of okrc: one test crate (one binary to link, one
//! process to start) with a module per area, like ripgrep's `tests/tests.rs`.
//! Each module drives the real `okrc` binary, or the library, on fixture
//! workspaces (`tests/fixtures/<behaviour>/`); the helpers they share live in
//! `tests/support/` and nowhere else.
//!
//! `Cargo.toml` names this file the one `[[test]]` target (`integration`) and
//! turns off the discovery of `tests/*.rs`: a new file of tests must be added
//! below as a module (`every_test_file_is_a_module_of_this_crate` fails
//! otherwise). Run one area with `cargo test --test integration watch::`.

mod support;

mod checkin;
mod ci_examples;
mod cli;
mod diagnostics;
mod human_output;
mod init;
mod lsp;
mod progress;
mod reliability;
mod report;
mod robustness;
mod schema;
mod semantics;
mod serve;
mod site_build;
mod site_quality;
mod site_rows;
mod site_snapshots;
mod site_weekly;
mod status;
mod toml_conformance;
mod toml_differential;
mod watch;

/// With the discovery of `tests/*.rs` turned off, a file of tests that is
/// not declared above would never compile nor run; this finds one.
#[test]
fn every_test_file_is_a_module_of_this_crate() {
    let this = include_str!("tests.rs");
    let tests = support::root().join("tests");
    let mut missing = Vec::new();
    for entry in std::fs::read_dir(&tests).expect("the tests folder") {
        let path = entry.expect("an entry of tests/").path();
        let Some(stem) = path.file_stem().and_then(|s| s.to_str()) else {
            continue;
        };
        let is_rust_file = path.extension().is_some_and(|e| e == "rs");
        let is_crate_folder = path.join("main.rs").is_file();
        if (is_rust_file || is_crate_folder)
            && stem != "tests"
            && !this.contains(&format!("\nmod {stem};\n"))
        {
            missing.push(path.display().to_string());
        }
    }
    assert!(
        missing.is_empty(),
        "add these to tests/tests.rs as `mod NAME;`: {missing:?}"
    );
}

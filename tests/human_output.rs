//! Snapshots of the rustc-style human output. Review changes to these like
//! code: they are what users read.

mod support;

use support::{fixture, okrc, run, sample, stdout};

fn human(dir: &std::path::Path, today: &str) -> String {
    stdout(&run(okrc()
        .current_dir(dir)
        .args(["check", ".", "--today", today])))
}

#[test]
fn unknown_fields_suggest_the_known_key() {
    insta::assert_snapshot!(human(&fixture("unknown-field"), "2026-10-10"));
}

#[test]
fn invalid_values_point_at_the_value() {
    insta::assert_snapshot!(human(&fixture("invalid-value"), "2026-10-10"));
}

#[test]
fn broken_alignments_list_what_exists() {
    insta::assert_snapshot!(human(&fixture("broken-alignment"), "2026-10-10"));
}

#[test]
fn parse_errors_show_the_offending_line() {
    insta::assert_snapshot!(human(&fixture("parse-error"), "2026-10-10"));
}

#[test]
fn the_sample_workspace_explains_its_two_warnings() {
    insta::assert_snapshot!(human(&sample(), "2026-11-27"));
}

//! Snapshots of the rustc-style human output. Review changes to these like
//! code: they are what users read.

use crate::support::{self, fixture, okrc, run, sample, stdout};

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

/// A workspace with one parse error and `n` teams whose key results have no
/// check-in (a `stale-checkin` warning each).
fn many_warnings(n: usize) -> tempfile::TempDir {
    let mut files = vec![
        (
            "okrc.toml".to_string(),
            "period = \"2026-Q4\"\n".to_string(),
        ),
        (
            "broken.md".to_string(),
            "+++\ntitle = \"unclosed\n+++\n".to_string(),
        ),
    ];
    for i in 0..n {
        files.push((
            format!("team{i}.md"),
            format!(
                "+++\nid = \"team{i}\"\n[[objectives]]\ntitle = \"Ship\"\nkey_results = [\"Users from 1 to 2\"]\n+++\n"
            ),
        ));
    }
    let files: Vec<(&str, &str)> = files
        .iter()
        .map(|(p, t)| (p.as_str(), t.as_str()))
        .collect();
    support::workspace(&files)
}

#[test]
fn quiet_prints_errors_only_and_counts_the_warnings() {
    let ws = many_warnings(3);
    let out =
        run(okrc()
            .current_dir(ws.path())
            .args(["check", ".", "--today", "2026-11-27", "--quiet"]));
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(1));
    assert!(text.contains("error[parse-error]"), "{text}");
    assert!(!text.contains("warning["), "{text}");
    assert!(
        text.contains("Checked 3 units in 1 period: 1 error, 3 warnings."),
        "{text}"
    );
    let loud = stdout(&run(okrc().current_dir(ws.path()).args([
        "check",
        ".",
        "--today",
        "2026-11-27",
    ])));
    assert_eq!(loud.matches("warning[stale-checkin]").count(), 3, "{loud}");
}

#[test]
fn quiet_github_annotations_are_errors_only() {
    let ws = many_warnings(2);
    let text = stdout(&run(okrc().current_dir(ws.path()).args([
        "check",
        ".",
        "--today",
        "2026-11-27",
        "--format",
        "github",
        "-q",
    ])));
    assert_eq!(text.matches("::error ").count(), 1, "{text}");
    assert!(!text.contains("::warning "), "{text}");
}

#[test]
fn beyond_ten_diagnostics_the_summary_counts_each_code() {
    let ws = many_warnings(12);
    let text = stdout(&run(okrc().current_dir(ws.path()).args([
        "check",
        ".",
        "--today",
        "2026-11-27",
        "-q",
    ])));
    assert!(
        text.contains(
            "Checked 12 units in 1 period: 1 error: 1 parse-error; 12 warnings: 12 stale-checkin."
        ),
        "{text}"
    );
}

#[test]
fn build_quiet_prints_errors_only() {
    let ws = many_warnings(2);
    let out =
        run(okrc()
            .current_dir(ws.path())
            .args(["build", ".", "--today", "2026-11-27", "--quiet"]));
    let text = String::from_utf8_lossy(&out.stderr);
    assert!(text.contains("error[parse-error]"), "{text}");
    assert!(!text.contains("warning["), "{text}");
    assert!(text.contains("1 error, 2 warnings"), "{text}");
}

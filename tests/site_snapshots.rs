//! Snapshots of the HTML the built-in templates make for the basic fixture:
//! review changes like code (`cargo insta review`).

use std::path::Path;
use std::process::Command;

fn build() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("site");
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/site-basic");
    let output = Command::new(env!("CARGO_BIN_EXE_okrc"))
        .arg("build")
        .arg(&workspace)
        .arg("-o")
        .arg(&out)
        .args(["--today", "2026-11-27"])
        .output()
        .unwrap();
    assert!(output.status.success());
    (dir, out)
}

/// The element that starts at `marker`, up to its matching closing `tag`.
fn fragment(html: &str, marker: &str, tag: &str) -> String {
    let start = html.find(marker).unwrap_or_else(|| panic!("no {marker}"));
    let (open, close) = (format!("<{tag}"), format!("</{tag}>"));
    let mut depth = 0;
    let mut at = start;
    loop {
        let next_open = html[at..]
            .match_indices(&open)
            .map(|(i, _)| at + i)
            .find(|&i| matches!(html.as_bytes().get(i + open.len()), Some(b'>' | b' ')));
        let next_close = html[at..].find(&close).map(|i| at + i).expect("closed");
        match next_open {
            Some(o) if o < next_close => {
                depth += 1;
                at = o + open.len();
            }
            _ => {
                depth -= 1;
                at = next_close + close.len();
                if depth == 0 {
                    return html[start..at].to_string();
                }
            }
        }
    }
}

fn page(out: &Path, path: &str) -> String {
    std::fs::read_to_string(out.join(path)).unwrap()
}

#[test]
fn a_metric_key_result_on_its_unit_page() {
    let (_dir, out) = build();
    let html = page(&out, "periods/2026-q4/units/digital.html");
    insta::assert_snapshot!(fragment(
        &html,
        r#"<li class="key-result" id="okr-O1.KR2">"#,
        "li"
    ));
}

#[test]
fn a_milestone_key_result_on_its_unit_page() {
    let (_dir, out) = build();
    let html = page(&out, "periods/2026-q4/units/digital.html");
    insta::assert_snapshot!(fragment(
        &html,
        r#"<li class="key-result" id="okr-O2.KR1">"#,
        "li"
    ));
}

#[test]
fn the_needs_attention_list_of_the_index() {
    let (_dir, out) = build();
    let html = page(&out, "index.html");
    insta::assert_snapshot!(fragment(&html, r#"<ul class="attention">"#, "ul"));
}

#[test]
fn the_unit_tree_of_the_index() {
    let (_dir, out) = build();
    let html = page(&out, "index.html");
    insta::assert_snapshot!(fragment(&html, r#"<ul class="tree">"#, "ul"));
}

#[test]
fn the_alignment_map_marks_uncovered_key_results() {
    let (_dir, out) = build();
    let html = page(&out, "periods/2026-q4/alignment.html");
    insta::assert_snapshot!(fragment(
        &html,
        r#"<section class="panel alignment-group""#,
        "section"
    ));
}

#[test]
fn the_scorecard_of_an_ended_period() {
    let (_dir, out) = build();
    let html = page(&out, "periods/2026-q3/scorecard.html");
    insta::assert_snapshot!(fragment(
        &html,
        r#"<section class="panel scorecard-unit""#,
        "section"
    ));
}

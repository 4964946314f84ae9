//! Snapshots of the HTML the built-in templates make for the basic fixture:
//! review changes like code (`cargo insta review`).

use crate::support::{build_site, fixture, read_page as page};

fn build() -> (tempfile::TempDir, std::path::PathBuf) {
    build_site(&fixture("site-basic"), "2026-11-27")
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

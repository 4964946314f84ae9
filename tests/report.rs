//! `okrc report`: the weekly digest over a window (README "How progress is computed":
//! changes over a window), and `okrc status --owner`. The fixture `report` has check-ins
//! before, on both edges of and inside the window 2026-11-20 < date ≤
//! 2026-11-27, a key result that did not move, a confidence drop without a
//! value change, owners at each level and a draft unit.

use std::process::Output;

use serde_json::Value;

use crate::support::{self, fixture, okrc, run, stdout};

fn report(dir: &str, args: &[&str]) -> Output {
    run(okrc()
        .arg("report")
        .arg(fixture(dir))
        .args(["--today", "2026-11-27"])
        .args(args))
}

fn report_json(args: &[&str]) -> Value {
    let output = report("report", &[&["--format", "json"], args].concat());
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("report --format json prints JSON")
}

/// The moved key results as `unit objective.key_result`.
fn moved(json: &Value) -> Vec<String> {
    json["units"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|unit| {
            unit["moved"].as_array().unwrap().iter().map(move |kr| {
                format!(
                    "{} {}.{}",
                    unit["id"].as_str().unwrap(),
                    kr["objective"].as_str().unwrap(),
                    kr["key_result"].as_str().unwrap()
                )
            })
        })
        .collect()
}

fn moved_kr<'j>(json: &'j Value, unit: &str, objective: &str, kr: &str) -> &'j Value {
    json["units"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|u| u["id"] == unit)
        .flat_map(|u| u["moved"].as_array().unwrap())
        .find(|k| k["objective"] == objective && k["key_result"] == kr)
        .unwrap_or_else(|| panic!("{unit} {objective}.{kr} did not move"))
}

#[test]
fn the_markdown_digest_reads_well_pasted_anywhere() {
    let output = report("report", &[]);
    assert_eq!(output.status.code(), Some(0));
    insta::assert_snapshot!("report_markdown", stdout(&output));
}

#[test]
fn the_window_excludes_its_first_day_and_includes_today() {
    let json = report_json(&[]);
    assert_eq!(
        (json["since"].as_str(), json["today"].as_str()),
        (Some("2026-11-20"), Some("2026-11-27"))
    );
    let customers = moved_kr(&json, "company", "O1", "KR1");
    // The check-in of 2026-11-20 is the value then; only 2026-11-27 is in the window.
    assert_eq!(customers["then"]["value"], 20);
    assert_eq!(customers["now"]["value"], 30);
    assert_eq!(customers["change"], 10);
    let dates: Vec<&str> = customers["checkins"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["date"].as_str().unwrap())
        .collect();
    assert_eq!(dates, ["2026-11-27"]);
}

#[test]
fn an_earlier_since_takes_in_more_check_ins() {
    let json = report_json(&["--since", "2026-11-12"]);
    let customers = moved_kr(&json, "company", "O1", "KR1");
    assert_eq!(customers["then"]["value"], 0, "from, before any check-in");
    assert_eq!(customers["checkins"].as_array().unwrap().len(), 3);
}

#[test]
fn a_key_result_that_did_not_move_is_not_listed() {
    let json = report_json(&[]);
    assert_eq!(
        moved(&json),
        ["company O1.KR1", "company O1.KR3", "team O2.KR2"],
        "Uptime (checked in before the window, same pace) is not listed"
    );
}

#[test]
fn a_confidence_drop_without_a_value_change_is_a_move() {
    let json = report_json(&[]);
    let satisfaction = moved_kr(&json, "company", "O1", "KR3");
    assert_eq!(satisfaction["then"]["value"], satisfaction["now"]["value"]);
    assert_eq!(satisfaction["then"]["confidence"], "on-track");
    assert_eq!(satisfaction["now"]["confidence"], "at-risk");
    assert_eq!(satisfaction["change"], 0);
}

#[test]
fn a_milestone_done_in_the_window_moved() {
    let json = report_json(&[]);
    let runbook = moved_kr(&json, "team", "O2", "KR2");
    assert_eq!(runbook["then"]["done"], false);
    assert_eq!(runbook["now"]["done"], true);
    assert_eq!(runbook["now"]["pace"], "done");
}

#[test]
fn who_owes_a_check_in_follows_key_result_then_objective_then_unit() {
    let json = report_json(&[]);
    let due = json["due"].as_array().unwrap();
    assert_eq!(due.len(), 1, "the draft lab owes nothing: {due:?}");
    assert_eq!(due[0]["unit"], "team");
    let owners: Vec<(&str, Vec<&str>)> = due[0]["key_results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|kr| {
            (
                kr["title"].as_str().unwrap(),
                kr["owners"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|o| o.as_str().unwrap())
                    .collect(),
            )
        })
        .collect();
    assert_eq!(
        owners,
        [
            ("Signups", vec!["Olga Objective"]),
            ("Trials", vec!["Kim Keyresult", "Pat Person"]),
            ("Incidents", vec!["Tom Team"]),
        ]
    );
    assert_eq!(
        due[0]["owners"],
        serde_json::json!(["Olga Objective", "Kim Keyresult", "Pat Person", "Tom Team"])
    );
}

#[test]
fn needs_attention_leaves_out_draft_units_and_comes_in_the_spec_order() {
    let json = report_json(&[]);
    let attention: Vec<String> = json["attention"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            format!(
                "{} {}.{}",
                a["unit"].as_str().unwrap(),
                a["objective"].as_str().unwrap(),
                a["key_result"].as_str().unwrap()
            )
        })
        .collect();
    // Off-track first (the committed objective first, then the largest
    // gap), then low confidence; the draft lab's off-track key result is
    // not there.
    assert_eq!(
        attention,
        [
            "company O1.KR1",
            "team O1.KR1",
            "team O1.KR2",
            "team O2.KR1",
            "company O1.KR3"
        ]
    );
}

#[test]
fn units_link_to_the_published_site_when_base_url_is_set() {
    let json = report_json(&[]);
    assert_eq!(
        json["changes_url"],
        "https://okrs.example.org/okrs/periods/2026-q4/changes.html"
    );
    assert_eq!(
        json["units"][0]["url"],
        "https://okrs.example.org/okrs/periods/2026-q4/units/company.html"
    );
}

#[test]
fn a_workspace_with_errors_is_reported_with_the_errors_counted_first() {
    let output = report("report-broken", &[]);
    assert_eq!(output.status.code(), Some(1));
    let text = stdout(&output);
    let first_lines: Vec<&str> = text.lines().take(3).collect();
    assert!(
        first_lines[2].contains("**1 error** in the workspace"),
        "{text}"
    );
    assert!(
        text.contains("| `O1.KR1` Customers | 20 → 30 (+10)"),
        "{text}"
    );
}

#[test]
fn since_must_be_before_today() {
    for since in ["2026-11-27", "2026-11-28"] {
        let output = report("report", &["--since", since]);
        assert_eq!(output.status.code(), Some(2));
        let err = String::from_utf8_lossy(&output.stderr);
        assert!(
            err.contains(&format!("--since {since} is not before today, 2026-11-27")),
            "{err}"
        );
        assert!(output.stdout.is_empty());
    }
}

#[test]
fn an_unknown_period_names_the_closest() {
    let output = report("report", &["--period", "2026-Q5"]);
    assert_eq!(output.status.code(), Some(2));
    let err = String::from_utf8_lossy(&output.stderr);
    assert!(
        err.contains("no unit has OKRs for period `2026-Q5`"),
        "{err}"
    );
    assert!(err.contains("did you mean `2026-Q4`?"), "{err}");
}

fn status(args: &[&str]) -> Output {
    run(okrc()
        .arg("status")
        .arg(fixture("report"))
        .args(["--today", "2026-11-27"])
        .args(args))
}

#[test]
fn status_owner_shows_what_a_person_owns_at_any_level() {
    let output = status(&["--owner", "KIM KEYRESULT"]);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let text = stdout(&output);
    assert!(text.contains("KR1 Customers"), "{text}");
    assert!(text.contains("KR2 Trials"), "{text}");
    assert!(
        !text.contains("Uptime") && !text.contains("Signups"),
        "{text}"
    );
    // The unit's owner sees everything of the unit.
    let text = stdout(&status(&["--owner", "tom team"]));
    assert!(
        text.contains("Signups") && text.contains("Incidents"),
        "{text}"
    );
    assert!(!text.contains("Customers"), "{text}");
    // An objective's owner, its key results.
    let text = stdout(&status(&["--owner", "Olga Objective"]));
    assert!(
        text.contains("Signups") && text.contains("Trials") && !text.contains("Incidents"),
        "{text}"
    );
}

#[test]
fn status_owner_nobody_has_names_the_closest_owners() {
    let output = status(&["--owner", "kim"]);
    assert_eq!(output.status.code(), Some(2));
    let err = String::from_utf8_lossy(&output.stderr);
    assert!(err.contains("nobody called `kim` owns anything"), "{err}");
    assert!(err.contains("did you mean `Kim Keyresult`?"), "{err}");
    assert!(output.stdout.is_empty());
}

#[test]
fn status_attention_lists_the_report_s_attention_in_its_order() {
    let text = stdout(&status(&["--attention"]));
    let ids: Vec<&str> = text
        .lines()
        .filter(|l| l.starts_with("company ") || l.starts_with("team ") || l.starts_with("lab "))
        .map(|l| {
            let mut words = l.split_whitespace();
            let unit = words.next().unwrap();
            let kr = words.next().unwrap();
            &l[..unit.len() + 1 + kr.len()]
        })
        .collect();
    assert_eq!(
        ids,
        [
            "company O1.KR1",
            "team O1.KR1",
            "team O1.KR2",
            "team O2.KR1",
            "company O1.KR3"
        ]
    );
}

#[test]
fn key_results_carry_owners_links_and_descriptions_and_bad_links_are_errors() {
    let (json, code) = support::check_json(&fixture("key-result-links"), "2026-11-01");
    assert_eq!(code, 1);
    let krs = &json["units"][0]["objectives"][0]["key_results"];
    assert_eq!(krs[0]["owners"], serde_json::json!(["Grace Hopper"]));
    assert_eq!(
        krs[0]["links"],
        serde_json::json!(["https://tracker.example/epic/42"])
    );
    assert_eq!(krs[0]["description"], "Every *tier-1* service.");
    assert_eq!(krs[1]["owners"], serde_json::json!(["Ada", "Grace Hopper"]));
    let errors: Vec<_> = support::diagnostics(&json)
        .into_iter()
        .filter(|d| d.0 == "error")
        .collect();
    assert_eq!(
        errors,
        support::expected(&[
            ("error", "invalid-value", "team.md", 11, 47),
            ("error", "invalid-value", "team.md", 17, 11),
        ])
    );
}

#[test]
fn a_pending_milestone_reads_its_deadline_like_status() {
    let output = report("report", &[]);
    assert_eq!(output.status.code(), Some(0));
    let markdown = stdout(&output);
    let row = markdown
        .lines()
        .find(|line| line.contains("Publish the runbook"))
        .unwrap_or_else(|| panic!("no runbook row in:\n{markdown}"));
    // Due at the end of the period, not yet in trouble, then done.
    assert!(row.ends_with("| due 31 Dec → done |"), "{row}");
    assert!(!markdown.contains("pending"), "{markdown}");
}

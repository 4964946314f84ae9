//! The numbers of README "How progress is computed" — progress, expected progress, pace,
//! confidence,
//! score, roll-up — and the period rule for references, checked through
//! `check --format json` on the `semantics` fixture at 2026-11-15.

use serde_json::Value;

use crate::support::{self, approx, check_json, fixture, unit};

fn model() -> Value {
    check_json(&fixture("semantics"), "2026-11-15").0
}

/// 45 of the 91 days from 2026-10-01 to 2026-12-31 have passed.
const Q4_EXPECTED: f64 = 45.0 / 91.0;

#[test]
fn metric_progress_is_the_share_of_the_way_from_start_to_target() {
    let json = model();
    let krs = &unit(&json, "team", "2026-Q4")["objectives"][0]["key_results"];
    approx(&krs[0]["progress"], 0.6);
    assert_eq!(krs[0]["current"], 160, "the latest check-in's value");
    // A decreasing metric: from 50 to 10, now at 40.
    approx(&krs[1]["progress"], 0.25);
    assert_eq!(krs[1]["current"], 40);
}

#[test]
fn expected_progress_counts_days_since_the_period_start() {
    let json = model();
    let objective = &unit(&json, "team", "2026-Q4")["objectives"][0];
    approx(&objective["key_results"][0]["expected"], Q4_EXPECTED);
    approx(&objective["expected"], Q4_EXPECTED);
    // A roll-up is expected gradually, a milestone not before its date:
    // the mean of 137/183 and 0.
    let half = &unit(&json, "company", "2026-H2")["objectives"][0];
    approx(&half["key_results"][0]["expected"], 137.0 / 183.0);
    approx(&half["key_results"][1]["expected"], 0.0);
    approx(&half["expected"], 137.0 / 183.0 / 2.0);
}

#[test]
fn objective_progress_is_the_weighted_mean_of_its_key_results() {
    let json = model();
    let team = unit(&json, "team", "2026-Q4");
    approx(&team["objectives"][0]["progress"], (0.6 + 0.25 * 3.0) / 4.0);
    approx(&team["progress"], ((0.6 + 0.75) / 4.0 + 1.0 + 0.5) / 3.0);
}

#[test]
fn pace_compares_progress_with_the_time_that_passed() {
    let json = model();
    let team = unit(&json, "team", "2026-Q4");
    let objectives = &team["objectives"];
    assert_eq!(objectives[0]["key_results"][0]["pace"], "on-track");
    assert_eq!(objectives[0]["key_results"][1]["pace"], "at-risk");
    assert_eq!(objectives[0]["pace"], "at-risk");
    assert_eq!(objectives[1]["pace"], "done");
    // An open milestone takes its pace from its latest confidence (0.5).
    assert_eq!(objectives[2]["key_results"][1]["pace"], "at-risk");
    let ended = unit(&json, "ended", "2026-Q3");
    assert_eq!(ended["objectives"][0]["key_results"][0]["pace"], "missed");
    assert_eq!(ended["objectives"][0]["key_results"][1]["pace"], "done");
    let future = unit(&json, "future", "2027-Q1");
    assert_eq!(
        future["objectives"][0]["key_results"][0]["pace"],
        "not-started"
    );
    approx(&future["objectives"][0]["key_results"][0]["expected"], 0.0);
}

#[test]
fn confidence_is_the_level_of_the_latest_check_in_that_gives_one() {
    let json = model();
    let objectives = &unit(&json, "team", "2026-Q4")["objectives"];
    assert_eq!(objectives[0]["key_results"][0]["confidence"], "at-risk");
    assert_eq!(
        objectives[0]["key_results"][1]["confidence"], "off-track",
        "0.3 is below 0.4"
    );
    assert_eq!(
        objectives[2]["key_results"][1]["confidence"], "at-risk",
        "0.5 is at least 0.4"
    );
    assert_eq!(objectives[1]["key_results"][0]["confidence"], Value::Null);
    let checkin = &objectives[0]["key_results"][0]["checkins"][1];
    assert_eq!(checkin["confidence"], "at-risk");
    assert_eq!(checkin["note"], "slow");
    assert_eq!(
        objectives[0]["key_results"][0]["checkins"][0]["confidence"],
        0.8
    );
}

#[test]
fn a_milestone_is_done_when_it_says_so_or_its_latest_check_in_does() {
    let json = model();
    let objectives = &unit(&json, "team", "2026-Q4")["objectives"];
    assert_eq!(objectives[1]["key_results"][0]["done"], true);
    assert_eq!(objectives[2]["key_results"][0]["done"], true);
    approx(&objectives[2]["key_results"][0]["progress"], 1.0);
    assert_eq!(objectives[2]["key_results"][1]["done"], false);
}

#[test]
fn a_roll_up_takes_the_mean_progress_of_the_objectives_aligned_to_it() {
    let json = model();
    let half = unit(&json, "company", "2026-H2");
    let rollup = &half["objectives"][0]["key_results"][0];
    assert_eq!(rollup["type"], "rollup");
    approx(&rollup["progress"], (0.3375 + 1.0) / 2.0);
    assert_eq!(
        rollup["contributors"],
        serde_json::json!(["team#O1", "team#O2"])
    );
    approx(&half["objectives"][0]["progress"], (0.3375 + 1.0) / 4.0);
}

#[test]
fn scores_come_from_the_reflection_or_the_progress_of_an_ended_period() {
    let json = model();
    let ended = unit(&json, "ended", "2026-Q3");
    let committed = &ended["objectives"][0];
    approx(&committed["key_results"][0]["score"], 0.9);
    approx(&committed["key_results"][1]["score"], 1.0);
    approx(&committed["score"], 0.95);
    assert_eq!(
        committed["colour"], "yellow",
        "a committed objective is green only at 1.0"
    );
    approx(&ended["objectives"][1]["score"], 0.6);
    approx(&ended["score"], 0.775);
    let running = unit(&json, "team", "2026-Q4");
    assert_eq!(running["objectives"][0]["score"], Value::Null);
}

#[test]
fn parent_resolves_to_the_smallest_period_containing_the_units_own() {
    let json = model();
    let team = unit(&json, "team", "2026-Q4");
    assert_eq!(team["parent"], "company");
    assert_eq!(team["parent_period"], "2026-H2");
    assert_eq!(
        team["objectives"][0]["aligns_to"],
        serde_json::json!(["company#O1.KR1"])
    );
    assert_eq!(
        unit(&json, "company", "2026-H2")["children"],
        serde_json::json!([{ "id": "team", "period": "2026-Q4" }])
    );
    // The half-year company file names no parent: it sits below the
    // company's yearly file (README "Writing OKRs" "References").
    assert_eq!(
        unit(&json, "company", "2026")["children"],
        serde_json::json!([{ "id": "company", "period": "2026-H2" }])
    );
    assert_eq!(unit(&json, "company", "2026-H2")["parent_period"], "2026");
}

#[test]
fn units_are_sorted_by_period_then_id_and_periods_chronologically() {
    let json = model();
    let order: Vec<String> = json["units"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| {
            format!(
                "{}/{}",
                u["period"].as_str().unwrap(),
                u["id"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(
        order,
        [
            "2026/company",
            "2026-H2/company",
            "2026-Q3/ended",
            "2026-Q4/team",
            "2027-Q1/future"
        ]
    );
    let periods: Vec<&str> = json["periods"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        periods,
        ["2026", "2026-H2", "2026-Q3", "2026-Q4", "2027-Q1"]
    );
    assert_eq!(
        json["periods"][1],
        serde_json::json!({ "name": "2026-H2", "start": "2026-07-01", "end": "2026-12-31" })
    );
}

#[test]
fn json_has_every_documented_key_with_plain_numbers_and_iso_dates() {
    let output = support::run(
        support::okrc()
            .arg("check")
            .arg(fixture("semantics"))
            .args(["--format", "json", "--today", "2026-11-15"]),
    );
    let text = support::stdout(&output);
    assert!(
        text.contains(r#""current":160,"#),
        "integral numbers are written without .0"
    );
    let json: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(json["version"], 1);
    assert_eq!(json["today"], "2026-11-15");
    let team = unit(&json, "team", "2026-Q4");
    for key in [
        "id",
        "name",
        "period",
        "file",
        "parent",
        "owners",
        "draft",
        "progress",
        "objectives",
    ] {
        assert!(team.get(key).is_some(), "unit key {key}");
    }
    let objective = &team["objectives"][0];
    for key in [
        "id",
        "title",
        "kind",
        "aligns_to",
        "progress",
        "expected",
        "pace",
        "score",
        "key_results",
    ] {
        assert!(objective.get(key).is_some(), "objective key {key}");
    }
    let kr = &objective["key_results"][0];
    for key in [
        "id",
        "title",
        "type",
        "from",
        "to",
        "unit",
        "by",
        "current",
        "weight",
        "progress",
        "expected",
        "pace",
        "confidence",
        "score",
        "checkins",
    ] {
        assert!(kr.get(key).is_some(), "key result key {key}");
    }
    assert_eq!(kr["by"], "2026-12-31");
    assert_eq!(kr["checkins"][0]["date"], "2026-10-05");
    assert_eq!(team["file"], "team.md");
    assert_eq!(objective["kind"], "aspirational");
}

/// Day 31 of 92 in the `milestone-pace` fixture.
fn milestones() -> Value {
    check_json(&fixture("milestone-pace"), "2026-10-31").0
}

#[test]
fn a_milestone_not_due_yet_is_pending_and_expected_at_nothing() {
    let json = milestones();
    let krs = &unit(&json, "team", "2026-Q4")["objectives"][0]["key_results"];
    assert_eq!(krs[0]["pace"], "pending");
    assert_eq!(krs[0]["by"], "2026-12-31");
    approx(&krs[0]["expected"], 0.0);
    assert_eq!(krs[1]["pace"], "pending", "21 days before its date");
    approx(&krs[1]["expected"], 0.0);
}

#[test]
fn a_milestone_within_due_soon_days_is_at_risk() {
    let json = milestones();
    let krs = &unit(&json, "team", "2026-Q4")["objectives"][0]["key_results"];
    assert_eq!(krs[2]["pace"], "at-risk", "10 days before its date");
}

#[test]
fn a_milestone_takes_a_low_confidence_and_a_past_date_as_they_are() {
    let json = milestones();
    let krs = &unit(&json, "team", "2026-Q4")["objectives"][0]["key_results"];
    assert_eq!(krs[3]["pace"], "off-track");
    assert_eq!(krs[4]["pace"], "missed");
    approx(&krs[4]["expected"], 1.0);
}

#[test]
fn an_objective_of_milestones_not_due_is_on_track_early_in_the_period() {
    let json = milestones();
    let objective = &unit(&json, "team", "2026-Q4")["objectives"][1];
    assert_eq!(objective["key_results"][0]["pace"], "pending");
    assert_eq!(objective["key_results"][1]["pace"], "pending");
    assert_eq!(objective["key_results"][2]["pace"], "done");
    // Expected: the weighted mean of 0, 0 and 0; progress 1/3.
    approx(&objective["expected"], 0.0);
    assert_eq!(objective["pace"], "on-track");
    // The first objective: one of five expected (the overdue one).
    approx(
        &unit(&json, "team", "2026-Q4")["objectives"][0]["expected"],
        0.2,
    );
}

#[test]
fn due_soon_days_comes_from_okrc_toml() {
    let ws = support::workspace(&[
        (
            "okrc.toml",
            "period = \"2026-Q4\"\n[rules]\ndue_soon_days = 30\n",
        ),
        (
            "team.md",
            "+++\n[[objectives]]\ntitle = \"T\"\nkey_results = [\n  { title = \"A\", done = false, by = 2026-11-30 },\n  { title = \"B\", done = false, by = 2026-12-01 },\n]\n+++\n",
        ),
    ]);
    let (json, code) = check_json(ws.path(), "2026-10-31");
    assert_eq!(code, 0, "{json}");
    let krs = &unit(&json, "team", "2026-Q4")["objectives"][0]["key_results"];
    assert_eq!(krs[0]["pace"], "at-risk", "30 days before");
    assert_eq!(krs[1]["pace"], "pending", "31 days before");
}

/// The company's quarterly file (no `parent`) sits below its yearly file
/// of the same id, aligns to it and inherits what it does not state.
#[test]
fn a_unit_without_parent_sits_below_its_own_unit_of_a_longer_period() {
    let (json, code) = check_json(&fixture("company-periods"), "2026-11-15");
    assert_eq!(code, 0, "{}", json["diagnostics"]);
    let quarter = unit(&json, "northwind", "2026-Q4");
    assert_eq!(quarter["parent"], "northwind");
    assert_eq!(quarter["parent_period"], "2026");
    assert_eq!(quarter["mission"], "Banking that people trust.");
    assert_eq!(quarter["vision"], "This quarter: a clean audit.", "its own");
    assert_eq!(quarter["strategy"], Value::Null);
    assert_eq!(
        quarter["objectives"][0]["aligns_to"][0], "northwind#O1.KR1",
        "`O1.KR1` names the yearly unit's key result"
    );
    let year = unit(&json, "northwind", "2026");
    assert_eq!(year["parent"], Value::Null);
    assert_eq!(year["children"][0]["period"], "2026-Q4");
    // The team of the quarter still belongs to the quarterly file.
    assert_eq!(unit(&json, "team", "2026-Q4")["parent_period"], "2026-Q4");
    // Nothing but missing check-ins: no unaligned, no broken alignment.
    let codes: Vec<&str> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|d| d["code"].as_str())
        .filter(|&code| code != "stale-checkin")
        .collect();
    assert!(codes.is_empty(), "{codes:?}");
}

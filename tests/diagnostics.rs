//! Every diagnostic code of README "Diagnostics", on a fixture workspace of its own, with
//! the file, line and column it must be reported at. Each test asserts the
//! complete list, so a diagnostic that piles on fails it too.

use crate::support::{self, check_json, diagnostics, expected, fixture};

fn assert_reports(name: &str, today: &str, exit: i32, want: &[(&str, &str, &str, u64, u64)]) {
    let (json, code) = check_json(&fixture(name), today);
    assert_eq!(diagnostics(&json), expected(want), "fixture {name}");
    assert_eq!(code, exit, "exit code of fixture {name}");
}

#[test]
fn broken_front_matter_is_a_parse_error_and_hides_nothing_else() {
    assert_reports(
        "parse-error",
        "2026-10-10",
        1,
        &[
            ("error", "parse-error", "bad-toml.md", 3, 8),
            ("error", "parse-error", "not-utf8.md", 3, 12),
            ("error", "parse-error", "unclosed.md", 1, 1),
        ],
    );
    let (json, _) = check_json(&fixture("parse-error"), "2026-10-10");
    let ids: Vec<_> = json["units"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["id"].clone())
        .collect();
    assert_eq!(
        ids,
        ["fine"],
        "the readable unit is still listed; the README is skipped"
    );
}

#[test]
fn unknown_fields_are_reported_at_the_key_with_a_suggestion() {
    assert_reports(
        "unknown-field",
        "2026-10-10",
        1,
        &[
            ("error", "unknown-field", "team.md", 3, 1),
            ("error", "unknown-field", "team.md", 7, 1),
            ("error", "unknown-field", "team.md", 9, 74),
            ("error", "unknown-field", "team.md", 14, 1),
        ],
    );
    let (json, _) = check_json(&fixture("unknown-field"), "2026-10-10");
    let helps: Vec<_> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["help"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(helps[0], "did you mean `parent`?");
    assert_eq!(helps[1], "did you mean `title`?");
    assert_eq!(helps[2], "did you mean `value`?");
    assert!(
        helps[3].starts_with("the keys of an objective are: id, title"),
        "{}",
        helps[3]
    );
}

#[test]
fn wrong_values_are_reported_one_by_one_at_the_value() {
    assert_reports(
        "invalid-value",
        "2026-10-10",
        1,
        &[
            ("error", "invalid-value", "team.md", 4, 9),
            ("error", "invalid-value", "team.md", 8, 8),
            ("error", "invalid-value", "team.md", 10, 55),
            ("error", "invalid-value", "team.md", 11, 107),
            ("error", "invalid-value", "team.md", 12, 46),
            ("error", "invalid-value", "team.md", 13, 52),
            ("error", "invalid-value", "team.md", 14, 85),
            ("error", "invalid-value", "team.md", 20, 85),
            ("error", "invalid-value", "team.md", 21, 55),
            ("error", "invalid-value", "team.md", 22, 48),
            ("error", "invalid-value", "team.md", 23, 3),
        ],
    );
}

#[test]
fn objectives_and_key_results_need_a_title() {
    assert_reports(
        "missing-title",
        "2026-10-10",
        1,
        &[
            ("error", "missing-title", "team.md", 5, 1),
            ("error", "missing-title", "team.md", 11, 3),
            ("error", "missing-title", "team.md", 12, 3),
        ],
    );
}

#[test]
fn a_unit_defined_twice_for_one_period_is_reported_at_the_later_file() {
    assert_reports(
        "duplicate-unit",
        "2026-10-10",
        1,
        &[
            ("error", "duplicate-unit", "platform.md", 1, 1),
            ("error", "duplicate-unit", "x-two.md", 3, 1),
        ],
    );
}

#[test]
fn duplicate_ids_are_reported_at_the_later_id_key_or_the_file_start() {
    assert_reports(
        "duplicate-id",
        "2026-10-10",
        1,
        &[
            ("error", "duplicate-id", "team.md", 1, 1),
            ("error", "duplicate-id", "team.md", 10, 5),
            ("error", "duplicate-id", "team.md", 14, 1),
        ],
    );
}

#[test]
fn period_names_must_resolve_and_every_unit_needs_one() {
    assert_reports(
        "unknown-period",
        "2026-10-10",
        1,
        &[
            ("error", "unknown-period", "none.md", 1, 1),
            ("error", "unknown-period", "q5.md", 3, 10),
        ],
    );
}

#[test]
fn parent_must_name_a_unit_of_a_containing_period() {
    assert_reports(
        "unknown-parent",
        "2026-10-10",
        1,
        &[
            ("error", "unknown-parent", "typo.md", 3, 10),
            ("error", "unknown-parent", "wrong-period.md", 3, 10),
        ],
    );
}

#[test]
fn every_unit_on_a_parent_cycle_is_reported() {
    assert_reports(
        "parent-cycle",
        "2026-10-10",
        1,
        &[
            ("error", "parent-cycle", "a.md", 2, 10),
            ("error", "parent-cycle", "b.md", 2, 10),
            ("error", "parent-cycle", "self.md", 2, 10),
        ],
    );
}

#[test]
fn aligns_to_missing_objective_key_result_or_unit_is_an_error() {
    assert_reports(
        "broken-alignment",
        "2026-10-10",
        1,
        &[
            ("error", "broken-alignment", "orphan.md", 4, 13),
            ("error", "broken-alignment", "team.md", 6, 13),
            ("error", "broken-alignment", "team.md", 11, 13),
            ("error", "broken-alignment", "team.md", 16, 20),
            ("error", "invalid-value", "team.md", 21, 13),
        ],
    );
}

#[test]
fn a_metric_must_move() {
    assert_reports(
        "zero-range",
        "2026-10-10",
        1,
        &[
            ("error", "zero-range", "team.md", 8, 3),
            ("error", "zero-range", "team.md", 9, 37),
        ],
    );
}

#[test]
fn objectives_of_a_child_unit_must_align() {
    assert_reports(
        "unaligned",
        "2026-10-10",
        0,
        &[
            ("warning", "unaligned", "team.md", 10, 1),
            ("warning", "unaligned", "team.md", 14, 1),
        ],
    );
}

#[test]
fn rules_levels_deny_allow_and_warn_lints() {
    assert_reports(
        "lint-levels",
        "2026-10-10",
        1,
        &[
            ("warning", "unmeasurable", "company.md", 4, 16),
            ("warning", "uncovered", "company.md", 4, 16),
            ("error", "unaligned", "team.md", 5, 1),
        ],
    );
}

#[test]
fn aligning_above_the_parent_is_skip_level() {
    assert_reports(
        "skip-level",
        "2026-10-10",
        0,
        &[("warning", "skip-level", "team.md", 5, 20)],
    );
}

#[test]
fn aligning_sideways_or_to_itself_is_cross_alignment() {
    assert_reports(
        "cross-alignment",
        "2026-10-10",
        0,
        &[
            ("warning", "cross-alignment", "team-a.md", 5, 28),
            ("warning", "cross-alignment", "team-b.md", 5, 20),
        ],
    );
}

#[test]
fn focus_limits_objectives_and_key_results() {
    assert_reports(
        "too-many",
        "2026-10-10",
        0,
        &[
            ("warning", "too-many-key-results", "team.md", 4, 34),
            ("warning", "too-many-objectives", "team.md", 11, 1),
        ],
    );
}

#[test]
fn an_objective_needs_key_results() {
    assert_reports(
        "no-key-results",
        "2026-10-10",
        0,
        &[
            ("warning", "no-key-results", "team.md", 5, 1),
            ("warning", "no-key-results", "team.md", 8, 1),
        ],
    );
}

#[test]
fn key_results_without_a_measure_are_unmeasurable() {
    assert_reports(
        "unmeasurable",
        "2026-10-10",
        0,
        &[
            ("warning", "unmeasurable", "team.md", 7, 3),
            ("warning", "unmeasurable", "team.md", 8, 3),
            ("warning", "unmeasurable", "team.md", 9, 5),
            ("warning", "unmeasurable", "team.md", 10, 5),
        ],
    );
}

#[test]
fn running_key_results_need_a_check_in_every_fourteen_days() {
    assert_reports(
        "stale-checkin",
        "2026-11-27",
        0,
        &[
            ("warning", "stale-checkin", "team.md", 5, 5),
            ("warning", "stale-checkin", "team.md", 6, 3),
            ("warning", "stale-checkin", "team.md", 9, 3),
        ],
    );
}

#[test]
fn nothing_is_stale_in_the_first_fourteen_days_of_a_period() {
    let (json, _) = check_json(&fixture("stale-checkin"), "2026-10-15");
    let stale: Vec<_> = diagnostics(&json)
        .into_iter()
        .filter(|d| d.1 == "stale-checkin")
        .collect();
    assert_eq!(stale, vec![]);
}

#[test]
fn parent_key_results_no_child_aligns_to_are_uncovered() {
    assert_reports(
        "uncovered",
        "2026-10-10",
        0,
        &[("warning", "uncovered", "company.md", 4, 40)],
    );
}

#[test]
fn deadlines_and_check_ins_outside_the_period_are_reported() {
    assert_reports(
        "outside-period",
        "2026-10-10",
        0,
        &[
            ("warning", "outside-period", "team.md", 7, 5),
            ("warning", "outside-period", "team.md", 7, 67),
            ("warning", "outside-period", "team.md", 8, 46),
        ],
    );
}

#[test]
fn check_ins_dated_after_today_are_reported() {
    assert_reports(
        "future-checkin",
        "2026-10-10",
        0,
        &[("warning", "future-checkin", "team.md", 7, 88)],
    );
}

#[test]
fn a_check_in_value_far_outside_the_range_is_implausible() {
    // 1.4 on 1,250 → 2,000 (a Dutch 1.400 read the English way), 2125 on
    // 2,5 → 1,25 dagen, and -71 on 10 → -10 (beyond three spans); 1400,
    // 2.125 and -70 are fine.
    assert_reports(
        "implausible-value",
        "2026-10-20",
        0,
        &[
            ("warning", "implausible-value", "team.md", 7, 94),
            ("warning", "implausible-value", "team.md", 9, 34),
            ("warning", "implausible-value", "team.md", 12, 113),
        ],
    );
}

#[test]
fn the_help_of_an_implausible_value_shows_it_as_read_and_the_range() {
    let (json, _) = support::check_json(&support::fixture("implausible-value"), "2026-10-20");
    let help = json["diagnostics"][0]["help"].as_str().unwrap_or_default();
    assert!(
        help.starts_with("the value reads as 1,4 per maand, and `O1.KR1` goes from 1.250 per maand to 2.000 per maand"),
        "{help}"
    );
}

#[test]
fn two_check_ins_on_one_date_are_a_duplicate() {
    assert_reports(
        "duplicate-checkin",
        "2026-10-15",
        0,
        &[
            ("warning", "duplicate-checkin", "team.md", 7, 88),
            ("warning", "duplicate-checkin", "team.md", 11, 14),
        ],
    );
    // The later one in the file counts.
    let (json, _) = support::check_json(&support::fixture("duplicate-checkin"), "2026-10-15");
    assert_eq!(
        json["units"][0]["objectives"][0]["key_results"][0]["current"],
        3
    );
}

#[test]
fn a_box_in_a_table_title_and_a_quoted_number_get_hints_that_fit() {
    let ws = support::workspace(&[(
        "team.md",
        "+++\nperiod = \"2026-Q4\"\n[[objectives]]\ntitle = \"T\"\nkey_results = [\n  { title = \"[ ] Install the scanner\" },\n  { title = \"Tickets\", from = 0, to = 20000, checkins = [ { date = 2026-10-05, value = \"10,400\" } ] },\n]\n+++\n",
    )]);
    let (json, code) = check_json(ws.path(), "2026-10-20");
    assert_eq!(code, 1);
    let found = diagnostics(&json);
    assert!(
        found.contains(&(
            "warning".into(),
            "unmeasurable".into(),
            "team.md".into(),
            6,
            5
        )),
        "{found:?}"
    );
    assert!(
        found.contains(&(
            "error".into(),
            "invalid-value".into(),
            "team.md".into(),
            7,
            88
        )),
        "{found:?}"
    );
    let help = |code: &str| {
        json["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["code"] == code)
            .and_then(|d| d["help"].as_str())
            .unwrap_or_default()
            .to_string()
    };
    assert!(
        help("unmeasurable").contains("`done = false`"),
        "{}",
        help("unmeasurable")
    );
    assert!(
        !help("unmeasurable").contains("\"[ ] TITLE\""),
        "{}",
        help("unmeasurable")
    );
    assert_eq!(
        help("invalid-value"),
        "write the number without quotes, as TOML writes it: `value = 10_400`"
    );
}

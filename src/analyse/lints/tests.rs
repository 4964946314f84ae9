//! Each lint on a small in-memory workspace, and the `implausible-value` rule.

use super::*;
use crate::model::Model;
use crate::source::SourceFile;
use crate::workspace::Workspace;

fn date(text: &str) -> NaiveDate {
    text.parse().expect("a test date")
}

/// The model of unit files `(path, text)` with the default `okrc.toml`
/// (period 2026-Q4 unless a file names one), analysed on `today`.
fn model(files: &[(&str, &str)], today: &str) -> Model {
    let mut config = Config::default();
    config.period = config.catalog.lookup("2026-Q4");
    let workspace = Workspace {
        root: "/workspace".into(),
        config,
        config_file: None,
        config_diagnostics: Vec::new(),
        files: files
            .iter()
            .map(|(path, text)| SourceFile::from_text(*path, *text))
            .collect(),
        read_errors: Vec::new(),
    };
    crate::compile(&workspace, date(today))
}

fn one(text: &str) -> Model {
    model(&[("team.md", text)], "2026-11-16")
}

fn unit<'m>(model: &'m Model, id: &str) -> &'m Unit {
    model
        .units
        .iter()
        .find(|u| u.id == id)
        .expect("the unit is in the model")
}

/// The first key result of the first objective of `unit`.
fn first(unit: &Unit) -> At<'_> {
    let objective = &unit.objectives[0];
    At {
        unit,
        objective,
        kr: &objective.key_results[0],
    }
}

fn codes(found: impl IntoIterator<Item = Diagnostic>) -> Vec<(Code, u32)> {
    found.into_iter().map(|d| (d.code, d.line)).collect()
}

#[test]
fn too_many_objectives_marks_the_first_one_past_the_limit() {
    let text = "+++\n[[objectives]]\ntitle = \"A\"\n[[objectives]]\ntitle = \"B\"\n[[objectives]]\ntitle = \"C\"\n+++\n";
    let model = one(text);
    let team = unit(&model, "team");
    assert_eq!(codes(too_many_objectives(team, 3)), []);
    let found = too_many_objectives(team, 2).expect("three objectives, two allowed");
    assert_eq!((found.code, found.line), (Code::TooManyObjectives, 7));
    assert!(found.message.contains("has 3 objectives, more than the 2"));
}

#[test]
fn unaligned_needs_a_parent_and_no_aligns_to() {
    let company = "+++\n[[objectives]]\ntitle = \"Grow\"\nkey_results = [\"[ ] A\"]\n+++\n";
    let team = "+++\nparent = \"company\"\n[[objectives]]\ntitle = \"Loose\"\n[[objectives]]\ntitle = \"Tied\"\naligns_to = [\"O1\"]\n+++\n";
    let model = model(&[("company.md", company), ("team.md", team)], "2026-11-16");
    let team = unit(&model, "team");
    assert_eq!(
        codes(unaligned(team, &team.objectives[0])),
        [(Code::Unaligned, 4)]
    );
    assert_eq!(codes(unaligned(team, &team.objectives[1])), []);
    let company = unit(&model, "company");
    assert_eq!(
        codes(unaligned(company, &company.objectives[0])),
        [],
        "no parent"
    );
}

#[test]
fn no_key_results_marks_the_objective() {
    let model = one("+++\n[[objectives]]\ntitle = \"Empty\"\n+++\n");
    let team = unit(&model, "team");
    assert_eq!(
        codes(no_key_results(team, &team.objectives[0])),
        [(Code::NoKeyResults, 3)]
    );
    let model = one("+++\n[[objectives]]\ntitle = \"Full\"\nkey_results = [\"[ ] A\"]\n+++\n");
    let team = unit(&model, "team");
    assert_eq!(codes(no_key_results(team, &team.objectives[0])), []);
}

#[test]
fn too_many_key_results_marks_the_first_one_past_the_limit() {
    let model = one(
        "+++\n[[objectives]]\ntitle = \"O\"\nkey_results = [\n  \"[ ] A\",\n  \"[ ] B\",\n]\n+++\n",
    );
    let team = unit(&model, "team");
    let objective = &team.objectives[0];
    assert_eq!(codes(too_many_key_results(team, objective, 2)), []);
    assert_eq!(
        codes(too_many_key_results(team, objective, 1)),
        [(Code::TooManyKeyResults, 6)]
    );
}

#[test]
fn unmeasurable_skips_empty_titles_and_explains_a_boxed_table_title() {
    let model = one(
        "+++\n[[objectives]]\ntitle = \"O\"\nkey_results = [\n  \"Be better\",\n  { title = \"[ ] Boxed\" },\n  { title = \" \" },\n  \"[ ] A milestone\",\n]\n+++\n",
    );
    let team = unit(&model, "team");
    let objective = &team.objectives[0];
    let at = |k: usize| At {
        unit: team,
        objective,
        kr: &objective.key_results[k],
    };
    let plain = unmeasurable(&at(0)).expect("no numbers, no box");
    assert_eq!((plain.code, plain.line), (Code::Unmeasurable, 5));
    assert!(plain.help.unwrap_or_default().starts_with("write it as"));
    let boxed = unmeasurable(&at(1)).expect("a table keeps its box");
    assert!(boxed.help.unwrap_or_default().contains("`done = false`"));
    assert_eq!(codes(unmeasurable(&at(2))), [], "missing-title already");
    assert_eq!(codes(unmeasurable(&at(3))), []);
}

#[test]
fn uncovered_needs_children_and_no_alignment_to_the_key_result_or_objective() {
    let model = model(
        &[
            (
                "company.md",
                "+++\n[[objectives]]\ntitle = \"O\"\nkey_results = [\"[ ] A\", \"[ ] B\"]\n[[objectives]]\ntitle = \"P\"\nkey_results = [\"[ ] C\"]\n+++\n",
            ),
            (
                "team.md",
                "+++\nparent = \"company\"\n[[objectives]]\ntitle = \"T\"\naligns_to = [\"O1.KR1\", \"O2\"]\nkey_results = [\"[ ] D\"]\n+++\n",
            ),
        ],
        "2026-11-16",
    );
    let covered = coverage(&model.units);
    let c = model
        .units
        .iter()
        .position(|u| u.id == "company")
        .unwrap_or(0);
    let company = &model.units[c];
    let at = |o: usize, k: usize| At {
        unit: company,
        objective: &company.objectives[o],
        kr: &company.objectives[o].key_results[k],
    };
    assert_eq!(codes(uncovered(&at(0, 0), 0, &covered[c][0])), []);
    assert_eq!(
        codes(uncovered(&at(0, 1), 1, &covered[c][0])),
        [(Code::Uncovered, 4)]
    );
    assert_eq!(
        codes(uncovered(&at(1, 0), 0, &covered[c][1])),
        [],
        "O2 as a whole"
    );
    let t = model.units.iter().position(|u| u.id == "team").unwrap_or(0);
    let team = &model.units[t];
    assert_eq!(
        codes(uncovered(&first(team), 0, &covered[t][0])),
        [],
        "no children"
    );
}

#[test]
fn outside_period_checks_the_deadline_and_every_checkin() {
    let model = one(
        "+++\n[[objectives]]\ntitle = \"O\"\nkey_results = [\n  { kr = \"A from 0 to 10 by 2027-01-15\", checkins = [\n    { date = 2026-09-30, value = 1 },\n    { date = 2026-10-01, value = 2 },\n  ] },\n]\n+++\n",
    );
    let team = unit(&model, "team");
    let period = team.period.clone().expect("2026-Q4");
    let found = codes(outside_period(&first(team), &period));
    assert_eq!(found, [(Code::OutsidePeriod, 5), (Code::OutsidePeriod, 6)]);
}

#[test]
fn future_checkin_is_after_today_not_on_it() {
    let model = one(
        "+++\n[[objectives]]\ntitle = \"O\"\nkey_results = [\n  { kr = \"A from 0 to 10\", checkins = [\n    { date = 2026-11-16, value = 1 },\n    { date = 2026-11-17, value = 2 },\n  ] },\n]\n+++\n",
    );
    let team = unit(&model, "team");
    let found = codes(future_checkin(&first(team), date("2026-11-16")));
    assert_eq!(found, [(Code::FutureCheckin, 7)]);
}

#[test]
fn duplicate_checkin_marks_each_later_one_of_a_date() {
    let model = one(
        "+++\n[[objectives]]\ntitle = \"O\"\nkey_results = [\n  { kr = \"A from 0 to 10\", checkins = [\n    { date = 2026-11-02, value = 1 },\n    { date = 2026-11-02, value = 2 },\n    { date = 2026-11-09, value = 3 },\n    { date = 2026-11-02, value = 4 },\n  ] },\n]\n+++\n",
    );
    let team = unit(&model, "team");
    let found = duplicate_checkin(&first(team));
    assert_eq!(
        codes(found.clone()),
        [(Code::DuplicateCheckin, 7), (Code::DuplicateCheckin, 9)]
    );
    assert!(found[1].message.contains("has 3 check-ins on"));
}

/// Short lists are compared date by date, long ones through a hash map:
/// both mark the same check-ins with the same counts, in file order.
#[test]
fn duplicate_checkins_are_counted_alike_in_short_and_long_lists() {
    for len in [1, 9, 32, 33, 70] {
        let days: Vec<u32> = (0..len).map(|i| 1 + (i * 7 + i / 3) % 11).collect();
        let checkins: String = days
            .iter()
            .enumerate()
            .map(|(i, day)| format!("    {{ date = 2026-11-{day:02}, value = {i} }},\n"))
            .collect();
        let model = one(&format!(
            "+++\n[[objectives]]\ntitle = \"O\"\nkey_results = [\n  {{ kr = \"A from 0 to 100\", checkins = [\n{checkins}  ] }},\n]\n+++\n"
        ));
        let team = unit(&model, "team");
        let kr = first(team).kr;
        let found: Vec<(u32, usize)> = duplicate_checkins(kr)
            .into_iter()
            .map(|(checkin, earlier)| (chrono::Datelike::day(&checkin.date), earlier))
            .collect();
        let expected: Vec<(u32, usize)> = days
            .iter()
            .enumerate()
            .map(|(i, day)| (*day, days[..i].iter().filter(|d| *d == day).count()))
            .filter(|&(_, earlier)| earlier > 0)
            .collect();
        assert_eq!(found, expected, "{len} check-ins");
        assert_eq!(kr.checkins.len(), len as usize);
    }
}

#[test]
fn implausible_value_shows_the_value_in_the_key_results_number_style() {
    let model = one(
        "+++\n[[objectives]]\ntitle = \"O\"\nkey_results = [\n  { kr = \"Tickets from 1,250 to 2,000\", checkins = [\n    { date = 2026-11-02, value = 1.4 },\n    { date = 2026-11-09, value = 1400 },\n  ] },\n]\n+++\n",
    );
    let team = unit(&model, "team");
    let found = implausible_value(&first(team));
    assert_eq!(codes(found.clone()), [(Code::ImplausibleValue, 6)]);
    let help = found[0].help.clone().unwrap_or_default();
    assert!(
        help.starts_with("the value reads as 1.4, and `O1.KR1` goes from 1,250 to 2,000"),
        "{help}"
    );
}

#[test]
fn stale_checkin_names_the_last_checkin_or_its_absence() {
    let model = one(
        "+++\n[[objectives]]\ntitle = \"O\"\nkey_results = [\n  \"Never from 0 to 10\",\n  { kr = \"Old from 0 to 10\", checkins = [ { date = 2026-10-26, value = 1 } ] },\n  { kr = \"Fresh from 0 to 10\", checkins = [ { date = 2026-11-02, value = 1 } ] },\n]\n+++\n",
    );
    let team = unit(&model, "team");
    let objective = &team.objectives[0];
    let at = |k: usize| At {
        unit: team,
        objective,
        kr: &objective.key_results[k],
    };
    let today = date("2026-11-16");
    let never = stale_checkin(&at(0), 14, today).expect("no check-in at all");
    assert_eq!(never.message, "key result `O1.KR1` has no check-ins yet");
    let old = stale_checkin(&at(1), 14, today).expect("21 days");
    assert_eq!(
        old.message,
        "the last check-in of `O1.KR2` was 21 days ago, on 2026-10-26"
    );
    assert_eq!(
        codes(stale_checkin(&at(2), 14, today)),
        [],
        "exactly 14 days"
    );
}

#[test]
fn implausible_values_lie_beyond_three_spans_of_the_range() {
    // From 1,250 to 2,000: span 750, so [-1,000, 4,250] is plausible.
    assert!(!is_implausible(1400.0, 1250.0, 2000.0));
    assert!(!is_implausible(4250.0, 1250.0, 2000.0));
    assert!(is_implausible(4250.01, 1250.0, 2000.0));
    assert!(is_implausible(1.4, 1250.0, 2000.0), "1.4 < 1,250 / 100");
    assert!(!is_implausible(12.5, 1250.0, 2000.0), "exactly lo / 100");
    assert!(is_implausible(12.49, 1250.0, 2000.0));
    assert!(is_implausible(-1000.01, 1250.0, 2000.0));
    // Decreasing metrics and ranges through zero.
    assert!(!is_implausible(9.0, 11.5, 4.0));
    assert!(is_implausible(2125.0, 2.5, 1.25));
    assert!(!is_implausible(-30.0, -10.0, 10.0));
    assert!(is_implausible(-70.01, -10.0, 10.0));
    // When not all are positive only the span rule applies.
    assert!(
        !is_implausible(0.0, 100.0, 200.0),
        "0 is within three spans"
    );
}

#[test]
fn the_ratio_rule_needs_all_three_positive_and_is_exclusive() {
    // From 1 to 1,000,000: span rule allows up to 4,000,000, ratio 100,000,000.
    assert!(!is_implausible(0.01, 1.0, 1_000_000.0), "exactly lo / 100");
    assert!(is_implausible(0.0099, 1.0, 1_000_000.0));
    assert!(
        !is_implausible(0.0, 1.0, 1_000_000.0),
        "zero is not positive"
    );
}

#[test]
fn a_zero_range_says_nothing() {
    assert!(!is_implausible(1e9, 5.0, 5.0));
    assert!(!is_implausible(f64::NAN, 1.0, 2.0));
}

/// A unit with a roll-up that another unit's objective feeds is summarised
/// and linted after `roll_up`, like every other unit (`analyse` does the
/// others in one visit each, these in a second pass).
#[test]
fn a_unit_fed_by_a_roll_up_is_summarised_and_linted_after_it() {
    let model = model(
        &[
            (
                "company.md",
                "+++\n[[objectives]]\ntitle = \"O\"\nkey_results = [\n  { title = \"Sum\", rollup = true },\n  \"Never from 0 to 10\",\n]\n+++\n",
            ),
            (
                "team.md",
                "+++\nparent = \"company\"\n[[objectives]]\ntitle = \"T\"\naligns_to = [\"O1.KR1\"]\nkey_results = [\n  { kr = \"Half from 0 to 10\", checkins = [ { date = 2026-11-09, value = 5 } ] },\n]\n+++\n",
            ),
        ],
        "2026-11-16",
    );
    let company = unit(&model, "company");
    assert_eq!(company.objectives[0].key_results[0].progress, 0.5);
    assert!(company.pace.is_some() && company.objectives[0].pace.is_some());
    // Summarised after the roll-up: summarising again changes nothing.
    let mut again = company.clone();
    crate::analyse::finish_unit(
        &mut again,
        &Config::default(),
        date("2026-11-16"),
        NaiveDate::MAX,
    );
    assert_eq!(&again, company);
    let found: Vec<(Code, u32)> = model
        .diagnostics
        .iter()
        .filter(|d| &*d.file == "company.md")
        .map(|d| (d.code, d.line))
        .collect();
    assert_eq!(found, [(Code::StaleCheckin, 6), (Code::Uncovered, 6)]);
}

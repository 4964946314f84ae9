//! The week-ago figures' copy and its standings against a whole copy.

use super::*;
use crate::source::SourceFile;
use crate::workspace::Workspace;

fn date(text: &str) -> NaiveDate {
    text.parse().expect("a test date")
}

/// A company with a roll-up fed by a team whose key results check in
/// values, `done`s and confidences on different days, twice on one day,
/// out of order and after the week-ago date.
fn workspace() -> Workspace {
    let company = "+++\nid = \"co\"\nname = \"Company\"\n[[objectives]]\ntitle = \"Grow\"\nkey_results = [ { title = \"Roll\", rollup = true }, \"Ship it by 2026-12-01\" ]\n+++\nBody text.\n";
    let team = "+++\nid = \"team\"\nname = \"Team\"\nparent = \"co\"\nowner = \"Ann\"\n[[objectives]]\ntitle = \"Faster\"\naligns_to = \"co#O1.KR1\"\nkey_results = [\n  { kr = \"Cut latency from 500ms to 100ms\", checkins = [\n    { date = 2026-11-02, value = 400, confidence = 0.9, note = \"a\" },\n    { date = 2026-11-09, value = 300, note = \"b\" },\n    { date = 2026-11-09, value = 350, confidence = \"at-risk\" },\n    { date = 2026-11-05, confidence = \"off-track\" },\n    { date = 2026-11-14, value = 120, confidence = 0.2, note = \"late\" },\n  ] },\n  { title = \"Launch\", done = false, checkins = [\n    { date = 2026-10-20, done = true },\n    { date = 2026-11-01, done = false, confidence = 0.5 },\n    { date = 2026-11-15, done = true },\n  ] },\n  { kr = \"Quiet from 0 to 10\", checkins = [ { date = 2026-10-01, value = 1 } ] },\n]\n[[objectives]]\ntitle = \"Later\"\nkind = \"committed\"\nkey_results = [ { kr = \"Only later from 0 to 10\", checkins = [ { date = 2026-11-15, value = 5 } ] } ]\n+++\n";
    let mut config = Config::default();
    config.period = config.catalog.lookup("2026-Q4");
    Workspace {
        root: "/workspace".into(),
        config,
        config_file: None,
        config_diagnostics: Vec::new(),
        files: [("co.md", company), ("team.md", team)]
            .into_iter()
            .map(|(path, text)| SourceFile::from_text(path, text))
            .collect(),
        read_errors: Vec::new(),
    }
}

/// What `as_of` gave before it kept only the figures: every unit cloned
/// whole, the later check-ins left out, analysed again.
fn whole_copy(units: &[Unit], config: &Config, date: NaiveDate) -> Vec<Unit> {
    let mut then = units.to_vec();
    for kr in then
        .iter_mut()
        .flat_map(|u| &mut u.objectives)
        .flat_map(|o| &mut o.key_results)
    {
        kr.checkins.retain(|c| c.date <= date);
    }
    analyse_figures(&mut then, config, date);
    then
}

type Figures = (f64, f64, Option<Pace>, Option<f64>);
/// A unit's figures, its objectives' and its key results' standings.
type UnitFigures = (Figures, Vec<Figures>, Vec<(Standing, bool)>);

fn figures(units: &[Unit]) -> Vec<UnitFigures> {
    units
        .iter()
        .map(|u| {
            let objectives = u.objectives.iter();
            (
                (u.progress, u.expected, u.pace, u.score),
                objectives
                    .clone()
                    .map(|o| (o.progress, o.expected, o.pace, o.score))
                    .collect(),
                objectives
                    .flat_map(|o| &o.key_results)
                    .map(|kr| {
                        let standing = Standing {
                            value: kr.current,
                            done: kr.done,
                            progress: kr.progress,
                            confidence: kr.confidence,
                            pace: kr.pace,
                        };
                        (standing, kr.stale)
                    })
                    .collect(),
            )
        })
        .collect()
}

#[test]
fn the_figures_only_copy_has_the_figures_of_a_whole_copy_on_every_day() {
    let workspace = workspace();
    let model = crate::compile(&workspace, date("2026-11-16"));
    assert_eq!(model.units.len(), 2, "{:?}", model.diagnostics);
    for day in [
        "2026-10-01",
        "2026-11-01",
        "2026-11-05",
        "2026-11-09",
        "2026-11-10",
        "2026-11-14",
        "2026-11-16",
    ] {
        let day = date(day);
        let lean = as_of(&model.units, &workspace.config, day);
        let whole = whole_copy(&model.units, &workspace.config, day);
        assert_eq!(figures(&lean), figures(&whole), "as of {day}");
    }
}

#[test]
fn the_standings_of_a_day_are_those_of_a_whole_copy_on_every_day() {
    let workspace = workspace();
    let model = crate::compile(&workspace, date("2026-11-16"));
    for day in ["2026-10-01", "2026-11-05", "2026-11-09", "2026-11-14"] {
        let day = date(day);
        let kept = standings_as_of(&model.units, &workspace.config, day);
        let whole = whole_copy(&model.units, &workspace.config, day);
        assert_eq!(kept.len(), whole.len());
        for (standings, unit) in kept.iter().zip(&whole) {
            for (o, objective) in unit.objectives.iter().enumerate() {
                for (k, kr) in objective.key_results.iter().enumerate() {
                    assert_eq!(standings.get(o, k), Some(&Standing::of(kr)), "as of {day}");
                }
                let past = objective.key_results.len();
                assert_eq!(standings.get(o, past), None);
            }
            assert_eq!(standings.get(unit.objectives.len(), 0), None);
        }
    }
}

/// `Standing::troubled` is the attention rule's, a check-in due aside,
/// for every pace and confidence.
#[test]
fn a_standing_is_troubled_when_its_key_result_needs_attention_for_more_than_a_check_in() {
    let workspace = workspace();
    let model = crate::compile(&workspace, date("2026-11-16"));
    let mut kr = model.units[1].objectives[0].key_results[0].clone();
    let confidences = std::iter::once(None).chain(ConfidenceLevel::ALL.map(Some));
    for confidence in confidences {
        for pace in std::iter::once(None).chain(Pace::ALL.map(Some)) {
            for stale in [false, true] {
                (kr.confidence, kr.pace, kr.stale) = (confidence, pace, stale);
                let reasons = crate::analyse::attention::reasons(&kr);
                let troubled = reasons
                    .iter()
                    .any(|r| *r != crate::analyse::attention::Reason::Stale);
                let case = format!("{pace:?} {confidence:?} {stale}");
                assert_eq!(Standing::of(&kr).troubled(), troubled, "{case}");
            }
        }
    }
    // The rule itself, written out: a pace behind or a confidence down is
    // trouble; a key result done is sure; a check-in due alone is not.
    let standing = |pace, confidence| Standing {
        value: None,
        done: None,
        progress: 0.5,
        confidence,
        pace,
    };
    assert!(standing(Some(Pace::OffTrack), None).troubled());
    assert!(standing(Some(Pace::AtRisk), None).troubled());
    assert!(standing(Some(Pace::Missed), None).troubled());
    assert!(standing(Some(Pace::OnTrack), Some(ConfidenceLevel::AtRisk)).troubled());
    assert!(standing(None, Some(ConfidenceLevel::OffTrack)).troubled());
    assert!(!standing(Some(Pace::Done), Some(ConfidenceLevel::OffTrack)).troubled());
    assert!(!standing(Some(Pace::OnTrack), Some(ConfidenceLevel::OnTrack)).troubled());
    assert!(!standing(None, None).troubled());
}

#[test]
fn the_figures_only_copy_keeps_no_texts_and_at_most_four_checkins() {
    let workspace = workspace();
    let model = crate::compile(&workspace, date("2026-11-16"));
    let then = as_of(&model.units, &workspace.config, date("2026-11-10"));
    let team = &then[1];
    assert_eq!((team.id.as_str(), team.name.as_str()), ("team", ""));
    assert!(team.owners.is_empty() && then[0].body.is_empty());
    let latency = &team.objectives[0].key_results[0];
    assert!(latency.title.is_empty());
    // Of 5 check-ins: the one of 11-14 is later; of the others the
    // latest (and latest with a value) is the second of 11-09, the
    // latest with a confidence the same; no `done`s.
    let dates: Vec<String> = latency
        .checkins
        .iter()
        .map(|c| c.date.to_string())
        .collect();
    assert_eq!(dates, ["2026-11-09"]);
    assert_eq!(latency.checkins[0].value(), Some(350.0));
    assert!(
        then.iter()
            .flat_map(|u| &u.objectives)
            .flat_map(|o| &o.key_results)
            .all(|kr| kr.checkins.len() <= 4 && kr.checkins.iter().all(|c| c.note.is_none()))
    );
}

#[test]
fn the_figures_only_copy_holds_no_room_beyond_its_checkins() {
    let workspace = workspace();
    let model = crate::compile(&workspace, date("2026-11-16"));
    for day in ["2026-10-01", "2026-11-10", "2026-11-16"] {
        let then = as_of(&model.units, &workspace.config, date(day));
        for kr in then
            .iter()
            .flat_map(|u| &u.objectives)
            .flat_map(|o| &o.key_results)
        {
            assert_eq!(
                kr.checkins.capacity(),
                kr.checkins.len(),
                "{} as of {day}",
                kr.id
            );
        }
    }
}

/// The changes are held for a whole render: without room beyond them.
#[test]
fn the_changes_hold_no_room_beyond_what_moved() {
    let workspace = workspace();
    let today = date("2026-11-16");
    let model = crate::compile(&workspace, today);
    let window = Window::week(today);
    let then = standings_as_of(&model.units, &workspace.config, window.since);
    let found = changes(&model.units, &then, &[1], window);
    assert!(
        found.len() > 1 && !found.len().is_power_of_two(),
        "{found:?}"
    );
    assert_eq!(found.capacity(), found.len());
}

/// Standings made in place are a whole copy's (and so is every figure of
/// that day), and leave the units as they were: on the roll-up workspace
/// above and on the sample (every kind of key result, many units), on days
/// between their check-ins.
#[test]
fn the_standings_made_in_place_are_a_whole_copys_and_leave_the_units_as_they_were() {
    let workspace = workspace();
    let today = date("2026-11-16");
    let model = crate::compile(&workspace, today);
    let (sample, sample_config) = crate::compiled_sample();
    let both = [
        (&model.units, &workspace.config, today),
        (&sample.units, &sample_config, sample.today),
    ];
    for (units, config, today) in both {
        for day in [
            "2026-10-01",
            "2026-11-05",
            "2026-11-09",
            "2026-11-14",
            "2026-11-20",
        ] {
            let day = date(day);
            let mut analysed = units.clone();
            let made = standings_in_place(&mut analysed, config, day, today);
            assert!(&analysed == units, "the units changed, as of {day}");
            let whole = whole_copy(units, config, day);
            assert_eq!(made, UnitStandings::all(&whole), "as of {day}");
            // Every figure of that day, the check-ins due too.
            let mut then = units.clone();
            analyse_figures_as_of(&mut then, config, day);
            assert_eq!(figures(&then), figures(&whole), "as of {day}");
        }
    }
}

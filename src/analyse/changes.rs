//! Changes over a window (README "How progress is computed"): what moved between `since`
//! and `today`.
//! The "then" figures are not computed here: [`as_of`] runs the whole
//! analysis again with `since` as today, on the check-ins made by then, so
//! every rule (progress, pace, confidence) has one home.

use chrono::NaiveDate;

use rayon::prelude::*;

use super::history::{latest_until, with_confidence, with_done, with_value};
use super::{Feeds, analyse_figures, figures_again};
use crate::config::Config;
use crate::model::{
    Alignment, Checkin, ConfidenceLevel, KeyResult, KeyResultType, Model, Objective,
    ObjectiveOrigin, Pace, Unit,
};

/// The days a change belongs to: `since < date ≤ today`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    pub since: NaiveDate,
    pub today: NaiveDate,
}

impl Window {
    /// The last seven days up to `today`.
    pub fn week(today: NaiveDate) -> Window {
        Window {
            since: today - chrono::Days::new(7),
            today,
        }
    }

    pub fn contains(&self, date: NaiveDate) -> bool {
        self.since < date && date <= self.today
    }
}

/// The units as they stood on `date`, for their figures: every figure
/// analysed with `date` as today, on the check-ins made by then. Indices
/// stay those of `units`. Only the figures are kept ([`figures_of`]): the
/// changes pages and reports compare standings (value, done, progress,
/// confidence, pace, due), never texts, so the copy costs a fraction of the
/// model.
pub fn as_of(units: &[Unit], config: &Config, date: NaiveDate) -> Vec<Unit> {
    let mut then: Vec<Unit> = units
        .par_iter()
        .map(|unit| figures_of(unit, date))
        .collect();
    // The lints of that day are not wanted, only the figures.
    analyse_figures(&mut then, config, date);
    then
}

/// The units as they stood a week before `model.today` ([`Window::week`]),
/// for the changes of a running period; `None` when no period of the model
/// is running (nothing to compare). `link` keeps them for `watch`, a build
/// makes them when the model has none.
pub fn week_ago(model: &Model, config: &Config) -> Option<Vec<Unit>> {
    let running = model.periods.iter().any(|p| p.contains_date(model.today));
    running.then(|| as_of(&model.units, config, Window::week(model.today).since))
}

/// [`as_of`] again for unit `u` alone, after it changed in `now` in ways
/// no other unit sees (`crate::link`): `then` is what `as_of` gave for the
/// units before, `feeds` are the roll-ups of both (`analyse`). Gives
/// what `as_of` of `now` gives. Returns the units of `then` it set: no
/// other changed.
pub fn as_of_again(
    then: &mut [Unit],
    now: &[Unit],
    feeds: &Feeds,
    u: usize,
    config: &Config,
    date: NaiveDate,
) -> Vec<usize> {
    then[u] = figures_of(&now[u], date);
    figures_again(then, feeds, u, config, date)
}

/// What the analysis of `date` reads of `unit`, made without copying the
/// rest: its identity, period, links and the figures' inputs, with the texts
/// (name, titles, descriptions, notes, body, owners, links) left empty, and
/// of each key result's check-ins dated by `date` only those a figure reads:
/// the latest, and the latest with a value, a `done` and a confidence
/// ([`super::latest_checkin`] picks among the same ones, in the same order).
pub fn figures_of(unit: &Unit, date: NaiveDate) -> Unit {
    Unit {
        id: unit.id.clone(),
        name: String::new(),
        period: unit.period.clone(),
        file: unit.file.clone(),
        parent: unit.parent.clone(),
        parent_period: unit.parent_period.clone(),
        owners: Vec::new(),
        draft: unit.draft,
        progress: unit.progress,
        expected: unit.expected,
        pace: unit.pace,
        score: unit.score,
        mission: None,
        vision: None,
        strategy: None,
        objectives: unit
            .objectives
            .iter()
            .map(|objective| Objective {
                id: objective.id.clone(),
                title: Box::default(),
                kind: objective.kind,
                aligns_to: Vec::new(),
                owners: Vec::new(),
                description: None,
                progress: objective.progress,
                expected: objective.expected,
                pace: objective.pace,
                score: objective.score,
                colour: objective.colour,
                by: objective.by,
                key_results: objective
                    .key_results
                    .iter()
                    .map(|kr| key_result_figures(kr, date))
                    .collect(),
                contributors: Vec::new(),
                origin: ObjectiveOrigin {
                    id: objective.origin.id,
                    span: objective.origin.span,
                    alignments: objective
                        .origin
                        .alignments
                        .iter()
                        .map(|a| Alignment {
                            written: String::new(),
                            span: a.span,
                            target: a.target,
                        })
                        .collect(),
                },
            })
            .collect(),
        reflection: None,
        children: Vec::new(),
        body: String::new(),
        body_line: unit.body_line,
        origin: unit.origin.clone(),
        parent_index: unit.parent_index,
    }
}

/// A key result's figures' inputs as of `date` (see [`figures_of`]).
fn key_result_figures(kr: &KeyResult, date: NaiveDate) -> KeyResult {
    // The check-ins the figures read: the latest, and the latest with a
    // value, a `done` and a confidence, picked by the rule the figures use.
    let picked = [
        latest_until(kr, date, |_| true),
        latest_until(kr, date, with_value),
        latest_until(kr, date, with_done),
        latest_until(kr, date, with_confidence),
    ];
    let kept = |c: &&Checkin| picked.iter().flatten().any(|p| std::ptr::eq(*p, *c));
    // Sized to the check-ins kept, usually one or two: collected from a
    // filter the vector gets room for four, and at 90,000 key results that
    // room was 23 MB of the build's peak ("Build memory by allocation site").
    let mut checkins = Vec::with_capacity(kr.checkins.iter().filter(kept).count());
    checkins.extend(kr.checkins.iter().filter(kept).map(Checkin::without_note));
    KeyResult {
        id: kr.id.clone(),
        title: Box::default(),
        kind: kr.kind,
        from: kr.from,
        to: kr.to,
        unit: None,
        by: kr.by,
        current: kr.current,
        done: kr.done,
        weight: kr.weight,
        progress: kr.progress,
        expected: kr.expected,
        pace: kr.pace,
        confidence: kr.confidence,
        score: kr.score,
        number_style: kr.number_style,
        owners: Vec::new(),
        links: Vec::new(),
        description: None,
        stale: kr.stale,
        checkins,
        contributors: Vec::new(),
        origin: kr.origin.clone(),
    }
}

/// Where one key result stood at either end of the window.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Standing {
    /// A metric's current value.
    pub value: Option<f64>,
    /// Whether a milestone is done.
    pub done: Option<bool>,
    pub progress: f64,
    pub confidence: Option<ConfidenceLevel>,
    pub pace: Option<Pace>,
}

/// One key result that moved in the window, by indices into the units.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    pub unit: usize,
    pub objective: usize,
    pub key_result: usize,
    pub then: Standing,
    pub now: Standing,
    /// Indices into the key result's check-ins of those in the window, by
    /// date.
    pub checkins: Vec<usize>,
}

impl Change {
    /// How far progress moved: positive forward.
    pub fn progress_change(&self) -> f64 {
        self.now.progress - self.then.progress
    }

    /// A metric's change in value, when it has a value at both ends.
    pub fn value_change(&self) -> Option<f64> {
        Some(self.now.value? - self.then.value?)
    }
}

/// The key results of the `selected` units that moved in `window`: their
/// value, done, progress, confidence or pace on `window.today` (in `now`)
/// differs from that on `window.since` (in `then`, made by [`as_of`]). In
/// the order of `selected`, then objectives and key results.
pub fn changes(now: &[Unit], then: &[Unit], selected: &[usize], window: Window) -> Vec<Change> {
    let mut found = Vec::new();
    for &u in selected {
        let (Some(unit), Some(before)) = (now.get(u), then.get(u)) else {
            continue;
        };
        for (o, objective) in unit.objectives.iter().enumerate() {
            for (k, kr) in objective.key_results.iter().enumerate() {
                let Some(old) = before
                    .objectives
                    .get(o)
                    .and_then(|objective| objective.key_results.get(k))
                else {
                    continue;
                };
                let standing = |kr: &crate::model::KeyResult| Standing {
                    value: kr.current.filter(|_| kr.kind == KeyResultType::Metric),
                    done: kr.done,
                    progress: kr.progress,
                    confidence: kr.confidence,
                    pace: kr.pace,
                };
                let (then, now) = (standing(old), standing(kr));
                if then == now {
                    continue;
                }
                let mut checkins: Vec<usize> = (0..kr.checkins.len())
                    .filter(|&c| window.contains(kr.checkins[c].date))
                    .collect();
                checkins.sort_by_key(|&c| (kr.checkins[c].date, c));
                found.push(Change {
                    unit: u,
                    objective: o,
                    key_result: k,
                    then,
                    now,
                    checkins,
                });
            }
        }
    }
    found
}

/// Biggest moves first: by how far progress moved either way, then pace
/// changes before confidence-only ones, then the model's order; `Less`
/// when `a` comes first. A total order (the model's order decides last), so
/// changes sorted by it come out the same whatever order they went in.
pub fn biggest_first(a: &Change, b: &Change) -> std::cmp::Ordering {
    let size = |c: &Change| c.progress_change().abs();
    let pace_moved = |c: &Change| c.then.pace != c.now.pace;
    size(b)
        .total_cmp(&size(a))
        .then(pace_moved(b).cmp(&pace_moved(a)))
        .then((a.unit, a.objective, a.key_result).cmp(&(b.unit, b.objective, b.key_result)))
}

#[cfg(test)]
mod tests {
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
}

//! Changes over a window (README "How progress is computed"): what moved between `since`
//! and `today`.
//! The "then" figures are not computed here: [`as_of`] runs the whole
//! analysis again with `since` as today, on the check-ins made by then, so
//! every rule (progress, pace, confidence) has one home; [`standings_as_of`]
//! keeps only the standings the changes compare.

use chrono::NaiveDate;

use rayon::prelude::*;

use super::attention::reasons_of;
use super::history::{latest_until, with_confidence, with_done, with_value};
use super::{Feeds, analyse_figures, analyse_figures_as_of, figures_again};
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

/// Where every key result of `units` stood on `date`: [`as_of`]'s figures
/// as [`UnitStandings`], the figures' units dropped once read. What a build
/// and a report keep: at 10,000 units the units were 66 MB of a build's
/// 268 MB heap peak, their standings are about 3 MB, 90,000 key results
/// of 32 bytes ("Build memory by allocation site").
pub fn standings_as_of(units: &[Unit], config: &Config, date: NaiveDate) -> Vec<UnitStandings> {
    UnitStandings::all(&as_of(units, config, date))
}

/// [`standings_as_of`] without the figures' copy, for a model the caller
/// owns: `units` are analysed as of `date` ([`analyse_figures_as_of`]), their
/// standings read, then analysed as of `today` again, which gives back the
/// figures they had (each figure is made from the inputs alone; a test
/// holds the units before and after side by side). At 10,000 units the
/// copy was 47 MB of a build's heap, more than anything else made after
/// the model, for the price of one analysis more (the copy had one too).
pub fn standings_in_place(
    units: &mut [Unit],
    config: &Config,
    date: NaiveDate,
    today: NaiveDate,
) -> Vec<UnitStandings> {
    analyse_figures_as_of(units, config, date);
    let standings = UnitStandings::all(units);
    analyse_figures(units, config, today);
    standings
}

/// A week before `model.today` ([`Window::week`]), the start of a running
/// period's changes; `None` when no period of the model is running
/// (nothing to compare).
pub fn week_ago_date(model: &Model) -> Option<NaiveDate> {
    let running = model.periods.iter().any(|p| p.contains_date(model.today));
    running.then(|| Window::week(model.today).since)
}

/// The units as they stood on [`week_ago_date`], for `link` to keep for
/// `watch` (it analyses them again after an edit, [`as_of_again`], which
/// needs the units, not only their standings).
pub fn week_ago(model: &Model, config: &Config) -> Option<Vec<Unit>> {
    week_ago_date(model).map(|since| as_of(&model.units, config, since))
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

impl Standing {
    /// Where `kr` stands by its figures.
    pub fn of(kr: &KeyResult) -> Standing {
        Standing {
            value: kr.current.filter(|_| kr.kind == KeyResultType::Metric),
            done: kr.done,
            progress: kr.progress,
            confidence: kr.confidence,
            pace: kr.pace,
        }
    }

    /// Whether the key result is in trouble, check-ins aside: a reason it
    /// needs attention other than a check-in due ([`reasons_of`]).
    pub fn troubled(&self) -> bool {
        !reasons_of(self.pace, self.confidence, false).is_empty()
    }
}

/// Where each key result of one unit stood, by objective and key result
/// ([`Standing`], 32 bytes): all the changes read of a unit's past, where
/// its figures' copy ([`figures_of`]) is a whole `KeyResult` (336 bytes)
/// with its check-ins.
///
/// Shared: a copy is a count, so a save's standings keep every unit's it
/// did not change (`site::data`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct UnitStandings(std::sync::Arc<[Box<[Standing]>]>);

impl UnitStandings {
    pub fn of(unit: &Unit) -> UnitStandings {
        UnitStandings(
            unit.objectives
                .iter()
                .map(|objective| objective.key_results.iter().map(Standing::of).collect())
                .collect(),
        )
    }

    /// Each unit's, on all cores.
    pub fn all(units: &[Unit]) -> Vec<UnitStandings> {
        units.par_iter().map(UnitStandings::of).collect()
    }

    /// Key result `k` of objective `o`.
    pub fn get(&self, o: usize, k: usize) -> Option<&Standing> {
        self.0.get(o)?.get(k)
    }
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
    /// date. A slice, not a vector: held as found, one or two, without the
    /// room for four a filtered collect makes.
    pub checkins: Box<[usize]>,
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
/// differs from that on `window.since` (in `then`, made by
/// [`standings_as_of`]). In the order of `selected`, then objectives and
/// key results.
pub fn changes(
    now: &[Unit],
    then: &[UnitStandings],
    selected: &[usize],
    window: Window,
) -> Vec<Change> {
    let mut found = Vec::new();
    for &u in selected {
        let (Some(unit), Some(before)) = (now.get(u), then.get(u)) else {
            continue;
        };
        for (o, objective) in unit.objectives.iter().enumerate() {
            for (k, kr) in objective.key_results.iter().enumerate() {
                let Some(&then) = before.get(o, k) else {
                    continue;
                };
                let now = Standing::of(kr);
                if then == now {
                    continue;
                }
                let mut checkins: Box<[usize]> = (0..kr.checkins.len())
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
    // Held for the whole render, one vector per unit's week ("Build memory
    // by allocation site"): without the room pushes leave, up to half.
    found.shrink_to_fit();
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
mod tests;

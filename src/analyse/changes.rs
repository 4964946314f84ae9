//! Changes over a window (README "How progress is computed"): what moved between `since`
//! and `today`.
//! The "then" figures are not computed here: [`as_of`] runs the whole
//! analysis again with `since` as today, on the check-ins made by then, so
//! every rule (progress, pace, confidence) has one home.

use chrono::NaiveDate;

use super::{Feeds, analyse_figures, figures_again};
use crate::config::Config;
use crate::model::{ConfidenceLevel, KeyResultType, Model, Pace, Unit};

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

/// The units as they stood on `date`: the check-ins dated after it left
/// out, and every figure analysed with `date` as today. Indices stay those
/// of `units`.
pub fn as_of(units: &[Unit], config: &Config, date: NaiveDate) -> Vec<Unit> {
    let mut then: Vec<Unit> = units.to_vec();
    for unit in &mut then {
        leave_out_after(unit, date);
    }
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
/// units before, `feeds` are the roll-ups of both (`analyse_fed`). Gives
/// what `as_of` of `now` gives.
pub fn as_of_again(
    then: &mut [Unit],
    now: &[Unit],
    feeds: &Feeds,
    u: usize,
    config: &Config,
    date: NaiveDate,
) {
    then[u].clone_from(&now[u]);
    leave_out_after(&mut then[u], date);
    figures_again(then, feeds, u, config, date);
}

/// The unit without the check-ins dated after `date`.
fn leave_out_after(unit: &mut Unit, date: NaiveDate) {
    for kr in unit.objectives.iter_mut().flat_map(|o| &mut o.key_results) {
        kr.checkins.retain(|c| c.date <= date);
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
/// changes before confidence-only ones, then the model's order.
pub fn sort_biggest_first(changes: &mut [Change]) {
    changes.sort_by(|a, b| {
        let size = |c: &Change| c.progress_change().abs();
        let pace_moved = |c: &Change| c.then.pace != c.now.pace;
        size(b)
            .total_cmp(&size(a))
            .then(pace_moved(b).cmp(&pace_moved(a)))
            .then((a.unit, a.objective, a.key_result).cmp(&(b.unit, b.objective, b.key_result)))
    });
}

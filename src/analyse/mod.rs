//! Stage 3: progress, expected progress, pace, confidence and score for every
//! key result, objective and unit, then the lints. `today` is a parameter.

pub mod attention;
pub mod changes;
pub mod history;
mod lints;
pub mod progress;

use chrono::NaiveDate;
use rayon::prelude::*;

use crate::config::Config;
use crate::diagnostic::Diagnostic;
use crate::model::{Checkin, KeyResult, KeyResultType, Unit};
use crate::number::NumberStyle;
use progress::{
    expected_progress, mean, milestone_expected, milestone_pace, pace, score_colour, weighted_mean,
};

/// Fills in every computed figure of `units` and reports the lints;
/// returns which objectives feed which roll-ups, which [`analyse_again`]
/// needs.
///
/// A unit whose objectives no roll-up is fed by is done in one visit on
/// the pool: its figures, then its lints, while its key results are in the
/// cache (three passes over a large workspace's units, each reading them
/// from memory again, took longer). The others are summarised and linted
/// after `roll_up`, as [`analyse_figures`] and the lints would do them.
pub fn analyse(
    units: &mut [Unit],
    config: &Config,
    today: NaiveDate,
    diagnostics: &mut Vec<Diagnostic>,
) -> Feeds {
    // Both read the units only: side by side.
    let (feeds, covered) = {
        let units = &*units;
        rayon::join(|| Feeds::of(units), || lints::coverage(units))
    };
    let rules = &config.rules;
    // Each unit's lints, `None` until its figures are final.
    let mut found: Vec<Option<Vec<Diagnostic>>> = units
        .par_iter_mut()
        .zip(&covered)
        .enumerate()
        .map(|(u, (unit, covered))| {
            let fed = measure_and_settle(unit, u, &feeds, config, today, NaiveDate::MAX);
            (!fed).then(|| {
                finish_unit(unit, config, today, NaiveDate::MAX);
                lints::check_unit(unit, covered, rules, today)
            })
        })
        .collect();
    roll_up(units, &feeds);
    if found.iter().any(Option::is_none) {
        units
            .par_iter_mut()
            .zip(&covered)
            .zip(&mut found)
            .filter(|(_, found)| found.is_none())
            .for_each(|((unit, covered), found)| {
                finish_unit(unit, config, today, NaiveDate::MAX);
                *found = Some(lints::check_unit(unit, covered, rules, today));
            });
    }
    // In the units' order, as one unit after the other reports them.
    diagnostics.extend(found.into_iter().flatten().flatten());
    feeds
}

/// [`analyse`] without the lints: every figure, for a model whose
/// diagnostics are not wanted (`changes::as_of`), or to give back today's
/// figures after [`analyse_figures_as_of`] (`changes::standings_in_place`).
pub fn analyse_figures(units: &mut [Unit], config: &Config, today: NaiveDate) -> Feeds {
    figures_counting(units, config, today, NaiveDate::MAX)
}

/// [`analyse_figures`] as they stood on `date`: `date` taken for today,
/// and of the check-ins only those made by then counted (`changes`' week-ago
/// standings). Every figure is made from the units' inputs alone, so
/// [`analyse_figures`] with the real today afterwards gives back the
/// figures it gave before.
pub fn analyse_figures_as_of(units: &mut [Unit], config: &Config, date: NaiveDate) -> Feeds {
    figures_counting(units, config, date, date)
}

/// Every figure as of `today`, counting the check-ins dated by `counted`:
/// all of them ([`NaiveDate::MAX`]: a future check-in counts too, it is
/// `future-checkin`), or those made by a past day.
fn figures_counting(
    units: &mut [Unit],
    config: &Config,
    today: NaiveDate,
    counted: NaiveDate,
) -> Feeds {
    // The feeds depend on the alignment targets and the key results' types
    // alone, which measuring does not change.
    let feeds = Feeds::of(units);
    // Units are independent here and in `finish_unit`: one per thread.
    units.par_iter_mut().enumerate().for_each(|(u, unit)| {
        measure_and_settle(unit, u, &feeds, config, today, counted);
    });
    roll_up(units, &feeds);
    units
        .par_iter_mut()
        .for_each(|unit| finish_unit(unit, config, today, counted));
    feeds
}

/// Measures unit `u` (the `u`th of the units `feeds` was made of) and
/// settles every objective of it that nothing rolls up into; `roll_up`
/// settles the others in order on one thread (in a workspace without
/// roll-ups, none). Returns whether it has such an objective, that is
/// whether its figures wait for `roll_up`. Of the check-ins, those dated
/// by `counted` count (see [`figures_counting`]).
fn measure_and_settle(
    unit: &mut Unit,
    u: usize,
    feeds: &Feeds,
    config: &Config,
    today: NaiveDate,
    counted: NaiveDate,
) -> bool {
    measure_unit(unit, config, today, counted);
    let mut fed = false;
    for (o, objective) in unit.objectives.iter_mut().enumerate() {
        if feeds.is_fed(u, o) {
            fed = true;
        } else {
            settle(objective, &[]);
        }
    }
    fed
}

/// The figures of a unit whose objectives are settled: expected progress,
/// pace and score, and which key results are due a check-in (counting the
/// check-ins dated by `counted`).
fn finish_unit(unit: &mut Unit, config: &Config, today: NaiveDate, counted: NaiveDate) {
    summarise_unit(unit, today, config.rules.due_soon_days);
    mark_due_checkins(unit, config.rules.stale_after_days, today, counted);
}

/// Analyses unit `u` again after its file changed in ways no other unit
/// sees (see [`crate::resolve::resolve_again`]), with the `feeds` of the
/// last full analysis, which must have no loop ([`Feeds::has_loop`]): its
/// figures, the roll-ups its objectives feed (up to the top), the figures
/// of the units those belong to, and its lints (`children`: the units whose
/// parent it is). Gives the figures and lints a full [`analyse`] gives.
/// Returns the units whose figures it set: no other unit changed.
pub fn analyse_again(
    units: &mut [Unit],
    feeds: &Feeds,
    u: usize,
    children: &[usize],
    config: &Config,
    today: NaiveDate,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<usize> {
    let touched = figures_again(units, feeds, u, config, today);
    lints::check_one(units, u, children, config, today, diagnostics);
    touched
}

/// [`analyse_again`] without the lints: the figures of unit `u`, of the
/// roll-ups its objectives feed and of the units those belong to; returns
/// those units, `u` first.
pub fn figures_again(
    units: &mut [Unit],
    feeds: &Feeds,
    u: usize,
    config: &Config,
    today: NaiveDate,
) -> Vec<usize> {
    measure_unit(&mut units[u], config, today, NaiveDate::MAX);
    let touched = feeds.roll_up_from(units, u);
    let due_soon_days = config.rules.due_soon_days;
    for &t in &touched {
        summarise_unit(&mut units[t], today, due_soon_days);
    }
    mark_due_checkins(
        &mut units[u],
        config.rules.stale_after_days,
        today,
        NaiveDate::MAX,
    );
    touched
}

/// Each key result's own figures (`measure_key_result`) in one unit, from
/// the check-ins dated by `counted`.
fn measure_unit(unit: &mut Unit, config: &Config, today: NaiveDate, counted: NaiveDate) {
    let workspace_style = NumberStyle::of_language(&config.language);
    for objective in &mut unit.objectives {
        for key_result in &mut objective.key_results {
            key_result.number_style = NumberStyle::of(key_result, workspace_style);
            measure_key_result(key_result, unit.period.as_ref(), today, counted);
        }
    }
}

/// The latest check-in by date; of two on one day, the one written last.
pub fn latest_checkin<'c>(checkins: impl IntoIterator<Item = &'c Checkin>) -> Option<&'c Checkin> {
    checkins
        .into_iter()
        .enumerate()
        .max_by_key(|&(i, c)| (c.date, i))
        .map(|(_, c)| c)
}

fn measure_key_result(
    kr: &mut KeyResult,
    period: Option<&crate::period::Period>,
    today: NaiveDate,
    counted: NaiveDate,
) {
    kr.by = kr.origin.by.map(|(by, _)| by).or(period.map(|p| p.end));
    kr.confidence = history::latest_until(kr, counted, history::with_confidence)
        .and_then(|c| c.confidence())
        .map(|c| c.level());
    match kr.kind {
        KeyResultType::Metric => {
            kr.current = history::value_on(kr, counted);
            kr.progress = history::progress_on(kr, counted);
        }
        KeyResultType::Milestone | KeyResultType::Unmeasurable => {
            kr.done = Some(history::done_on(kr, counted));
            kr.progress = history::progress_on(kr, counted);
        }
        // Filled in by `roll_up` once the objectives below are known.
        KeyResultType::Rollup => {}
    }
    if let (Some(period), Some(by)) = (period, kr.by) {
        kr.expected = match kr.kind {
            KeyResultType::Metric | KeyResultType::Rollup => {
                expected_progress(period.start, by, today)
            }
            KeyResultType::Milestone | KeyResultType::Unmeasurable => milestone_expected(by, today),
        };
    }
}

/// Marks the key results due a check-in (`KeyResult::stale`).
fn mark_due_checkins(unit: &mut Unit, stale_after: i64, today: NaiveDate, counted: NaiveDate) {
    let mut due = Vec::new();
    for objective in &unit.objectives {
        for kr in &objective.key_results {
            due.push(lints::due_checkin(unit, kr, stale_after, today, counted).is_some());
        }
    }
    let mut due = due.into_iter();
    for kr in unit.objectives.iter_mut().flat_map(|o| &mut o.key_results) {
        kr.stale = due.next().unwrap_or(false);
    }
}

/// Which objectives feed which roll-up key results, over every objective of
/// the model numbered in order (unit by unit).
#[derive(Debug, Clone, Default)]
pub struct Feeds {
    /// Each objective's (unit, objective).
    location: Vec<(usize, usize)>,
    /// The number of the first objective of each unit.
    offsets: Vec<usize>,
    /// For each objective: (its roll-up key result, an objective feeding
    /// it), in the order of the feeding objectives.
    feeds: Vec<Vec<(usize, usize)>>,
    /// For each objective: the objectives it feeds a roll-up of.
    fed: Vec<Vec<usize>>,
    /// Whether the roll-ups loop (possible through cross-alignment).
    has_loop: bool,
}

impl Feeds {
    /// Made from the alignment targets `resolve` set.
    pub fn of(units: &[Unit]) -> Feeds {
        let location: Vec<(usize, usize)> = units
            .iter()
            .enumerate()
            .flat_map(|(u, unit)| (0..unit.objectives.len()).map(move |o| (u, o)))
            .collect();
        let mut offsets = Vec::with_capacity(units.len());
        let mut total = 0;
        for unit in units {
            offsets.push(total);
            total += unit.objectives.len();
        }
        let mut feeds: Vec<Vec<(usize, usize)>> = vec![Vec::new(); total];
        let mut fed: Vec<Vec<usize>> = vec![Vec::new(); total];
        for (x, &(u, o)) in location.iter().enumerate() {
            for target in units[u].objectives[o]
                .origin
                .alignments
                .iter()
                .filter_map(|a| a.target)
            {
                let Some(k) = target.key_result else { continue };
                if units[target.unit].objectives[target.objective].key_results[k].kind
                    == KeyResultType::Rollup
                {
                    let y = offsets[target.unit] + target.objective;
                    feeds[y].push((k, x));
                    fed[x].push(y);
                }
            }
        }
        let mut made = Feeds {
            location,
            offsets,
            feeds,
            fed,
            has_loop: false,
        };
        made.has_loop = made.finds_loop();
        made
    }

    /// Whether objective `o` of unit `u` has a roll-up that some objective
    /// feeds.
    fn is_fed(&self, u: usize, o: usize) -> bool {
        self.offsets
            .get(u)
            .and_then(|&first| self.feeds.get(first + o))
            .is_some_and(|fed_by| !fed_by.is_empty())
    }

    /// Whether some objective feeds, through roll-ups, a roll-up of its own.
    pub fn has_loop(&self) -> bool {
        self.has_loop
    }

    /// Depth first along `fed`, without recursion: a loop is an edge back
    /// to an objective still on the path.
    fn finds_loop(&self) -> bool {
        #[derive(Clone, Copy, PartialEq)]
        enum Mark {
            New,
            OnPath,
            Done,
        }
        let mut marks = vec![Mark::New; self.fed.len()];
        let mut stack: Vec<(usize, usize)> = Vec::new();
        for root in 0..self.fed.len() {
            if marks[root] != Mark::New {
                continue;
            }
            marks[root] = Mark::OnPath;
            stack.push((root, 0));
            while let Some((x, next)) = stack.pop() {
                match self.fed[x].get(next) {
                    Some(&y) => {
                        stack.push((x, next + 1));
                        match marks[y] {
                            Mark::OnPath => return true,
                            Mark::New => {
                                marks[y] = Mark::OnPath;
                                stack.push((y, 0));
                            }
                            Mark::Done => {}
                        }
                    }
                    None => marks[x] = Mark::Done,
                }
            }
        }
        false
    }

    /// Settles the roll-ups of unit `u`'s objectives and of every objective
    /// they feed, up to the top, in an order where each comes after all it
    /// is fed by; the other objectives' progress is as it was. Returns the
    /// units whose objectives were settled again, `u` first. Needs no loop.
    fn roll_up_from(&self, units: &mut [Unit], u: usize) -> Vec<usize> {
        let Some(&first) = self.offsets.get(u) else {
            return vec![u];
        };
        let start: Vec<usize> = (first..first + units[u].objectives.len()).collect();
        // Post-order depth first along `fed`, then reversed: a topological
        // order of what the unit's objectives reach.
        let mut seen = std::collections::HashSet::new();
        let mut order = Vec::new();
        let mut stack: Vec<(usize, usize)> = Vec::new();
        for &root in &start {
            if !seen.insert(root) {
                continue;
            }
            stack.push((root, 0));
            while let Some((x, next)) = stack.pop() {
                match self.fed[x].get(next) {
                    Some(&y) => {
                        stack.push((x, next + 1));
                        if seen.insert(y) {
                            stack.push((y, 0));
                        }
                    }
                    None => order.push(x),
                }
            }
        }
        order.reverse();
        let mut touched = vec![u];
        for x in order {
            let progress: Vec<(usize, f64)> = self.feeds[x]
                .iter()
                .map(|&(k, f)| {
                    let (fu, fo) = self.location[f];
                    (k, units[fu].objectives[fo].progress)
                })
                .collect();
            let (xu, xo) = self.location[x];
            settle(&mut units[xu].objectives[xo], &progress);
            if !touched.contains(&xu) {
                touched.push(xu);
            }
        }
        touched
    }
}

/// An objective's roll-up key results from the progress of the objectives
/// feeding them (`(key result, progress)`, in order), then its progress.
fn settle(objective: &mut crate::model::Objective, fed: &[(usize, f64)]) {
    for (k, kr) in objective.key_results.iter_mut().enumerate() {
        if kr.kind == KeyResultType::Rollup {
            let mine = fed.iter().filter(|&&(kk, _)| kk == k);
            kr.progress = mean(mine.map(|&(_, p)| p)).unwrap_or(0.0);
        }
    }
    objective.progress = objective_progress(&objective.key_results);
}

/// Roll-up key results take the mean progress of the objectives aligned to
/// them, which may contain roll-ups in turn. Objectives are settled children
/// first with an explicit stack (no recursion depth to exhaust); on a loop,
/// possible through cross-alignment, an objective still being settled counts
/// as 0. The objectives nothing feeds are settled already
/// ([`analyse_figures`]).
fn roll_up(units: &mut [Unit], feeds: &Feeds) {
    let Feeds {
        location, feeds, ..
    } = feeds;
    let total = location.len();
    let mut settled: Vec<Option<f64>> = vec![None; total];
    let mut settling = vec![false; total];
    let mut stack = Vec::new();
    for root in 0..total {
        if feeds[root].is_empty() {
            continue;
        }
        stack.clear();
        stack.push((root, false));
        while let Some((x, expanded)) = stack.pop() {
            if settled[x].is_some() || (settling[x] && !expanded) {
                continue;
            }
            if !expanded {
                settling[x] = true;
                stack.push((x, true));
                let open = feeds[x].iter().filter(|&&(_, f)| {
                    !feeds[f].is_empty() && settled[f].is_none() && !settling[f]
                });
                stack.extend(open.map(|&(_, f)| (f, false)));
                continue;
            }
            let (u, o) = location[x];
            let fed: Vec<(usize, f64)> = feeds[x]
                .iter()
                .map(|&(k, f)| {
                    if feeds[f].is_empty() {
                        let (fu, fo) = location[f];
                        (k, units[fu].objectives[fo].progress)
                    } else {
                        (k, settled[f].unwrap_or(0.0))
                    }
                })
                .collect();
            let objective = &mut units[u].objectives[o];
            settle(objective, &fed);
            settled[x] = Some(objective.progress);
        }
    }
}

fn objective_progress(key_results: &[KeyResult]) -> f64 {
    weighted_mean(key_results.iter().map(|kr| (kr.progress, kr.weight))).unwrap_or(0.0)
}

/// Expected progress, pace and score of every objective and key result, and
/// the unit's progress and score.
fn summarise_unit(unit: &mut Unit, today: NaiveDate, due_soon_days: i64) {
    let period = unit.period.as_ref();
    let ended = period.is_some_and(|p| p.has_ended(today));
    for objective in &mut unit.objectives {
        for kr in &mut objective.key_results {
            kr.score = kr.origin.score.or(ended.then_some(kr.progress));
            if let (Some(period), Some(by)) = (period, kr.by) {
                kr.pace = Some(match kr.kind {
                    KeyResultType::Metric | KeyResultType::Rollup => {
                        pace(kr.progress, kr.expected, today, period.start, by)
                    }
                    KeyResultType::Milestone | KeyResultType::Unmeasurable => milestone_pace(
                        kr.done == Some(true),
                        kr.confidence,
                        today,
                        period.start,
                        by,
                        due_soon_days,
                    ),
                });
            }
        }
        let krs = &objective.key_results;
        objective.expected =
            weighted_mean(krs.iter().map(|kr| (kr.expected, kr.weight))).unwrap_or(0.0);
        objective.by = krs
            .iter()
            .filter_map(|kr| kr.by)
            .max()
            .or(period.map(|p| p.end));
        if let (Some(period), Some(by)) = (period, objective.by) {
            objective.pace = Some(pace(
                objective.progress,
                objective.expected,
                today,
                period.start,
                by,
            ));
        }
        objective.score = if krs.iter().all(|kr| kr.score.is_some()) {
            weighted_mean(krs.iter().filter_map(|kr| Some((kr.score?, kr.weight))))
        } else {
            None
        };
        objective.colour = objective.score.map(|s| score_colour(s, objective.kind));
    }
    let objectives = &unit.objectives;
    unit.progress = mean(objectives.iter().map(|o| o.progress)).unwrap_or(0.0);
    unit.expected = mean(objectives.iter().map(|o| o.expected)).unwrap_or(0.0);
    let by = objectives.iter().filter_map(|o| o.by).max();
    unit.pace = match (period, by) {
        (Some(period), Some(by)) => {
            Some(pace(unit.progress, unit.expected, today, period.start, by))
        }
        _ => None,
    };
    unit.score = if objectives.iter().all(|o| o.score.is_some()) {
        mean(objectives.iter().filter_map(|o| o.score))
    } else {
        None
    };
}

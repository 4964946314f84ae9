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

/// Fills in every computed figure of `units` and reports the lints.
pub fn analyse(
    units: &mut [Unit],
    config: &Config,
    today: NaiveDate,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let workspace_style = NumberStyle::of_language(&config.language);
    // Units are independent here and in `summarise_unit`: one per thread.
    units.par_iter_mut().for_each(|unit| {
        for objective in &mut unit.objectives {
            for key_result in &mut objective.key_results {
                key_result.number_style = NumberStyle::of(key_result, workspace_style);
                measure_key_result(key_result, unit.period.as_ref(), today);
            }
        }
    });
    roll_up(units);
    let due_soon_days = config.rules.due_soon_days;
    units.par_iter_mut().for_each(|unit| {
        summarise_unit(unit, today, due_soon_days);
        mark_due_checkins(unit, config.rules.stale_after_days, today);
    });
    lints::check(units, config, today, diagnostics);
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
) {
    kr.by = kr.origin.by.map(|(by, _)| by).or(period.map(|p| p.end));
    kr.confidence = latest_checkin(kr.checkins.iter().filter(|c| c.confidence.is_some()))
        .and_then(|c| c.confidence)
        .map(|c| c.level());
    // Every check-in counts, a future one too (it is `future-checkin`).
    let all = NaiveDate::MAX;
    match kr.kind {
        KeyResultType::Metric => {
            kr.current = history::value_on(kr, all);
            kr.progress = history::progress_on(kr, all);
        }
        KeyResultType::Milestone | KeyResultType::Unmeasurable => {
            kr.done = Some(history::done_on(kr, all));
            kr.progress = history::progress_on(kr, all);
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
fn mark_due_checkins(unit: &mut Unit, stale_after: i64, today: NaiveDate) {
    let mut due = Vec::new();
    for objective in &unit.objectives {
        for kr in &objective.key_results {
            due.push(lints::due_checkin(unit, kr, stale_after, today).is_some());
        }
    }
    let mut due = due.into_iter();
    for kr in unit.objectives.iter_mut().flat_map(|o| &mut o.key_results) {
        kr.stale = due.next().unwrap_or(false);
    }
}

/// Roll-up key results take the mean progress of the objectives aligned to
/// them, which may contain roll-ups in turn. Objectives are settled children
/// first with an explicit stack (no recursion depth to exhaust); on a loop,
/// possible through cross-alignment, an objective still being settled counts
/// as 0.
fn roll_up(units: &mut [Unit]) {
    let location: Vec<(usize, usize)> = units
        .iter()
        .enumerate()
        .flat_map(|(u, unit)| (0..unit.objectives.len()).map(move |o| (u, o)))
        .collect();
    let mut offsets = Vec::with_capacity(units.len());
    let mut total = 0;
    for unit in units.iter() {
        offsets.push(total);
        total += unit.objectives.len();
    }
    // For each objective: (its roll-up key result, an objective feeding it).
    let mut feeds: Vec<Vec<(usize, usize)>> = vec![Vec::new(); total];
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
                feeds[offsets[target.unit] + target.objective].push((k, x));
            }
        }
    }
    let mut settled: Vec<Option<f64>> = vec![None; total];
    let mut settling = vec![false; total];
    let mut stack = Vec::new();
    for root in 0..total {
        stack.clear();
        stack.push((root, false));
        while let Some((x, expanded)) = stack.pop() {
            if settled[x].is_some() || (settling[x] && !expanded) {
                continue;
            }
            if !expanded {
                settling[x] = true;
                stack.push((x, true));
                let open = feeds[x]
                    .iter()
                    .filter(|&&(_, f)| settled[f].is_none() && !settling[f]);
                stack.extend(open.map(|&(_, f)| (f, false)));
                continue;
            }
            let (u, o) = location[x];
            let objective = &mut units[u].objectives[o];
            for (k, kr) in objective.key_results.iter_mut().enumerate() {
                if kr.kind == KeyResultType::Rollup {
                    let fed = feeds[x].iter().filter(|&&(kk, _)| kk == k);
                    kr.progress = mean(fed.map(|&(_, f)| settled[f].unwrap_or(0.0))).unwrap_or(0.0);
                }
            }
            objective.progress = objective_progress(&objective.key_results);
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

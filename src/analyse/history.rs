//! Progress as it stood on a past date, by the same rules as today's: the
//! site's sparklines and anything else that looks back call these, so a line
//! never ends somewhere other than the bar beside it.

use chrono::NaiveDate;

use super::latest_checkin;
use super::progress::{mean, metric_progress, weighted_mean};
use crate::model::{Checkin, KeyResult, KeyResultType, Unit};

/// A metric's value on `date`: its latest check-in with a value up to that
/// date, else `from`.
pub fn value_on(kr: &KeyResult, date: NaiveDate) -> Option<f64> {
    latest_until(kr, date, with_value)
        .and_then(|c| c.value())
        .or(kr.from)
}

/// Whether a milestone was done on `date`: the file says `done = true` (or
/// `[x]`), which holds on every date as the file does not say since when, or
/// its latest check-in up to that date says `done = true`.
pub fn done_on(kr: &KeyResult, date: NaiveDate) -> bool {
    kr.origin.done
        || latest_until(kr, date, with_done)
            .and_then(|c| c.done)
            .unwrap_or(false)
}

/// A key result's progress on `date`. A roll-up's comes from other units'
/// history, which is not kept: it reads its progress of today.
pub fn progress_on(kr: &KeyResult, date: NaiveDate) -> f64 {
    match kr.kind {
        KeyResultType::Metric => match (kr.from, kr.to, value_on(kr, date)) {
            (Some(from), Some(to), Some(value)) => metric_progress(from, to, value),
            _ => 0.0,
        },
        KeyResultType::Milestone | KeyResultType::Unmeasurable => {
            if done_on(kr, date) {
                1.0
            } else {
                0.0
            }
        }
        KeyResultType::Rollup => kr.progress,
    }
}

/// A unit's progress on `date`: the mean of its objectives' weighted means.
pub fn unit_progress_on(unit: &Unit, date: NaiveDate) -> f64 {
    mean(unit.objectives.iter().map(|o| {
        weighted_mean(
            o.key_results
                .iter()
                .map(|kr| (progress_on(kr, date), kr.weight)),
        )
        .unwrap_or(0.0)
    }))
    .unwrap_or(0.0)
}

/// A unit's progress over its period: at the period start and after each
/// check-in up to today.
pub fn unit_history(unit: &Unit, today: NaiveDate) -> Vec<(NaiveDate, f64)> {
    let Some(period) = &unit.period else {
        return Vec::new();
    };
    let mut dates: Vec<NaiveDate> = unit
        .objectives
        .iter()
        .flat_map(|o| &o.key_results)
        .flat_map(|kr| &kr.checkins)
        .map(|c| c.date)
        .filter(|&d| d <= today)
        .collect();
    dates.push(period.start.min(today));
    dates.sort_unstable();
    dates.dedup();
    dates
        .into_iter()
        .map(|date| (date, unit_progress_on(unit, date)))
        .collect()
}

/// A key result's progress over its period: at the period start (`start`)
/// and on each day with a check-in, up to today.
pub fn key_result_history(
    kr: &KeyResult,
    start: NaiveDate,
    today: NaiveDate,
) -> Vec<(NaiveDate, f64)> {
    let mut dates: Vec<NaiveDate> = kr
        .checkins
        .iter()
        .map(|c| c.date)
        .filter(|&d| d <= today)
        .collect();
    dates.push(start.min(today));
    dates.sort_unstable();
    dates.dedup();
    dates
        .into_iter()
        .map(|date| (date, progress_on(kr, date)))
        .collect()
}

/// The check-ins each figure reads, the latest that says it: a metric's
/// value, a milestone's `done`, the confidence. `value_on`, `done_on`, the
/// confidence of today and the week-ago figures' copy all pick by these.
pub(super) fn with_value(c: &Checkin) -> bool {
    c.value().is_some()
}

pub(super) fn with_done(c: &Checkin) -> bool {
    c.done.is_some()
}

pub(super) fn with_confidence(c: &Checkin) -> bool {
    c.confidence().is_some()
}

/// The latest of `kr`'s check-ins up to `date` that `has` accepts (see
/// [`super::latest_checkin`]).
pub(super) fn latest_until(
    kr: &KeyResult,
    date: NaiveDate,
    has: impl Fn(&Checkin) -> bool,
) -> Option<&Checkin> {
    latest_checkin(kr.checkins.iter().filter(|c| c.date <= date && has(c)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::KeyResultOrigin;
    use crate::period::parse_date;

    fn d(s: &str) -> NaiveDate {
        parse_date(s).unwrap()
    }

    fn checkin(date: &str, value: Option<f64>, done: Option<bool>) -> Checkin {
        Checkin::new(d(date), value, done, None, None)
    }

    fn key_result(kind: KeyResultType, checkins: Vec<Checkin>) -> KeyResult {
        KeyResult {
            id: "KR1".into(),
            title: "t".into(),
            kind,
            from: Some(0.0),
            to: Some(10.0),
            unit: None,
            by: None,
            current: None,
            done: None,
            weight: 1.0,
            progress: 0.0,
            expected: 0.0,
            pace: None,
            confidence: None,
            score: None,
            number_style: Default::default(),
            owners: Vec::new(),
            links: Vec::new(),
            description: None,
            stale: false,
            checkins,
            contributors: Vec::new(),
            origin: KeyResultOrigin::default(),
        }
    }

    #[test]
    fn a_metric_on_a_date_reads_the_check_ins_up_to_that_date() {
        let kr = key_result(
            KeyResultType::Metric,
            vec![
                checkin("2026-10-05", Some(4.0), None),
                checkin("2026-10-12", Some(6.0), None),
            ],
        );
        assert_eq!(progress_on(&kr, d("2026-10-04")), 0.0);
        assert_eq!(progress_on(&kr, d("2026-10-05")), 0.4);
        assert_eq!(progress_on(&kr, d("2026-10-11")), 0.4);
        assert_eq!(progress_on(&kr, d("2026-10-12")), 0.6);
    }

    #[test]
    fn a_milestone_done_in_the_file_is_done_on_every_date() {
        let mut kr = key_result(
            KeyResultType::Milestone,
            vec![checkin("2026-10-12", None, Some(false))],
        );
        kr.origin.done = true;
        assert_eq!(progress_on(&kr, d("2026-10-01")), 1.0);
        assert_eq!(progress_on(&kr, d("2026-10-12")), 1.0);
    }

    #[test]
    fn a_milestone_checked_in_done_is_done_from_that_date() {
        let kr = key_result(
            KeyResultType::Milestone,
            vec![
                checkin("2026-10-05", None, Some(false)),
                checkin("2026-10-12", None, Some(true)),
            ],
        );
        assert!(!done_on(&kr, d("2026-10-11")));
        assert!(done_on(&kr, d("2026-10-12")));
        assert_eq!(progress_on(&kr, d("2026-10-12")), 1.0);
    }
}

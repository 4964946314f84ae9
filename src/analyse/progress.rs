//! The arithmetic of OKRs (README "How progress is computed"): progress, expected
//! progress, pace and
//! score colours. Pure functions of numbers and dates.

use chrono::NaiveDate;

use crate::model::{Colour, ConfidenceLevel, ObjectiveKind, Pace};
use crate::period::days_between;

/// Tolerance for comparing computed fractions with the thresholds, so that
/// `0.8 - 0.7` counts as the `0.1` it means.
const EPSILON: f64 = 1e-9;

/// How far a metric has come from `from` towards `to`, in [0, 1]. Works for
/// decreasing metrics too.
pub fn metric_progress(from: f64, to: f64, current: f64) -> f64 {
    clamp01((current - from) / (to - from))
}

/// How far along the key result should be by `today`: the share of days from
/// the period start to the deadline that have passed.
pub fn expected_progress(start: NaiveDate, by: NaiveDate, today: NaiveDate) -> f64 {
    let total = days_between(start, by);
    if total <= 0 {
        return if today >= by { 1.0 } else { 0.0 };
    }
    clamp01(days_between(start, today) as f64 / total as f64)
}

/// A milestone is not expected gradually: nothing is expected of it before
/// its deadline, all of it from that day on.
pub fn milestone_expected(by: NaiveDate, today: NaiveDate) -> f64 {
    if today >= by { 1.0 } else { 0.0 }
}

/// Where a milestone stands. Its expected progress jumps from 0 to 1 on its
/// deadline, so the metric rule would call every open milestone on track
/// until the day it is missed; instead it is `pending` until someone's
/// confidence says otherwise or the deadline is `due_soon_days` away.
pub fn milestone_pace(
    done: bool,
    confidence: Option<ConfidenceLevel>,
    today: NaiveDate,
    start: NaiveDate,
    by: NaiveDate,
    due_soon_days: i64,
) -> Pace {
    if done {
        Pace::Done
    } else if today < start {
        Pace::NotStarted
    } else if today > by {
        Pace::Missed
    } else if let Some(ConfidenceLevel::AtRisk) = confidence {
        Pace::AtRisk
    } else if let Some(ConfidenceLevel::OffTrack) = confidence {
        Pace::OffTrack
    } else if days_between(today, by) <= due_soon_days {
        Pace::AtRisk
    } else {
        Pace::Pending
    }
}

/// Where a metric or roll-up key result or an objective stands: done, not
/// started, missed, or how far its progress lags behind the expected
/// progress.
pub fn pace(
    progress: f64,
    expected: f64,
    today: NaiveDate,
    start: NaiveDate,
    by: NaiveDate,
) -> Pace {
    let behind = expected - progress;
    if progress >= 1.0 - EPSILON {
        Pace::Done
    } else if today < start {
        Pace::NotStarted
    } else if today > by {
        Pace::Missed
    } else if behind <= 0.10 + EPSILON {
        Pace::OnTrack
    } else if behind <= 0.25 + EPSILON {
        Pace::AtRisk
    } else {
        Pace::OffTrack
    }
}

/// Is a progress fraction complete?
pub fn is_complete(progress: f64) -> bool {
    progress >= 1.0 - EPSILON
}

/// Google-style score colours; a committed objective is green only at 1.0.
pub fn score_colour(score: f64, kind: ObjectiveKind) -> Colour {
    if score < 0.4 {
        Colour::Red
    } else if score < 0.7 || (kind == ObjectiveKind::Committed && score < 1.0 - EPSILON) {
        Colour::Yellow
    } else {
        Colour::Green
    }
}

/// The weighted mean of `(value, weight)` pairs; `None` for no pairs.
pub fn weighted_mean(items: impl IntoIterator<Item = (f64, f64)>) -> Option<f64> {
    let items: Vec<(f64, f64)> = items.into_iter().collect();
    let mean_with = |scale: f64| {
        let (sum, weights) = items
            .iter()
            .fold((0.0, 0.0), |(sum, weights), &(value, weight)| {
                let weight = weight / scale;
                (sum + value * weight, weights + weight)
            });
        let finite = sum.is_finite() && weights.is_finite();
        (weights > 0.0 && finite).then(|| sum / weights)
    };
    // Huge weights can overflow to infinity: then scale them by the largest.
    mean_with(1.0).or_else(|| {
        let largest = items.iter().map(|&(_, w)| w).fold(0.0, f64::max);
        (largest > 0.0).then(|| mean_with(largest)).flatten()
    })
}

/// The plain mean; `None` for no values.
pub fn mean(values: impl IntoIterator<Item = f64>) -> Option<f64> {
    weighted_mean(values.into_iter().map(|v| (v, 1.0)))
}

fn clamp01(x: f64) -> f64 {
    if x.is_nan() { 0.0 } else { x.clamp(0.0, 1.0) }
}

/// Key results counted by pace as every summary counts them (the header of
/// `okrc status`, the head of a period's pages): `pending` counts as on
/// track ([`Pace::counts_as_on_track`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PaceCounts([usize; Pace::ALL.len()]);

impl PaceCounts {
    /// Counts one key result of `pace`; one without a pace (no period or
    /// deadline) is not counted.
    pub fn add(&mut self, pace: Option<Pace>) {
        if let Some(pace) = pace {
            let pace = if pace.counts_as_on_track() {
                Pace::OnTrack
            } else {
                pace
            };
            self.0[pace as usize] += 1;
        }
    }

    /// How many key results have `pace`; `pending` ones are in `on-track`.
    pub fn of(&self, pace: Pace) -> usize {
        self.0[pace as usize]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pace_counts_count_pending_as_on_track() {
        let mut counts = PaceCounts::default();
        for pace in [
            Some(Pace::Pending),
            Some(Pace::OnTrack),
            Some(Pace::Missed),
            None,
        ] {
            counts.add(pace);
        }
        assert_eq!(counts.of(Pace::OnTrack), 2);
        assert_eq!(counts.of(Pace::Pending), 0);
        assert_eq!(counts.of(Pace::Missed), 1);
        assert_eq!(counts.of(Pace::Done), 0);
    }
    use crate::period::parse_date;

    fn d(s: &str) -> NaiveDate {
        parse_date(s).unwrap()
    }

    #[test]
    fn metric_progress_is_clamped_and_works_both_ways() {
        assert_eq!(metric_progress(92.0, 99.5, 96.0), 4.0 / 7.5);
        assert_eq!(
            metric_progress(120_000.0, 90_000.0, 112_000.0),
            8_000.0 / 30_000.0
        );
        assert_eq!(metric_progress(0.0, 10.0, -5.0), 0.0);
        assert_eq!(metric_progress(0.0, 10.0, 15.0), 1.0);
        assert_eq!(metric_progress(10.0, 0.0, 15.0), 0.0);
        assert_eq!(metric_progress(5.0, 5.0, 5.0), 0.0);
    }

    #[test]
    fn expected_progress_counts_days_from_the_period_start() {
        let start = d("2026-10-01");
        assert_eq!(
            expected_progress(start, d("2026-12-31"), d("2026-11-27")),
            57.0 / 91.0
        );
        assert_eq!(
            expected_progress(start, d("2026-12-31"), d("2026-09-01")),
            0.0
        );
        assert_eq!(
            expected_progress(start, d("2026-12-31"), d("2027-02-01")),
            1.0
        );
        assert_eq!(
            expected_progress(start, d("2026-10-11"), d("2026-10-06")),
            0.5
        );
        // A deadline on or before the start is due at once.
        assert_eq!(expected_progress(start, start, start), 1.0);
        assert_eq!(
            expected_progress(start, d("2026-09-01"), d("2026-08-01")),
            0.0
        );
    }

    #[test]
    fn pace_thresholds_are_inclusive() {
        let (start, by, today) = (d("2026-10-01"), d("2026-12-31"), d("2026-11-27"));
        let pace_of = |p: f64, e: f64| pace(p, e, today, start, by);
        assert_eq!(pace_of(1.0, 0.5), Pace::Done);
        assert_eq!(pace_of(0.6, 0.5), Pace::OnTrack);
        assert_eq!(pace_of(0.5, 0.6), Pace::OnTrack);
        assert_eq!(pace_of(0.7, 0.8), Pace::OnTrack, "0.8 - 0.7 is 0.1");
        assert_eq!(pace_of(0.49, 0.6), Pace::AtRisk);
        assert_eq!(pace_of(0.35, 0.6), Pace::AtRisk);
        assert_eq!(pace_of(0.5, 0.75), Pace::AtRisk);
        assert_eq!(pace_of(0.34, 0.6), Pace::OffTrack);
    }

    #[test]
    fn pace_before_the_start_and_after_the_deadline() {
        let (start, by) = (d("2026-10-01"), d("2026-12-31"));
        assert_eq!(pace(0.0, 0.0, d("2026-09-30"), start, by), Pace::NotStarted);
        assert_eq!(pace(0.0, 0.0, d("2026-10-01"), start, by), Pace::OnTrack);
        assert_eq!(pace(0.9, 1.0, d("2026-12-31"), start, by), Pace::OnTrack);
        assert_eq!(pace(0.9, 1.0, d("2027-01-01"), start, by), Pace::Missed);
        assert_eq!(pace(1.0, 1.0, d("2027-01-01"), start, by), Pace::Done);
    }

    #[test]
    fn a_milestone_is_expected_only_from_its_deadline_on() {
        let by = d("2027-01-15");
        assert_eq!(milestone_expected(by, d("2026-10-31")), 0.0);
        assert_eq!(milestone_expected(by, d("2027-01-14")), 0.0);
        assert_eq!(milestone_expected(by, d("2027-01-15")), 1.0);
        assert_eq!(milestone_expected(by, d("2027-02-01")), 1.0);
    }

    #[test]
    fn milestone_pace_is_pending_until_due_soon_or_in_doubt() {
        use ConfidenceLevel::*;
        let (start, by) = (d("2026-10-01"), d("2026-12-31"));
        let pace_on =
            |today: &str, confidence| milestone_pace(false, confidence, d(today), start, by, 14);
        assert_eq!(pace_on("2026-10-31", None), Pace::Pending);
        assert_eq!(pace_on("2026-10-31", Some(OnTrack)), Pace::Pending);
        assert_eq!(pace_on("2026-10-31", Some(AtRisk)), Pace::AtRisk);
        assert_eq!(pace_on("2026-10-31", Some(OffTrack)), Pace::OffTrack);
        // Due soon: 14 days before the deadline and closer, not 15.
        assert_eq!(pace_on("2026-12-16", None), Pace::Pending);
        assert_eq!(pace_on("2026-12-17", None), Pace::AtRisk);
        assert_eq!(pace_on("2026-12-31", None), Pace::AtRisk);
        assert_eq!(pace_on("2026-12-31", Some(OffTrack)), Pace::OffTrack);
        assert_eq!(pace_on("2027-01-01", Some(OnTrack)), Pace::Missed);
        assert_eq!(pace_on("2026-09-30", Some(OffTrack)), Pace::NotStarted);
        assert_eq!(
            milestone_pace(true, Some(OffTrack), d("2027-01-01"), start, by, 14),
            Pace::Done
        );
        // due_soon_days = 0: at risk only on the day itself.
        let today = d("2026-12-30");
        assert_eq!(
            milestone_pace(false, None, today, start, by, 0),
            Pace::Pending
        );
        assert_eq!(milestone_pace(false, None, by, start, by, 0), Pace::AtRisk);
    }

    #[test]
    fn score_colours() {
        use ObjectiveKind::*;
        assert_eq!(score_colour(0.39, Aspirational), Colour::Red);
        assert_eq!(score_colour(0.4, Aspirational), Colour::Yellow);
        assert_eq!(score_colour(0.69, Aspirational), Colour::Yellow);
        assert_eq!(score_colour(0.7, Aspirational), Colour::Green);
        assert_eq!(score_colour(0.9, Committed), Colour::Yellow);
        assert_eq!(score_colour(1.0, Committed), Colour::Green);
        assert_eq!(score_colour(0.2, Committed), Colour::Red);
    }

    #[test]
    fn means() {
        assert_eq!(weighted_mean([(1.0, 2.0), (0.0, 1.0)]), Some(2.0 / 3.0));
        assert_eq!(weighted_mean([]), None);
        assert_eq!(weighted_mean([(1.0, f64::MAX), (0.0, f64::MAX)]), Some(0.5));
        assert_eq!(mean([0.5, 1.0]), Some(0.75));
    }
}

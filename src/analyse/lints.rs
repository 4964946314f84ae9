//! The lints of README "Diagnostics" that need the analysed model. They are reported as
//! warnings here; `[rules.levels]` is applied to all lints at the end.

use chrono::NaiveDate;
use rayon::prelude::*;

use super::latest_checkin;
use super::progress::is_complete;
use crate::config::Config;
use crate::diagnostic::{Code, Diagnostic};
use crate::model::{Checkin, KeyResult, KeyResultType, Unit};
use crate::number;
use crate::period::{days_between, format_date};
use crate::source::Span;

pub fn check(units: &[Unit], config: &Config, today: NaiveDate, diagnostics: &mut Vec<Diagnostic>) {
    let covered = coverage(units);
    // Each unit's lints depend on that unit alone: one per thread, in order.
    let found: Vec<Vec<Diagnostic>> = units
        .par_iter()
        .zip(&covered)
        .map(|(unit, covered)| check_unit(unit, covered, config, today))
        .collect();
    diagnostics.extend(found.into_iter().flatten());
}

fn check_unit(
    unit: &Unit,
    covered: &[Vec<Coverage>],
    config: &Config,
    today: NaiveDate,
) -> Vec<Diagnostic> {
    let mut diagnostics = Vec::new();
    {
        let mut lint = |code: Code, span: Span, message: String, help: &str| {
            diagnostics.push(Diagnostic::new(code, &unit.file, span, message).with_help(help));
        };
        let rules = &config.rules;
        if let Some(extra) = unit.objectives.get(rules.max_objectives) {
            lint(
                Code::TooManyObjectives,
                extra.origin.span,
                format!(
                    "unit `{}` has {} objectives, more than the {} allowed",
                    unit.id,
                    unit.objectives.len(),
                    rules.max_objectives
                ),
                "focus means saying no: keep the objectives that matter most (the limit is `rules.max_objectives`)",
            );
        }
        for (o, objective) in unit.objectives.iter().enumerate() {
            if unit.parent.is_some() && objective.aligns_to.is_empty() {
                lint(
                    Code::Unaligned,
                    objective.origin.span,
                    format!(
                        "objective `{}` does not align to the parent unit's OKRs",
                        objective.id
                    ),
                    "add `aligns_to = \"O1\"` (or `\"O1.KR2\"`) naming what it contributes to one level up",
                );
            }
            if objective.key_results.is_empty() {
                lint(
                    Code::NoKeyResults,
                    objective.origin.span,
                    format!("objective `{}` has no key results", objective.id),
                    "add `key_results = [\"... from X to Y by DATE\"]`: how will you know it is achieved?",
                );
            }
            if let Some(extra) = objective.key_results.get(rules.max_key_results) {
                lint(
                    Code::TooManyKeyResults,
                    extra.origin.span,
                    format!(
                        "objective `{}` has {} key results, more than the {} allowed",
                        objective.id,
                        objective.key_results.len(),
                        rules.max_key_results
                    ),
                    "keep the key results that best show the objective is met (the limit is `rules.max_key_results`)",
                );
            }
            for (k, kr) in objective.key_results.iter().enumerate() {
                // Only for messages: formatted when a lint fires.
                let name = || format!("{}.{}", objective.id, kr.id);
                // An empty title is already `missing-title`.
                if kr.kind == KeyResultType::Unmeasurable && !kr.title.trim().is_empty() {
                    lint(
                        Code::Unmeasurable,
                        kr.origin.span,
                        format!(
                            "key result `{}` is not measurable: \"{}\"",
                            name(),
                            kr.title
                        ),
                        if is_boxed(&kr.title) {
                            // Only a table keeps a box in its title: a
                            // one-line `[ ] TITLE` is a milestone.
                            "in a table, a milestone says `done = false` (or `done = true`): write the title without the box and add `done = false`"
                        } else {
                            "write it as \"TITLE from X to Y by DATE\", as a milestone \"[ ] TITLE\", or as a table with `from` and `to`"
                        },
                    );
                }
                if !unit.children.is_empty()
                    && !covered[o].contains(&Coverage::Whole)
                    && !covered[o].contains(&Coverage::KeyResult(k))
                {
                    lint(
                        Code::Uncovered,
                        kr.origin.span,
                        format!(
                            "no objective of a child unit aligns to key result `{}`",
                            name()
                        ),
                        "a child unit should take this on: add `aligns_to` pointing here to one of its objectives",
                    );
                }
                let Some(period) = &unit.period else { continue };
                if let Some((by, span)) = kr.origin.by {
                    if !period.contains_date(by) {
                        lint(
                            Code::OutsidePeriod,
                            span,
                            format!(
                                "the deadline {} of `{}` is outside {}",
                                format_date(by),
                                name(),
                                period.name
                            ),
                            "set a deadline within the period, or move the key result to the right period",
                        );
                    }
                }
                for checkin in &kr.checkins {
                    if !period.contains_date(checkin.date) {
                        lint(
                            Code::OutsidePeriod,
                            checkin.date_span,
                            format!(
                                "check-in of {} on `{}` is outside {}",
                                format_date(checkin.date),
                                name(),
                                period.name
                            ),
                            "check that the date is right, or move the check-in to the file of its period",
                        );
                    }
                    if checkin.date > today {
                        lint(
                            Code::FutureCheckin,
                            checkin.date_span,
                            format!(
                                "check-in of {} on `{}` is dated after today ({})",
                                format_date(checkin.date),
                                name(),
                                format_date(today)
                            ),
                            "check-ins record what happened: date it today or earlier",
                        );
                    }
                }
                for (checkin, earlier) in duplicate_checkins(kr) {
                    lint(
                        Code::DuplicateCheckin,
                        checkin.date_span,
                        format!(
                            "`{}` has {} check-ins on {}; the later one in the file counts",
                            name(),
                            earlier + 1,
                            format_date(checkin.date)
                        ),
                        "keep one check-in per day: remove the other, or correct its date",
                    );
                }
                for (checkin, value) in implausible_values(kr) {
                    let (from, to) = (kr.from.unwrap_or(0.0), kr.to.unwrap_or(0.0));
                    let style = kr.number_style;
                    let unit_name = kr.unit.as_deref();
                    lint(
                        Code::ImplausibleValue,
                        checkin.value_span,
                        format!(
                            "the check-in value of {} on `{}` is far outside its range, probably a typo",
                            format_date(checkin.date),
                            name()
                        ),
                        &format!(
                            "the value reads as {}, and `{}` goes from {} to {}: check for a misplaced separator or a missing or extra zero",
                            number::quantity(value, unit_name, style).replace('\u{a0}', " "),
                            name(),
                            number::quantity(from, unit_name, style).replace('\u{a0}', " "),
                            number::quantity(to, unit_name, style).replace('\u{a0}', " "),
                        ),
                    );
                }
                if let Some(last) = due_checkin(unit, kr, rules.stale_after_days, today) {
                    let message = match last {
                        None => format!("key result `{}` has no check-ins yet", name()),
                        Some(date) => format!(
                            "the last check-in of `{}` was {} days ago, on {}",
                            name(),
                            days_between(date, today),
                            format_date(date)
                        ),
                    };
                    lint(
                        Code::StaleCheckin,
                        kr.origin.span,
                        message,
                        "weekly check-ins are the heartbeat of OKRs: add one with `okrc checkin`",
                    );
                }
            }
        }
    }
    diagnostics
}

/// Does a title start with a milestone's box, `[ ]` or `[x]`?
fn is_boxed(title: &str) -> bool {
    let title = title.trim_start();
    ["[ ]", "[x]", "[X]"].iter().any(|b| title.starts_with(b))
}

/// The `duplicate-checkin` rule: every check-in dated like an earlier one
/// of the same key result, with how many came before it on that date.
fn duplicate_checkins(kr: &KeyResult) -> Vec<(&Checkin, usize)> {
    let mut seen: std::collections::HashMap<NaiveDate, usize> = std::collections::HashMap::new();
    let mut found = Vec::new();
    for checkin in &kr.checkins {
        let count = seen.entry(checkin.date).or_insert(0);
        if *count > 0 {
            found.push((checkin, *count));
        }
        *count += 1;
    }
    found
}

/// The `implausible-value` rule: a metric's check-ins whose value is
/// probably a typo, with the value.
fn implausible_values(kr: &KeyResult) -> Vec<(&Checkin, f64)> {
    let (KeyResultType::Metric, Some(from), Some(to)) = (kr.kind, kr.from, kr.to) else {
        return Vec::new();
    };
    kr.checkins
        .iter()
        .filter_map(|c| Some((c, c.value?)))
        .filter(|&(_, value)| is_implausible(value, from, to))
        .collect()
}

/// Is `value` probably a typo for a metric from `from` to `to`? Outside
/// [lo − 3·span, hi + 3·span], or, when all three are positive, more than
/// 100 times larger than hi or smaller than lo / 100. A zero range is the
/// `zero-range` error already, and says nothing of what is plausible.
pub fn is_implausible(value: f64, from: f64, to: f64) -> bool {
    let (lo, hi) = (from.min(to), from.max(to));
    let span = hi - lo;
    if span.is_nan() || span <= 0.0 || !value.is_finite() {
        return false;
    }
    if value < lo - 3.0 * span || value > hi + 3.0 * span {
        return true;
    }
    from > 0.0 && to > 0.0 && value > 0.0 && (value > hi * 100.0 || value < lo / 100.0)
}

/// The `stale-checkin` rule (README "Diagnostics"): is `kr` of `unit` due a check-in
/// on `today`? `Some(latest check-in date)` when it is (`Some(None)`: it
/// never had one). The lint, "needs attention" and "who owes a check-in"
/// all ask here.
pub fn due_checkin(
    unit: &Unit,
    kr: &KeyResult,
    stale_after: i64,
    today: NaiveDate,
) -> Option<Option<NaiveDate>> {
    let period = unit.period.as_ref()?;
    let running = period.contains_date(today) && days_between(period.start, today) > stale_after;
    let tracked = matches!(kr.kind, KeyResultType::Metric | KeyResultType::Milestone);
    if !running || !tracked || unit.draft || is_complete(kr.progress) {
        return None;
    }
    match latest_checkin(&kr.checkins).map(|c| c.date) {
        None => Some(None),
        Some(date) if days_between(date, today) > stale_after => Some(Some(date)),
        Some(_) => None,
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Coverage {
    Whole,
    KeyResult(usize),
}

/// For each objective of each unit, what objectives of its child units align
/// to: the objective as a whole, or some of its key results.
fn coverage(units: &[Unit]) -> Vec<Vec<Vec<Coverage>>> {
    let mut covered: Vec<Vec<Vec<Coverage>>> = units
        .iter()
        .map(|u| vec![Vec::new(); u.objectives.len()])
        .collect();
    for unit in units {
        let Some(parent) = unit.parent_index else {
            continue;
        };
        for objective in &unit.objectives {
            for target in objective.origin.alignments.iter().filter_map(|a| a.target) {
                if target.unit == parent {
                    covered[parent][target.objective].push(match target.key_result {
                        Some(k) => Coverage::KeyResult(k),
                        None => Coverage::Whole,
                    });
                }
            }
        }
    }
    covered
}

#[cfg(test)]
mod tests {
    use super::*;

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
}

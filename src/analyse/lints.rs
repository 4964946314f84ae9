//! The lints of README "Diagnostics" that need the analysed model. They are reported as
//! warnings here; `[rules.levels]` is applied to all lints at the end.

use chrono::NaiveDate;
use rayon::prelude::*;

use super::latest_checkin;
use super::progress::is_complete;
use crate::config::Config;
use crate::diagnostic::{Code, Diagnostic};
use crate::model::{KeyResult, KeyResultType, Unit};
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
                        "write it as \"TITLE from X to Y by DATE\", as a milestone \"[ ] TITLE\", or as a table with `from` and `to`",
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

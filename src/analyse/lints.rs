//! The lints of README "Diagnostics" that need the analysed model. They are reported as
//! warnings here; `[rules.levels]` is applied to all lints at the end.

use chrono::NaiveDate;

use super::history::latest_until;
use super::progress::is_complete;
use crate::config::{Config, Rules};
use crate::diagnostic::{Code, Diagnostic};
use crate::model::{Checkin, KeyResult, KeyResultType, Objective, Unit};
use crate::number;
use crate::period::{Period, days_between, format_date};
use crate::source::Span;

/// The lints of unit `u` alone; `children` are the units whose parent it
/// is. The same as [`super::analyse`] gives for that unit.
pub fn check_one(
    units: &[Unit],
    u: usize,
    children: &[usize],
    config: &Config,
    today: NaiveDate,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let unit = &units[u];
    let mut covered = vec![Vec::new(); unit.objectives.len()];
    for &child in children {
        cover(&units[child], u, &mut covered);
    }
    diagnostics.extend(check_unit(unit, &covered, &config.rules, today));
}

/// Every lint of one unit, its objectives and its key results, with what
/// objectives of its children align to (`covered`, from [`coverage`]).
pub(super) fn check_unit(
    unit: &Unit,
    covered: &[Vec<Coverage>],
    rules: &Rules,
    today: NaiveDate,
) -> Vec<Diagnostic> {
    let mut diagnostics = Vec::new();
    diagnostics.extend(too_many_objectives(unit, rules.max_objectives));
    for (objective, covered) in unit.objectives.iter().zip(covered) {
        diagnostics.extend(unaligned(unit, objective));
        diagnostics.extend(no_key_results(unit, objective));
        diagnostics.extend(too_many_key_results(unit, objective, rules.max_key_results));
        for (k, kr) in objective.key_results.iter().enumerate() {
            let at = At {
                unit,
                objective,
                kr,
            };
            diagnostics.extend(unmeasurable(&at));
            diagnostics.extend(uncovered(&at, k, covered));
            // A unit without a period is `unknown-period` already: its
            // dates cannot be checked against it.
            let Some(period) = &unit.period else { continue };
            diagnostics.extend(outside_period(&at, period));
            diagnostics.extend(future_checkin(&at, today));
            diagnostics.extend(duplicate_checkin(&at));
            diagnostics.extend(implausible_value(&at));
            diagnostics.extend(stale_checkin(&at, rules.stale_after_days, today));
        }
    }
    diagnostics
}

/// A key result where a lint looks at it: with its objective and unit.
struct At<'m> {
    unit: &'m Unit,
    objective: &'m Objective,
    kr: &'m KeyResult,
}

impl At<'_> {
    /// How messages name the key result: `O1.KR2`.
    fn name(&self) -> String {
        format!("{}.{}", self.objective.id, self.kr.id)
    }

    fn lint(&self, code: Code, span: Span, message: String, help: &str) -> Diagnostic {
        lint(self.unit, code, span, message, help)
    }
}

/// A lint's diagnostic in `unit`'s file, with how to fix it.
fn lint(unit: &Unit, code: Code, span: Span, message: String, help: &str) -> Diagnostic {
    Diagnostic::new(code, &unit.file, span, message).with_help(help)
}

/// `too-many-objectives`: more objectives than `rules.max_objectives`.
/// OKRs are about focus, so the first objective past the limit is marked.
fn too_many_objectives(unit: &Unit, max: usize) -> Option<Diagnostic> {
    let extra = unit.objectives.get(max)?;
    Some(lint(
        unit,
        Code::TooManyObjectives,
        extra.origin.span,
        format!(
            "unit `{}` has {} objectives, more than the {} allowed",
            unit.id,
            unit.objectives.len(),
            max
        ),
        "focus means saying no: keep the objectives that matter most (the limit is `rules.max_objectives`)",
    ))
}

/// `unaligned`: an objective of a unit with a parent that aligns to
/// nothing, so nobody above can see what it contributes to.
fn unaligned(unit: &Unit, objective: &Objective) -> Option<Diagnostic> {
    (unit.parent.is_some() && objective.aligns_to.is_empty()).then(|| {
        lint(
            unit,
            Code::Unaligned,
            objective.origin.span,
            format!(
                "objective `{}` does not align to the parent unit's OKRs",
                objective.id
            ),
            "add `aligns_to = \"O1\"` (or `\"O1.KR2\"`) naming what it contributes to one level up",
        )
    })
}

/// `no-key-results`: an objective nobody could tell is achieved.
fn no_key_results(unit: &Unit, objective: &Objective) -> Option<Diagnostic> {
    objective.key_results.is_empty().then(|| {
        lint(
            unit,
            Code::NoKeyResults,
            objective.origin.span,
            format!("objective `{}` has no key results", objective.id),
            "add `key_results = [\"... from X to Y by DATE\"]`: how will you know it is achieved?",
        )
    })
}

/// `too-many-key-results`: more key results than `rules.max_key_results`;
/// the first one past the limit is marked.
fn too_many_key_results(unit: &Unit, objective: &Objective, max: usize) -> Option<Diagnostic> {
    let extra = objective.key_results.get(max)?;
    Some(lint(
        unit,
        Code::TooManyKeyResults,
        extra.origin.span,
        format!(
            "objective `{}` has {} key results, more than the {} allowed",
            objective.id,
            objective.key_results.len(),
            max
        ),
        "keep the key results that best show the objective is met (the limit is `rules.max_key_results`)",
    ))
}

/// `unmeasurable`: a key result that is neither a metric, a milestone nor
/// a roll-up, so it has no progress. An empty title is `missing-title`
/// already, and is not reported twice.
fn unmeasurable(at: &At) -> Option<Diagnostic> {
    let kr = at.kr;
    if kr.kind != KeyResultType::Unmeasurable || kr.title.trim().is_empty() {
        return None;
    }
    let help = if is_boxed(&kr.title) {
        // Only a table keeps a box in its title: a one-line `[ ] TITLE` is
        // a milestone.
        "in a table, a milestone says `done = false` (or `done = true`): write the title without the box and add `done = false`"
    } else {
        "write it as \"TITLE from X to Y by DATE\", as a milestone \"[ ] TITLE\", or as a table with `from` and `to`"
    };
    Some(at.lint(
        Code::Unmeasurable,
        kr.origin.span,
        format!(
            "key result `{}` is not measurable: \"{}\"",
            at.name(),
            kr.title
        ),
        help,
    ))
}

/// `uncovered`: a key result (the `k`th of its objective) of a unit with
/// children that no child's objective aligns to, neither it nor its
/// objective as a whole (`covered`): nobody has taken it on.
fn uncovered(at: &At, k: usize, covered: &[Coverage]) -> Option<Diagnostic> {
    if at.unit.children.is_empty()
        || covered.contains(&Coverage::Whole)
        || covered.contains(&Coverage::KeyResult(k))
    {
        return None;
    }
    Some(at.lint(
        Code::Uncovered,
        at.kr.origin.span,
        format!(
            "no objective of a child unit aligns to key result `{}`",
            at.name()
        ),
        "a child unit should take this on: add `aligns_to` pointing here to one of its objectives",
    ))
}

/// `outside-period`: a `by` deadline or a check-in dated outside the
/// unit's period, usually a wrong year or a key result in the wrong file.
fn outside_period(at: &At, period: &Period) -> Vec<Diagnostic> {
    let mut found = Vec::new();
    if let Some((by, span)) = at.kr.origin.by {
        if !period.contains_date(by) {
            found.push(at.lint(
                Code::OutsidePeriod,
                span,
                format!(
                    "the deadline {} of `{}` is outside {}",
                    format_date(by),
                    at.name(),
                    period.name
                ),
                "set a deadline within the period, or move the key result to the right period",
            ));
        }
    }
    for checkin in &at.kr.checkins {
        if !period.contains_date(checkin.date) {
            found.push(at.lint(
                Code::OutsidePeriod,
                checkin.date_span(),
                format!(
                    "check-in of {} on `{}` is outside {}",
                    format_date(checkin.date),
                    at.name(),
                    period.name
                ),
                "check that the date is right, or move the check-in to the file of its period",
            ));
        }
    }
    found
}

/// `future-checkin`: a check-in dated after `today`. It still counts
/// (README "Diagnostics"), but a check-in records what happened.
fn future_checkin(at: &At, today: NaiveDate) -> Vec<Diagnostic> {
    at.kr
        .checkins
        .iter()
        .filter(|checkin| checkin.date > today)
        .map(|checkin| {
            at.lint(
                Code::FutureCheckin,
                checkin.date_span(),
                format!(
                    "check-in of {} on `{}` is dated after today ({})",
                    format_date(checkin.date),
                    at.name(),
                    format_date(today)
                ),
                "check-ins record what happened: date it today or earlier",
            )
        })
        .collect()
}

/// `duplicate-checkin`: two check-ins of one key result on one date; the
/// later one in the file counts, and each later one is marked.
fn duplicate_checkin(at: &At) -> Vec<Diagnostic> {
    duplicate_checkins(at.kr)
        .into_iter()
        .map(|(checkin, earlier)| {
            at.lint(
                Code::DuplicateCheckin,
                checkin.date_span(),
                format!(
                    "`{}` has {} check-ins on {}; the later one in the file counts",
                    at.name(),
                    earlier + 1,
                    format_date(checkin.date)
                ),
                "keep one check-in per day: remove the other, or correct its date",
            )
        })
        .collect()
}

/// `implausible-value`: a metric check-in value so far outside the key
/// result's range ([`is_implausible`]) that it is probably a typo, such as
/// a separator of the other language. The help shows how the value was
/// read, in the key result's own number style.
fn implausible_value(at: &At) -> Vec<Diagnostic> {
    let kr = at.kr;
    let (from, to) = (kr.from.unwrap_or(0.0), kr.to.unwrap_or(0.0));
    let shown = |value: f64| {
        number::quantity(value, kr.unit.as_deref(), kr.number_style).replace('\u{a0}', " ")
    };
    implausible_values(kr)
        .into_iter()
        .map(|(checkin, value)| {
            at.lint(
                Code::ImplausibleValue,
                checkin.value_span(),
                format!(
                    "the check-in value of {} on `{}` is far outside its range, probably a typo",
                    format_date(checkin.date),
                    at.name()
                ),
                &format!(
                    "the value reads as {}, and `{}` goes from {} to {}: check for a misplaced separator or a missing or extra zero",
                    shown(value),
                    at.name(),
                    shown(from),
                    shown(to),
                ),
            )
        })
        .collect()
}

/// `stale-checkin`: a running key result due a check-in ([`due_checkin`]),
/// because none came for more than `stale_after` days. The lints run after
/// the figures, so `KeyResult::stale` already says whether it is (the
/// rule is asked again only for the few that are, for the date).
fn stale_checkin(at: &At, stale_after: i64, today: NaiveDate) -> Option<Diagnostic> {
    debug_assert_eq!(
        at.kr.stale,
        due_checkin(at.unit, at.kr, stale_after, today, NaiveDate::MAX).is_some(),
        "the figures marked `stale` by the rule"
    );
    if !at.kr.stale {
        return None;
    }
    let last = due_checkin(at.unit, at.kr, stale_after, today, NaiveDate::MAX)?;
    let message = match last {
        None => format!("key result `{}` has no check-ins yet", at.name()),
        Some(date) => format!(
            "the last check-in of `{}` was {} days ago, on {}",
            at.name(),
            days_between(date, today),
            format_date(date)
        ),
    };
    Some(at.lint(
        Code::StaleCheckin,
        at.kr.origin.span,
        message,
        "weekly check-ins are the heartbeat of OKRs: add one with `okrc checkin`",
    ))
}

/// Does a title start with a milestone's box, `[ ]` or `[x]`?
fn is_boxed(title: &str) -> bool {
    let title = title.trim_start();
    ["[ ]", "[x]", "[X]"].iter().any(|b| title.starts_with(b))
}

/// The `duplicate-checkin` rule: every check-in dated like an earlier one
/// of the same key result, with how many came before it on that date.
fn duplicate_checkins(kr: &KeyResult) -> Vec<(&Checkin, usize)> {
    let checkins = &kr.checkins;
    // Check-ins are mostly written in date order, and then no two share a
    // date: no map for each of a large workspace's 90,000 key results.
    if checkins.windows(2).all(|pair| pair[0].date < pair[1].date) {
        return Vec::new();
    }
    let mut found = Vec::new();
    let mut seen: std::collections::HashMap<NaiveDate, usize> = std::collections::HashMap::new();
    for checkin in checkins {
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
        .filter_map(|c| Some((c, c.value()?)))
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
/// all ask here. Of the check-ins, those dated by `counted` count (every
/// one: [`NaiveDate::MAX`]; the week-ago figures: those made by then).
pub fn due_checkin(
    unit: &Unit,
    kr: &KeyResult,
    stale_after: i64,
    today: NaiveDate,
    counted: NaiveDate,
) -> Option<Option<NaiveDate>> {
    let period = unit.period.as_ref()?;
    let running = period.contains_date(today) && days_between(period.start, today) > stale_after;
    let tracked = matches!(kr.kind, KeyResultType::Metric | KeyResultType::Milestone);
    if !running || !tracked || unit.draft || is_complete(kr.progress) {
        return None;
    }
    match latest_until(kr, counted, |_| true).map(|c| c.date) {
        None => Some(None),
        Some(date) if days_between(date, today) > stale_after => Some(Some(date)),
        Some(_) => None,
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Coverage {
    Whole,
    KeyResult(usize),
}

/// For each objective of each unit, what objectives of its child units align
/// to: the objective as a whole, or some of its key results.
pub(super) fn coverage(units: &[Unit]) -> Vec<Vec<Vec<Coverage>>> {
    let mut covered: Vec<Vec<Vec<Coverage>>> = units
        .iter()
        .map(|u| vec![Vec::new(); u.objectives.len()])
        .collect();
    for unit in units {
        let Some(parent) = unit.parent_index else {
            continue;
        };
        cover(unit, parent, &mut covered[parent]);
    }
    covered
}

/// Adds what `child`'s objectives align to in its `parent` to what the
/// parent's objectives have `covered`.
fn cover(child: &Unit, parent: usize, covered: &mut [Vec<Coverage>]) {
    for objective in &child.objectives {
        for target in objective.origin.alignments.iter().filter_map(|a| a.target) {
            if target.unit == parent {
                covered[target.objective].push(match target.key_result {
                    Some(k) => Coverage::KeyResult(k),
                    None => Coverage::Whole,
                });
            }
        }
    }
}

#[cfg(test)]
mod tests;

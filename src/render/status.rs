//! `okrc status`: the weekly check-in in a terminal. Units as a tree by
//! their resolved parent; under each, its objectives and key results with a
//! progress bar, percentage, pace and confidence, fitted to a width.
//!
//! It reads the same [`Model`] as the JSON output and the site.

use std::collections::HashSet;
use std::fmt::Write as _;

use anstyle::Style;

use super::terminal::{BOLD, DIM, colour_style, number, pace_style, pace_words, paint, standing};
use crate::analyse::progress::score_colour;
mod layout;

use crate::diagnostic::{Code, Tally};
use crate::model::{
    Colour, ConfidenceLevel, KeyResult, Model, Objective, ObjectiveKind, Pace, Unit,
};
use crate::period::{Period, days_between, format_date};
use crate::render::count;
use crate::source::{FilePath, Span};
use layout::{Columns, wrap};

/// What to show.
#[derive(Debug, Clone)]
pub struct StatusOptions {
    /// Units whose period contains this one are shown.
    pub period: Period,
    /// Only this unit (an index into `Model::units`) and the units below it.
    pub unit: Option<usize>,
    /// Only what is off-track, at-risk, missed or stale.
    pub attention: bool,
    /// Terminal cells per line.
    pub width: usize,
}

/// The period to show by default: the current one, as the site's overview
/// shows it.
pub fn default_period(model: &Model) -> Option<&Period> {
    crate::period::current_period(&model.periods, model.today)
}

/// The units `status` shows for `period`: those whose period contains it.
pub fn units_in(model: &Model, period: &Period) -> Vec<usize> {
    (0..model.units.len())
        .filter(|&u| {
            model.units[u]
                .period
                .as_ref()
                .is_some_and(|p| p.contains(period))
        })
        .collect()
}

/// Renders the status view, with ANSI styles.
pub fn render(model: &Model, options: &StatusOptions) -> String {
    let view = View::new(model, options);
    let mut out = String::new();
    view.header(&mut out);
    let roots = view.roots();
    let mut body = String::new();
    for (i, &root) in roots.iter().enumerate() {
        if i > 0 {
            body.push('\n');
        }
        view.unit(&mut body, root, "", "");
    }
    if body.is_empty() {
        let nothing = if options.attention {
            "Nothing needs attention: no key result is at-risk, off-track, missed or stale."
        } else {
            "No OKRs for this period yet."
        };
        let _ = writeln!(out, "{}", paint(DIM, nothing));
    } else {
        out.push_str(&body);
    }
    view.footer(&mut out);
    out
}

struct View<'m> {
    model: &'m Model,
    options: &'m StatusOptions,
    /// Units in scope: in the period and under `--unit`, in model order.
    shown: Vec<usize>,
    /// For each unit of the model: is it in `shown`?
    is_shown: Vec<bool>,
    /// For each unit of the model, the shown units whose parent it is.
    children: Vec<Vec<usize>>,
    /// For each unit of the model: shown, with something to show in it or
    /// below it (everything, unless `--attention`).
    has_content: Vec<bool>,
    stale: HashSet<(FilePath, Span)>,
    columns: Columns,
}

impl<'m> View<'m> {
    fn new(model: &'m Model, options: &'m StatusOptions) -> Self {
        let mut shown = units_in(model, &options.period);
        if let Some(top) = options.unit {
            shown.retain(|&u| {
                u == top || crate::resolve::ancestors(&model.units, u).any(|a| a == top)
            });
        }
        let mut is_shown = vec![false; model.units.len()];
        for &u in &shown {
            is_shown[u] = true;
        }
        let mut children = vec![Vec::new(); model.units.len()];
        for &u in &shown {
            if let Some(parent) = model.units[u].parent_index.filter(|&p| is_shown[p]) {
                children[parent].push(u);
            }
        }
        let stale: HashSet<(FilePath, Span)> = model
            .diagnostics
            .iter()
            .filter(|d| d.code == Code::StaleCheckin)
            .map(|d| (d.file.clone(), d.span))
            .collect();
        let any_stale = shown.iter().any(|&u| {
            let unit = &model.units[u];
            key_results(unit).any(|kr| stale.contains(&(unit.file.clone(), kr.origin.span)))
        });
        let mut view = View {
            model,
            options,
            shown,
            is_shown: is_shown.clone(),
            children,
            has_content: vec![false; model.units.len()],
            stale,
            columns: Columns::new(options.width, any_stale),
        };
        // A unit with something to show makes its shown ancestors worth
        // showing too, as the path to it.
        for i in 0..view.shown.len() {
            let u = view.shown[i];
            let unit = &model.units[u];
            let own = !options.attention
                || unit
                    .objectives
                    .iter()
                    .any(|o| view.objective_shown(unit, o));
            let mut at = Some(u).filter(|_| own);
            while let Some(v) = at.filter(|&v| is_shown[v] && !view.has_content[v]) {
                view.has_content[v] = true;
                at = model.units[v].parent_index;
            }
        }
        view
    }

    fn is_stale(&self, unit: &Unit, kr: &KeyResult) -> bool {
        self.stale.contains(&(unit.file.clone(), kr.origin.span))
    }

    fn kr_needs_attention(&self, unit: &Unit, kr: &KeyResult) -> bool {
        matches!(kr.pace, Some(Pace::AtRisk | Pace::OffTrack | Pace::Missed))
            || matches!(
                kr.confidence,
                Some(ConfidenceLevel::AtRisk | ConfidenceLevel::OffTrack)
            )
            || self.is_stale(unit, kr)
    }

    fn objective_shown(&self, unit: &Unit, objective: &Objective) -> bool {
        !self.options.attention
            || matches!(
                objective.pace,
                Some(Pace::AtRisk | Pace::OffTrack | Pace::Missed)
            )
            || objective
                .key_results
                .iter()
                .any(|kr| self.kr_needs_attention(unit, kr))
    }

    /// Shown units whose parent is not shown, in model order.
    fn roots(&self) -> Vec<usize> {
        self.shown
            .iter()
            .copied()
            .filter(|&u| {
                self.model.units[u]
                    .parent_index
                    .is_none_or(|p| !self.is_shown[p])
            })
            .filter(|&u| self.has_content[u])
            .collect()
    }

    fn children(&self, unit: usize) -> Vec<usize> {
        self.children[unit]
            .iter()
            .copied()
            .filter(|&u| self.has_content[u])
            .collect()
    }

    fn header(&self, out: &mut String) {
        let model = self.model;
        let period = &self.options.period;
        let today = model.today;
        let when = if today < period.start {
            format!(
                "starts\u{a0}in\u{a0}{}\u{a0}days",
                days_between(today, period.start)
            )
        } else if today > period.end {
            format!("ended\u{a0}{}", format_date(period.end))
        } else {
            format!(
                "day\u{a0}{}\u{a0}of\u{a0}{}",
                days_between(period.start, today) + 1,
                period.days()
            )
        };
        // a no-break space keeps words together when the line wraps; it becomes a space.
        let title = format!(
            "{} · {} ({}\u{a0}to\u{a0}{}) · today\u{a0}{},\u{a0}{when}",
            paint(BOLD, &crate::render::printable(&model.title)),
            paint(BOLD, &crate::render::printable(&period.name)),
            format_date(period.start),
            format_date(period.end),
            format_date(today),
        );
        let _ = writeln!(out, "{}", wrap(&title, self.options.width));
        let mut paces = [0usize; Pace::ALL.len()];
        let mut total = 0;
        let mut stale = 0;
        let mut attention = 0;
        for &u in &self.shown {
            let unit = &model.units[u];
            for kr in key_results(unit) {
                total += 1;
                // `pending` counts as on track in every summary.
                if let Some(pace) = kr
                    .pace
                    .map(|p| if p == Pace::Pending { Pace::OnTrack } else { p })
                {
                    paces[pace as usize] += 1;
                }
                stale += usize::from(self.is_stale(unit, kr));
                attention += usize::from(self.kr_needs_attention(unit, kr));
            }
        }
        let mut parts = Vec::new();
        for pace in [
            Pace::Done,
            Pace::OnTrack,
            Pace::AtRisk,
            Pace::OffTrack,
            Pace::Missed,
            Pace::NotStarted,
        ] {
            let n = paces[pace as usize];
            if n > 0 {
                parts.push(paint(
                    pace_style(Some(pace)),
                    &format!("{n}\u{a0}{}", pace.as_str()),
                ));
            }
        }
        if stale > 0 {
            parts.push(paint(
                pace_style(Some(Pace::AtRisk)),
                &format!("{stale}\u{a0}stale"),
            ));
        }
        let summary = if parts.is_empty() {
            String::new()
        } else {
            format!(": {}", parts.join(", "))
        };
        let shown = if self.options.attention {
            format!("; showing the {attention} that need\u{a0}attention")
        } else {
            String::new()
        };
        let counts = format!(
            "{}{summary}{shown}",
            count(total, "key result").replace(' ', "\u{a0}")
        );
        let _ = writeln!(out, "{}\n", wrap(&counts, self.options.width));
    }

    fn footer(&self, out: &mut String) {
        let tally = Tally::of(&self.model.diagnostics);
        if tally.errors + tally.warnings == 0 {
            return;
        }
        let found = match (tally.errors, tally.warnings) {
            (0, w) => count(w, "warning"),
            (e, 0) => count(e, "error"),
            (e, w) => format!("{} and {}", count(e, "error"), count(w, "warning")),
        };
        let them = if tally.errors + tally.warnings == 1 {
            "it"
        } else {
            "them"
        };
        let text = format!("{found} in the workspace: `okrc\u{a0}check` explains {them}.");
        let _ = writeln!(out, "\n{}", paint(DIM, &wrap(&text, self.options.width)));
    }

    /// A unit's line, its objectives and key results, then its children.
    /// `lead` starts the unit's own line; `rest` starts every line below it.
    fn unit(&self, out: &mut String, u: usize, lead: &str, rest: &str) {
        let unit = &self.model.units[u];
        let children = self.children(u);
        // What tells the unit apart besides its name, dimmed after it.
        let mut tags = Vec::new();
        if unit.name != unit.id {
            tags.push(unit.id.as_str());
        }
        let period = unit.period.as_ref().map(|p| p.name.as_str());
        if period != Some(self.options.period.name.as_str()) {
            tags.extend(period);
        }
        if unit.draft {
            tags.push("draft");
        }
        let suffix = (!tags.is_empty()).then(|| format!("({})", tags.join(", ")));
        let left = self
            .columns
            .left(lead, ("", BOLD), &unit.name, suffix.as_deref());
        let ended = unit
            .period
            .as_ref()
            .is_some_and(|p| p.has_ended(self.model.today));
        let right = self.columns.right(
            unit.progress,
            None,
            unit.score
                .filter(|_| ended)
                .map(|score| score_label(score, score_colour(score, ObjectiveKind::Aspirational))),
            None,
            false,
            !unit.objectives.is_empty(),
        );
        let _ = writeln!(out, "{left}{right}");
        let stem = if children.is_empty() { "  " } else { "│ " };
        for objective in &unit.objectives {
            if !self.objective_shown(unit, objective) {
                continue;
            }
            let lead = format!("{rest}{stem}");
            let left = self
                .columns
                .left(&lead, (&objective.id, BOLD), &objective.title, None);
            // An ended period shows the grades; a running one the pace.
            let label = match (objective.score, objective.colour) {
                (Some(score), Some(colour)) if ended => score_label(score, colour),
                _ => pace_label(objective.pace, None),
            };
            let right = self.columns.right(
                objective.progress,
                objective.pace,
                Some(label),
                None,
                false,
                true,
            );
            let _ = writeln!(out, "{left}{right}");
            for kr in &objective.key_results {
                if self.options.attention && !self.kr_needs_attention(unit, kr) {
                    continue;
                }
                let lead = format!("{rest}{stem}  ");
                let value = standing(kr);
                let left =
                    self.columns
                        .left(&lead, (&kr.id, Style::new()), &kr.title, value.as_deref());
                let label = match kr.score {
                    Some(score) if ended => score_label(score, score_colour(score, objective.kind)),
                    _ => pace_label(kr.pace, kr.by),
                };
                let right = self.columns.right(
                    kr.progress,
                    kr.pace,
                    Some(label),
                    kr.confidence,
                    self.is_stale(unit, kr),
                    true,
                );
                let _ = writeln!(out, "{left}{right}");
            }
        }
        for (i, &child) in children.iter().enumerate() {
            let last = i + 1 == children.len();
            let (branch, below) = if last {
                ("└ ", "  ")
            } else {
                ("├ ", "│ ")
            };
            self.unit(
                out,
                child,
                &format!("{rest}{branch}"),
                &format!("{rest}{below}"),
            );
        }
    }
}

/// The pace column's text for a pace: its name, a pending milestone's date.
fn pace_label(pace: Option<Pace>, by: Option<chrono::NaiveDate>) -> (String, Style) {
    match pace {
        Some(pace) => (pace_words(pace, by), pace_style(Some(pace))),
        None => (String::new(), Style::new()),
    }
}

/// The pace column's text for a grade of an ended period: `score 0.9`, in
/// the score's colour.
fn score_label(score: f64, colour: Colour) -> (String, Style) {
    (format!("score {}", number(score)), colour_style(colour))
}

fn key_results(unit: &Unit) -> impl Iterator<Item = &KeyResult> {
    unit.objectives.iter().flat_map(|o| o.key_results.iter())
}

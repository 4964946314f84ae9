//! `okrc status`: the weekly check-in in a terminal. Units as a tree by
//! their resolved parent; under each, its objectives and key results with a
//! progress bar, percentage, pace and confidence, fitted to a width.
//!
//! It reads the same [`Model`] as the JSON output and the site.

use std::fmt::Write as _;

use anstyle::Style;

use super::terminal::{BOLD, DIM, colour_style, pace_style, pace_words, paint, standing};
use crate::analyse::progress::{PaceCounts, score_colour};
mod layout;

use crate::analyse::attention::{self, needs_attention};
use crate::diagnostic::Tally;
use crate::model::{Colour, KeyResult, Model, Objective, ObjectiveKind, Pace, Unit};
use crate::people::same_person;
use crate::period::{Period, days_between, format_date};
use crate::render::count;
use layout::{Columns, wrap};

/// What to show.
#[derive(Debug, Clone)]
pub struct StatusOptions {
    /// Units whose period contains this one are shown.
    pub period: Period,
    /// Only this unit (an index into `Model::units`) and the units below it.
    pub unit: Option<usize>,
    /// Only what needs attention (README "How progress is computed"), as one list in its order.
    pub attention: bool,
    /// Only what this person owns, at any level (key result, objective or
    /// unit), compared case-insensitively.
    pub owner: Option<String>,
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
    let mut body = String::new();
    if options.attention {
        view.attention_list(&mut body);
    } else {
        for (i, &root) in view.roots().iter().enumerate() {
            if i > 0 {
                body.push('\n');
            }
            view.unit(&mut body, root, "", "");
        }
    }
    if body.is_empty() {
        let nothing = match (options.attention, &options.owner) {
            (true, _) => {
                "Nothing needs attention: no key result is at-risk, off-track, missed or stale."
            }
            (false, Some(_)) => "Nothing of theirs in this period.",
            (false, None) => "No OKRs for this period yet.",
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
        let any_stale = shown
            .iter()
            .any(|&u| key_results(&model.units[u]).any(|kr| kr.stale));
        let mut view = View {
            model,
            options,
            shown,
            is_shown: is_shown.clone(),
            children,
            has_content: vec![false; model.units.len()],
            columns: Columns::new(options.width, any_stale),
        };
        // A unit with something to show makes its shown ancestors worth
        // showing too, as the path to it.
        for i in 0..view.shown.len() {
            let u = view.shown[i];
            let unit = &model.units[u];
            let own = unit
                .objectives
                .iter()
                .any(|o| view.objective_shown(unit, o))
                || (unit.objectives.is_empty() && view.owned(unit, None, None));
            let mut at = Some(u).filter(|_| own);
            while let Some(v) = at.filter(|&v| is_shown[v] && !view.has_content[v]) {
                view.has_content[v] = true;
                at = model.units[v].parent_index;
            }
        }
        view
    }

    /// Does `--owner` (if given) own the unit, the objective or the key
    /// result, as far as they are given?
    fn owned(&self, unit: &Unit, objective: Option<&Objective>, kr: Option<&KeyResult>) -> bool {
        let Some(owner) = &self.options.owner else {
            return true;
        };
        let owners = unit
            .owners
            .iter()
            .chain(objective.into_iter().flat_map(|o| &o.owners))
            .chain(kr.into_iter().flat_map(|k| &k.owners));
        owners.into_iter().any(|name| same_person(name, owner))
    }

    fn kr_shown(&self, unit: &Unit, objective: &Objective, kr: &KeyResult) -> bool {
        self.owned(unit, Some(objective), Some(kr))
            && (!self.options.attention || (!unit.draft && !attention::reasons(kr).is_empty()))
    }

    fn objective_shown(&self, unit: &Unit, objective: &Objective) -> bool {
        objective
            .key_results
            .iter()
            .any(|kr| self.kr_shown(unit, objective, kr))
            || (!self.options.attention
                && objective.key_results.is_empty()
                && self.owned(unit, Some(objective), None))
    }

    /// One key result's line: its id and title with where it stands, then the bar,
    /// percentage, `label` (pace, due date or score), confidence and stale flag.
    fn key_result_row(
        &self,
        out: &mut String,
        lead: &str,
        id: (&str, Style),
        kr: &KeyResult,
        label: (String, Style),
    ) {
        let value = standing(kr);
        let left = self.columns.left(lead, id, &kr.title, value.as_deref());
        let right = self.columns.right(
            kr.progress,
            kr.pace,
            Some(label),
            kr.confidence,
            kr.stale,
            true,
        );
        let _ = writeln!(out, "{left}{right}");
    }

    /// `--attention`: the key results that need it, in the one order of
    /// README "How progress is computed", each under its unit's name and objective.
    fn attention_list(&self, out: &mut String) {
        let units = &self.model.units;
        for item in needs_attention(units, &self.shown) {
            let unit = &units[item.unit];
            let objective = &unit.objectives[item.objective];
            let kr = &objective.key_results[item.key_result];
            if !self.owned(unit, Some(objective), Some(kr)) {
                continue;
            }
            let id = format!("{} {}.{}", unit.id, objective.id, kr.id);
            self.key_result_row(out, "", (&id, BOLD), kr, pace_label(kr.pace, kr.by));
        }
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
        let mut paces = PaceCounts::default();
        let mut total = 0;
        let mut stale = 0;
        let mut attention = 0;
        for &u in &self.shown {
            let unit = &model.units[u];
            for kr in key_results(unit) {
                total += 1;
                paces.add(kr.pace);
                stale += usize::from(kr.stale);
                attention += usize::from(!unit.draft && !attention::reasons(kr).is_empty());
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
            let n = paces.of(pace);
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
        let _ = writeln!(out, "{}", wrap(&counts, self.options.width));
        // Pace and confidence use the same words; the key says which column is which,
        // so a confidence never reads as a pace.
        let key = if self.columns.shows_confidence() {
            "Columns: progress, pace (or the due date; the score once ended), confidence"
        } else {
            "Columns: progress, pace (or the due date; the score once ended)"
        };
        let _ = writeln!(out, "{}\n", paint(DIM, &wrap(key, self.options.width)));
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
                if !self.kr_shown(unit, objective, kr) {
                    continue;
                }
                let lead = format!("{rest}{stem}  ");
                let label = match kr.score {
                    Some(score) if ended => score_label(score, score_colour(score, objective.kind)),
                    _ => pace_label(kr.pace, kr.by),
                };
                self.key_result_row(out, &lead, (&kr.id, Style::new()), kr, label);
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
    let score = crate::number::number(score, crate::number::NumberStyle::English);
    (format!("score {score}"), colour_style(colour))
}

fn key_results(unit: &Unit) -> impl Iterator<Item = &KeyResult> {
    unit.objectives.iter().flat_map(|o| o.key_results.iter())
}

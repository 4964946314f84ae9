//! `okrc report`: the weekly check-in digest (README "How progress is computed": changes
//! over a window; "okrc check": the command line). Per unit in tree order,
//! the key results that moved in the window; then what needs attention;
//! then who owes a check-in. As Markdown that reads well pasted into a
//! chat, an issue or `$GITHUB_STEP_SUMMARY`, or as JSON with the same
//! content for bots.
//!
//! Nothing is computed here: the changes, the "then" figures and the
//! attention list come from `analyse`, the owners from the model.

use std::fmt::Write as _;

use serde_json::{Value, json};

use super::terminal::{pace_words, percent, quantity};
use crate::analyse::attention::{Attention, needs_attention};
use crate::analyse::changes::{Change, Standing, UnitStandings, Window, changes};
use crate::diagnostic::Tally;
use crate::model::{Checkin, KeyResult, KeyResultType, Model, Objective, Pace, Unit};
use crate::people::{distinct, same_person};
use crate::period::{Period, format_date};
use crate::site::paths::SitePaths;

/// What a report covers.
#[derive(Debug, Clone)]
pub struct ReportOptions {
    /// The units whose period contains this one are reported.
    pub period: Period,
    pub window: Window,
    /// Where the site is published (ending in `/`), to link to its pages.
    pub base_url: Option<String>,
}

/// Owners who owe check-ins in one unit.
#[derive(Debug, Clone, PartialEq)]
pub struct Due {
    pub unit: usize,
    /// The key results due a check-in, as (objective, key result).
    pub key_results: Vec<(usize, usize)>,
    /// Everyone who answers for them, in the order first met.
    pub owners: Vec<String>,
}

/// The digest, ready to be written as Markdown or JSON.
pub struct Report<'m> {
    model: &'m Model,
    options: &'m ReportOptions,
    paths: SitePaths,
    /// The reported units in tree order.
    units: Vec<usize>,
    moved: Vec<Change>,
    attention: Vec<Attention>,
    due: Vec<Due>,
}

impl<'m> Report<'m> {
    /// The report of `units` (as `crate::render::status::units_in` selects
    /// them) of `model`; `then` is where the model's key results stood on
    /// `options.window.since` (`analyse::changes::standings_as_of`).
    pub fn new(
        model: &'m Model,
        then: &[UnitStandings],
        units: &[usize],
        options: &'m ReportOptions,
    ) -> Report<'m> {
        let units = crate::resolve::tree_order(&model.units, units);
        let moved = changes(&model.units, then, &units, options.window);
        let attention = needs_attention(&model.units, &units);
        let due = units
            .iter()
            .filter_map(|&u| due_checkins(&model.units[u], u))
            .collect();
        Report {
            model,
            options,
            paths: SitePaths::new(model),
            units,
            moved,
            attention,
            due,
        }
    }

    fn unit(&self, u: usize) -> &Unit {
        &self.model.units[u]
    }

    fn okr(&self, u: usize, o: usize, k: usize) -> (&Unit, &Objective, &KeyResult) {
        let unit = self.unit(u);
        let objective = &unit.objectives[o];
        (unit, objective, &objective.key_results[k])
    }

    /// The address of a unit's page on the published site.
    fn unit_url(&self, u: usize) -> Option<String> {
        let base = self.options.base_url.as_deref()?;
        Some(format!("{base}{}", self.paths.unit(u)?))
    }

    /// The address of the period's changes page on the published site.
    fn changes_url(&self) -> Option<String> {
        let base = self.options.base_url.as_deref()?;
        let page = self.paths.changes(&self.options.period.name)?;
        Some(format!("{base}{page}"))
    }

    /// The digest as Markdown.
    pub fn markdown(&self) -> String {
        let mut out = String::new();
        let window = self.options.window;
        let _ = writeln!(
            out,
            "## OKR check-in: {} · {} to {}\n",
            text(&self.options.period.name),
            format_date(window.since),
            format_date(window.today)
        );
        let tally = Tally::of(&self.model.diagnostics);
        if tally.errors > 0 {
            let _ = writeln!(
                out,
                "> **{}** in the workspace: the units that could be read are reported below; `okrc check` explains {}.\n",
                count(tally.errors, "error"),
                if tally.errors == 1 { "it" } else { "them" }
            );
        }
        let _ = writeln!(
            out,
            "{} moved since {}, {} {} attention, {} {} a check-in.",
            count(self.moved.len(), "key result"),
            format_date(window.since),
            self.attention.len(),
            if self.attention.len() == 1 {
                "needs"
            } else {
                "need"
            },
            count(self.due.len(), "unit"),
            if self.due.len() == 1 { "owes" } else { "owe" },
        );
        if let Some(url) = self.changes_url() {
            let _ = writeln!(out, "\n[The changes page]({url})");
        }
        self.markdown_moved(&mut out);
        self.markdown_attention(&mut out);
        self.markdown_due(&mut out);
        out
    }

    fn unit_heading(&self, u: usize) -> String {
        let unit = self.unit(u);
        let name = text(&unit.name);
        match self.unit_url(u) {
            Some(url) => format!("[{name}]({url})"),
            None => name,
        }
    }

    fn markdown_moved(&self, out: &mut String) {
        let _ = writeln!(out, "\n### What moved");
        if self.moved.is_empty() {
            let _ = writeln!(out, "\nNothing moved in the window.");
            return;
        }
        for &u in &self.units {
            let moved: Vec<&Change> = self.moved.iter().filter(|c| c.unit == u).collect();
            if moved.is_empty() {
                continue;
            }
            let _ = writeln!(out, "\n**{}**\n", self.unit_heading(u));
            let _ = writeln!(out, "| Key result | Value | Progress | Confidence | Pace |");
            let _ = writeln!(out, "| --- | --- | --- | --- | --- |");
            for change in &moved {
                let (_, objective, kr) = self.okr(u, change.objective, change.key_result);
                let _ = writeln!(
                    out,
                    "| {} {} | {} | {} | {} | {} |",
                    code(&format!("{}.{}", objective.id, kr.id)),
                    text(&kr.title),
                    value_cell(kr, &change.then, &change.now),
                    arrow(percent(change.then.progress), percent(change.now.progress)),
                    arrow(
                        level(change.then.confidence.map(|c| c.as_str())),
                        level(change.now.confidence.map(|c| c.as_str()))
                    ),
                    arrow(pace(change.then.pace, kr), pace(change.now.pace, kr)),
                );
            }
            let notes: Vec<String> = moved
                .iter()
                .flat_map(|change| {
                    let (_, objective, kr) = self.okr(u, change.objective, change.key_result);
                    change.checkins.iter().filter_map(move |&c| {
                        let checkin = &kr.checkins[c];
                        let note = checkin.note.as_deref()?.trim();
                        (!note.is_empty()).then(|| {
                            format!(
                                "- {} {}: {}",
                                format_date(checkin.date),
                                code(&format!("{}.{}", objective.id, kr.id)),
                                text(note)
                            )
                        })
                    })
                })
                .collect();
            if !notes.is_empty() {
                let _ = writeln!(out, "\n{}", notes.join("\n"));
            }
        }
    }

    fn markdown_attention(&self, out: &mut String) {
        let _ = writeln!(out, "\n### Needs attention\n");
        if self.attention.is_empty() {
            let _ = writeln!(
                out,
                "Nothing: no key result is missed, off-track, at-risk or due a check-in."
            );
            return;
        }
        let _ = writeln!(out, "| Key result | Unit | Why | Owners |");
        let _ = writeln!(out, "| --- | --- | --- | --- |");
        for item in &self.attention {
            let (unit, objective, kr) = self.okr(item.unit, item.objective, item.key_result);
            let why: Vec<&str> = item.reasons.iter().map(|r| r.words()).collect();
            let owners: Vec<String> = distinct(kr.owners_in(objective, unit))
                .into_iter()
                .map(text)
                .collect();
            let _ = writeln!(
                out,
                "| {} {} | {} | {} | {} |",
                code(&format!("{}.{}", objective.id, kr.id)),
                text(&kr.title),
                self.unit_heading(item.unit),
                why.join(", "),
                owners.join(", ")
            );
        }
    }

    fn markdown_due(&self, out: &mut String) {
        let _ = writeln!(out, "\n### Check-ins due\n");
        if self.due.is_empty() {
            let _ = writeln!(out, "Everyone is up to date.");
            return;
        }
        for due in &self.due {
            let unit = self.unit(due.unit);
            let owners = if due.owners.is_empty() {
                "no owner named".to_string()
            } else {
                due.owners
                    .iter()
                    .map(|o| text(o))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            let krs: Vec<String> = due
                .key_results
                .iter()
                .map(|&(o, k)| {
                    let objective = &unit.objectives[o];
                    code(&format!("{}.{}", objective.id, objective.key_results[k].id))
                })
                .collect();
            let _ = writeln!(
                out,
                "- **{}**: {} ({})",
                self.unit_heading(due.unit),
                owners,
                krs.join(", ")
            );
        }
    }

    /// The digest as JSON: the same content, for bots.
    pub fn json(&self) -> Value {
        let window = self.options.window;
        let tally = Tally::of(&self.model.diagnostics);
        let units: Vec<Value> = self
            .units
            .iter()
            .filter_map(|&u| {
                let moved: Vec<Value> = self
                    .moved
                    .iter()
                    .filter(|c| c.unit == u)
                    .map(|c| self.change_json(c))
                    .collect();
                (!moved.is_empty()).then(|| {
                    let unit = self.unit(u);
                    json!({
                        "id": unit.id,
                        "name": unit.name,
                        "period": unit.period.as_ref().map(|p| p.name.as_str()),
                        "url": self.unit_url(u),
                        "moved": moved,
                    })
                })
            })
            .collect();
        let attention: Vec<Value> = self
            .attention
            .iter()
            .map(|item| {
                let (unit, objective, kr) = self.okr(item.unit, item.objective, item.key_result);
                json!({
                    "unit": unit.id,
                    "period": unit.period.as_ref().map(|p| p.name.as_str()),
                    "objective": objective.id,
                    "key_result": kr.id,
                    "title": kr.title,
                    "reasons": item.reasons.iter().map(|r| {
                        let (kind, value) = r.kind_and_value();
                        json!({ "kind": kind, "value": value })
                    }).collect::<Vec<_>>(),
                    "pace": kr.pace,
                    "confidence": kr.confidence,
                    "progress": plain(kr.progress),
                    "expected": plain(kr.expected),
                    "owners": distinct(kr.owners_in(objective, unit)),
                    "url": self.unit_url(item.unit),
                })
            })
            .collect();
        let due: Vec<Value> = self
            .due
            .iter()
            .map(|due| {
                let unit = self.unit(due.unit);
                json!({
                    "unit": unit.id,
                    "name": unit.name,
                    "period": unit.period.as_ref().map(|p| p.name.as_str()),
                    "owners": due.owners,
                    "key_results": due.key_results.iter().map(|&(o, k)| {
                        let objective = &unit.objectives[o];
                        let kr = &objective.key_results[k];
                        json!({
                            "objective": objective.id,
                            "key_result": kr.id,
                            "title": kr.title,
                            "owners": distinct(kr.owners_in(objective, unit)),
                            "last_checkin": crate::analyse::latest_checkin(&kr.checkins)
                                .map(|c| format_date(c.date)),
                        })
                    }).collect::<Vec<_>>(),
                    "url": self.unit_url(due.unit),
                })
            })
            .collect();
        json!({
            "version": crate::model::JSON_VERSION,
            "period": self.options.period.name,
            "since": format_date(window.since),
            "today": format_date(window.today),
            "errors": tally.errors,
            "warnings": tally.warnings,
            "changes_url": self.changes_url(),
            "units": units,
            "attention": attention,
            "due": due,
        })
    }

    fn change_json(&self, change: &Change) -> Value {
        let (unit, objective, kr) = self.okr(change.unit, change.objective, change.key_result);
        let side = |s: &Standing| {
            json!({
                "value": s.value.map(plain),
                "done": s.done,
                "progress": plain(s.progress),
                "confidence": s.confidence,
                "pace": s.pace,
            })
        };
        let checkins: Vec<Value> = change
            .checkins
            .iter()
            .map(|&c| checkin_json(&kr.checkins[c]))
            .collect();
        json!({
            "objective": objective.id,
            "key_result": kr.id,
            "title": kr.title,
            "type": kr.kind,
            "unit": kr.unit,
            "owners": distinct(kr.owners_in(objective, unit)),
            "then": side(&change.then),
            "now": side(&change.now),
            "change": change.value_change().map(plain),
            "checkins": checkins,
        })
    }
}

fn checkin_json(checkin: &Checkin) -> Value {
    json!({
        "date": format_date(checkin.date),
        "value": checkin.value().map(plain),
        "done": checkin.done,
        "confidence": checkin.confidence(),
        "note": checkin.note,
    })
}

/// The key results of `unit` due a check-in today, with who answers for
/// them; `None` when there are none.
pub fn due_checkins(unit: &Unit, index: usize) -> Option<Due> {
    let mut due = Due {
        unit: index,
        key_results: Vec::new(),
        owners: Vec::new(),
    };
    for (o, objective) in unit.objectives.iter().enumerate() {
        for (k, kr) in objective.key_results.iter().enumerate() {
            if !kr.stale {
                continue;
            }
            due.key_results.push((o, k));
            for owner in kr.owners_in(objective, unit) {
                if !due.owners.iter().any(|o| same_person(o, owner)) {
                    due.owners.push(owner.clone());
                }
            }
        }
    }
    (!due.key_results.is_empty()).then_some(due)
}

/// A number as the model's JSON writes it: `92`, not `92.0`.
fn plain(value: f64) -> Value {
    serde_json::to_value(crate::model::PlainNumber(value)).unwrap_or(Value::Null)
}

/// A metric's value then → now with the change; a milestone's done state.
fn value_cell(kr: &KeyResult, then: &Standing, now: &Standing) -> String {
    let unit = kr.unit.as_deref();
    match kr.kind {
        KeyResultType::Metric => match (then.value, now.value) {
            (Some(a), Some(b)) if a != b => {
                // A unit written after the number is written once, at the end.
                let prefix = unit.filter(|u| u.chars().count() == 1 && "$€£¥".contains(*u));
                let change = quantity((b - a).abs(), prefix, kr.number_style);
                let sign = if b > a { "+" } else { "−" };
                format!(
                    "{} → {} ({sign}{change})",
                    quantity(a, prefix, kr.number_style),
                    quantity(b, unit, kr.number_style)
                )
            }
            (_, Some(b)) => quantity(b, unit, kr.number_style),
            _ => "–".to_string(),
        },
        KeyResultType::Milestone | KeyResultType::Unmeasurable => {
            let word = |d: Option<bool>| if d == Some(true) { "done" } else { "not done" };
            arrow(word(then.done).to_string(), word(now.done).to_string())
        }
        KeyResultType::Rollup => "–".to_string(),
    }
}

/// `a → b`, or just `b` when they are the same.
fn arrow(then: String, now: String) -> String {
    if then == now {
        now
    } else {
        format!("{then} → {now}")
    }
}

/// A pace as `status` writes it: a pending milestone reads its deadline
/// (`due 15 Jan`).
fn pace(pace: Option<Pace>, kr: &KeyResult) -> String {
    pace.map_or_else(|| level(None), |p| pace_words(p, kr.by))
}

fn level(name: Option<&str>) -> String {
    name.unwrap_or("–").to_string()
}

fn count(n: usize, noun: &str) -> String {
    super::count(n, noun)
}

/// Text from the input, safe in a Markdown table cell or list item: one
/// line, control characters dropped, and the characters that would make
/// markup (a link, emphasis, HTML, a cell border) escaped.
pub fn text(input: &str) -> String {
    let mut out = String::with_capacity(input.len());
    for c in input.chars() {
        match c {
            '\n' | '\r' | '\t' => out.push(' '),
            c if c.is_control() => {}
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\\' | '|' | '*' | '_' | '`' | '[' | ']' => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out.trim().to_string()
}

/// An id as code: `O1.KR2`. Ids cannot hold a backtick that matters here,
/// but one would end the span early, so it is dropped.
fn code(id: &str) -> String {
    let id: String = id
        .chars()
        .filter(|&c| c != '`' && !c.is_control())
        .collect();
    format!("`{}`", id.replace('|', "\\|"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn input_text_cannot_make_markup() {
        assert_eq!(text("a | b"), "a \\| b");
        assert_eq!(text("[x](javascript:1)"), "\\[x\\](javascript:1)");
        assert_eq!(
            text("<b>hi</b>\nnext & more"),
            "&lt;b&gt;hi&lt;/b&gt; next & more"
        );
        assert_eq!(
            text("**bold** _it_ \u{1b}[31m"),
            "\\*\\*bold\\*\\* \\_it\\_ \\[31m"
        );
    }

    #[test]
    fn unchanged_sides_are_written_once() {
        assert_eq!(arrow("on-track".into(), "on-track".into()), "on-track");
        assert_eq!(
            arrow("at-risk".into(), "on-track".into()),
            "at-risk → on-track"
        );
    }
}

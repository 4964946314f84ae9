//! What is under the cursor, and where it leads: hover, go to definition and
//! find references, all read from the linked model (its spans say where each
//! unit, objective, key result and reference was written).

use crate::model::{AlignmentTarget, KeyResult, KeyResultType, Model, Objective, Unit};
use crate::number::quantity;
use crate::period::format_date;
use crate::site::format::{Language, percent};
use crate::source::{FilePath, PackedSpan, Span};

use super::session::Session;

/// A unit, objective or key result of the model, by index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Item {
    Unit(usize),
    Objective(usize, usize),
    KeyResult(usize, usize, usize),
}

impl From<AlignmentTarget> for Item {
    fn from(target: AlignmentTarget) -> Item {
        match target.key_result {
            Some(k) => Item::KeyResult(target.unit, target.objective, k),
            None => Item::Objective(target.unit, target.objective),
        }
    }
}

/// What the cursor is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Found {
    pub item: Item,
    /// The text the cursor is on: the reference, or the item's own key.
    pub span: Span,
    /// A `parent` or `aligns_to` value naming `item`, not `item` itself.
    pub is_reference: bool,
}

fn covers(span: Span, offset: usize) -> bool {
    span.start as usize <= offset && offset <= span.end as usize
}

/// The item at a model offset of a file: a reference names its target.
pub fn item_at(session: &Session, path: &str, offset: usize) -> Option<Found> {
    let u = session.unit_of(path)?;
    let unit = &session.model.units[u];
    let found = |item, span, is_reference| {
        Some(Found {
            item,
            span,
            is_reference,
        })
    };
    if let Some(span) = unit.origin.parent.filter(|&s| covers(s, offset)) {
        return found(Item::Unit(unit.parent_index?), span, true);
    }
    if let Some(span) = unit.origin.id.filter(|&s| covers(s, offset)) {
        return found(Item::Unit(u), span, false);
    }
    for (o, objective) in unit.objectives.iter().enumerate() {
        for alignment in &objective.origin.alignments {
            if covers(alignment.span, offset) {
                return found(alignment.target?.into(), alignment.span, true);
            }
        }
        for (k, key_result) in objective.key_results.iter().enumerate() {
            let origin = &key_result.origin;
            if let Some(span) = origin
                .id
                .map(PackedSpan::get)
                .into_iter()
                .chain([origin.span])
                .find(|&s| covers(s, offset))
            {
                return found(Item::KeyResult(u, o, k), span, false);
            }
        }
        let origin = &objective.origin;
        if let Some(span) = origin
            .id
            .into_iter()
            .chain([origin.span])
            .find(|&s| covers(s, offset))
        {
            return found(Item::Objective(u, o), span, false);
        }
    }
    None
}

/// Where an item is written: its file and the span of its id or title.
pub fn definition(model: &Model, item: Item) -> (FilePath, Span) {
    match item {
        Item::Unit(u) => {
            let unit = &model.units[u];
            (
                unit.file.clone(),
                unit.origin.id.unwrap_or(Span::FILE_START),
            )
        }
        Item::Objective(u, o) => {
            let unit = &model.units[u];
            (unit.file.clone(), unit.objectives[o].origin.span)
        }
        Item::KeyResult(u, o, k) => {
            let unit = &model.units[u];
            (
                unit.file.clone(),
                unit.objectives[o].key_results[k].origin.span,
            )
        }
    }
}

/// Everything that names `item`: the objectives aligned to it (to an
/// objective or any of its key results), or the units whose parent it is.
pub fn references(model: &Model, item: Item) -> Vec<(FilePath, Span)> {
    let mut found = Vec::new();
    for unit in &model.units {
        if let Item::Unit(target) = item {
            if unit.parent_index == Some(target) {
                found.push((unit.file.clone(), unit.origin.parent.unwrap_or_default()));
            }
            continue;
        }
        for objective in &unit.objectives {
            for alignment in &objective.origin.alignments {
                let Some(target) = alignment.target else {
                    continue;
                };
                let names = match item {
                    Item::Objective(tu, to) => target.unit == tu && target.objective == to,
                    Item::KeyResult(tu, to, tk) => {
                        target.unit == tu && target.objective == to && target.key_result == Some(tk)
                    }
                    Item::Unit(_) => false,
                };
                if names {
                    found.push((unit.file.clone(), alignment.span));
                }
            }
        }
    }
    found
}

/// The hover text of an item, in Markdown.
pub fn hover(model: &Model, item: Item) -> String {
    let language = Language::from_code(&model.language);
    match item {
        Item::Unit(u) => {
            let unit = &model.units[u];
            let mut text = format!(
                "**{}** · unit `{}`{}\n\n",
                unit.name,
                unit.id,
                period_of(unit)
            );
            push_owners(&mut text, &unit.owners);
            text.push_str(&format!("progress {}", percent(unit.progress, language)));
            push_file(&mut text, unit);
            text
        }
        Item::Objective(u, o) => {
            let unit = &model.units[u];
            let objective = &unit.objectives[o];
            let mut text = objective_heading(unit, objective);
            let owners = if objective.owners.is_empty() {
                &unit.owners
            } else {
                &objective.owners
            };
            push_owners(&mut text, owners);
            text.push_str(&figures(
                objective.progress,
                objective.expected,
                objective.pace.map(|p| p.as_str()),
                language,
            ));
            push_file(&mut text, unit);
            text
        }
        Item::KeyResult(u, o, k) => {
            let unit = &model.units[u];
            let objective = &unit.objectives[o];
            let key_result = &objective.key_results[k];
            let mut text = format!(
                "**{}.{}** {}\n\n",
                objective.id, key_result.id, key_result.title
            );
            text.push_str(&format!(
                "in {}{}\n\n",
                objective_reference(unit, objective),
                period_of(unit)
            ));
            let owners = if objective.owners.is_empty() {
                &unit.owners
            } else {
                &objective.owners
            };
            push_owners(&mut text, owners);
            if let Some(course) = course(key_result) {
                text.push_str(&course);
                text.push_str("\n\n");
            }
            text.push_str(&figures(
                key_result.progress,
                key_result.expected,
                key_result.pace.map(|p| p.as_str()),
                language,
            ));
            if let Some(confidence) = key_result.confidence {
                text.push_str(&format!(" · confidence {}", confidence.as_str()));
            }
            text.push_str("\n\n");
            text.push_str(&last_checkin(key_result));
            push_file(&mut text, unit);
            text
        }
    }
}

fn period_of(unit: &Unit) -> String {
    unit.period
        .as_ref()
        .map_or_else(String::new, |p| format!(" ({})", p.name))
}

fn objective_reference(unit: &Unit, objective: &Objective) -> String {
    format!("`{}#{}`", unit.id, objective.id)
}

fn objective_heading(unit: &Unit, objective: &Objective) -> String {
    format!(
        "**{}** {}\n\n{} objective of {}{}\n\n",
        objective.id,
        objective.title,
        match objective.kind {
            crate::model::ObjectiveKind::Committed => "committed",
            crate::model::ObjectiveKind::Aspirational => "aspirational",
        },
        objective_reference(unit, objective),
        period_of(unit)
    )
}

fn push_owners(text: &mut String, owners: &[String]) {
    if !owners.is_empty() {
        text.push_str(&format!("owner: {}\n\n", owners.join(", ")));
    }
}

fn push_file(text: &mut String, unit: &Unit) {
    text.push_str(&format!("\n\n`{}`", unit.file));
}

/// `progress 42% · expected 60% · at-risk`.
fn figures(progress: f64, expected: f64, pace: Option<&str>, language: Language) -> String {
    let mut text = format!(
        "progress {} · expected {}",
        percent(progress, language),
        percent(expected, language)
    );
    if let Some(pace) = pace {
        text.push_str(&format!(" · {pace}"));
    }
    text
}

/// A metric's `from → current → to`, a milestone's state.
/// In the key result's number style.
fn course(key_result: &KeyResult) -> Option<String> {
    let unit = key_result.unit.as_deref();
    let by = key_result
        .by
        .map_or_else(String::new, |by| format!(" by {}", format_date(by)));
    match key_result.kind {
        KeyResultType::Metric => {
            let (from, to) = (key_result.from?, key_result.to?);
            let current = key_result.current.unwrap_or(from);
            Some(format!(
                "{} → **{}** → {}{by}",
                quantity(from, unit, key_result.number_style),
                quantity(current, unit, key_result.number_style),
                quantity(to, unit, key_result.number_style)
            ))
        }
        KeyResultType::Milestone => Some(format!(
            "milestone, {}{by}",
            if key_result.done == Some(true) {
                "done"
            } else {
                "not done"
            }
        )),
        KeyResultType::Rollup => Some(format!("roll-up of the objectives aligned to it{by}")),
        KeyResultType::Unmeasurable => {
            Some("unmeasurable: neither a metric nor a milestone".into())
        }
    }
}

fn last_checkin(key_result: &KeyResult) -> String {
    let Some(checkin) = key_result.checkins.iter().max_by_key(|c| c.date) else {
        return "no check-in yet".into();
    };
    let mut text = format!("last check-in {}", format_date(checkin.date));
    if let Some(value) = checkin.value() {
        text.push_str(&format!(
            ": {}",
            quantity(value, key_result.unit.as_deref(), key_result.number_style)
        ));
    }
    if let Some(done) = checkin.done {
        text.push_str(if done { ": done" } else { ": not done" });
    }
    if let Some(confidence) = checkin.confidence() {
        text.push_str(&format!(", {}", confidence.level().as_str()));
    }
    if let Some(note) = &checkin.note {
        text.push_str(&format!(" — {note}"));
    }
    text
}

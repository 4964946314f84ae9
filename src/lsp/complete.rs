//! Completion: the keys of the table the cursor is in (from the same key
//! tables that make the JSON Schema), the units a `parent` can name, and
//! the objectives and key results an `aligns_to` can name — the parent's
//! first, then every other unit's as `unit#O2.KR1` — each with its title,
//! progress and pace.

use lsp_types::{
    CompletionItem, CompletionItemKind, CompletionItemLabelDetails, CompletionList,
    CompletionTextEdit, Documentation, MarkupContent, MarkupKind, TextEdit,
};

use super::context::{Context, Slot, context_at};
use super::navigate::{Item, hover};
use super::session::Session;
use crate::model::{Model, Unit};
use crate::parse::fields::{Shape, TableSpec};
use crate::period::Period;
use crate::resolve::find_unit;
use crate::site::format::{Language, percent};

/// At most this many `unit#…` targets of other units: a big workspace has
/// tens of thousands, and the editor asks again as the person types.
const MAX_OTHER_TARGETS: usize = 500;

/// The completion list at a model offset of a file.
pub fn complete(session: &Session, path: &str, offset: usize) -> Option<CompletionList> {
    let document = session.docs.get(path)?;
    let text = document.model_text();
    let context = context_at(text, offset)?;
    let replace = |start: usize| {
        let range = lsp_types::Range::new(
            document.lines.position(&document.text, start),
            document.lines.position(&document.text, offset),
        );
        move |new_text: String| CompletionTextEdit::Edit(TextEdit::new(range, new_text))
    };
    let Context { table, slot } = context;
    let mut incomplete = false;
    let items = match slot {
        Slot::Key { start } => {
            let typed = &text[start..offset];
            if !typed
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
            {
                return None;
            }
            field_items(table?, replace(start))
        }
        Slot::String { key, start } => {
            let typed = &text[start.min(offset)..offset];
            let edit = replace(start.min(offset));
            let quote = |s: String| s;
            value_items(
                session,
                path,
                text,
                table?,
                &key,
                typed,
                &edit,
                &quote,
                &mut incomplete,
            )
        }
        Slot::Value { key } => {
            let edit = replace(offset);
            let quote = |s: String| format!("\"{s}\"");
            value_items(
                session,
                path,
                text,
                table?,
                &key,
                "",
                &edit,
                &quote,
                &mut incomplete,
            )
        }
    };
    Some(CompletionList {
        is_incomplete: incomplete,
        items,
    })
}

fn field_items(
    table: &'static TableSpec,
    edit: impl Fn(String) -> CompletionTextEdit,
) -> Vec<CompletionItem> {
    table
        .fields
        .iter()
        .map(|field| CompletionItem {
            label: field.name.to_string(),
            kind: Some(CompletionItemKind::FIELD),
            detail: Some(format!("{} key", table.name)),
            documentation: Some(markdown(field.doc.to_string())),
            filter_text: Some(field.name.to_string()),
            text_edit: Some(edit(format!("{} = ", field.name))),
            ..CompletionItem::default()
        })
        .collect()
}

#[allow(clippy::too_many_arguments)]
fn value_items(
    session: &Session,
    path: &str,
    text: &str,
    table: &'static TableSpec,
    key: &str,
    typed: &str,
    edit: &dyn Fn(String) -> CompletionTextEdit,
    quote: &dyn Fn(String) -> String,
    incomplete: &mut bool,
) -> Vec<CompletionItem> {
    let Some((_, field)) = table.field(key) else {
        return Vec::new();
    };
    let enumerated = |values: &[&str]| {
        values
            .iter()
            .map(|value| CompletionItem {
                label: value.to_string(),
                kind: Some(CompletionItemKind::ENUM_MEMBER),
                text_edit: Some(edit(quote(value.to_string()))),
                ..CompletionItem::default()
            })
            .collect()
    };
    match (table.name, key, field.shape) {
        ("unit", "parent", _) => parent_items(session, path, text, edit, quote),
        ("objective", "aligns_to", _) => {
            alignment_items(session, path, text, typed, edit, quote, incomplete)
        }
        (_, _, Shape::Enum(values)) => enumerated(values),
        (_, _, Shape::Confidence) => enumerated(crate::parse::specs::CONFIDENCE_LEVELS),
        _ => Vec::new(),
    }
}

/// Who the file's unit is, as far as it can be read: from the model when
/// the file links, else from its text (completion is asked for while the
/// text is broken).
struct Whoami<'m> {
    id: Option<String>,
    period: Option<Period>,
    parent: Option<usize>,
    model: &'m Model,
}

fn whoami<'m>(session: &'m Session, path: &str, text: &str) -> Whoami<'m> {
    let model = &session.model;
    if let Some(u) = session.unit_of(path) {
        let unit = &model.units[u];
        return Whoami {
            id: Some(unit.id.clone()),
            period: unit.period.clone(),
            parent: unit.parent_index,
            model,
        };
    }
    // The TOML reader keeps what it read before a syntax error.
    let front = text.split_once('\n').map_or("", |(_, rest)| rest);
    let front = front.split("\n+++").next().unwrap_or(front);
    let document = crate::parse::toml::parse(front);
    let root = document.root();
    let field = |key: &str| root.get(key).and_then(|v| v.as_str()).map(str::to_string);
    let period = session.period_named(field("period").as_deref());
    let parent = match (field("parent"), &period) {
        (Some(parent), Some(period)) => find_unit(&model.units, &parent, period),
        _ => None,
    };
    Whoami {
        id: field("id"),
        period,
        parent,
        model,
    }
}

impl Whoami<'_> {
    /// Can this unit name `unit` in a reference?
    fn can_name(&self, u: usize) -> bool {
        let unit = &self.model.units[u];
        if self.id.as_deref() == Some(unit.id.as_str()) {
            return false;
        }
        match &self.period {
            Some(period) => find_unit(&self.model.units, &unit.id, period) == Some(u),
            None => true,
        }
    }
}

fn parent_items(
    session: &Session,
    path: &str,
    text: &str,
    edit: &dyn Fn(String) -> CompletionTextEdit,
    quote: &dyn Fn(String) -> String,
) -> Vec<CompletionItem> {
    let me = whoami(session, path, text);
    let model = &session.model;
    let language = Language::from_code(&model.language);
    (0..model.units.len())
        .filter(|&u| me.can_name(u))
        .map(|u| {
            let unit = &model.units[u];
            CompletionItem {
                label: unit.id.clone(),
                kind: Some(CompletionItemKind::MODULE),
                detail: Some(format!("{}{}", unit.name, period_suffix(unit))),
                label_details: Some(CompletionItemLabelDetails {
                    detail: None,
                    description: Some(format!(
                        "{} · {}",
                        unit.name,
                        percent(unit.progress, language)
                    )),
                }),
                documentation: Some(markdown(hover(model, Item::Unit(u)))),
                filter_text: Some(unit.id.clone()),
                text_edit: Some(edit(quote(unit.id.clone()))),
                ..CompletionItem::default()
            }
        })
        .collect()
}

fn period_suffix(unit: &Unit) -> String {
    unit.period
        .as_ref()
        .map_or_else(String::new, |p| format!(" ({})", p.name))
}

fn alignment_items(
    session: &Session,
    path: &str,
    text: &str,
    typed: &str,
    edit: &dyn Fn(String) -> CompletionTextEdit,
    quote: &dyn Fn(String) -> String,
    incomplete: &mut bool,
) -> Vec<CompletionItem> {
    let me = whoami(session, path, text);
    let model = &session.model;
    let mut items = Vec::new();
    // The parent's objectives and key results, in file order, first.
    if let Some(p) = me.parent {
        push_targets(model, p, "", "0", edit, quote, &mut items);
    }
    // Then every other unit's, `unit#O1.KR2`, narrowed by a typed unit id.
    let wanted_unit = typed.split_once('#').map(|(unit, _)| unit);
    let mut others = 0;
    for u in 0..model.units.len() {
        if Some(u) == me.parent || !me.can_name(u) {
            continue;
        }
        let unit = &model.units[u];
        let matches = match wanted_unit {
            Some(wanted) => wanted == unit.id,
            None => unit.id.starts_with(typed),
        };
        if !matches {
            continue;
        }
        if others >= MAX_OTHER_TARGETS {
            *incomplete = true;
            break;
        }
        let before = items.len();
        push_targets(
            model,
            u,
            &format!("{}#", unit.id),
            "1",
            edit,
            quote,
            &mut items,
        );
        others += items.len() - before;
    }
    items
}

/// An item per objective and key result of unit `u`, labelled `prefix` +
/// `O1` / `O1.KR2`, sorted after `rank`.
fn push_targets(
    model: &Model,
    u: usize,
    prefix: &str,
    rank: &str,
    edit: &dyn Fn(String) -> CompletionTextEdit,
    quote: &dyn Fn(String) -> String,
    items: &mut Vec<CompletionItem>,
) {
    let unit = &model.units[u];
    let language = Language::from_code(&model.language);
    let mut push =
        |label: String, title: &str, progress: f64, pace: Option<&str>, item: Item, kind| {
            let figures = match pace {
                Some(pace) => format!("{} · {pace}", percent(progress, language)),
                None => percent(progress, language),
            };
            items.push(CompletionItem {
                label: label.clone(),
                kind: Some(kind),
                detail: Some(format!("{title} — {figures}")),
                label_details: Some(CompletionItemLabelDetails {
                    detail: Some(format!(" {title}")),
                    description: Some(figures),
                }),
                documentation: (rank == "0").then(|| markdown(hover(model, item))),
                sort_text: Some(format!("{rank}{:06}", items.len())),
                filter_text: Some(label.clone()),
                text_edit: Some(edit(quote(label))),
                ..CompletionItem::default()
            });
        };
    for (o, objective) in unit.objectives.iter().enumerate() {
        push(
            format!("{prefix}{}", objective.id),
            &objective.title,
            objective.progress,
            objective.pace.map(|p| p.as_str()),
            Item::Objective(u, o),
            CompletionItemKind::CLASS,
        );
        for (k, key_result) in objective.key_results.iter().enumerate() {
            push(
                format!("{prefix}{}.{}", objective.id, key_result.id),
                &key_result.title,
                key_result.progress,
                key_result.pace.map(|p| p.as_str()),
                Item::KeyResult(u, o, k),
                CompletionItemKind::FIELD,
            );
        }
    }
}

fn markdown(value: String) -> Documentation {
    Documentation::MarkupContent(MarkupContent {
        kind: MarkupKind::Markdown,
        value,
    })
}

//! Reading `[[objectives]]` tables.

use super::fields::{Cx, TableReader, type_name};
use super::key_result::read_key_results;
use super::specs::{self, OBJECTIVE_KINDS};
use super::toml::{Array, Table, ValueKind};
use super::{default_id, report_duplicate_ids, valid_item_id};
use crate::diagnostic::Code;
use crate::model::{Alignment, Objective, ObjectiveKind, ObjectiveOrigin};

pub fn read_objectives(cx: &mut Cx, items: Array<'_>) -> Vec<Objective> {
    let mut objectives = Vec::with_capacity(items.len());
    for (index, item) in items.iter().enumerate() {
        match item.kind() {
            ValueKind::Table(table) => {
                objectives.push(read_objective(cx, table, item.span(), index + 1));
            }
            ValueKind::Invalid => {}
            _ => cx.invalid(
                item.span(),
                format!("an objective must be a table, not {}", type_name(item)),
                "write each objective as an `[[objectives]]` table with a `title`",
            ),
        }
    }
    report_duplicate_ids(
        cx,
        objectives.iter().map(|o| (&*o.id, o.origin.id)),
        "objective",
        || "this unit".to_string(),
    );
    objectives
}

fn read_objective(
    cx: &mut Cx,
    table: Table<'_>,
    span: std::ops::Range<usize>,
    position: usize,
) -> Objective {
    let reader = TableReader::new(cx, table, span.clone(), &specs::OBJECTIVE);
    let mut origin = ObjectiveOrigin::default();
    let id = read_id(cx, &reader, &mut origin.id).unwrap_or_else(|| default_id("O", position));
    let title = match reader.string(cx, "title") {
        Some((title, value)) => {
            origin.span = cx.span(reader.key_span("title").unwrap_or(value.clone()));
            if title.trim().is_empty() {
                cx.report(
                    Code::MissingTitle,
                    value,
                    format!("objective `{id}` has an empty title"),
                )
                .help = Some("say what the objective wants to achieve".into());
            }
            title
        }
        None => {
            origin.span = cx.span(span.clone());
            if reader.lacks("title") {
                cx.report(
                    Code::MissingTitle,
                    span,
                    format!("objective `{id}` has no title"),
                )
                .help = Some("add `title = \"...\"`: what the objective wants to achieve".into());
            }
            String::new()
        }
    };
    let kind = match reader.string(cx, "kind") {
        Some((kind, _)) if kind == "committed" => ObjectiveKind::Committed,
        Some((kind, value)) if kind != "aspirational" => {
            cx.invalid(
                value,
                format!("`{kind}` is not a kind of objective"),
                format!("`kind` is one of: {}", OBJECTIVE_KINDS.join(", ")),
            );
            ObjectiveKind::Aspirational
        }
        _ => ObjectiveKind::Aspirational,
    };
    origin.alignments = reader
        .strings(cx, "aligns_to")
        .into_iter()
        .map(|(written, span)| Alignment {
            written,
            span: cx.span(span),
            target: None,
        })
        .collect();
    let owners = reader
        .strings(cx, "owner")
        .into_iter()
        .map(|(o, _)| o)
        .collect();
    let description = cx.text(reader.value("description"), "description");
    let key_results = match reader.array(cx, "key_results") {
        Some(items) => read_key_results(cx, items, &id),
        None => Vec::new(),
    };
    Objective {
        aligns_to: origin
            .alignments
            .iter()
            .map(|a| a.written.clone())
            .collect(),
        id: id.into(),
        title: title.into(),
        kind,
        owners,
        description,
        progress: 0.0,
        expected: 0.0,
        pace: None,
        score: None,
        colour: None,
        by: None,
        key_results,
        contributors: Vec::new(),
        origin,
    }
}

/// An explicit `id`, validated; `None` means use the default.
pub(super) fn read_id(
    cx: &mut Cx,
    reader: &TableReader<'_>,
    origin: &mut Option<crate::source::Span>,
) -> Option<String> {
    let (id, value) = reader.string(cx, "id")?;
    if !valid_item_id(&id) {
        cx.invalid(
            value,
            format!("`{id}` is not a valid {} id", reader.spec.name),
            "an id is a non-empty name without spaces, `#` or `.`, such as \"O1\" or \"KR2\"",
        );
        return None;
    }
    *origin = Some(cx.span(reader.key_span("id").unwrap_or(value)));
    Some(id)
}

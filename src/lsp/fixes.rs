//! Quick fixes: the "did you mean" of an unknown key or a broken reference
//! applied, and an `aligns_to` added to an unaligned objective (one fix per
//! key result of the parent). They are edits the editor applies; the server
//! writes nothing.

use std::collections::HashMap;

use lsp_types::{CodeAction, CodeActionKind, TextEdit, Uri, WorkspaceEdit};

use super::diagnostics::to_lsp;
use super::session::{Document, Session};
use crate::diagnostic::{Code, Diagnostic};
use crate::resolve::parse_reference;
use crate::source::Span;

/// The quick fixes for the diagnostics of `path` that touch the model
/// offsets `start..=end`.
pub fn code_actions(
    session: &Session,
    path: &str,
    uri: &Uri,
    start: usize,
    end: usize,
) -> Vec<CodeAction> {
    let Some(document) = session.docs.get(path) else {
        return Vec::new();
    };
    let mut actions = Vec::new();
    for diagnostic in session
        .model
        .diagnostics
        .iter()
        .filter(|d| &*d.file == path)
    {
        let span = diagnostic.span;
        if (span.end as usize) < start || (span.start as usize) > end {
            continue;
        }
        let fix = |title: String, edits: Vec<(Span, String)>, preferred: bool| CodeAction {
            title,
            kind: Some(CodeActionKind::QUICKFIX),
            diagnostics: Some(vec![to_lsp(session, diagnostic)]),
            edit: Some(edit(document, uri, edits)),
            is_preferred: Some(preferred),
            ..CodeAction::default()
        };
        match diagnostic.code {
            Code::UnknownField => {
                if let Some(known) = suggestion(diagnostic) {
                    actions.push(fix(
                        format!("Change to `{known}`"),
                        vec![(span, known.to_string())],
                        true,
                    ));
                }
            }
            Code::UnknownParent | Code::BrokenAlignment => {
                if let Some((inner, corrected)) = corrected_reference(document, diagnostic) {
                    actions.push(fix(
                        format!("Change to `{corrected}`"),
                        vec![(inner, corrected)],
                        true,
                    ));
                }
            }
            Code::Unaligned => {
                for (title, insertion) in alignments_to_add(session, path, document, diagnostic) {
                    actions.push(fix(title, vec![insertion], false));
                }
            }
            _ => {}
        }
    }
    actions
}

fn edit(document: &Document, uri: &Uri, edits: Vec<(Span, String)>) -> WorkspaceEdit {
    let edits = edits
        .into_iter()
        .map(|(span, new_text)| TextEdit::new(document.lines.range(&document.text, span), new_text))
        .collect();
    WorkspaceEdit {
        changes: Some(HashMap::from([(uri.clone(), edits)])),
        ..WorkspaceEdit::default()
    }
}

/// The name in a "did you mean `x`?" help.
fn suggestion(diagnostic: &Diagnostic) -> Option<&str> {
    diagnostic
        .help
        .as_deref()?
        .strip_prefix("did you mean `")?
        .strip_suffix("`?")
}

/// For a broken `parent` or `aligns_to` value with a suggestion: the span of
/// the string's contents and the reference corrected. Only plain strings
/// (no escapes) are corrected.
fn corrected_reference(document: &Document, diagnostic: &Diagnostic) -> Option<(Span, String)> {
    let known = suggestion(diagnostic)?;
    let text = document.model_text();
    let span = diagnostic.span;
    let written = text.get(span.start as usize..span.end as usize)?;
    let inner = written
        .strip_prefix('"')
        .and_then(|s| s.strip_suffix('"'))
        .or_else(|| {
            written
                .strip_prefix('\'')
                .and_then(|s| s.strip_suffix('\''))
        })?;
    if inner.contains('\\') {
        return None;
    }
    let inner_span = Span {
        start: span.start + 1,
        end: span.end - 1,
        ..span
    };
    if diagnostic.code == Code::UnknownParent {
        return Some((inner_span, known.to_string()));
    }
    // Which part of `unit#O2.KR1` the suggestion replaces, the message says.
    let (unit, objective, key_result) = parse_reference(inner)?;
    let message = &diagnostic.message;
    let (unit, objective, key_result) = if message.contains("has no key result `") {
        (unit, objective, Some(known))
    } else if message.contains("has no objective `") {
        (unit, known, key_result)
    } else if message.contains("there is no unit `") {
        (Some(known), objective, key_result)
    } else {
        return None;
    };
    let mut corrected = String::new();
    if let Some(unit) = unit {
        corrected.push_str(unit);
        corrected.push('#');
    }
    corrected.push_str(objective);
    if let Some(key_result) = key_result {
        corrected.push('.');
        corrected.push_str(key_result);
    }
    Some((inner_span, corrected))
}

/// For an `unaligned` objective: one insertion of `aligns_to` per objective
/// and key result of the parent, key results first.
fn alignments_to_add(
    session: &Session,
    path: &str,
    document: &Document,
    diagnostic: &Diagnostic,
) -> Vec<(String, (Span, String))> {
    let model = &session.model;
    let Some(parent) = session
        .unit_of(path)
        .and_then(|u| model.units[u].parent_index)
    else {
        return Vec::new();
    };
    let text = document.model_text();
    let at = diagnostic.span.start as usize;
    let line_start = text[..at.min(text.len())].rfind('\n').map_or(0, |i| i + 1);
    let before = &text[line_start..at.min(text.len())];
    // In an inline table (`{ title = "…", … }`) the key goes before `title`
    // on the same line; in a `[[objectives]]` table, on a line of its own.
    let inline = before.contains('{');
    let indent: String = before.chars().take_while(|c| c.is_whitespace()).collect();
    let insertion = |target: &str| {
        if inline {
            (
                Span {
                    start: at as u32,
                    end: at as u32,
                    ..diagnostic.span
                },
                format!("aligns_to = \"{target}\", "),
            )
        } else {
            (
                Span {
                    start: line_start as u32,
                    end: line_start as u32,
                    ..diagnostic.span
                },
                format!("{indent}aligns_to = \"{target}\"\n"),
            )
        }
    };
    let mut fixes = Vec::new();
    let mut objectives = Vec::new();
    for objective in &model.units[parent].objectives {
        for key_result in &objective.key_results {
            let target = format!("{}.{}", objective.id, key_result.id);
            fixes.push((
                format!("Align to {target}: {}", key_result.title),
                insertion(&target),
            ));
        }
        objectives.push((
            format!("Align to {}: {}", objective.id, objective.title),
            insertion(&objective.id),
        ));
    }
    fixes.extend(objectives);
    fixes
}

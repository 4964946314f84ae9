//! `check`'s diagnostics as LSP diagnostics: the same codes (the `code`
//! field), levels, messages and help, at the same spans in UTF-16 columns.

use std::collections::BTreeMap;

use lsp_types::{DiagnosticSeverity, NumberOrString, Position, Range};

use super::session::Session;
use crate::diagnostic::{Diagnostic, Level};
use crate::source::FilePath;

/// Where a diagnostic is, in the editor's terms. A file okrc holds no text
/// of (it could not be read) gets the line and column as they are.
pub fn range_of(session: &Session, diagnostic: &Diagnostic) -> Range {
    match session.docs.get(&diagnostic.file) {
        Some(document) => document.lines.range(&document.text, diagnostic.span),
        None => {
            let at = Position::new(
                diagnostic.line.saturating_sub(1),
                diagnostic.column.saturating_sub(1),
            );
            Range::new(at, at)
        }
    }
}

pub fn to_lsp(session: &Session, diagnostic: &Diagnostic) -> lsp_types::Diagnostic {
    let mut message = diagnostic.message.clone();
    if let Some(help) = &diagnostic.help {
        message.push_str("\nhelp: ");
        message.push_str(help);
    }
    lsp_types::Diagnostic {
        range: range_of(session, diagnostic),
        severity: Some(match diagnostic.level {
            Level::Error => DiagnosticSeverity::ERROR,
            Level::Warning => DiagnosticSeverity::WARNING,
        }),
        code: Some(NumberOrString::String(diagnostic.code.as_str().to_string())),
        source: Some("okrc".into()),
        message,
        ..lsp_types::Diagnostic::default()
    }
}

/// Every file's diagnostics, by workspace path; files without any are absent.
pub fn by_file(session: &Session) -> BTreeMap<FilePath, Vec<lsp_types::Diagnostic>> {
    let mut files: BTreeMap<FilePath, Vec<lsp_types::Diagnostic>> = BTreeMap::new();
    for diagnostic in &session.model.diagnostics {
        files
            .entry(diagnostic.file.clone())
            .or_default()
            .push(to_lsp(session, diagnostic));
    }
    files
}

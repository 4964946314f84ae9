//! What a failed build shows to someone looking at the site (`serve`'s
//! overlay, README "okrc watch and okrc serve"): its errors, first and only, each with
//! where it is and
//! its source line; the warnings are only counted, as they did not stop the
//! build and would bury the error.

use std::collections::HashMap;
use std::ops::Range;
use std::path::Path;

use crate::diagnostic::{Code, Diagnostic, Level};
use crate::render::display_path;
use crate::render::human::caret_span;
use crate::source::LineIndex;

/// Why a build failed, ready to be shown.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Failure {
    /// In the order `check` reports them (by file, line, column).
    pub errors: Vec<ShownError>,
    /// How many warnings the build found besides.
    pub warnings: usize,
}

/// One error of a failed build.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShownError {
    /// The diagnostic's code (`unknown-field`); none for an error that is
    /// not about the input (a template that fails, an unwritable folder).
    pub code: Option<&'static str>,
    pub message: String,
    /// `teams/support.md:3:1`, as the terminal shows it.
    pub location: Option<String>,
    pub source: Option<SourceLine>,
    pub help: Option<String>,
}

/// The line an error points at, and the bytes of it that are wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceLine {
    pub number: u32,
    pub text: String,
    /// Byte range within `text`, on character boundaries.
    pub span: Range<usize>,
}

impl Failure {
    /// The errors among `diagnostics` (an unreadable file stops a build
    /// whatever its level, so it counts as one), with their source lines
    /// from `texts`; paths shown relative to the current folder as the
    /// terminal shows them (`root` is the workspace as given).
    pub fn of(diagnostics: &[Diagnostic], texts: &HashMap<&str, &str>, root: &Path) -> Failure {
        let mut failure = Failure::default();
        let mut indexes: HashMap<&str, LineIndex> = HashMap::new();
        for d in diagnostics {
            if d.level != Level::Error && d.code != Code::IoError {
                failure.warnings += 1;
                continue;
            }
            let index = indexes
                .entry(&d.file)
                .or_insert_with(|| LineIndex::new(texts.get(&*d.file).copied().unwrap_or("")));
            let source = index.line(d.line).map(|(offset, line)| SourceLine {
                number: d.line,
                text: line.to_string(),
                span: caret_span(line, d.span.start as usize, d.span.end as usize, offset),
            });
            failure.errors.push(ShownError {
                code: Some(d.code.as_str()),
                message: d.message.clone(),
                location: Some(format!(
                    "{}:{}:{}",
                    display_path(root, &d.file),
                    d.line,
                    d.column
                )),
                source,
                help: d.help.clone(),
            });
        }
        failure
    }

    /// Adds an error that is not about a place in the input.
    pub fn push_message(&mut self, message: impl Into<String>) {
        self.errors.push(ShownError {
            code: None,
            message: message.into(),
            location: None,
            source: None,
            help: None,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::{FilePath, Span};

    fn at(code: Code, line: u32, column: u32, start: u32, end: u32) -> Diagnostic {
        let span = Span {
            start,
            end,
            line,
            column,
        };
        Diagnostic::new(code, &FilePath::from("teams/a.md"), span, "what is wrong")
            .with_help("how to fix it")
    }

    #[test]
    fn only_errors_are_listed_and_warnings_are_counted() {
        let text = "+++\nid = \"a\"\ntitel = \"x\"\n+++\n";
        let texts = HashMap::from([("teams/a.md", text)]);
        let diagnostics = [
            at(Code::StaleCheckin, 2, 1, 4, 12),
            at(Code::UnknownField, 3, 1, 13, 18),
            at(Code::Unaligned, 2, 1, 4, 12),
        ];
        let failure = Failure::of(&diagnostics, &texts, Path::new("ws"));
        assert_eq!(failure.warnings, 2);
        assert_eq!(failure.errors.len(), 1);
        let error = &failure.errors[0];
        assert_eq!(error.code, Some("unknown-field"));
        assert_eq!(error.location.as_deref(), Some("ws/teams/a.md:3:1"));
        assert_eq!(error.help.as_deref(), Some("how to fix it"));
        let source = error.source.as_ref().unwrap();
        assert_eq!((source.number, source.text.as_str()), (3, "titel = \"x\""));
        assert_eq!(&source.text[source.span.clone()], "titel");
    }

    #[test]
    fn an_error_without_a_source_line_keeps_its_location() {
        let texts = HashMap::new();
        let failure = Failure::of(
            &[at(Code::UnknownField, 9, 4, 0, 0)],
            &texts,
            Path::new("."),
        );
        assert_eq!(
            failure.errors[0].location.as_deref(),
            Some("teams/a.md:9:4")
        );
        assert_eq!(failure.errors[0].source, None);
    }
}

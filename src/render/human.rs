//! rustc-style diagnostics: `error[code]: message`, `--> file:line:col`, the
//! source line with a caret under the span, and `= help:`. Rendering is done
//! by annotate-snippets, the renderer rustc itself uses.

use std::collections::HashMap;
use std::io::{self, Write};
use std::path::Path;

use annotate_snippets::{AnnotationKind, Group, Level as SnippetLevel, Origin, Renderer, Snippet};

use super::{count, display_path};
use crate::diagnostic::{Diagnostic, Level, Tally, counts_by_code};
use crate::model::Model;
use crate::source::LineIndex;

/// Writes every diagnostic, a blank line between them. `styled` adds ANSI
/// colours; pass it when the sink strips them where they do not belong (as
/// `anstream` does for pipes and `NO_COLOR`).
pub fn write<'d>(
    out: &mut dyn Write,
    diagnostics: impl IntoIterator<Item = &'d Diagnostic>,
    texts: &HashMap<&str, &str>,
    root: &Path,
    styled: bool,
) -> io::Result<()> {
    let renderer = if styled {
        Renderer::styled()
    } else {
        Renderer::plain()
    };
    let mut indexes: HashMap<&str, LineIndex> = HashMap::new();
    for d in diagnostics {
        let path = display_path(root, &d.file);
        let index = indexes
            .entry(&d.file)
            .or_insert_with(|| LineIndex::new(texts.get(&*d.file).copied().unwrap_or("")));
        let level = match d.level {
            Level::Error => SnippetLevel::ERROR,
            Level::Warning => SnippetLevel::WARNING,
        };
        let title = level
            .primary_title(printable(&d.message))
            .id(d.code.as_str());
        let mut group: Group = match index.line(d.line) {
            Some((line_offset, line)) => {
                let span = caret_span(
                    line,
                    d.span.start as usize,
                    d.span.end as usize,
                    line_offset,
                );
                let annotation = AnnotationKind::Primary.span(span);
                let annotation = match &d.label {
                    Some(label) => annotation.label(printable(label)),
                    None => annotation,
                };
                title.element(
                    Snippet::source(line)
                        .line_start(d.line as usize)
                        .path(path)
                        .annotation(annotation),
                )
            }
            None => title.element(
                Origin::path(path)
                    .line(d.line as usize)
                    .char_column(d.column as usize),
            ),
        };
        if let Some(help) = &d.help {
            group = group.element(SnippetLevel::HELP.message(printable(help)));
        }
        writeln!(out, "{}\n", renderer.render(&[group]))?;
    }
    Ok(())
}

/// Text from the input, with control characters (an escape sequence in a
/// unit id, say) written out instead of sent to the terminal.
fn printable(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(|c| c.is_control() && c != '\n') {
        return text.into();
    }
    text.chars()
        .map(|c| match c {
            '\n' => "\n".to_string(),
            c if c.is_control() => c.escape_default().to_string(),
            c => c.to_string(),
        })
        .collect::<String>()
        .into()
}

/// The span to underline, relative to its line: the offending bytes on the
/// first line, at least one character wide.
pub fn caret_span(
    line: &str,
    start: usize,
    end: usize,
    line_offset: usize,
) -> std::ops::Range<usize> {
    let floor = |mut i: usize| {
        i = i.min(line.len());
        while !line.is_char_boundary(i) {
            i -= 1;
        }
        i
    };
    let start = floor(start.saturating_sub(line_offset));
    let mut end = floor(end.saturating_sub(line_offset)).max(start);
    if end == start {
        end = line[start..]
            .chars()
            .next()
            .map_or(start, |c| start + c.len_utf8());
    }
    start..end
}

/// The closing line: how much was checked and what was found.
pub fn summary(model: &Model) -> String {
    format!(
        "Checked {} in {}: {}.",
        count(model.units.len(), "unit"),
        count(model.periods.len(), "period"),
        found(&model.diagnostics),
    )
}

/// Diagnostics beyond this many are counted per code in the summary line,
/// so a wall of warnings says at a glance what it is made of.
const COUNT_BY_CODE_ABOVE: usize = 10;

/// What was found, as the summary line says it: `no problems found`,
/// `1 error, 3 warnings`, or beyond ten diagnostics per code:
/// `79 warnings: 52 stale-checkin, 27 uncovered`.
pub fn found(diagnostics: &[Diagnostic]) -> String {
    let tally = Tally::of(diagnostics);
    let by_code = tally.total() > COUNT_BY_CODE_ABOVE;
    let level = |n: usize, noun: &str, level: Level| {
        let mut text = count(n, noun);
        if by_code {
            let codes: Vec<String> = counts_by_code(diagnostics, level)
                .into_iter()
                .map(|(code, n)| format!("{n} {code}"))
                .collect();
            text.push_str(": ");
            text.push_str(&codes.join(", "));
        }
        text
    };
    let separator = if by_code { "; " } else { ", " };
    match (tally.errors, tally.warnings) {
        (0, 0) => "no problems found".to_string(),
        (0, w) => level(w, "warning", Level::Warning),
        (e, 0) => level(e, "error", Level::Error),
        (e, w) => format!(
            "{}{separator}{}",
            level(e, "error", Level::Error),
            level(w, "warning", Level::Warning)
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Code;

    #[test]
    fn control_characters_from_the_input_are_written_out() {
        assert_eq!(printable("unit `\u{1b}[2Jx`"), "unit `\\u{1b}[2Jx`");
        assert_eq!(printable("plain"), "plain");
    }

    #[test]
    fn carets_are_at_least_one_character_wide() {
        assert_eq!(caret_span("abc", 10, 10, 10), 0..1);
        assert_eq!(caret_span("abc", 11, 13, 10), 1..3);
        assert_eq!(caret_span("aé", 11, 11, 10), 1..3);
        assert_eq!(caret_span("", 0, 0, 0), 0..0);
        assert_eq!(caret_span("abc", 11, 40, 10), 1..3);
    }

    fn diagnostic(code: Code) -> Diagnostic {
        let file: crate::source::FilePath = "a.md".into();
        Diagnostic::new(code, &file, crate::source::Span::FILE_START, "m")
    }

    fn many(counts: &[(Code, usize)]) -> Vec<Diagnostic> {
        counts
            .iter()
            .flat_map(|&(code, n)| std::iter::repeat_with(move || diagnostic(code)).take(n))
            .collect()
    }

    #[test]
    fn up_to_ten_diagnostics_are_counted_per_level() {
        assert_eq!(found(&[]), "no problems found");
        let some = many(&[(Code::ParseError, 1), (Code::StaleCheckin, 9)]);
        assert_eq!(found(&some), "1 error, 9 warnings");
    }

    #[test]
    fn beyond_ten_diagnostics_are_counted_per_code_most_frequent_first() {
        let wall = many(&[(Code::Uncovered, 27), (Code::StaleCheckin, 52)]);
        assert_eq!(found(&wall), "79 warnings: 52 stale-checkin, 27 uncovered");
        let mixed = many(&[
            (Code::ParseError, 2),
            (Code::Unaligned, 5),
            (Code::Uncovered, 5),
        ]);
        assert_eq!(
            found(&mixed),
            "2 errors: 2 parse-error; 10 warnings: 5 unaligned, 5 uncovered"
        );
    }
}

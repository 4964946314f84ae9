//! rustc-style diagnostics: `error[code]: message`, `--> file:line:col`, the
//! source line with a caret under the span, and `= help:`. Rendering is done
//! by annotate-snippets, the renderer rustc itself uses.

use std::collections::HashMap;
use std::io::{self, Write};
use std::path::Path;

use annotate_snippets::{AnnotationKind, Group, Level as SnippetLevel, Origin, Renderer, Snippet};

use super::{count, display_path};
use crate::diagnostic::{Diagnostic, Level, Tally};
use crate::model::Model;
use crate::source::LineIndex;

/// Writes every diagnostic, a blank line between them. `styled` adds ANSI
/// colours; pass it when the sink strips them where they do not belong (as
/// `anstream` does for pipes and `NO_COLOR`).
pub fn write(
    out: &mut dyn Write,
    diagnostics: &[Diagnostic],
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
    let tally = Tally::of(&model.diagnostics);
    let found = match (tally.errors, tally.warnings) {
        (0, 0) => "no problems found".to_string(),
        (0, w) => count(w, "warning"),
        (e, 0) => count(e, "error"),
        (e, w) => format!("{}, {}", count(e, "error"), count(w, "warning")),
    };
    format!(
        "Checked {} in {}: {found}.",
        count(model.units.len(), "unit"),
        count(model.periods.len(), "period"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

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
}

//! rustc-style diagnostics: `error[code]: message`, `--> file:line:col`, the
//! source line with a caret under the span, and `= help:`. Rendering is done
//! by annotate-snippets, the renderer rustc itself uses.

use std::collections::HashMap;
use std::io::{self, Write};
use std::path::Path;

use annotate_snippets::{AnnotationKind, Group, Level as SnippetLevel, Origin, Renderer, Snippet};
use rayon::prelude::*;

use super::{count, display_path, is_unsafe, printable};
use crate::diagnostic::{Diagnostic, Level, Tally, counts_by_code};
use crate::model::Model;
use crate::source::LineIndex;
use crate::workspace::Workspace;

/// The diagnostics a person asked to see: all of them, or under `--quiet`
/// the errors only (the summary line still counts the warnings).
pub fn shown(model: &Model, quiet: bool) -> impl Iterator<Item = &Diagnostic> {
    model
        .diagnostics
        .iter()
        .filter(move |d| !quiet || d.level == Level::Error)
}

/// The diagnostics as people read them (errors only when `quiet`), and the
/// summary line, with colour codes (the caller's stream strips them where
/// colour is off). The few files diagnostics quote are read again when the
/// workspace let go of them.
pub fn report(
    workspace: &Workspace,
    model: &Model,
    root: &Path,
    quiet: bool,
) -> io::Result<Vec<u8>> {
    let mut text = Vec::new();
    let sources = workspace.texts_of(shown(model, quiet).map(|d| &*d.file));
    let texts = sources
        .iter()
        .map(|f| (&*f.path, f.text.as_str()))
        .collect();
    write(&mut text, shown(model, quiet), &texts, root, true)?;
    let bold = anstyle::Style::new().bold();
    writeln!(text, "{bold}{}{bold:#}", summary(model))?;
    Ok(text)
}

/// How many diagnostics [`write`] renders before writing them.
const RENDERED_AT_ONCE: usize = 256;

/// Writes every diagnostic, a blank line between them. `styled` adds ANSI
/// colours; pass it when the sink strips them where they do not belong (as
/// `anstream` does for pipes and `NO_COLOR`).
///
/// The source lines are looked up here, in order (a file's line index
/// answers one question at a time); the diagnostics are rendered on the
/// pool, each on its own, and written in order.
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
    let located: Vec<(&Diagnostic, Option<(usize, &str)>)> = diagnostics
        .into_iter()
        .map(|d| {
            let index = indexes
                .entry(&d.file)
                .or_insert_with(|| LineIndex::new(texts.get(&*d.file).copied().unwrap_or("")));
            (d, index.line(d.line))
        })
        .collect();
    // A few hundred at a time: a workspace with a wall of diagnostics
    // does not hold them all rendered twice.
    for chunk in located.chunks(RENDERED_AT_ONCE) {
        let rendered: Vec<String> = chunk
            .par_iter()
            .map(|&(d, line)| render_one(&renderer, d, line, root))
            .collect();
        for text in rendered {
            writeln!(out, "{text}\n")?;
        }
    }
    Ok(())
}

/// One diagnostic as [`write`] shows it, given its source line (where the
/// line starts in its file, and the line) if its file has it.
fn render_one(
    renderer: &Renderer,
    d: &Diagnostic,
    line: Option<(usize, &str)>,
    root: &Path,
) -> String {
    let path = display_path(root, &d.file);
    let level = match d.level {
        Level::Error => SnippetLevel::ERROR,
        Level::Warning => SnippetLevel::WARNING,
    };
    let title = level
        .primary_title(printable(&d.message))
        .id(d.code.as_str());
    let mut group: Group = match line {
        Some((line_offset, line)) => {
            let span = caret_span(
                line,
                d.span.start as usize,
                d.span.end as usize,
                line_offset,
            );
            let (line, span) = pictured(line, span);
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
    renderer.render(&[group])
}

/// A source line safe to print, with `span` moved to match: each unsafe
/// character becomes one visible one (a control picture such as `␛` for
/// ESC, else `�`), so the caret still points where it should.
fn pictured(line: &str, span: std::ops::Range<usize>) -> (String, std::ops::Range<usize>) {
    if !line.chars().any(is_unsafe) {
        return (line.to_string(), span);
    }
    let mut out = String::with_capacity(line.len() + 8);
    let (mut start, mut end) = (span.start, span.end);
    for (at, c) in line.char_indices() {
        if at == span.start {
            start = out.len();
        }
        if at == span.end {
            end = out.len();
        }
        if is_unsafe(c) {
            let picture = match c as u32 {
                code @ 0..=0x1f => char::from_u32(0x2400 + code).unwrap_or('\u{fffd}'),
                0x7f => '\u{2421}',
                _ => '\u{fffd}',
            };
            out.push(picture);
        } else {
            out.push(c);
        }
    }
    if span.end >= line.len() {
        end = out.len();
    }
    if span.start >= line.len() {
        start = out.len();
    }
    (out, start..end)
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
        assert_eq!(printable("a\n::error::x"), "a\\n::error::x");
        assert_eq!(printable("\u{9b}\u{202e}\u{7}"), "\\u{9b}\\u{202e}\\u{7}");
        assert_eq!(printable("plain\ttab"), "plain\ttab");
    }

    #[test]
    fn a_source_line_shows_control_pictures_and_keeps_its_caret() {
        let line = "id = \"\u{1b}[2J\" x";
        let at = line.find('x').unwrap();
        let (shown, span) = pictured(line, at..at + 1);
        assert_eq!(shown, "id = \"\u{241b}[2J\" x");
        assert_eq!(&shown[span], "x");
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

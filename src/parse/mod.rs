//! Stage 1: from a file's text to a [`Unit`] as written, plus diagnostics.
//!
//! Parsing looks at one file at a time and nothing else (not even
//! `okrc.toml`), so files parse in parallel and `watch` can keep a parsed
//! file until its bytes change.

pub mod fields;
pub mod front_matter;
mod key_result;
pub mod key_result_line;
mod objective;
pub mod quantity;
pub mod specs;
pub mod toml;

use crate::diagnostic::{Code, Diagnostic};
use crate::model::{Unit, UnitOrigin};
use crate::source::{LineIndex, SourceFile, Span};
use fields::{Cx, TableReader};
use front_matter::split_front_matter;

/// Whether a parse keeps the Markdown of a unit (the body, descriptions
/// and notes) that no diagnostic reads; the JSON, the site, `status`,
/// `report` and the language server's hovers show them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Texts {
    Keep,
    /// For a run that prints diagnostics only: the texts are checked (a
    /// note must be a string) but not copied into the unit.
    Drop,
}

/// What one unit file holds.
#[derive(Debug, Clone)]
pub struct ParsedFile {
    /// `None` when the front matter could not be read at all.
    pub unit: Option<Unit>,
    /// Each located (line and column) when it was made.
    pub diagnostics: Vec<Diagnostic>,
    /// For a file whose front matter is broken: the unit it seems to define,
    /// so references to it are not reported as missing on top of the
    /// syntax error.
    pub broken: Option<BrokenUnit>,
}

/// The identity of a unit whose file did not parse, as far as it can be read.
#[derive(Debug, Clone)]
pub struct BrokenUnit {
    pub id: String,
    pub period: Option<String>,
}

/// Parses one unit file.
pub fn parse_unit_file(file: &SourceFile) -> ParsedFile {
    parse_unit_file_with(file, Texts::Keep)
}

/// Parses one unit file, keeping its texts or not: the diagnostics and
/// figures are the same either way.
pub fn parse_unit_file_with(file: &SourceFile, texts: Texts) -> ParsedFile {
    let fail = |span: Span, message: &str, help: &str| ParsedFile {
        unit: None,
        diagnostics: vec![
            Diagnostic::new(Code::ParseError, &file.path, span, message).with_help(help),
        ],
        broken: Some(BrokenUnit {
            id: file_stem(&file.path),
            period: None,
        }),
    };
    if let Some(at) = file.utf8_error {
        return fail(
            Span::located(at, at + 1, &LineIndex::new(&file.text)),
            "the file is not valid UTF-8",
            "save the file with UTF-8 encoding",
        );
    }
    let Some(front_matter) = split_front_matter(&file.text) else {
        return fail(
            Span {
                end: 3,
                ..Span::FILE_START
            },
            "the front matter opened here is never closed",
            "end the front matter with a line that is exactly `+++`",
        );
    };
    // Every span the parse makes lies in the front matter: the lines of the
    // body (a third of a typical file) need no index.
    let front = &file.text[..front_matter.body_offset];
    let mut cx = Cx::new(&file.path, front, front_matter.toml_offset);
    cx.texts = texts;
    let document = toml::parse(front_matter.toml);
    for error in document.value_errors() {
        let help = match error.kind {
            toml::ErrorKind::IntegerOutOfRange => {
                "write a whole number of at most 19 digits, or a float such as 1e20"
            }
            _ => "write a real calendar date as YYYY-MM-DD, such as 2026-12-31",
        };
        cx.invalid(error.span.clone(), error.message.to_string(), help);
    }
    let root = document.root();
    if let Some(error) = document.syntax_error() {
        // Only the first: what a parser says after it is mostly echo.
        let help = if error.message.starts_with("duplicate key") {
            "a key may appear once per table; an array written as `key = [...]` cannot also get `[[...]]` tables: use one form"
        } else {
            "fix the TOML syntax of the front matter (https://toml.io)"
        };
        cx.report(
            Code::ParseError,
            error.span.clone(),
            format!("invalid TOML: {}", error.message),
        )
        .help = Some(help.into());
        let text = |key: &str| root.get(key).and_then(|v| v.as_str()).map(str::to_string);
        return ParsedFile {
            unit: None,
            diagnostics: cx.diagnostics,
            broken: Some(BrokenUnit {
                id: text("id").unwrap_or_else(|| file_stem(&file.path)),
                period: text("period"),
            }),
        };
    }
    let unit = read_unit(&mut cx, file, root, &front_matter);
    ParsedFile {
        unit: Some(unit),
        diagnostics: cx.diagnostics,
        broken: None,
    }
}

fn read_unit(
    cx: &mut Cx,
    file: &SourceFile,
    table: toml::Table<'_>,
    front_matter: &front_matter::FrontMatter<'_>,
) -> Unit {
    let root = TableReader::new(cx, table, 0..0, &specs::UNIT);
    let mut origin = UnitOrigin::default();
    let id = match root.string(cx, "id") {
        Some((id, span)) if valid_unit_id(&id) => {
            origin.id = Some(cx.span(root.key_span("id").unwrap_or(span)));
            id
        }
        Some((id, span)) => {
            cx.invalid(
                span,
                format!("`{id}` is not a valid unit id"),
                "a unit id is a non-empty name without `#` or `/`, such as \"platform\"",
            );
            file_stem(&file.path)
        }
        None => file_stem(&file.path),
    };
    let name = root
        .string(cx, "name")
        .map_or_else(|| id.clone(), |(name, _)| name);
    let parent = root.string(cx, "parent").and_then(|(parent, span)| {
        if parent.is_empty() {
            cx.invalid(
                span,
                "`parent` is empty",
                "name the parent unit's id, or remove `parent` for a top unit",
            );
            return None;
        }
        origin.parent = Some(cx.span(span));
        Some(parent)
    });
    origin.period_name = root
        .string(cx, "period")
        .map(|(name, span)| (name, cx.span(span)));
    let owners = root
        .strings(cx, "owner")
        .into_iter()
        .map(|(o, _)| o)
        .collect();
    let draft = root.boolean(cx, "draft").is_some_and(|(d, _)| d);
    let text = |cx: &mut Cx, name: &str| root.string(cx, name).map(|(s, _)| s);
    let (mission, vision, strategy) = (
        text(cx, "mission"),
        text(cx, "vision"),
        text(cx, "strategy"),
    );
    let objectives = match root.array(cx, "objectives") {
        Some(items) => objective::read_objectives(cx, items),
        None => Vec::new(),
    };
    let reflection = root
        .table(cx, "reflection")
        .map(|reflection| crate::model::Reflection {
            retrospective: reflection.string(cx, "retrospective").map(|(s, _)| s),
            futurespective: reflection.string(cx, "futurespective").map(|(s, _)| s),
        });
    // The front matter's lines end where the body starts.
    let body_line = u32::try_from(cx.front_matter_lines()).unwrap_or(u32::MAX);
    Unit {
        id,
        name,
        period: None,
        file: file.path.clone(),
        parent,
        parent_period: None,
        owners,
        draft,
        progress: 0.0,
        expected: 0.0,
        pace: None,
        score: None,
        mission,
        vision,
        strategy,
        objectives,
        reflection,
        children: Vec::new(),
        body: match cx.texts {
            Texts::Keep => front_matter.body.to_string(),
            Texts::Drop => String::new(),
        },
        body_line,
        origin,
        parent_index: None,
    }
}

fn valid_unit_id(id: &str) -> bool {
    !id.trim().is_empty() && !id.contains(['#', '/'])
}

/// An objective or key result id: no separators of the `unit#O1.KR2` syntax.
pub(crate) fn valid_item_id(id: &str) -> bool {
    !id.is_empty() && !id.contains(|c: char| c == '#' || c == '.' || c.is_whitespace())
}

/// The default id of the objective or key result at 1-based `position` in
/// its list (`O2`, `KR3`), made to its exact length: one is made for each of
/// the 90,000 key results of a large workspace, and `format!` took 400
/// instructions and a second allocation (the shrink into the model's
/// `Box<str>`) for each.
pub(crate) fn default_id(prefix: &str, position: usize) -> String {
    let mut digits = itoa::Buffer::new();
    let digits = digits.format(position);
    let mut id = String::with_capacity(prefix.len() + digits.len());
    id.push_str(prefix);
    id.push_str(digits);
    id
}

/// The default unit id: the file name without `.md`.
fn file_stem(path: &str) -> String {
    let name = path.rsplit('/').next().unwrap_or(path);
    match name.len().checked_sub(3) {
        Some(cut) if name.is_char_boundary(cut) && name[cut..].eq_ignore_ascii_case(".md") => {
            name[..cut].to_string()
        }
        _ => name.to_string(),
    }
}

/// Reports the later of two equal ids in one list, at its `id` key or, for a
/// default id, at the file's start. `scope` names the list, for the message.
pub(crate) fn report_duplicate_ids<'a>(
    cx: &mut Cx,
    items: impl Iterator<Item = (&'a str, Option<Span>)>,
    what: &str,
    scope: impl Fn() -> String,
) {
    // Lists are short: a straight search beats hashing, up to a point.
    let mut seen: Vec<&str> = Vec::new();
    let mut hashed = std::collections::HashSet::new();
    for (id, span) in items {
        let new = if seen.len() < 32 {
            let new = !seen.contains(&id);
            if new {
                seen.push(id);
                if seen.len() == 32 {
                    hashed.extend(seen.iter().copied());
                }
            }
            new
        } else {
            hashed.insert(id)
        };
        if !new {
            let span = span.unwrap_or(Span::FILE_START);
            let scope = scope();
            let diagnostic = Diagnostic::new(
                Code::DuplicateId,
                cx.file,
                span,
                format!("{what} id `{id}` is used twice in {scope}"),
            )
            .with_help(format!("give each {what} of {scope} its own id"));
            cx.diagnostics.push(diagnostic);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Dropping the texts skips copying them, not checking them: a note or
    /// a description of the wrong type is reported either way, and the
    /// unit is the kept one without its texts.
    #[test]
    fn texts_are_checked_whether_kept_or_dropped() {
        let text = "+++\nid = \"team\"\n\n[[objectives]]\ntitle = \"O\"\ndescription = 3\n  [[objectives.key_results]]\n  title = \"A\"\n  from = 0\n  to = 10\n  description = \"Why\"\n  checkins = [\n    { date = 2026-11-02, value = 1, note = \"fine\" },\n    { date = 2026-11-09, value = 2, note = [\"no\"] },\n  ]\n  [[objectives.key_results]]\n  title = \"B\"\n  done = false\n  description = true\n+++\nThe body.\n";
        let file = SourceFile::from_text("team.md", text);
        let kept = parse_unit_file_with(&file, Texts::Keep);
        let dropped = parse_unit_file_with(&file, Texts::Drop);
        assert_eq!(kept.diagnostics, dropped.diagnostics);
        let wrong: Vec<u32> = kept.diagnostics.iter().map(|d| d.line).collect();
        assert_eq!(wrong, [6, 14, 19], "{:#?}", kept.diagnostics);
        let (Some(mut kept), Some(dropped)) = (kept.unit, dropped.unit) else {
            panic!("both parse");
        };
        assert_eq!(kept.body, "The body.\n");
        assert_eq!(
            kept.objectives[0].key_results[0].checkins[0]
                .note
                .as_deref(),
            Some("fine")
        );
        kept.drop_texts();
        assert_eq!(format!("{kept:?}"), format!("{dropped:?}"));
    }

    #[test]
    fn default_item_ids_are_the_prefix_and_the_position() {
        for (prefix, position, id) in [("KR", 1, "KR1"), ("O", 12, "O12"), ("KR", 100, "KR100")] {
            let made = default_id(prefix, position);
            assert_eq!(made, id);
            assert_eq!(made.capacity(), id.len(), "{id} is made to its length");
        }
    }

    #[test]
    fn default_ids_come_from_the_file_name() {
        assert_eq!(file_stem("teams/platform.md"), "platform");
        assert_eq!(file_stem("Platform.MD"), "Platform");
        assert_eq!(file_stem("é.md"), "é");
    }
}

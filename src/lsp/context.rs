//! Where in the front matter the cursor is: which table, and whether it is
//! typing a key or a value (and of which key). Read from the text up to the
//! cursor with a forgiving scan, because completion is asked for while the
//! text is half-typed and rarely parses: an unclosed string, an `=` with no
//! value yet.

use crate::parse::fields::{Shape, TableSpec};
use crate::parse::specs;

/// What the cursor is typing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Slot {
    /// A key of a table; `start` is where the typed part of it begins.
    Key { start: usize },
    /// Inside a string value of `key`; `start` is the first byte after the quote.
    String { key: String, start: usize },
    /// After `key =`, before a value is started.
    Value { key: String },
}

#[derive(Debug, Clone)]
pub struct Context {
    /// The table the cursor is in, if okrc knows it.
    pub table: Option<&'static TableSpec>,
    pub slot: Slot,
}

#[derive(Debug, Clone)]
enum Frame {
    /// `[`: the key the array is the value of.
    Array(Option<String>),
    /// `{`: the key the table is the value of (or the array's key it is in).
    Inline(Option<String>),
}

/// The context of `offset` in a unit file's `text` (BOM-less), or `None`
/// outside the front matter.
pub fn context_at(text: &str, offset: usize) -> Option<Context> {
    let offset = offset.min(text.len());
    let first_line = text.find('\n')? + 1;
    if text[..first_line].trim_end() != "+++" || offset < first_line {
        return None;
    }
    // The cursor must be before the closing fence.
    let mut line_start = first_line;
    while line_start < offset {
        let line_end = text[line_start..]
            .find('\n')
            .map_or(text.len(), |i| line_start + i);
        if text[line_start..line_end].trim_end() == "+++" {
            return None;
        }
        line_start = line_end + 1;
    }
    let scan = Scan::run(&text[..offset], first_line);
    let table = scan.table();
    Some(Context {
        table,
        slot: scan.slot?,
    })
}

struct Scan {
    header: String,
    frames: Vec<Frame>,
    /// The key whose value comes next (or whose array the cursor is in).
    key: Option<String>,
    slot: Option<Slot>,
}

impl Scan {
    fn run(text: &str, from: usize) -> Scan {
        let mut scan = Scan {
            header: String::new(),
            frames: Vec::new(),
            key: None,
            slot: Some(Slot::Key { start: from }),
        };
        let bytes = text.as_bytes();
        let mut i = from;
        while i < bytes.len() {
            let c = bytes[i];
            match c {
                b'#' => {
                    // A comment runs to the end of the line.
                    match memchr::memchr(b'\n', &bytes[i..]) {
                        Some(n) => i += n,
                        None => {
                            scan.slot = None;
                            return scan;
                        }
                    }
                    continue;
                }
                b'\n' => {
                    if scan.frames.is_empty() {
                        scan.key = None;
                        scan.slot = Some(Slot::Key { start: i + 1 });
                    }
                }
                b'"' | b'\'' => {
                    let start =
                        i + if text[i..].starts_with(if c == b'"' { "\"\"\"" } else { "'''" }) {
                            3
                        } else {
                            1
                        };
                    match string_end(text, i) {
                        // A one-line string left open before the cursor's line:
                        // read on from the next line.
                        Err(Some(line_end)) => {
                            i = line_end;
                            scan.slot = None;
                            continue;
                        }
                        Ok(end) => {
                            i = end;
                            scan.slot = match scan.slot {
                                // A quoted key: `"key" = ...`.
                                Some(Slot::Key { .. }) => Some(Slot::Key { start: i }),
                                _ => None,
                            };
                            continue;
                        }
                        Err(None) => {
                            scan.slot = match (&scan.slot, &scan.key) {
                                (Some(Slot::Key { .. }), _) | (_, None) => None,
                                (_, Some(key)) => Some(Slot::String {
                                    key: key.clone(),
                                    start,
                                }),
                            };
                            return scan;
                        }
                    }
                }
                b'[' if scan.frames.is_empty() && matches!(scan.slot, Some(Slot::Key { .. })) => {
                    // A table header: `[reflection]`, `[[objectives.key_results]]`.
                    let end = memchr::memchr(b'\n', &bytes[i..]).map_or(bytes.len(), |n| i + n);
                    let header = text[i..end].trim().trim_matches(['[', ']']);
                    scan.header = header
                        .split('.')
                        .map(str::trim)
                        .collect::<Vec<_>>()
                        .join(".");
                    scan.slot = None;
                    i = end;
                    continue;
                }
                b'[' => {
                    scan.frames.push(Frame::Array(scan.key.clone()));
                    scan.slot = scan.key.clone().map(|key| Slot::Value { key });
                }
                b'{' => {
                    scan.frames.push(Frame::Inline(scan.key.take()));
                    scan.slot = Some(Slot::Key { start: i + 1 });
                }
                b']' | b'}' => {
                    scan.frames.pop();
                    scan.key = match scan.frames.last() {
                        Some(Frame::Array(key)) => key.clone(),
                        _ => None,
                    };
                    scan.slot = None;
                }
                b',' => match scan.frames.last() {
                    Some(Frame::Inline(_)) => {
                        scan.key = None;
                        scan.slot = Some(Slot::Key { start: i + 1 });
                    }
                    Some(Frame::Array(key)) => {
                        scan.slot = key.clone().map(|key| Slot::Value { key })
                    }
                    None => scan.slot = None,
                },
                b'=' => {
                    if let Some(Slot::Key { start }) = scan.slot {
                        let key = text[start..i].trim().trim_matches(['"', '\'']).to_string();
                        scan.slot = Some(Slot::Value { key: key.clone() });
                        scan.key = Some(key);
                    } else {
                        scan.slot = None;
                    }
                }
                b' ' | b'\t' | b'\r' => {
                    if let Some(Slot::Key { start }) = scan.slot {
                        if text[start..i].trim().is_empty() {
                            scan.slot = Some(Slot::Key { start: i + 1 });
                        }
                    }
                }
                _ => {
                    if let Some(Slot::Value { .. }) = scan.slot {
                        // A bare value (a number, a date, `true`) has begun.
                        scan.slot = None;
                    }
                }
            }
            i += 1;
        }
        scan
    }

    /// The table the cursor is in, following headers and inline tables down
    /// the key tables.
    fn table(&self) -> Option<&'static TableSpec> {
        let mut table: &'static TableSpec = match self.header.as_str() {
            "" => &specs::UNIT,
            header => {
                let mut table = &specs::UNIT;
                for part in header.split('.') {
                    table = nested(table, part)?;
                }
                table
            }
        };
        for frame in &self.frames {
            if let Frame::Inline(key) = frame {
                table = nested(table, key.as_deref()?)?;
            }
        }
        Some(table)
    }
}

/// The table a key of `table` holds (directly or as array items).
fn nested(table: &'static TableSpec, key: &str) -> Option<&'static TableSpec> {
    match table.field(key)?.1.shape {
        Shape::Table(inner)
        | Shape::ArrayOfTables(inner)
        | Shape::StringsOrTables(inner)
        | Shape::MapOfTables(inner) => Some(inner),
        _ => None,
    }
}

/// The offset just after the string that opens at `start`; if it does not
/// close, `Err` with the end of its line when a one-line string stops there,
/// or `Err(None)` when it runs to the end of the text (the cursor is in it).
fn string_end(text: &str, start: usize) -> Result<usize, Option<usize>> {
    let bytes = text.as_bytes();
    let quote = bytes[start];
    let triple = if quote == b'"' { "\"\"\"" } else { "'''" };
    if text[start..].starts_with(triple) {
        let body = start + 3;
        let close = text[body..].find(triple).ok_or(None)?;
        // Up to two quotes may stand right before the closing three.
        let mut end = body + close + 3;
        while end < bytes.len() && bytes[end] == quote && end < body + close + 5 {
            end += 1;
        }
        return Ok(end);
    }
    let mut i = start + 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' if quote == b'"' => i += 1,
            b'\n' => return Err(Some(i)),
            c if c == quote => return Ok(i + 1),
            _ => {}
        }
        i += 1;
    }
    Err(None)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text_with_cursor: &str) -> Option<(String, Slot)> {
        let offset = text_with_cursor.find('|').unwrap();
        let text = text_with_cursor.replacen('|', "", 1);
        let context = context_at(&text, offset)?;
        Some((
            context.table.map_or("?", |t| t.name).to_string(),
            context.slot,
        ))
    }

    #[test]
    fn a_key_at_the_start_of_a_line_in_the_unit_table() {
        assert_eq!(
            at("+++\nid = \"a\"\npar|"),
            Some(("unit".into(), Slot::Key { start: 13 }))
        );
    }

    #[test]
    fn headers_and_inline_tables_choose_the_table() {
        let (table, _) = at("+++\n[[objectives]]\ntitle = \"x\"\n  ali|").unwrap();
        assert_eq!(table, "objective");
        let (table, _) = at("+++\n[[objectives]]\n[[objectives.key_results]]\nti|").unwrap();
        assert_eq!(table, "key result");
        let (table, slot) =
            at("+++\n[[objectives]]\nkey_results = [\n  { title = \"a\", fr|").unwrap();
        assert_eq!(table, "key result");
        assert!(matches!(slot, Slot::Key { .. }));
        let (table, _) =
            at("+++\n[[objectives.key_results]]\ncheckins = [{ date = 2026-10-05, conf|").unwrap();
        assert_eq!(table, "check-in");
        let (table, _) = at("+++\n[reflection]\nretro|").unwrap();
        assert_eq!(table, "reflection");
    }

    #[test]
    fn inside_an_unclosed_string_of_a_reference() {
        let text = "+++\nparent = \"eng|";
        assert_eq!(
            at(text),
            Some((
                "unit".into(),
                Slot::String {
                    key: "parent".into(),
                    start: 14
                }
            ))
        );
        let (_, slot) = at("+++\n[[objectives]]\naligns_to = [\"O1\", \"O|").unwrap();
        assert_eq!(
            slot,
            Slot::String {
                key: "aligns_to".into(),
                start: 39
            }
        );
        let (_, slot) = at("+++\n[[objectives]]\naligns_to = [\n  \"O1\",\n  \"|\n]").unwrap();
        assert!(matches!(slot, Slot::String { ref key, .. } if key == "aligns_to"));
    }

    #[test]
    fn a_string_left_open_on_an_earlier_line_does_not_hide_the_cursor() {
        let (table, slot) = at("+++\nparent = \"\n[[objectives]]\nal|").unwrap();
        assert_eq!(table, "objective");
        assert!(matches!(slot, Slot::Key { .. }));
    }

    #[test]
    fn after_the_equals_sign() {
        let (_, slot) = at("+++\nparent = |").unwrap();
        assert_eq!(
            slot,
            Slot::Value {
                key: "parent".into()
            }
        );
    }

    #[test]
    fn closed_strings_comments_and_the_body_are_not_completed() {
        assert_eq!(at("+++\nparent = \"x\" |"), None);
        assert_eq!(at("+++\n# a comment |"), None);
        assert_eq!(at("+++\nid = \"a\"\n+++\nbody |"), None);
        assert_eq!(at("no front matter |"), None);
        assert_eq!(at("+++|"), None);
    }

    #[test]
    fn strings_with_escapes_and_triple_quotes_close() {
        let (_, slot) = at("+++\nname = \"a \\\" b\"\nmission = \"\"\"\nx\n\"\"\"\npa|").unwrap();
        assert!(matches!(slot, Slot::Key { .. }));
    }
}

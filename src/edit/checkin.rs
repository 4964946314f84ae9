//! Appending one check-in to a key result of a unit file, changing no other
//! byte of it.
//!
//! toml_edit parses the front matter with the position of every key and
//! value; the check-in is then inserted into the original text in the style
//! the key result already uses:
//!
//! - a one-line string `"…"` becomes `{ kr = "…", checkins = [ … ] }`;
//! - an inline table gets `, checkins = [ … ]` after its last key;
//! - a `checkins = [ … ]` array gets one more element, on a line of its own
//!   when the array spans lines;
//! - `[[….checkins]]` tables get one more such table after the last one;
//! - a `[[objectives.key_results]]` table without check-ins gets a
//!   `checkins = [ … ]` line after its last key.
//!
//! [`append_checkin`] does all of it on a file's bytes; [`verify`] reads the
//! edited text back and checks that it says what the original said plus
//! exactly this check-in.

mod new;
mod verify;

use std::fmt::Write as _;
use std::ops::Range;

use thiserror::Error;
use toml_edit::{Array, ArrayOfTables, Document, InlineTable, Item, Table, Value};

use super::{Insertion, indent_of, line_end, line_start, newline_of, next_line_start};
use crate::parse::front_matter::split_front_matter;
pub use new::{InlineStyle, NewCheckin, Reading, toml_number, toml_string};
pub use verify::verify;

/// Why a check-in could not be placed. The command validates the file
/// first, so these mean the file changed underneath or okrc has a bug.
#[derive(Debug, Error, PartialEq)]
pub enum EditError {
    #[error("the file does not start with a closed `+++` front matter block")]
    NoFrontMatter,
    #[error("the file is not UTF-8")]
    NotUtf8,
    #[error("the front matter is not valid TOML: {0}")]
    Toml(String),
    #[error("there is no key result {key_result} in objective {objective} (counting from 1)")]
    NotFound { objective: usize, key_result: usize },
    #[error("`{0}` has a shape okrc cannot add a check-in to")]
    Shape(&'static str),
    #[error("the edited file does not read back as the original plus the check-in ({0})")]
    Verification(String),
}

const BYTE_ORDER_MARK: &[u8] = b"\xEF\xBB\xBF";

/// A unit file's bytes with `checkin` appended to key result `key_result`
/// (0-based) of objective `objective` (0-based): the original bytes with the
/// check-in inserted, a byte-order mark kept, and the result read back and
/// checked by [`verify`] before it is returned.
pub fn append_checkin(
    bytes: &[u8],
    objective: usize,
    key_result: usize,
    checkin: &NewCheckin,
) -> Result<Vec<u8>, EditError> {
    let (bom, rest) = match bytes.strip_prefix(BYTE_ORDER_MARK) {
        Some(rest) => (BYTE_ORDER_MARK, rest),
        None => (&[][..], bytes),
    };
    let text = std::str::from_utf8(rest).map_err(|_| EditError::NotUtf8)?;
    let insertions = add_checkin(text, objective, key_result, checkin)?;
    let edited = super::apply(text, &insertions);
    verify(text, &edited, objective, key_result, checkin)?;
    Ok([bom, edited.as_bytes()].concat())
}

/// The insertions that append `checkin` to key result `key_result` (0-based)
/// of objective `objective` (0-based) in the unit file `text` (without a
/// byte-order mark). Offsets are into `text`.
pub fn add_checkin(
    text: &str,
    objective: usize,
    key_result: usize,
    checkin: &NewCheckin,
) -> Result<Vec<Insertion>, EditError> {
    let front_matter = split_front_matter(text).ok_or(EditError::NoFrontMatter)?;
    let toml = front_matter.toml;
    let document =
        Document::parse(toml).map_err(|err| EditError::Toml(err.message().to_string()))?;
    let not_found = EditError::NotFound {
        objective: objective + 1,
        key_result: key_result + 1,
    };
    let node = find_key_result(document.as_table(), objective, key_result).ok_or(not_found)?;
    let editor = Editor { toml, checkin };
    let mut insertions = match node {
        Node::Line(span) => editor.wrap_line(span),
        Node::Inline(table) => editor.add_to_inline_table(table)?,
        Node::Table(table) => editor.add_to_table(table)?,
    };
    for insertion in &mut insertions {
        insertion.at += front_matter.toml_offset;
    }
    Ok(insertions)
}

/// Where a key result is written.
enum Node<'d> {
    /// A one-line string, by its span.
    Line(Range<usize>),
    Inline(&'d InlineTable),
    Table(&'d Table),
}

fn find_key_result(root: &Table, objective: usize, key_result: usize) -> Option<Node<'_>> {
    let key_results = match root.get("objectives")? {
        Item::ArrayOfTables(objectives) => match objectives.get(objective)?.get("key_results")? {
            Item::ArrayOfTables(tables) => return tables.get(key_result).map(Node::Table),
            Item::Value(Value::Array(items)) => items,
            _ => return None,
        },
        Item::Value(Value::Array(objectives)) => match objectives.get(objective)? {
            Value::InlineTable(table) => match table.get("key_results")? {
                Value::Array(items) => items,
                _ => return None,
            },
            _ => return None,
        },
        _ => return None,
    };
    match key_results.get(key_result)? {
        value @ Value::String(_) => value.span().map(Node::Line),
        Value::InlineTable(table) => Some(Node::Inline(table)),
        _ => None,
    }
}

struct Editor<'t> {
    toml: &'t str,
    checkin: &'t NewCheckin,
}

impl Editor<'_> {
    fn insert(at: usize, text: impl Into<String>) -> Insertion {
        Insertion {
            at,
            text: text.into(),
            removes: 0,
        }
    }

    /// Is the text just inside this opening bracket or brace a space?
    fn spaced_after(&self, open: usize) -> bool {
        !matches!(self.toml.as_bytes().get(open + 1), Some(b) if !b.is_ascii_whitespace())
    }

    /// The style of an inline table as written: the space after its `{`
    /// and the `=` of its first key.
    fn style_of(&self, table: &InlineTable) -> InlineStyle {
        let spaced = table
            .span()
            .is_none_or(|span| self.spaced_after(span.start));
        let equals = table
            .iter()
            .next()
            .and_then(|(name, value)| {
                let key = table.key(name)?.span()?;
                let between = &self.toml[key.end..value.span()?.start];
                (between.trim() == "=" && !between.contains('\n')).then(|| between.to_string())
            })
            .unwrap_or_else(|| " = ".into());
        InlineStyle { spaced, equals }
    }

    /// `"…"` → `{ kr = "…", checkins = [ { … } ] }`, the string's own bytes
    /// kept as they are.
    fn wrap_line(&self, span: Range<usize>) -> Vec<Insertion> {
        let mut insertions = Vec::new();
        // `done` on a `[ ] TITLE` milestone ticks its box: the file must not
        // read "not done" after a done check-in.
        if self.checkin.reading == Reading::Done(true) {
            let inside = span.start + 1;
            let string = &self.toml[span.clone()];
            let open = string.len() - string[1..].trim_start_matches([' ', '\t']).len() - 1;
            if string[1 + open..].starts_with("[ ]") {
                insertions.push(Insertion {
                    at: inside + open + 1,
                    text: "x".into(),
                    removes: 1,
                });
            }
        }
        insertions.extend([
            Self::insert(span.start, "{ kr = "),
            Self::insert(
                span.end,
                format!(
                    ", checkins = [ {} ] }}",
                    self.checkin.inline_table(&InlineStyle::default())
                ),
            ),
        ]);
        insertions
    }

    fn add_to_inline_table(&self, table: &InlineTable) -> Result<Vec<Insertion>, EditError> {
        match table.get("checkins") {
            Some(Value::Array(array)) => self.add_to_array(array),
            Some(_) => Err(EditError::Shape("checkins")),
            None => {
                let span = table.span().ok_or(EditError::Shape("key result"))?;
                let style = self.style_of(table);
                let new = self.checkin.inline_table(&style);
                let equals = &style.equals;
                let array = if style.spaced {
                    format!("checkins{equals}[ {new} ]")
                } else {
                    format!("checkins{equals}[{new}]")
                };
                // The last `key = value`, from its key to the end of its value.
                let last = table
                    .iter()
                    .filter_map(|(name, value)| {
                        let key = table.key(name)?.span()?;
                        Some(key.start..value.span()?.end)
                    })
                    .max_by_key(|pair| pair.end);
                Ok(match last {
                    Some(pair) if self.toml[span.start..pair.start].contains('\n') => {
                        self.on_a_line_of_its_own(pair, &array)
                    }
                    Some(pair) => vec![Self::insert(pair.end, format!(", {array}"))],
                    None => vec![Self::insert(span.start + 1, format!(" {array} "))],
                })
            }
        }
    }

    fn add_to_table(&self, table: &Table) -> Result<Vec<Insertion>, EditError> {
        match table.get("checkins") {
            Some(Item::Value(Value::Array(array))) => self.add_to_array(array),
            Some(Item::ArrayOfTables(tables)) => self.after_last_table(tables),
            Some(_) => Err(EditError::Shape("checkins")),
            None => {
                let header = table.span().ok_or(EditError::Shape("key result"))?;
                let (end, indent, equals) = self.last_key_value(table, &header);
                let style = InlineStyle {
                    spaced: true,
                    equals: equals.to_string(),
                };
                let new = self.checkin.inline_table(&style);
                let line = format!("{indent}checkins{equals}[ {new} ]");
                Ok(vec![self.line_after(end, line)])
            }
        }
    }

    /// The end of the last `key = value` of a standard table, the indent of
    /// its line and its ` = `; after the header when it has none.
    fn last_key_value<'a>(
        &'a self,
        table: &Table,
        header: &Range<usize>,
    ) -> (usize, &'a str, &'a str) {
        let last = table
            .iter()
            .filter_map(|(name, item)| {
                let Item::Value(value) = item else {
                    return None;
                };
                let (key, _) = table.get_key_value(name)?;
                Some((key.span()?, value.span()?))
            })
            .max_by_key(|(_, value)| value.end);
        match last {
            Some((key, value)) => {
                let between = &self.toml[key.end..value.start];
                let equals = if between.trim() == "=" && !between.contains('\n') {
                    between
                } else {
                    " = "
                };
                (value.end, indent_of(self.toml, key.start), equals)
            }
            None => (header.end, indent_of(self.toml, header.start), " = "),
        }
    }

    /// Inserts a new line of text after the line that holds `end`.
    fn line_after(&self, end: usize, line: String) -> Insertion {
        let newline = newline_of(self.toml, end);
        let at = next_line_start(self.toml, end);
        let lead = if at == self.toml.len() && !self.toml.ends_with('\n') {
            newline
        } else {
            ""
        };
        Self::insert(at, format!("{lead}{line}{newline}"))
    }

    /// Another `[[….checkins]]` table after the last one, with the same
    /// header, indents and blank line before it.
    fn after_last_table(&self, tables: &ArrayOfTables) -> Result<Vec<Insertion>, EditError> {
        let last = tables.iter().last().ok_or(EditError::Shape("checkins"))?;
        let header = last.span().ok_or(EditError::Shape("checkins"))?;
        let header_text = &self.toml[header.clone()];
        let header_indent = indent_of(self.toml, header.start);
        let (end, key_indent, equals) = self.last_key_value(last, &header);
        let key_indent = if end == header.end {
            header_indent
        } else {
            key_indent
        };
        let newline = newline_of(self.toml, end);
        let header_line = line_start(self.toml, header.start);
        let blank_before = header_line > 0 && {
            let previous = line_start(self.toml, header_line - 1);
            self.toml[previous..header_line].trim().is_empty()
        };
        let mut text = String::new();
        if blank_before {
            text.push_str(newline);
        }
        let _ = write!(text, "{header_indent}{header_text}");
        for (key, value) in self.checkin.fields() {
            let _ = write!(text, "{newline}{key_indent}{key}{equals}{value}");
        }
        Ok(vec![self.line_after(end, text)])
    }

    /// One more element at the end of an inline array, in its layout.
    fn add_to_array(&self, array: &Array) -> Result<Vec<Insertion>, EditError> {
        let span = array.span().ok_or(EditError::Shape("checkins"))?;
        let (open, close) = (span.start, span.end - 1);
        let last = array
            .iter()
            .filter_map(|value| Some((value.span()?, value)))
            .max_by_key(|(span, _)| span.end);
        let Some((last, last_value)) = last else {
            let inside = &self.toml[open + 1..close];
            let new = self.checkin.inline_table(&InlineStyle::default());
            return Ok(vec![if inside.contains('\n') || inside.contains('#') {
                let newline = newline_of(self.toml, open);
                let indent = indent_of(self.toml, close);
                Self::insert(open + 1, format!("{newline}{indent}  {new},"))
            } else if inside.is_empty() {
                Self::insert(open + 1, format!(" {new} "))
            } else {
                Self::insert(open + 1, format!(" {new}"))
            }]);
        };
        let style = match last_value {
            Value::InlineTable(table) => self.style_of(table),
            _ => InlineStyle::default(),
        };
        let new = self.checkin.inline_table(&style);
        let multiline = self.toml[open..last.start].contains('\n');
        if !multiline {
            return Ok(vec![Self::insert(last.end, format!(", {new}"))]);
        }
        Ok(self.on_a_line_of_its_own(last, &new))
    }

    /// Inserts `item` after the item at `last` of a list written one item
    /// per line (an array, or an inline table spread over lines): on a new
    /// line in the same indent, after the comma (added if there was none),
    /// with a trailing comma when the list has one. A comment after the last
    /// item stays on its line.
    fn on_a_line_of_its_own(&self, last: Range<usize>, item: &str) -> Vec<Insertion> {
        let after = &self.toml[last.end..];
        let gap = after.len() - after.trim_start_matches([' ', '\t']).len();
        let comma = after[gap..].starts_with(',').then_some(last.end + gap + 1);
        let newline = newline_of(self.toml, last.end);
        let indent = indent_of(self.toml, last.start);
        let resume = comma.unwrap_or(last.end);
        let rest = self.toml[resume..].trim_start_matches([' ', '\t']);
        let line_is_clear = rest.starts_with(['#', '\r', '\n']) || rest.is_empty();
        let trailing = if comma.is_some() { "," } else { "" };
        let element = format!("{newline}{indent}{item}{trailing}");
        let mut insertions = Vec::new();
        if comma.is_none() {
            insertions.push(Self::insert(last.end, ","));
        }
        let at = if line_is_clear {
            line_end(self.toml, resume)
        } else {
            resume
        };
        insertions.push(Self::insert(at, element));
        insertions
    }
}

#[cfg(test)]
mod layouts;
#[cfg(test)]
mod tests;

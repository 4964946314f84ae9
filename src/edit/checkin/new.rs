//! The new check-in as TOML text: its keys in order, numbers and strings
//! written the way TOML reads them back unchanged.

use std::fmt::Write as _;

use chrono::NaiveDate;

use crate::model::{Checkin, Confidence};
use crate::period::format_date;

/// What a check-in records besides its date.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Reading {
    /// A metric's value.
    Value(f64),
    /// Whether a milestone is done.
    Done(bool),
    /// Nothing: a roll-up's check-in has only a confidence and a note.
    Nothing,
}

/// The check-in to append.
#[derive(Debug, Clone, PartialEq)]
pub struct NewCheckin {
    pub date: NaiveDate,
    pub reading: Reading,
    pub confidence: Option<Confidence>,
    pub note: Option<String>,
}

impl NewCheckin {
    /// Its keys and their values as TOML, in the order README "Writing OKRs" writes them.
    pub fn fields(&self) -> Vec<(&'static str, String)> {
        let mut fields = vec![("date", format_date(self.date))];
        match self.reading {
            Reading::Value(value) => fields.push(("value", toml_number(value))),
            Reading::Done(done) => fields.push(("done", done.to_string())),
            Reading::Nothing => {}
        }
        match self.confidence {
            Some(Confidence::Number(c)) => fields.push(("confidence", toml_number(c))),
            Some(Confidence::Level(level)) => {
                fields.push(("confidence", toml_string(level.as_str())));
            }
            None => {}
        }
        if let Some(note) = &self.note {
            fields.push(("note", toml_string(note)));
        }
        fields
    }

    /// `{ date = 2026-11-27, value = 96 }`, spaced like the inline tables
    /// around it.
    pub fn inline_table(&self, style: &InlineStyle) -> String {
        let body = self
            .fields()
            .iter()
            .map(|(key, value)| format!("{key}{}{value}", style.equals))
            .collect::<Vec<_>>()
            .join(", ");
        if style.spaced {
            format!("{{ {body} }}")
        } else {
            format!("{{{body}}}")
        }
    }

    /// The check-in as the model holds it once the file is read back.
    pub fn to_model(&self) -> Checkin {
        Checkin::new(
            self.date,
            match self.reading {
                Reading::Value(value) => Some(value),
                _ => None,
            },
            match self.reading {
                Reading::Done(done) => Some(done),
                _ => None,
            },
            self.confidence,
            self.note.as_deref().map(Box::from),
        )
    }
}

/// How an inline table is written: `{ a = 1 }` or `{a=1}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InlineStyle {
    /// A space inside the braces.
    pub spaced: bool,
    /// What stands between a key and its value: ` = `, `=`.
    pub equals: String,
}

impl Default for InlineStyle {
    fn default() -> Self {
        InlineStyle {
            spaced: true,
            equals: " = ".into(),
        }
    }
}

/// A number as TOML writes it: an integer when it is whole, else the
/// shortest float that reads back the same (`99.5`, `1e20`).
pub fn toml_number(value: f64) -> String {
    match crate::number::as_whole(value) {
        Some(whole) => whole.to_string(),
        None => format!("{value:?}"),
    }
}

/// A TOML basic string, escaped.
pub fn toml_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

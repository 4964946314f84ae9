//! A spanned TOML parser built for okrc's front matter.
//!
//! The `toml` crate lexes a document into a token `Vec`, turns those into an
//! event `Vec`, then builds `BTreeMap`s of `Spanned<Cow<str>>` keys: three
//! passes and an allocation per key. Checking a 10,000-file workspace spent
//! half its time there. This parser reads the bytes once (hand-written
//! recursive descent) into an arena of nodes, one `Vec` per document; a string
//! without escapes borrows from the input. Every key and value keeps its byte
//! span, which is all okrc needs to point a diagnostic at the right column.
//!
//! It implements TOML 1.1 as the `toml` crate 1.2 does (the official
//! toml-test suite and a differential property test check that): newlines and
//! trailing commas in inline tables, `\e` and `\xHH` escapes, optional
//! seconds.
//!
//! Two kinds of error come out. A *syntax* error (bad grammar, a duplicate
//! key, a table defined twice) means the document cannot be trusted; only the
//! first is kept, and the parser skips to the next line so that keys after it
//! (a unit's `id` and `period`) can still be read. A *value* error (a date
//! such as 2026-02-30, an integer that does not fit 64 bits) spoils only that
//! value: it becomes a [`ValueKind::Invalid`] node and the rest of the table is
//! read as usual.
//!
//! ```text
//! parser.rs    lines, headers, keys: the document's grammar
//! values.rs    values, arrays and inline tables (the only recursion)
//! tables.rs    which tables a header or a dotted key may open or extend
//! strings.rs   the four string forms and their escapes
//! scalars.rs   numbers, booleans and the bare words that are neither
//! datetime.rs  the four date-time forms and their validation
//! tree.rs      the node arena, recycled from one document to the next
//! handles.rs   the `Copy` handles through which okrc reads a document
//! ```

mod datetime;
mod error;
mod handles;
mod parser;
mod scalars;
mod strings;
mod tables;
mod tree;
mod values;

pub use datetime::{Date, Datetime, Offset, Time};
pub use error::{Error, ErrorKind};
pub use handles::{Array, Key, Table, Value, ValueKind};
pub use tree::{Document, same_key};

/// How deep arrays and inline tables may nest, and how many parts a dotted
/// key may have: deeper input is hostile, not a plan. The `toml` crate draws
/// the line at the same place.
pub const MAX_DEPTH: u32 = 80;

/// Parses a TOML document. Never fails and never panics: problems are in
/// [`Document::syntax_error`] and [`Document::value_errors`].
pub fn parse(input: &str) -> Document<'_> {
    parser::parse(input)
}

#[cfg(test)]
mod tests;

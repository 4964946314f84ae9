//! Small `Copy` handles into a parsed [`Document`]: what the rest of okrc
//! reads a TOML value through, without seeing the arena.

use std::fmt;
use std::ops::Range;

use super::datetime::Datetime;
use super::tree::{Children, Document, Payload, flags};

/// A value of the document: a handle, cheap to copy.
#[derive(Clone, Copy)]
pub struct Value<'d> {
    pub(super) doc: &'d Document<'d>,
    pub(super) id: u32,
}

/// What a value is.
#[derive(Debug, Clone, Copy)]
pub enum ValueKind<'d> {
    String(&'d str),
    Integer(i64),
    Float(f64),
    Boolean(bool),
    Datetime(Datetime),
    Array(Array<'d>),
    Table(Table<'d>),
    /// A value whose error is in [`Document::value_errors`] already.
    Invalid,
}

impl<'d> Value<'d> {
    /// The value as written: a string with its quotes, a table from its
    /// `[header]` or `{`.
    pub fn span(self) -> Range<usize> {
        self.doc.node(self.id).span.range()
    }

    pub fn kind(self) -> ValueKind<'d> {
        let (doc, id) = (self.doc, self.id);
        match self.doc.node(id).payload {
            Payload::String(text) => ValueKind::String(doc.text(text)),
            Payload::Integer(i) => ValueKind::Integer(i),
            Payload::Float(f) => ValueKind::Float(f),
            Payload::Boolean(b) => ValueKind::Boolean(b),
            Payload::Datetime(dt) => ValueKind::Datetime(dt),
            Payload::Array(_) => ValueKind::Array(Array { doc, id }),
            Payload::Table(_) => ValueKind::Table(Table { doc, id }),
            Payload::Invalid => ValueKind::Invalid,
        }
    }

    pub fn as_str(self) -> Option<&'d str> {
        match self.kind() {
            ValueKind::String(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_table(self) -> Option<Table<'d>> {
        match self.kind() {
            ValueKind::Table(t) => Some(t),
            _ => None,
        }
    }

    pub fn as_array(self) -> Option<Array<'d>> {
        match self.kind() {
            ValueKind::Array(a) => Some(a),
            _ => None,
        }
    }

    /// The key this value has in its table, as written; empty for array
    /// items and the root.
    pub fn key(self) -> Key<'d> {
        Key {
            doc: self.doc,
            id: self.id,
        }
    }

    pub fn is_invalid(self) -> bool {
        matches!(self.doc.node(self.id).payload, Payload::Invalid)
    }

    /// Where the value sits in its document: a number a reader can keep in
    /// 4 bytes instead of this 16-byte handle, and turn back into the value
    /// with [`Table::value_at`].
    pub fn place(self) -> u32 {
        self.id
    }
}

/// The key of a table entry, as written.
#[derive(Clone, Copy)]
pub struct Key<'d> {
    pub(super) doc: &'d Document<'d>,
    pub(super) id: u32,
}

impl<'d> Key<'d> {
    /// The key's name, unquoted and unescaped.
    pub fn as_str(self) -> &'d str {
        self.doc.text(self.doc.node(self.id).key)
    }

    /// The key's name as bytes: [`Key::as_str`] for comparing, a little
    /// cheaper.
    pub fn as_bytes(self) -> &'d [u8] {
        let doc = self.doc;
        doc.node(self.id)
            .key
            .resolve_bytes(doc.input, &doc.arena.owned)
    }

    /// The key as written, with its quotes; for a dotted key, its last part.
    pub fn span(self) -> Range<usize> {
        self.doc.node(self.id).key_span.range()
    }
}

/// A table: the root, a `[header]` table, a dotted-key table or an inline one.
#[derive(Clone, Copy)]
pub struct Table<'d> {
    pub(super) doc: &'d Document<'d>,
    pub(super) id: u32,
}

impl<'d> Table<'d> {
    pub fn span(self) -> Range<usize> {
        self.doc.node(self.id).span.range()
    }

    fn children(self) -> Children {
        match self.doc.node(self.id).payload {
            Payload::Table(children) | Payload::Array(children) => children,
            _ => Children::EMPTY,
        }
    }

    pub fn len(self) -> usize {
        self.children().len as usize
    }

    pub fn is_empty(self) -> bool {
        self.len() == 0
    }

    /// Was this table written as `{ ... }`?
    pub fn is_inline(self) -> bool {
        self.doc.node(self.id).flags & flags::INLINE != 0
    }

    /// The entries in the order they were written.
    pub fn iter(self) -> impl Iterator<Item = (Key<'d>, Value<'d>)> + 'd {
        let doc = self.doc;
        Siblings {
            doc,
            next: self.children().first,
        }
        .map(move |id| (Key { doc, id }, Value { doc, id }))
    }

    /// The value at `place` ([`Value::place`]) of this table's document.
    pub fn value_at(self, place: u32) -> Value<'d> {
        Value {
            doc: self.doc,
            id: place,
        }
    }

    pub fn get(self, name: &str) -> Option<Value<'d>> {
        self.iter()
            .find(|(k, _)| k.as_str() == name)
            .map(|(_, v)| v)
    }
}

/// An array, of values or of `[[header]]` tables.
#[derive(Clone, Copy)]
pub struct Array<'d> {
    pub(super) doc: &'d Document<'d>,
    pub(super) id: u32,
}

impl<'d> Array<'d> {
    pub fn span(self) -> Range<usize> {
        self.doc.node(self.id).span.range()
    }

    pub fn len(self) -> usize {
        Table {
            doc: self.doc,
            id: self.id,
        }
        .len()
    }

    pub fn is_empty(self) -> bool {
        self.len() == 0
    }

    /// Was this array made by `[[header]]` tables?
    pub fn is_array_of_tables(self) -> bool {
        self.doc.node(self.id).flags & flags::ARRAY_OF_TABLES != 0
    }

    pub fn iter(self) -> impl Iterator<Item = Value<'d>> + 'd {
        let doc = self.doc;
        let first = Table { doc, id: self.id }.children().first;
        Siblings { doc, next: first }.map(move |id| Value { doc, id })
    }
}

struct Siblings<'d> {
    pub(super) doc: &'d Document<'d>,
    next: u32,
}

impl Iterator for Siblings<'_> {
    type Item = u32;

    fn next(&mut self) -> Option<u32> {
        let id = self.next;
        let node = self.doc.arena.nodes.get(id as usize)?;
        self.next = node.next;
        Some(id)
    }
}

impl fmt::Debug for Value<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.kind() {
            ValueKind::String(s) => write!(f, "{s:?}"),
            ValueKind::Integer(i) => write!(f, "{i}"),
            ValueKind::Float(x) => write!(f, "{x:?}"),
            ValueKind::Boolean(b) => write!(f, "{b}"),
            ValueKind::Datetime(dt) => write!(f, "{dt}"),
            ValueKind::Array(a) => a.fmt(f),
            ValueKind::Table(t) => t.fmt(f),
            ValueKind::Invalid => f.write_str("<invalid>"),
        }
    }
}

impl fmt::Debug for Table<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map()
            .entries(self.iter().map(|(k, v)| (k.as_str(), v)))
            .finish()
    }
}

impl fmt::Debug for Array<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl fmt::Debug for Document<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Document")
            .field("root", &self.root())
            .field("syntax_error", &self.syntax_error)
            .field("value_errors", &self.value_errors)
            .finish()
    }
}

//! The parsed document: one arena of nodes (read through the handles of
//! `handles.rs`).
//!
//! A node is a value; when it sits in a table it also carries its key. A
//! table's entries and an array's items are a singly linked list through
//! `next`, because TOML adds to a table long after it was opened (a
//! `[[objectives.key_results]]` header appends to the last objective). Spans
//! and string positions are `u32`: front matter is far below 4 GiB, and the
//! parser refuses anything that is not.

use std::cell::RefCell;
use std::ops::Range;

use super::datetime::Datetime;
use super::error::Error;
use super::handles::Table;
use super::tables::KeyIndex;

/// No node: the end of a list, or an empty one.
pub(super) const NONE: u32 = u32::MAX;
/// The root table is always the first node.
pub(super) const ROOT: u32 = 0;

/// Set in `Text::len` when the text lives in the document's own buffer
/// (a string with escapes) rather than in the input.
const OWNED: u32 = 1 << 31;

/// A string of the document, borrowed from the input or decoded into
/// [`Document::owned`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) struct Text {
    start: u32,
    len: u32,
}

impl Text {
    pub(super) fn borrowed(start: usize, end: usize) -> Text {
        Text {
            start: start as u32,
            len: (end - start) as u32,
        }
    }

    pub(super) fn owned(start: usize, end: usize) -> Text {
        Text {
            start: start as u32,
            len: (end - start) as u32 | OWNED,
        }
    }

    /// The length in bytes, known without looking at the text.
    pub(super) fn len(self) -> usize {
        (self.len & !OWNED) as usize
    }

    /// Which of the two texts holds this one, and where.
    fn place<'a>(self, input: &'a str, owned: &'a str) -> (&'a str, Range<usize>) {
        let start = self.start as usize;
        let source = if self.len & OWNED != 0 { owned } else { input };
        (source, start..start + self.len())
    }

    /// The text itself, from the input or from the owned buffer.
    pub(super) fn resolve<'a>(self, input: &'a str, owned: &'a str) -> &'a str {
        let (source, range) = self.place(input, owned);
        source.get(range).unwrap_or_default()
    }

    /// The text's bytes, without the two checks that its ends fall on
    /// characters (they do: the parser made it), for comparing keys.
    pub(super) fn resolve_bytes<'a>(self, input: &'a str, owned: &'a str) -> &'a [u8] {
        let (source, range) = self.place(input, owned);
        source.as_bytes().get(range).unwrap_or_default()
    }
}

/// Whether two keys are equal. Keys are short, and comparing them a word
/// at a time in line beats a call to `memcmp`, which the linear table
/// search of every key of every document would otherwise make. Nearly all
/// keys are 4 to 10 bytes: two overlapping words (the first and the last
/// 4 or 8 bytes) cover them without a loop over the bytes left after the
/// whole words.
pub fn same_key(a: &[u8], b: &[u8]) -> bool {
    let n = a.len();
    if n != b.len() {
        return false;
    }
    if n >= 8 {
        let word =
            |s: &[u8], at: usize| u64::from_ne_bytes(s[at..at + 8].try_into().unwrap_or_default());
        let mut at = 0;
        while at + 8 < n {
            if word(a, at) != word(b, at) {
                return false;
            }
            at += 8;
        }
        return word(a, n - 8) == word(b, n - 8);
    }
    if n >= 4 {
        let word =
            |s: &[u8], at: usize| u32::from_ne_bytes(s[at..at + 4].try_into().unwrap_or_default());
        return word(a, 0) == word(b, 0) && word(a, n - 4) == word(b, n - 4);
    }
    (0..n).all(|i| a[i] == b[i])
}

/// A byte range of the input.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) struct Extent {
    pub(super) start: u32,
    pub(super) end: u32,
}

impl Extent {
    pub(super) fn new(start: usize, end: usize) -> Extent {
        Extent {
            start: start as u32,
            end: end as u32,
        }
    }

    pub(super) fn range(self) -> Range<usize> {
        self.start as usize..self.end as usize
    }
}

/// The entries of a table or the items of an array.
#[derive(Debug, Clone, Copy)]
pub(super) struct Children {
    pub(super) first: u32,
    pub(super) last: u32,
    pub(super) len: u32,
}

impl Children {
    pub(super) const EMPTY: Children = Children {
        first: NONE,
        last: NONE,
        len: 0,
    };
}

#[derive(Debug, Clone, Copy)]
pub(super) enum Payload {
    String(Text),
    Integer(i64),
    Float(f64),
    Boolean(bool),
    Datetime(Datetime),
    Array(Children),
    Table(Children),
    /// A value the parser reported as a value error.
    Invalid,
}

/// How a table or array came to be, which decides what may extend it.
pub(super) mod flags {
    /// Created on the way to another table (`[a.b]` creates `a`).
    pub const IMPLICIT: u8 = 1;
    /// Created or extended by a dotted key (`a.b = 1`).
    pub const DOTTED: u8 = 2;
    /// Written inline (`{ ... }`): closed for good.
    pub const INLINE: u8 = 4;
    /// An array made of `[[header]]` tables, which more headers may extend.
    pub const ARRAY_OF_TABLES: u8 = 8;
}

#[derive(Debug, Clone, Copy)]
pub(super) struct Node {
    /// The key of a table entry (empty for array items and the root).
    pub(super) key: Text,
    pub(super) key_span: Extent,
    pub(super) span: Extent,
    /// The next entry of the same table or item of the same array.
    pub(super) next: u32,
    pub(super) flags: u8,
    pub(super) payload: Payload,
}

impl Node {
    pub(super) fn new(payload: Payload, span: Extent, flags: u8) -> Node {
        Node {
            key: Text::default(),
            key_span: Extent::default(),
            span,
            next: NONE,
            flags,
            payload,
        }
    }
}

/// A parsed TOML document. Read it through [`Document::root`].
pub struct Document<'i> {
    pub(super) input: &'i str,
    pub(super) arena: Arena,
    pub(super) syntax_error: Option<Error>,
    pub(super) value_errors: Vec<Error>,
    /// Hash index of the keys of large tables, built when one grows.
    pub(super) index: Option<KeyIndex>,
}

/// The arena of a document. When the document is dropped, its buffers are
/// kept for the next document parsed on the same thread: checking a
/// workspace parses thousands of them, and growing a fresh arena for each
/// cost a fifth of the parse in page faults.
pub(super) struct Arena {
    pub(super) nodes: Vec<Node>,
    /// Decoded strings (those with escapes), back to back.
    pub(super) owned: String,
}

thread_local! {
    static SPARE: RefCell<Option<(Vec<Node>, String)>> = const { RefCell::new(None) };
}

/// Arenas larger than this (in nodes) are freed rather than kept.
const MAX_SPARE_NODES: usize = 1 << 16;

impl Arena {
    fn new(input_len: usize) -> Arena {
        let spare = SPARE
            .try_with(|spare| spare.try_borrow_mut().ok()?.take())
            .ok()
            .flatten();
        let (nodes, owned) =
            spare.unwrap_or_else(|| (Vec::with_capacity(input_len / 16 + 1), String::new()));
        Arena { nodes, owned }
    }
}

impl Drop for Arena {
    fn drop(&mut self) {
        if self.nodes.capacity() > MAX_SPARE_NODES {
            return;
        }
        let mut nodes = std::mem::take(&mut self.nodes);
        let mut owned = std::mem::take(&mut self.owned);
        nodes.clear();
        owned.clear();
        let _ = SPARE.try_with(|spare| {
            if let Ok(mut spare) = spare.try_borrow_mut() {
                *spare = Some((nodes, owned));
            }
        });
    }
}

impl<'i> Document<'i> {
    pub(super) fn new(input: &'i str) -> Self {
        let mut arena = Arena::new(input.len());
        arena.nodes.push(Node::new(
            Payload::Table(Children::EMPTY),
            Extent::default(),
            0,
        ));
        Document {
            input,
            arena,
            syntax_error: None,
            value_errors: Vec::new(),
            index: None,
        }
    }

    /// The top-level table.
    pub fn root(&self) -> Table<'_> {
        Table {
            doc: self,
            id: ROOT,
        }
    }

    /// The first syntax error: the document is not what its author meant.
    pub fn syntax_error(&self) -> Option<&Error> {
        self.syntax_error.as_ref()
    }

    /// Values that are well-formed but impossible, each now an
    /// [`ValueKind::Invalid`] node.
    pub fn value_errors(&self) -> &[Error] {
        &self.value_errors
    }

    /// The first error of either kind, by position.
    pub fn first_error(&self) -> Option<&Error> {
        self.syntax_error
            .iter()
            .chain(&self.value_errors)
            .min_by_key(|e| e.span.start)
    }

    pub(super) fn text(&self, text: Text) -> &str {
        text.resolve(self.input, &self.arena.owned)
    }

    pub(super) fn push(&mut self, node: Node) -> u32 {
        self.arena.nodes.push(node);
        (self.arena.nodes.len() - 1) as u32
    }

    /// Appends `child` to the children of the table or array `parent`.
    pub(super) fn link(&mut self, parent: u32, child: u32) {
        let (Payload::Table(children) | Payload::Array(children)) =
            &mut self.arena.nodes[parent as usize].payload
        else {
            return;
        };
        let previous = children.last;
        if children.first == NONE {
            children.first = child;
        }
        children.last = child;
        children.len += 1;
        if previous != NONE {
            self.arena.nodes[previous as usize].next = child;
        }
    }

    pub(super) fn node(&self, id: u32) -> &Node {
        &self.arena.nodes[id as usize]
    }
}

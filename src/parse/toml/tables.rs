//! Which tables a `[header]`, a `[[header]]` or a dotted key may open or
//! extend, following the `toml` crate's reading of the specification:
//!
//! - a table is defined once: by a `[header]`, by dotted keys, or inline;
//! - a header may define a table that so far exists only implicitly, on the
//!   way to another header (`[a.b]` then `[a]`), but not one that dotted
//!   keys created (`a.b = 1` then `[a]`);
//! - dotted keys may not reach into a header-defined table from outside it;
//! - inline tables and static arrays (`key = [...]`) are closed for good;
//! - a path through an array of tables goes into its last table.

use std::borrow::Cow;
use std::collections::HashMap;
use std::hash::{BuildHasher, RandomState};
use std::ops::Range;

use super::error::{Error, Parsed};
use super::parser::{KeyPart, Parser};
use super::tree::{Children, Document, Extent, NONE, Node, Payload, ROOT, flags, same_key};

/// Tables with more entries than this get their keys hashed; smaller ones
/// (nearly all) are searched in a straight line, which is faster for them.
const INDEXED_FROM: u32 = 16;

/// Keys of large tables by hash of (table, key), so that a hostile document
/// with 100,000 keys in one table does not take quadratic time. A hash
/// collision only sends a lookup back to the straight-line search.
pub(super) struct KeyIndex {
    hasher: RandomState,
    nodes: HashMap<u64, u32>,
}

impl KeyIndex {
    fn hash(&self, table: u32, key: &str) -> u64 {
        self.hasher.hash_one((table, key))
    }
}

/// Where a dotted path is being followed.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Path {
    /// The parts before the last of a `[header]` or `[[header]]`.
    Header,
    /// A dotted key on a line of its own.
    Dotted,
    /// A dotted key inside an inline table.
    Inline,
}

impl Document<'_> {
    /// The entry of `table` named `key`.
    pub(super) fn lookup(&self, table: u32, key: &str) -> Option<u32> {
        let Payload::Table(children) = self.arena.nodes[table as usize].payload else {
            return None;
        };
        if children.len > INDEXED_FROM {
            if let Some(index) = &self.index {
                match index.nodes.get(&index.hash(table, key)) {
                    None => return None,
                    Some(&id) if self.text(self.arena.nodes[id as usize].key) == key => {
                        return Some(id);
                    }
                    Some(_) => {}
                }
            }
        }
        let (input, owned) = (self.input, &self.arena.owned);
        let mut id = children.first;
        while id != NONE {
            let node = &self.arena.nodes[id as usize];
            if node.key.len() == key.len()
                && same_key(node.key.resolve_bytes(input, owned), key.as_bytes())
            {
                return Some(id);
            }
            id = node.next;
        }
        None
    }

    /// Adds `node` to `table` under `key`.
    fn attach(&mut self, table: u32, node: u32, key: KeyPart) {
        let entry = &mut self.arena.nodes[node as usize];
        entry.key = key.text;
        entry.key_span = key.span;
        self.link(table, node);
        let Payload::Table(children) = self.arena.nodes[table as usize].payload else {
            return;
        };
        if children.len == INDEXED_FROM + 1 {
            let mut id = children.first;
            while id != NONE {
                self.index_key(table, id);
                id = self.arena.nodes[id as usize].next;
            }
        } else if children.len > INDEXED_FROM {
            self.index_key(table, node);
        }
    }

    fn index_key(&mut self, table: u32, node: u32) {
        let Document {
            input,
            arena,
            index,
            ..
        } = self;
        let index = index.get_or_insert_with(|| KeyIndex {
            hasher: RandomState::new(),
            nodes: HashMap::new(),
        });
        let hash = index.hash(
            table,
            arena.nodes[node as usize].key.resolve(input, &arena.owned),
        );
        index.nodes.entry(hash).or_insert(node);
    }

    fn new_table(&mut self, span: Extent, flags: u8) -> u32 {
        self.push(Node::new(Payload::Table(Children::EMPTY), span, flags))
    }
}

fn type_name(payload: &Payload) -> &'static str {
    match payload {
        Payload::String(_) => "string",
        Payload::Integer(_) => "integer",
        Payload::Float(_) => "float",
        Payload::Boolean(_) => "boolean",
        Payload::Datetime(_) | Payload::Invalid => "datetime",
        Payload::Array(_) => "array",
        Payload::Table(_) => "table",
    }
}

fn duplicate(key: &KeyPart) -> Error {
    Error::syntax("duplicate key", key.span.range())
}

fn cannot_extend(what: &str, key: &KeyPart) -> Error {
    Error::syntax(
        Cow::Owned(format!(
            "cannot extend value of type {what} with a dotted key"
        )),
        key.span.range(),
    )
}

impl Parser<'_> {
    /// Follows one part of a dotted path from `table`, creating the table it
    /// names if there is none.
    fn descend(&mut self, table: u32, key: KeyPart, path: Path) -> Parsed<u32> {
        let doc = &mut self.doc;
        let Some(id) = doc.lookup(table, doc.text(key.text)) else {
            let created = match path {
                Path::Header => flags::IMPLICIT,
                Path::Dotted => flags::IMPLICIT | flags::DOTTED,
                Path::Inline => flags::IMPLICIT | flags::DOTTED | flags::INLINE,
            };
            let new = doc.new_table(key.span, created);
            doc.attach(table, new, key);
            return Ok(new);
        };
        let node = &mut doc.arena.nodes[id as usize];
        match node.payload {
            Payload::Array(children) if node.flags & flags::ARRAY_OF_TABLES != 0 => {
                Ok(children.last)
            }
            Payload::Table(_) => {
                if path != Path::Inline && node.flags & flags::INLINE != 0 {
                    return Err(cannot_extend("inline table", &key));
                }
                if path == Path::Dotted && node.flags & flags::IMPLICIT != 0 {
                    node.flags |= flags::DOTTED;
                }
                if path != Path::Header && node.flags & flags::IMPLICIT == 0 {
                    return Err(duplicate(&key));
                }
                Ok(id)
            }
            ref other => Err(cannot_extend(type_name(other), &key)),
        }
    }

    /// Follows all parts but the last of the key `parts` from `table`.
    fn descend_all(&mut self, mut table: u32, parts: Range<usize>, path: Path) -> Parsed<u32> {
        for i in parts {
            table = self.descend(table, self.keys[i], path)?;
        }
        Ok(table)
    }

    /// Puts `value` into `table` under the (dotted) key `self.keys[parts]`.
    pub(super) fn insert(
        &mut self,
        table: u32,
        parts: Range<usize>,
        value: u32,
        inline: bool,
    ) -> Parsed<()> {
        let last = parts.end - 1;
        let key = self.keys[last];
        if last == parts.start {
            // A quoted key of one part: a bare one came by `insert_one`.
            return self.insert_one(table, key, value);
        }
        let path = if inline { Path::Inline } else { Path::Dotted };
        let parent = self.descend_all(table, parts.start..last, path)?;
        if !inline && self.doc.arena.nodes[parent as usize].flags & flags::IMPLICIT == 0 {
            return Err(duplicate(&key));
        }
        self.insert_one(parent, key, value)
    }

    /// Puts `value` into `table` under a key of one part: what [`insert`]
    /// does for one, with no path to follow.
    ///
    /// [`insert`]: Parser::insert
    pub(super) fn insert_one(&mut self, table: u32, key: KeyPart, value: u32) -> Parsed<()> {
        let doc = &mut self.doc;
        if doc.lookup(table, doc.text(key.text)).is_some() {
            return Err(duplicate(&key));
        }
        doc.attach(table, value, key);
        Ok(())
    }

    /// Opens the table of a `[header]` with key `self.keys[parts]`.
    pub(super) fn open_table(&mut self, parts: Range<usize>, span: Extent) -> Parsed<u32> {
        let last = parts.end - 1;
        let key = self.keys[last];
        let parent = self.descend_all(ROOT, parts.start..last, Path::Header)?;
        let doc = &mut self.doc;
        match doc.lookup(parent, doc.text(key.text)) {
            None => {
                let table = doc.new_table(span, 0);
                doc.attach(parent, table, key);
                Ok(table)
            }
            Some(id) => {
                let node = &mut doc.arena.nodes[id as usize];
                let implicit = node.flags & (flags::IMPLICIT | flags::DOTTED) == flags::IMPLICIT;
                if !implicit || !matches!(node.payload, Payload::Table(_)) {
                    return Err(duplicate(&key));
                }
                node.flags = 0;
                node.span = span;
                node.key = key.text;
                node.key_span = key.span;
                Ok(id)
            }
        }
    }

    /// Appends a table to the array of a `[[header]]` with key `self.keys[parts]`.
    pub(super) fn open_array_table(&mut self, parts: Range<usize>, span: Extent) -> Parsed<u32> {
        let last = parts.end - 1;
        let key = self.keys[last];
        let parent = self.descend_all(ROOT, parts.start..last, Path::Header)?;
        let doc = &mut self.doc;
        let array = match doc.lookup(parent, doc.text(key.text)) {
            None => {
                let array = doc.push(Node::new(
                    Payload::Array(Children::EMPTY),
                    span,
                    flags::ARRAY_OF_TABLES,
                ));
                doc.attach(parent, array, key);
                array
            }
            Some(id) if doc.arena.nodes[id as usize].flags & flags::ARRAY_OF_TABLES != 0 => id,
            Some(_) => return Err(duplicate(&key)),
        };
        let table = doc.new_table(span, 0);
        doc.link(array, table);
        Ok(table)
    }
}

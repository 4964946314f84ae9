//! Values: the dispatch on the first byte, and the two containers, arrays
//! and inline tables (newlines, comments and a trailing comma allowed in
//! both, as TOML 1.1 has it). Their nesting is the only recursion of the
//! parser, so it is counted and bounded.

use super::MAX_DEPTH;
use super::error::{Error, Parsed};
use super::parser::Parser;
use super::tree::{Children, Extent, Node, Payload, flags};

impl Parser<'_> {
    /// Any value; the node is not in a table yet.
    pub(super) fn value(&mut self) -> Parsed<u32> {
        let start = self.pos;
        let text = match self.peek() {
            Some(b'"') if self.starts_with(b"\"\"\"") => self.ml_basic_string()?,
            Some(b'"') => self.basic_string()?,
            Some(b'\'') if self.starts_with(b"'''") => self.ml_literal_string()?,
            Some(b'\'') => self.literal_string()?,
            Some(b'[') => return self.array(),
            Some(b'{') => return self.inline_table(),
            _ => return self.scalar(),
        };
        let span = Extent::new(start, self.pos);
        Ok(self.doc.push(Node::new(Payload::String(text), span, 0)))
    }

    /// Counts one more level of nesting, refusing hostile depths.
    fn enter(&mut self) -> Parsed<()> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(Error::at(
                "cannot recurse further; max recursion depth met",
                self.pos,
            ));
        }
        Ok(())
    }

    fn array(&mut self) -> Parsed<u32> {
        let start = self.pos;
        self.enter()?;
        self.pos += 1;
        let span = Extent::new(start, start);
        let array = self
            .doc
            .push(Node::new(Payload::Array(Children::EMPTY), span, 0));
        loop {
            self.skip_trivia()?;
            match self.peek() {
                Some(b']') => break,
                Some(b',') => {
                    return Err(Error::at("extra comma in array, expected value", self.pos));
                }
                None => return Err(Error::at("unclosed array, expected `]`", self.pos)),
                Some(_) => {}
            }
            let item = self.value()?;
            self.doc.link(array, item);
            self.skip_trivia()?;
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b']') => break,
                None => return Err(Error::at("unclosed array, expected `]`", self.pos)),
                Some(_) => {
                    return Err(Error::at(
                        "missing comma between array elements, expected `,`",
                        self.pos,
                    ));
                }
            }
        }
        self.pos += 1;
        self.depth -= 1;
        self.doc.arena.nodes[array as usize].span.end = self.pos as u32;
        Ok(array)
    }

    fn inline_table(&mut self) -> Parsed<u32> {
        let start = self.pos;
        self.enter()?;
        self.pos += 1;
        let span = Extent::new(start, start);
        let table = Node::new(Payload::Table(Children::EMPTY), span, flags::INLINE);
        let table = self.doc.push(table);
        loop {
            self.skip_trivia()?;
            match self.peek() {
                Some(b'}') => break,
                Some(b',') => {
                    return Err(Error::at(
                        "extra comma in inline table, expected key",
                        self.pos,
                    ));
                }
                None => return Err(Error::at("unclosed inline table, expected `}`", self.pos)),
                Some(_) => {}
            }
            self.keyval(table, true)?;
            self.skip_trivia()?;
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b'}') => break,
                None => return Err(Error::at("unclosed inline table, expected `}`", self.pos)),
                Some(_) => {
                    return Err(Error::at(
                        "missing comma between key-value pairs, expected `,`",
                        self.pos,
                    ));
                }
            }
        }
        self.pos += 1;
        self.depth -= 1;
        self.doc.arena.nodes[table as usize].span.end = self.pos as u32;
        Ok(table)
    }
}

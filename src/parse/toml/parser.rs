//! The grammar: one pass over the bytes, recursive descent for values.
//!
//! Every function starts at the byte it is named after and leaves `pos`
//! just past what it read. A syntax error returns early with `Err`; the
//! document loop keeps the first one and resumes at the next line.

use super::MAX_DEPTH;
use super::error::{Error, Parsed};
use super::tree::{Children, Document, Extent, Node, Payload, ROOT, Text};

/// One part of a (dotted) key: its text and where it is written.
#[derive(Debug, Clone, Copy)]
pub(super) struct KeyPart {
    pub(super) text: Text,
    pub(super) span: Extent,
}

pub(super) struct Parser<'i> {
    pub(super) bytes: &'i [u8],
    pub(super) text: &'i str,
    pub(super) pos: usize,
    pub(super) doc: Document<'i>,
    /// How many arrays and inline tables enclose the current value.
    pub(super) depth: u32,
    /// The table that key/value lines go into: the root, or the last header's.
    current: u32,
    /// The parts of the keys being read. An inline table inside a value
    /// stacks its keys on top of the outer key's and pops them when done.
    pub(super) keys: Vec<KeyPart>,
}

/// Front matter beyond this is not front matter; spans are `u32`.
const MAX_INPUT: usize = (u32::MAX >> 1) as usize;

pub(super) fn parse(input: &str) -> Document<'_> {
    let mut parser = Parser {
        bytes: input.as_bytes(),
        text: input,
        pos: 0,
        doc: Document::new(input),
        depth: 0,
        current: ROOT,
        keys: Vec::new(),
    };
    if input.len() > MAX_INPUT {
        parser.doc.syntax_error = Some(Error::at("the document is too large", 0));
        return parser.doc;
    }
    parser.document();
    parser.doc
}

impl<'i> Parser<'i> {
    pub(super) fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    pub(super) fn peek_at(&self, offset: usize) -> Option<u8> {
        self.bytes.get(self.pos + offset).copied()
    }

    pub(super) fn starts_with(&self, prefix: &[u8]) -> bool {
        self.bytes[self.pos..].starts_with(prefix)
    }

    fn document(&mut self) {
        if self.starts_with(b"\xEF\xBB\xBF") {
            self.pos = 3;
        }
        while self.pos < self.bytes.len() {
            if let Err(error) = self.expression() {
                self.recover(error);
            }
        }
    }

    /// Keeps the first syntax error and skips to the next line, so that the
    /// keys after a mistake can still be read.
    fn recover(&mut self, error: Error) {
        let at = self.pos.max(error.span.start).min(self.bytes.len());
        if self.doc.syntax_error.is_none() {
            self.doc.syntax_error = Some(error);
        }
        self.depth = 0;
        self.keys.clear();
        self.pos = match self.bytes[at..].iter().position(|&b| b == b'\n') {
            Some(newline) => at + newline + 1,
            None => self.bytes.len(),
        };
    }

    /// One line: a key/value pair, a header, a comment or nothing.
    fn expression(&mut self) -> Parsed<()> {
        self.skip_whitespace();
        match self.peek() {
            None | Some(b'#' | b'\n' | b'\r') => {}
            Some(b'[') => self.header()?,
            Some(_) => {
                let table = self.current;
                self.keyval(table, false)?;
            }
        }
        self.end_of_line()
    }

    fn end_of_line(&mut self) -> Parsed<()> {
        self.skip_whitespace();
        if self.peek() == Some(b'#') {
            self.comment()?;
        }
        match self.peek() {
            None => Ok(()),
            Some(b'\n') => {
                self.pos += 1;
                Ok(())
            }
            Some(b'\r') => self.crlf(),
            Some(_) => Err(Error::at(
                "unexpected key or value, expected newline, `#`",
                self.pos,
            )),
        }
    }

    pub(super) fn skip_whitespace(&mut self) {
        while let Some(b' ' | b'\t') = self.peek() {
            self.pos += 1;
        }
    }

    /// Whitespace, newlines and comments, as allowed inside arrays and
    /// (since TOML 1.1) inline tables.
    pub(super) fn skip_trivia(&mut self) -> Parsed<()> {
        loop {
            match self.peek() {
                Some(b' ' | b'\t' | b'\n') => self.pos += 1,
                Some(b'\r') => self.crlf()?,
                Some(b'#') => self.comment()?,
                _ => return Ok(()),
            }
        }
    }

    pub(super) fn crlf(&mut self) -> Parsed<()> {
        if self.peek_at(1) == Some(b'\n') {
            self.pos += 2;
            Ok(())
        } else {
            Err(Error::at(
                "carriage return must be followed by newline, expected newline",
                self.pos + 1,
            ))
        }
    }

    /// From `#` to the end of the line, which stays unread.
    fn comment(&mut self) -> Parsed<()> {
        self.pos += 1;
        while let Some(b) = self.peek() {
            match b {
                b'\n' => break,
                b'\r' if self.peek_at(1) == Some(b'\n') => break,
                b'\t' | 0x20..=0x7E | 0x80..=0xFF => self.pos += 1,
                _ => {
                    return Err(Error::at(
                        "invalid comment character, expected printable characters",
                        self.pos,
                    ));
                }
            }
        }
        Ok(())
    }

    /// `[table]` or `[[array.of.tables]]`; makes it the current table.
    fn header(&mut self) -> Parsed<()> {
        let mark = self.keys.len();
        let result = self.header_keys(mark);
        self.keys.truncate(mark);
        match result {
            Ok(table) => {
                self.current = table;
                Ok(())
            }
            Err(error) => {
                // Keys up to the next good header go nowhere.
                let scratch = Node::new(Payload::Table(Children::EMPTY), Extent::default(), 0);
                self.current = self.doc.push(scratch);
                Err(error)
            }
        }
    }

    fn header_keys(&mut self, mark: usize) -> Parsed<u32> {
        let start = self.pos;
        let array = self.peek_at(1) == Some(b'[');
        self.pos += if array { 2 } else { 1 };
        self.skip_whitespace();
        self.key()?;
        self.skip_whitespace();
        let parts = mark..self.keys.len();
        if array {
            if !self.starts_with(b"]]") {
                return Err(Error::at("unclosed array table, expected `]]`", self.pos));
            }
            self.pos += 2;
            self.open_array_table(parts, Extent::new(start, self.pos))
        } else {
            if self.peek() != Some(b']') {
                return Err(Error::at("unclosed table, expected `]`", self.pos));
            }
            self.pos += 1;
            self.open_table(parts, Extent::new(start, self.pos))
        }
    }

    /// `key = value`, into `table`.
    pub(super) fn keyval(&mut self, table: u32, inline: bool) -> Parsed<()> {
        if let Some(key) = self.bare_key_and_equals() {
            let value = self.value()?;
            return self.insert_one(table, key, value);
        }
        let mark = self.keys.len();
        let result = self.keyval_parts(table, inline, mark);
        self.keys.truncate(mark);
        result
    }

    fn keyval_parts(&mut self, table: u32, inline: bool, mark: usize) -> Parsed<()> {
        self.key()?;
        let parts = mark..self.keys.len();
        self.skip_whitespace();
        if self.peek() != Some(b'=') {
            return Err(Error::at("key with no value, expected `=`", self.pos));
        }
        self.pos += 1;
        self.skip_whitespace();
        let value = self.value()?;
        self.insert(table, parts, value, inline)
    }

    /// The common line, `name = ` with a bare key of one part: the key,
    /// with `pos` past the `=` and the blanks after it. Anything else
    /// (quotes, dots, no `=`) returns `None` with `pos` where it was, for
    /// the full grammar and its messages. Reading a key through the general
    /// path (a list of parts, a dotted path to follow) took 200
    /// instructions, for each of the million keys of a large workspace.
    fn bare_key_and_equals(&mut self) -> Option<KeyPart> {
        let start = self.pos;
        let mut end = start;
        while end < self.bytes.len() && is_bare_key_byte(self.bytes[end]) {
            end += 1;
        }
        let mut equals = end;
        while let Some(b' ' | b'\t') = self.bytes.get(equals) {
            equals += 1;
        }
        if end == start || self.bytes.get(equals) != Some(&b'=') {
            return None;
        }
        self.pos = equals + 1;
        self.skip_whitespace();
        Some(KeyPart {
            text: Text::borrowed(start, end),
            span: Extent::new(start, end),
        })
    }

    /// A key of one or more dot-separated parts, pushed onto `self.keys`.
    fn key(&mut self) -> Parsed<()> {
        let mut count = 0;
        loop {
            let part = self.simple_key()?;
            self.keys.push(part);
            count += 1;
            if count > MAX_DEPTH {
                return Err(Error::syntax("recursion limit", part.span.range()));
            }
            self.skip_whitespace();
            if self.peek() != Some(b'.') {
                return Ok(());
            }
            self.pos += 1;
            self.skip_whitespace();
        }
    }

    fn simple_key(&mut self) -> Parsed<KeyPart> {
        let start = self.pos;
        let text = match self.peek() {
            Some(b'"' | b'\'') if self.starts_with(b"\"\"\"") || self.starts_with(b"'''") => {
                return Err(Error::at(
                    "multi-line strings are not allowed in keys, expected key",
                    start,
                ));
            }
            Some(b'"') => self.basic_string()?,
            Some(b'\'') => self.literal_string()?,
            _ => {
                let run = self.bytes[start..]
                    .iter()
                    .take_while(|&&b| is_bare_key_byte(b))
                    .count();
                self.pos += run;
                if run == 0 {
                    return Err(self.invalid_key());
                }
                Text::borrowed(start, self.pos)
            }
        };
        Ok(KeyPart {
            text,
            span: Extent::new(start, self.pos),
        })
    }

    fn invalid_key(&self) -> Error {
        let expected = "expected letters, numbers, `-`, `_`";
        match self.peek() {
            Some(b) if !is_value_delimiter(b) => Error::syntax(
                format!("invalid unquoted key, {expected}"),
                self.pos..self.pos + 1,
            ),
            _ => Error::at(
                format!("unquoted keys cannot be empty, {expected}"),
                self.pos,
            ),
        }
    }
}

/// A table of 256 flags, one per byte value, built at compile time: the
/// hot loops test bytes with one load instead of a chain of comparisons.
const fn byte_table(bytes: &[u8]) -> [bool; 256] {
    let mut table = [false; 256];
    let mut i = 0;
    while i < bytes.len() {
        table[bytes[i] as usize] = true;
        i += 1;
    }
    table
}

const BARE_KEY: [bool; 256] = {
    let mut table = byte_table(b"_-");
    let mut b = 0;
    while b < 128 {
        if (b as u8).is_ascii_alphanumeric() {
            table[b] = true;
        }
        b += 1;
    }
    table
};

const VALUE_DELIMITER: [bool; 256] = byte_table(b"=,[]{} \t#\r\n");

/// `A-Za-z0-9_-`: what a bare key is made of.
pub(super) fn is_bare_key_byte(b: u8) -> bool {
    BARE_KEY[b as usize]
}

/// Bytes that end an unquoted value (a number, a date, a bare word).
pub(super) fn is_value_delimiter(b: u8) -> bool {
    VALUE_DELIMITER[b as usize]
}

//! The four string forms. A string without escapes (nearly all of them)
//! borrows from the input; one with escapes is decoded into the document's
//! buffer. Control characters other than tab are refused everywhere, as
//! TOML asks; multi-line strings also take newlines (CRLF kept as written).

use super::error::{Error, Parsed};
use super::parser::Parser;
use super::tree::Text;

/// What a byte means inside a string.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Class {
    /// Taken as it is.
    Plain,
    /// `"` or `'`, depending on the string; a backslash in a basic string.
    Special,
    /// `\n` or `\r`.
    Newline,
    /// A control character other than tab.
    Control,
}

/// The class of every byte, for one kind of string.
const fn classes(quote: u8, escapes: bool) -> [Class; 256] {
    let mut table = [Class::Plain; 256];
    let mut b = 0;
    while b < 0x20 {
        table[b] = Class::Control;
        b += 1;
    }
    table[0x7F] = Class::Control;
    table[b'\t' as usize] = Class::Plain;
    table[b'\n' as usize] = Class::Newline;
    table[b'\r' as usize] = Class::Newline;
    table[quote as usize] = Class::Special;
    if escapes {
        table[b'\\' as usize] = Class::Special;
    }
    table
}

const BASIC: [Class; 256] = classes(b'"', true);
const LITERAL: [Class; 256] = classes(b'\'', false);

/// How many plain bytes start `bytes`.
fn plain_run(bytes: &[u8], table: &[Class; 256]) -> usize {
    bytes
        .iter()
        .position(|&b| table[b as usize] != Class::Plain)
        .unwrap_or(bytes.len())
}

impl Parser<'_> {
    /// `"..."`, with escapes.
    pub(super) fn basic_string(&mut self) -> Parsed<Text> {
        let open = self.pos;
        self.pos += 1;
        let start = self.pos;
        let mut decoded: Option<usize> = None;
        let mut run = start;
        loop {
            let Some(b) = self.peek() else {
                return Err(unclosed_basic(open, self.pos));
            };
            match BASIC[b as usize] {
                Class::Plain => self.pos += plain_run(&self.bytes[self.pos..], &BASIC),
                Class::Special if b == b'"' => {
                    let end = self.pos;
                    self.pos += 1;
                    return Ok(match decoded {
                        None => Text::borrowed(start, end),
                        Some(from) => self.finish_owned(from, run, end),
                    });
                }
                Class::Special => {
                    decoded.get_or_insert(self.doc.arena.owned.len());
                    self.doc.arena.owned.push_str(&self.text[run..self.pos]);
                    let c = self.escape()?;
                    self.doc.arena.owned.push(c);
                    run = self.pos;
                }
                Class::Newline => return Err(unclosed_basic(open, self.pos)),
                Class::Control => return Err(control(self.pos, "basic string")),
            }
        }
    }

    /// `'...'`, as written.
    pub(super) fn literal_string(&mut self) -> Parsed<Text> {
        let open = self.pos;
        self.pos += 1;
        let start = self.pos;
        loop {
            let Some(b) = self.peek() else {
                return Err(unclosed_literal(open, self.pos));
            };
            match LITERAL[b as usize] {
                Class::Plain => self.pos += plain_run(&self.bytes[self.pos..], &LITERAL),
                Class::Special => {
                    self.pos += 1;
                    return Ok(Text::borrowed(start, self.pos - 1));
                }
                Class::Newline => return Err(unclosed_literal(open, self.pos)),
                Class::Control => return Err(control(self.pos, "literal string")),
            }
        }
    }

    /// `"""..."""`: escapes, newlines, and a backslash at the end of a line
    /// that swallows the line break and the indentation after it.
    pub(super) fn ml_basic_string(&mut self) -> Parsed<Text> {
        let open = self.pos;
        self.pos += 3;
        self.skip_first_newline();
        let start = self.pos;
        let mut decoded: Option<usize> = None;
        let mut run = start;
        loop {
            let Some(b) = self.peek() else {
                return Err(Error::syntax(
                    "unclosed multi-line basic string, expected `\"\"\"`",
                    open..self.pos,
                ));
            };
            match BASIC[b as usize] {
                Class::Plain => self.pos += 1,
                Class::Newline if b == b'\n' => self.pos += 1,
                Class::Newline => self.crlf()?,
                Class::Control => return Err(control(self.pos, "multi-line basic string")),
                Class::Special if b == b'"' => {
                    if let Some(end) = self.closing_quotes(b'"') {
                        return Ok(match decoded {
                            None => Text::borrowed(start, end),
                            Some(from) => self.finish_owned(from, run, end),
                        });
                    }
                }
                Class::Special => {
                    decoded.get_or_insert(self.doc.arena.owned.len());
                    self.doc.arena.owned.push_str(&self.text[run..self.pos]);
                    if matches!(self.peek_at(1), Some(b' ' | b'\t' | b'\n' | b'\r')) {
                        self.line_ending_backslash()?;
                    } else {
                        let c = self.escape()?;
                        self.doc.arena.owned.push(c);
                    }
                    run = self.pos;
                }
            }
        }
    }

    /// `'''...'''`, as written.
    pub(super) fn ml_literal_string(&mut self) -> Parsed<Text> {
        let open = self.pos;
        self.pos += 3;
        self.skip_first_newline();
        let start = self.pos;
        loop {
            let Some(b) = self.peek() else {
                return Err(Error::syntax(
                    "unclosed multi-line literal string, expected `'''`",
                    open..self.pos,
                ));
            };
            match LITERAL[b as usize] {
                Class::Plain => self.pos += 1,
                Class::Newline if b == b'\n' => self.pos += 1,
                Class::Newline => self.crlf()?,
                Class::Control => return Err(control(self.pos, "multi-line literal string")),
                Class::Special => {
                    if let Some(end) = self.closing_quotes(b'\'') {
                        return Ok(Text::borrowed(start, end));
                    }
                }
            }
        }
    }

    fn skip_first_newline(&mut self) {
        if self.peek() == Some(b'\n') {
            self.pos += 1;
        } else if self.starts_with(b"\r\n") {
            self.pos += 2;
        }
    }

    /// At a run of quotes in a multi-line string: one or two are content;
    /// three to five close the string (with up to two quotes of content
    /// before the closing three). Returns where the content ends.
    fn closing_quotes(&mut self, quote: u8) -> Option<usize> {
        let run = self.bytes[self.pos..]
            .iter()
            .take_while(|&&b| b == quote)
            .count();
        if run < 3 {
            self.pos += run;
            return None;
        }
        let content = (run - 3).min(2);
        let end = self.pos + content;
        self.pos = end + 3;
        Some(end)
    }

    /// At `\` followed by whitespace: it must end the line; the line break
    /// and all whitespace and blank lines after it are dropped.
    fn line_ending_backslash(&mut self) -> Parsed<()> {
        self.pos += 1;
        self.skip_whitespace();
        match self.peek() {
            Some(b'\n') => self.pos += 1,
            Some(b'\r') => self.crlf()?,
            _ => {
                return Err(Error::at(
                    "invalid multi-line basic string, expected newline after `\\`",
                    self.pos,
                ));
            }
        }
        loop {
            match self.peek() {
                Some(b' ' | b'\t' | b'\n') => self.pos += 1,
                Some(b'\r') => self.crlf()?,
                _ => return Ok(()),
            }
        }
    }

    /// At `\`: one escape sequence, decoded.
    fn escape(&mut self) -> Parsed<char> {
        let at = self.pos;
        self.pos += 2;
        let digits = match self.bytes.get(at + 1) {
            Some(b'b') => return Ok('\u{8}'),
            Some(b't') => return Ok('\t'),
            Some(b'n') => return Ok('\n'),
            Some(b'f') => return Ok('\u{c}'),
            Some(b'r') => return Ok('\r'),
            Some(b'e') => return Ok('\u{1b}'),
            Some(b'"') => return Ok('"'),
            Some(b'\\') => return Ok('\\'),
            Some(b'x') => 2,
            Some(b'u') => 4,
            Some(b'U') => 8,
            _ => {
                return Err(Error::syntax(
                    "invalid escape sequence, expected `b`, `e`, `f`, `n`, `r`, `t`, `\\`, `\"`, `x`, `u`, `U`",
                    at..(at + 2).min(self.bytes.len()),
                ));
            }
        };
        let hex = self.bytes.get(self.pos..self.pos + digits);
        let value = hex
            .filter(|hex| hex.iter().all(u8::is_ascii_hexdigit))
            .map(|hex| {
                hex.iter()
                    .fold(0u32, |n, &d| n * 16 + (d as char).to_digit(16).unwrap_or(0))
            });
        let Some(value) = value else {
            return Err(Error::syntax(
                "too few unicode value digits, expected unicode hexadecimal value",
                at..self.pos,
            ));
        };
        self.pos += digits;
        char::from_u32(value).ok_or_else(|| {
            Error::syntax(
                "invalid unicode escape, expected a unicode scalar value",
                at..self.pos,
            )
        })
    }

    /// Copies the last unescaped run and returns the decoded string.
    fn finish_owned(&mut self, from: usize, run: usize, end: usize) -> Text {
        self.doc.arena.owned.push_str(&self.text[run..end]);
        Text::owned(from, self.doc.arena.owned.len())
    }
}

fn unclosed_basic(open: usize, at: usize) -> Error {
    Error::syntax("invalid basic string, expected `\"`", open..at)
}

fn unclosed_literal(open: usize, at: usize) -> Error {
    Error::syntax("invalid literal string, expected `'`", open..at)
}

fn control(at: usize, what: &str) -> Error {
    Error::syntax(
        format!("invalid {what}, control characters must be escaped"),
        at..at + 1,
    )
}

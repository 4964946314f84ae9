//! What went wrong in a TOML document, and where.

use std::borrow::Cow;
use std::fmt;
use std::ops::Range;

/// Whether an error spoils the whole document or one value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// Bad grammar or a key defined twice: the document's shape is unknown.
    Syntax,
    /// A well-formed date-time that does not exist (February 30th, 25:00).
    /// Only that value is lost.
    InvalidDatetime,
    /// An integer beyond 64 bits. Only that value is lost.
    IntegerOutOfRange,
}

/// One error, with a message in the style of the `toml` crate ("duplicate
/// key", "unclosed array, expected `]`") and the byte span it is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    pub kind: ErrorKind,
    pub message: Cow<'static, str>,
    pub span: Range<usize>,
}

impl Error {
    pub(super) fn syntax(message: impl Into<Cow<'static, str>>, span: Range<usize>) -> Self {
        Error {
            kind: ErrorKind::Syntax,
            message: message.into(),
            span,
        }
    }

    /// A syntax error at one position (nothing to underline but a place).
    pub(super) fn at(message: impl Into<Cow<'static, str>>, at: usize) -> Self {
        Error::syntax(message, at..at)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}

/// What the parser functions return: a syntax error stops the expression.
pub(super) type Parsed<T> = Result<T, Error>;

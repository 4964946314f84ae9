//! Source files as okrc sees them, and the mapping from byte offsets to the
//! line and column a user sees in their editor.
//!
//! Every later stage speaks in byte offsets into [`SourceFile::text`]; only
//! [`LineIndex`] turns them into 1-based lines and columns, so a byte-order
//! mark or CRLF line endings can never shift a reported position.

use std::sync::Arc;

pub mod folder;
mod lines;
pub mod read;
pub use folder::{Folder, open_listed_in};
pub use lines::LineIndex;
pub use read::{
    FILE_LIMIT, ReadError, open_listed, open_regular, read_limited, read_listed, read_regular,
};

/// The path of a file relative to the workspace root, `/`-separated, as it
/// appears in diagnostics and in the JSON output.
pub type FilePath = Arc<str>;

/// A byte range into a [`SourceFile::text`], with the 1-based line and
/// column of its start once located.
///
/// Parsing locates every span it makes while it has the file's text, so the
/// later stages (and their diagnostics) need no text to say where they are,
/// and a one-shot run can let go of each file's text as soon as it is parsed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Span {
    pub start: u32,
    pub end: u32,
    /// 0 while not located.
    pub line: u32,
    pub column: u32,
}

impl Span {
    /// An unlocated span.
    fn new(start: usize, end: usize) -> Self {
        Span {
            start: start.min(u32::MAX as usize) as u32,
            end: end.max(start).min(u32::MAX as usize) as u32,
            line: 0,
            column: 0,
        }
    }

    /// A span located in `lines`.
    pub fn located(start: usize, end: usize, lines: &LineIndex<'_>) -> Self {
        let (line, column) = lines.line_col(start);
        Span {
            line,
            column,
            ..Span::new(start, end)
        }
    }

    /// The span of the file's first character: where problems about a whole
    /// file (or a default id that has no key) are reported.
    pub const FILE_START: Span = Span {
        start: 0,
        end: 0,
        line: 1,
        column: 1,
    };

    pub fn is_located(&self) -> bool {
        self.line > 0
    }
}

impl Default for Span {
    fn default() -> Self {
        Span::FILE_START
    }
}

/// A [`Span`] in 12 bytes instead of 16, for what the model holds hundreds
/// of thousands of (each check-in's date and value): start, end, line and
/// column in 24 bits each. A file okrc reads is at most [`FILE_LIMIT`]
/// (8 MiB) bytes, so every offset, line and column of one fits; a larger
/// one is held as 2^24 - 1.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct PackedSpan([u32; 3]);

impl PackedSpan {
    /// The largest offset, line or column held.
    pub const MAX: u32 = (1 << 24) - 1;

    pub fn new(span: Span) -> Self {
        let [start, end, line, column] =
            [span.start, span.end, span.line, span.column].map(|n| n.min(Self::MAX));
        PackedSpan([
            start | (line & 0xff) << 24,
            end | (line >> 8 & 0xff) << 24,
            column | (line >> 16) << 24,
        ])
    }

    pub fn get(self) -> Span {
        let [a, b, c] = self.0;
        let low = Self::MAX;
        Span {
            start: a & low,
            end: b & low,
            line: a >> 24 | (b >> 24) << 8 | (c >> 24) << 16,
            column: c & low,
        }
    }
}

impl From<Span> for PackedSpan {
    fn from(span: Span) -> Self {
        PackedSpan::new(span)
    }
}

impl Default for PackedSpan {
    fn default() -> Self {
        PackedSpan::new(Span::default())
    }
}

impl std::fmt::Debug for PackedSpan {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.get().fmt(f)
    }
}

/// One file of the workspace, read and decoded.
#[derive(Debug, Clone)]
pub struct SourceFile {
    pub path: FilePath,
    /// The file's text with a leading byte-order mark removed. Bytes that are
    /// not UTF-8 are replaced (see `utf8_error`) so positions stay printable.
    pub text: String,
    /// Byte offset into `text` of the first byte that was not valid UTF-8.
    pub utf8_error: Option<usize>,
}

impl SourceFile {
    /// Decodes raw file contents, dropping a UTF-8 byte-order mark.
    pub fn from_bytes(path: impl Into<FilePath>, bytes: Vec<u8>) -> SourceFile {
        let bytes = match bytes.strip_prefix(b"\xEF\xBB\xBF") {
            Some(rest) => rest.to_vec(),
            None => bytes,
        };
        let (text, utf8_error) = match String::from_utf8(bytes) {
            Ok(text) => (text, None),
            Err(err) => {
                let valid_up_to = err.utf8_error().valid_up_to();
                let text = String::from_utf8_lossy(err.as_bytes()).into_owned();
                (text, Some(valid_up_to))
            }
        };
        SourceFile {
            path: path.into(),
            text,
            utf8_error,
        }
    }

    pub fn from_text(path: impl Into<FilePath>, text: impl Into<String>) -> SourceFile {
        SourceFile::from_bytes(path, text.into().into_bytes())
    }
}

/// Does this file start with a front matter block? Files that do not are not
/// unit files (a README) and are skipped without a word.
pub fn starts_with_front_matter(bytes: &[u8]) -> bool {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match bytes.strip_prefix(b"+++") {
        Some(rest) => rest
            .iter()
            .find(|b| !matches!(b, b' ' | b'\t'))
            .is_none_or(|b| matches!(b, b'\n' | b'\r')),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_byte_order_mark_is_not_a_column() {
        let file = SourceFile::from_bytes("a.md", b"\xEF\xBB\xBF+++\n".to_vec());
        assert_eq!(file.text, "+++\n");
        assert!(starts_with_front_matter(b"\xEF\xBB\xBF+++\r\nid = 1"));
    }

    #[test]
    fn front_matter_must_open_on_the_first_line() {
        assert!(starts_with_front_matter(b"+++\n"));
        assert!(starts_with_front_matter(b"+++"));
        assert!(starts_with_front_matter(b"+++  \n"));
        assert!(!starts_with_front_matter(b"++++\n"));
        assert!(!starts_with_front_matter(b"# Title\n+++\n"));
        assert!(!starts_with_front_matter(b"---\ntitle: x\n---\n"));
    }

    #[test]
    fn a_packed_span_is_the_span_it_was_made_of() {
        let max = PackedSpan::MAX;
        for span in [
            Span::FILE_START,
            Span {
                start: 17,
                end: 42,
                line: 3,
                column: 9,
            },
            Span {
                start: 8 << 20,
                end: 8 << 20,
                line: 8 << 20,
                column: 8 << 20,
            },
            Span {
                start: max,
                end: max,
                line: max,
                column: max,
            },
            Span {
                start: 0x00ab_cdef,
                end: 0x0012_3456,
                line: 0x00fe_dcba,
                column: 1,
            },
        ] {
            assert_eq!(PackedSpan::new(span).get(), span);
        }
        let past = Span {
            start: u32::MAX,
            end: u32::MAX,
            line: 1 << 24,
            column: u32::MAX,
        };
        assert_eq!(
            PackedSpan::new(past).get(),
            Span {
                start: max,
                end: max,
                line: max,
                column: max
            }
        );
        assert_eq!(PackedSpan::default().get(), Span::FILE_START);
        assert_eq!(std::mem::size_of::<PackedSpan>(), 12);
    }

    #[test]
    fn invalid_utf8_is_located() {
        let file = SourceFile::from_bytes("a.md", b"+++\nid = \"\xFF\"\n".to_vec());
        assert_eq!(file.utf8_error, Some(10));
    }
}

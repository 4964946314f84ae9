//! Edits okrc makes to a user's own files (today: `okrc checkin`).
//!
//! An edit is computed as a list of [`Insertion`]s into the file's text and
//! never as a re-serialisation: whatever the user wrote (comments, spacing,
//! key order, line endings, the Markdown body) is kept byte for byte, because
//! the only bytes that change are the ones inserted.

pub mod checkin;
pub mod locked;
pub mod request;

/// Text to insert at a byte offset of the original text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Insertion {
    pub at: usize,
    pub text: String,
    /// Bytes of the original replaced by `text` (0: a pure insertion); only
    /// the box of a `[ ]` milestone ticked by a done check-in uses it.
    pub removes: usize,
}

/// Applies insertions (in any order) to `text`. Two at the same offset keep
/// the order they are given in.
pub fn apply(text: &str, insertions: &[Insertion]) -> String {
    let mut sorted: Vec<&Insertion> = insertions.iter().collect();
    sorted.sort_by_key(|insertion| insertion.at);
    let mut out =
        String::with_capacity(text.len() + sorted.iter().map(|i| i.text.len()).sum::<usize>());
    let mut from = 0;
    for insertion in sorted {
        out.push_str(&text[from..insertion.at]);
        out.push_str(&insertion.text);
        from = insertion.at + insertion.removes;
    }
    out.push_str(&text[from..]);
    out
}

/// The byte offset where the line holding `at` starts.
fn line_start(text: &str, at: usize) -> usize {
    text[..at].rfind('\n').map_or(0, |i| i + 1)
}

/// The byte offset of the line ending (`\r\n` or `\n`) of the line holding
/// `at`, or the end of the text.
fn line_end(text: &str, at: usize) -> usize {
    match text[at..].find('\n') {
        Some(i) if i > 0 && text.as_bytes()[at + i - 1] == b'\r' => at + i - 1,
        Some(i) => at + i,
        None => text.len(),
    }
}

/// The offset just after the line ending of the line holding `at`.
fn next_line_start(text: &str, at: usize) -> usize {
    text[at..].find('\n').map_or(text.len(), |i| at + i + 1)
}

/// The line ending the line holding `at` uses; for the last line, the first
/// one of the text; `\n` when there is none.
fn newline_of(text: &str, at: usize) -> &'static str {
    let end = next_line_start(text, at);
    let ends_crlf = |end: usize| end >= 2 && &text[end - 2..end] == "\r\n";
    if end > 0 && text.as_bytes()[end - 1] == b'\n' {
        if ends_crlf(end) { "\r\n" } else { "\n" }
    } else if text.contains("\r\n") {
        "\r\n"
    } else {
        "\n"
    }
}

/// The spaces and tabs a line starts with.
fn indent_of(text: &str, at: usize) -> &str {
    let start = line_start(text, at);
    let line = &text[start..];
    let width = line.len() - line.trim_start_matches([' ', '\t']).len();
    &line[..width]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn insertions_apply_in_offset_order() {
        let text = "abcdef";
        let edits = [
            Insertion {
                at: 4,
                text: "Y".into(),
                removes: 0,
            },
            Insertion {
                at: 1,
                text: "X".into(),
                removes: 0,
            },
            Insertion {
                at: 6,
                text: "Z".into(),
                removes: 0,
            },
        ];
        assert_eq!(apply(text, &edits), "aXbcdYefZ");
    }

    #[test]
    fn lines_are_found_with_either_line_ending() {
        let text = "ab\r\n  cd # x\r\nef";
        assert_eq!(line_start(text, 7), 4);
        assert_eq!(line_end(text, 7), 12);
        assert_eq!(next_line_start(text, 7), 14);
        assert_eq!(newline_of(text, 7), "\r\n");
        assert_eq!(newline_of(text, 16), "\r\n");
        assert_eq!(newline_of("a\nb", 0), "\n");
        assert_eq!(indent_of(text, 8), "  ");
        assert_eq!(line_end(text, 15), 16);
    }
}

//! LSP positions (0-based line, column in UTF-16 code units) and okrc's byte
//! offsets, both ways.
//!
//! The model speaks in byte offsets into a file's text without its byte-order
//! mark (see [`crate::source::SourceFile`]); an editor may or may not keep the
//! mark in the text it sends, and where it does, the mark is one UTF-16 unit
//! of the first line. Lines end at `\n`, as in [`crate::source::LineIndex`]:
//! a `\r` before it belongs to no column an editor can reach.

use lsp_types::{Position, Range};

use crate::source::Span;

/// Line starts of a buffer as the editor sees it.
#[derive(Debug, Clone)]
pub struct LineMap {
    line_starts: Vec<usize>,
    /// Bytes of a leading byte-order mark in the editor's text (0 or 3).
    bom: usize,
}

impl LineMap {
    pub fn new(text: &str) -> Self {
        let mut line_starts = vec![0];
        line_starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
        let bom = if text.starts_with('\u{feff}') { 3 } else { 0 };
        LineMap { line_starts, bom }
    }

    /// The position of a model offset (BOM-less) in the editor's `text`.
    pub fn position(&self, text: &str, offset: usize) -> Position {
        let offset = floor_char_boundary(text, (offset + self.bom).min(text.len()));
        let line = self.line_starts.partition_point(|&start| start <= offset) - 1;
        let start = self.line_starts[line];
        let mut line_text = &text[start..offset];
        // The `\r` of a CRLF is not a column: an offset on it is the line's end.
        if let Some(stripped) = line_text.strip_suffix('\r') {
            line_text = stripped;
        }
        let character = line_text.chars().map(char::len_utf16).sum::<usize>();
        Position::new(to_u32(line), to_u32(character))
    }

    /// The range of a model span.
    pub fn range(&self, text: &str, span: Span) -> Range {
        Range::new(
            self.position(text, span.start as usize),
            self.position(text, span.end as usize),
        )
    }

    /// The byte offset in the editor's `text` of a position. A column past
    /// the line's end means its end, a line past the last the text's end,
    /// and a column inside a surrogate pair the character's start: an editor
    /// may send any of these.
    pub fn editor_offset(&self, text: &str, position: Position) -> usize {
        let Some(&start) = self.line_starts.get(position.line as usize) else {
            return text.len();
        };
        let end = self
            .line_starts
            .get(position.line as usize + 1)
            .map_or(text.len(), |next| next - 1);
        let line = &text[start..end];
        let line = line.strip_suffix('\r').unwrap_or(line);
        let mut units = 0usize;
        for (at, c) in line.char_indices() {
            let next = units + c.len_utf16();
            if next > position.character as usize {
                return start + at;
            }
            units = next;
        }
        start + line.len()
    }

    /// The model offset (BOM-less) of a position.
    pub fn offset(&self, text: &str, position: Position) -> usize {
        self.editor_offset(text, position).saturating_sub(self.bom)
    }
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// Applies one `textDocument/didChange` edit to `text`: a range and its new
/// text, or the whole text when there is no range.
pub fn apply_change(text: &mut String, range: Option<Range>, new_text: &str) {
    let Some(range) = range else {
        *text = new_text.to_string();
        return;
    };
    let map = LineMap::new(text);
    let start = map.editor_offset(text, range.start);
    let end = map.editor_offset(text, range.end).max(start);
    text.replace_range(start..end, new_text);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pos(line: u32, character: u32) -> Position {
        Position::new(line, character)
    }

    #[test]
    fn columns_count_utf16_units() {
        // `é` is 2 bytes and 1 unit; `𝄞` is 4 bytes and 2 units (a surrogate pair).
        let text = "id = \"é𝄞x\"\n";
        let map = LineMap::new(text);
        let x = text.find('x').unwrap();
        assert_eq!(map.position(text, x), pos(0, 9));
        assert_eq!(map.offset(text, pos(0, 9)), x);
        let clef = text.find('𝄞').unwrap();
        assert_eq!(map.position(text, clef), pos(0, 7));
        // Inside the pair: the character's start, never a split character.
        assert_eq!(map.offset(text, pos(0, 8)), clef);
    }

    #[test]
    fn crlf_line_ends_are_not_columns() {
        let text = "+++\r\nid = 1\r\n+++\r\n";
        let map = LineMap::new(text);
        assert_eq!(map.position(text, 5), pos(1, 0));
        assert_eq!(map.offset(text, pos(1, 0)), 5);
        // The end of `id = 1`, and a column past it, stop before the `\r`.
        assert_eq!(map.offset(text, pos(1, 6)), 11);
        assert_eq!(map.offset(text, pos(1, 60)), 11);
        assert_eq!(map.position(text, 11), pos(1, 6));
        assert_eq!(map.position(text, text.len()), pos(3, 0));
    }

    #[test]
    fn a_byte_order_mark_kept_by_the_editor_is_one_column() {
        let text = "\u{feff}+++\nid = 1\n";
        let map = LineMap::new(text);
        // Model offset 0 is the `+` after the mark.
        assert_eq!(map.position(text, 0), pos(0, 1));
        assert_eq!(map.offset(text, pos(0, 1)), 0);
        assert_eq!(map.position(text, 4), pos(1, 0));
        assert_eq!(map.offset(text, pos(1, 3)), 7);
        // A position on the mark itself is the model's start.
        assert_eq!(map.offset(text, pos(0, 0)), 0);
    }

    #[test]
    fn positions_past_the_end_are_clamped() {
        let text = "ab\ncd";
        let map = LineMap::new(text);
        assert_eq!(map.offset(text, pos(9, 9)), text.len());
        assert_eq!(map.position(text, 99), pos(1, 2));
    }

    #[test]
    fn a_round_trip_lands_on_every_character() {
        let text = "\u{feff}a\r\nçé𝄞\n\nz";
        let map = LineMap::new(text);
        let model = &text[3..];
        for (offset, c) in model.char_indices() {
            // Line ends are not characters an editor puts a cursor on.
            if c == '\r' || c == '\n' {
                continue;
            }
            let position = map.position(text, offset);
            assert_eq!(map.offset(text, position), offset, "offset {offset}");
        }
    }

    #[test]
    fn incremental_edits_apply_in_utf16() {
        let mut text = String::from("+++\r\ntitel = \"𝄞 x\"\r\n+++\r\n");
        apply_change(&mut text, Some(Range::new(pos(1, 0), pos(1, 5))), "title");
        assert_eq!(text, "+++\r\ntitle = \"𝄞 x\"\r\n+++\r\n");
        // The pair is two columns: `x` is column 12.
        apply_change(&mut text, Some(Range::new(pos(1, 12), pos(1, 13))), "y");
        assert_eq!(text, "+++\r\ntitle = \"𝄞 y\"\r\n+++\r\n");
        apply_change(&mut text, None, "new");
        assert_eq!(text, "new");
        // A range past the end appends.
        apply_change(&mut text, Some(Range::new(pos(5, 0), pos(5, 0))), "!");
        assert_eq!(text, "new!");
    }
}

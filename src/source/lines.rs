//! Lines of a text: byte offsets turned into the 1-based line and column
//! (in characters) a user sees in their editor.

/// Line starts of a text, to turn byte offsets into 1-based lines and columns.
/// Columns count characters, the way editors and rustc show them.
pub struct LineIndex<'t> {
    text: &'t str,
    line_starts: Vec<usize>,
    /// Whether each line is ASCII: there a column is the offset from the
    /// line's start, with no character to count. Most lines of a unit file
    /// are (the check-ins, whose two spans each are most of the places a
    /// parse asks for), even where the file is not.
    ascii: Vec<bool>,
    /// The last place asked for: its offset, 0-based line and column. A
    /// parse asks in file order, so the next place is mostly further on the
    /// same line (its column counted on from there) or on the next line.
    /// Counting each column from its line's start, or indexing where every
    /// multi-byte character is (up to 5× the text for CJK), cost more.
    last: std::cell::Cell<(usize, usize, usize)>,
}

impl<'t> LineIndex<'t> {
    pub fn new(text: &'t str) -> Self {
        let bytes = text.as_bytes();
        let mut line_starts = Vec::with_capacity(bytes.len() / 32 + 1);
        line_starts.push(0);
        line_starts.extend(memchr::memchr_iter(b'\n', bytes).map(|at| at + 1));
        // Blocks of 64 bytes are checked at once, and only the few that
        // hold a wider character line by line (checking every line took
        // more than the columns it saved): the part of each line in such
        // a block, so a text of wide characters costs a pass over its
        // bytes, not a search of the lines for each of them.
        let mut ascii = vec![true; line_starts.len()];
        let mut line = 0;
        for (block, chunk) in bytes.chunks(ASCII_BLOCK).enumerate() {
            if chunk.is_ascii() {
                continue;
            }
            let (start, end) = (block * ASCII_BLOCK, block * ASCII_BLOCK + chunk.len());
            // The line the block starts on: blocks come in order.
            while line_starts.get(line + 1).is_some_and(|&next| next <= start) {
                line += 1;
            }
            let mut l = line;
            while line_starts.get(l).is_some_and(|&from| from < end) {
                let from = line_starts[l].max(start);
                let to = line_starts.get(l + 1).map_or(end, |&next| next.min(end));
                if !bytes[from..to].is_ascii() {
                    ascii[l] = false;
                }
                l += 1;
            }
        }
        LineIndex {
            text,
            line_starts,
            ascii,
            last: std::cell::Cell::new((0, 0, 1)),
        }
    }

    /// Whether `offset` lies in the text (its end included): beyond it,
    /// [`LineIndex::line_col`] would say the text's end.
    pub fn covers(&self, offset: usize) -> bool {
        offset <= self.text.len()
    }

    /// How many lines the text has (one more than its line breaks).
    pub fn lines(&self) -> usize {
        self.line_starts.len()
    }

    /// The 1-based line and column of a byte offset.
    pub fn line_col(&self, offset: usize) -> (u32, u32) {
        let offset = floor_char_boundary(self.text, offset.min(self.text.len()));
        let (last_offset, last_line, last_column) = self.last.get();
        let line = self.line_of(offset, last_line);
        let column = if self.ascii[line] {
            offset - self.line_starts[line] + 1
        } else {
            let (from, column) = if line == last_line && last_offset <= offset {
                (last_offset, last_column)
            } else {
                (self.line_starts[line], 1)
            };
            column + characters(&self.text.as_bytes()[from..offset])
        };
        self.last.set((offset, line, column));
        (line as u32 + 1, column as u32)
    }

    /// The 0-based line of a byte offset (at most the text's length), looked
    /// for first on the line of the last place asked for and the next.
    fn line_of(&self, offset: usize, last: usize) -> usize {
        let starts = &self.line_starts;
        let on = |line: usize| {
            starts[line] <= offset && starts.get(line + 1).is_none_or(|&next| offset < next)
        };
        if on(last) {
            last
        } else if last + 1 < starts.len() && on(last + 1) {
            last + 1
        } else {
            starts.partition_point(|&start| start <= offset) - 1
        }
    }

    /// The text of a 1-based line, without its line ending, and its byte offset.
    pub fn line(&self, line: u32) -> Option<(usize, &'t str)> {
        let index = (line as usize).checked_sub(1)?;
        let start = *self.line_starts.get(index)?;
        let end = self
            .line_starts
            .get(index + 1)
            .map_or(self.text.len(), |next| next - 1);
        let text = &self.text[start..end];
        Some((start, text.strip_suffix('\r').unwrap_or(text)))
    }
}

/// How many bytes [`LineIndex::new`] checks for ASCII at once.
const ASCII_BLOCK: usize = 64;

/// The high bit of each byte of a word.
const HIGH: u64 = 0x8080_8080_8080_8080;
/// How many characters start in `bytes`: every byte but those that continue
/// a character (`10xxxxxx`), which as signed bytes are below −64.
///
/// Eight bytes at a time: the stretches a parse asks about (from one key to
/// the next) are 10 to 40 bytes, too short for the compiler's vector loop,
/// which left them to a loop of four instructions a byte; and a word
/// without a high bit (ASCII) has nothing to count.
fn characters(bytes: &[u8]) -> usize {
    let mut continuing = 0;
    let mut words = bytes.chunks_exact(8);
    for word in &mut words {
        let word = u64::from_le_bytes(word.try_into().unwrap_or_default());
        if word & HIGH != 0 {
            // A byte's top bit set and the next one (shifted up into the
            // top bit's place) clear.
            continuing += (word & !(word << 1) & HIGH).count_ones() as usize;
        }
    }
    continuing += words
        .remainder()
        .iter()
        .filter(|&&b| (b as i8) < -0x40)
        .count();
    bytes.len() - continuing
}

fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The next number of a small random sequence (a linear congruential
    /// generator): the texts the tests make are the same in every run.
    fn next(state: &mut u64) -> usize {
        *state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (*state >> 33) as usize
    }

    #[test]
    fn lines_and_columns_are_one_based_and_count_characters() {
        let index = LineIndex::new("ab\r\nçd = 1\nx");
        assert_eq!(index.line_col(0), (1, 1));
        assert_eq!(index.line_col(4), (2, 1));
        // `ç` is two bytes but one column.
        assert_eq!(index.line_col(6), (2, 2));
        assert_eq!(index.line_col(12), (3, 1));
        assert_eq!(index.line(1), Some((0, "ab")));
        assert_eq!(index.line(2), Some((4, "çd = 1")));
        assert_eq!(index.line(4), None);
    }

    /// Columns are counted on from the last place asked for: they must be
    /// what counting the characters from the line's start gives, at every
    /// offset of texts with characters of one to four bytes anywhere, line
    /// endings of both kinds included, asked in order and out of it.
    #[test]
    fn columns_are_the_characters_before_the_offset_on_its_line() {
        let pieces = [
            "a", "= 1", "ç", "€", "𝄞", "\n", "\r\n", "ab cd", "é\"x\"", " ",
        ];
        let mut state = 7u64;
        for length in [0, 1, 3, 9, 17, 40, 120] {
            let text: String = (0..length)
                .map(|_| pieces[next(&mut state) % pieces.len()])
                .collect();
            let index = LineIndex::new(&text);
            let mut offsets: Vec<usize> = (0..=text.len())
                .filter(|&o| text.is_char_boundary(o))
                .collect();
            // In file order, as a parse asks, then scrambled: the column of
            // the last place asked for must never leak into another.
            let scrambled: Vec<usize> = offsets
                .iter()
                .map(|_| offsets[next(&mut state) % offsets.len()])
                .collect();
            offsets.extend(scrambled);
            for offset in offsets {
                let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
                let line = text[..offset].matches('\n').count() + 1;
                let column = text[line_start..offset].chars().count() + 1;
                assert_eq!(
                    index.line_col(offset),
                    (line as u32, column as u32),
                    "{text:?} at {offset}"
                );
            }
        }
    }

    /// Every slice of a text with characters of one to four bytes, at every
    /// alignment to the eight-byte words counted, has as many characters
    /// as `chars` counts.
    #[test]
    fn characters_are_counted_as_chars_counts_them() {
        let text = "ab€ç𝄞x = \"é\" 𝄞𝄞çççaaaaaaaa€€€ zzz 日本語 ok\n";
        for start in (0..=text.len()).filter(|&i| text.is_char_boundary(i)) {
            for end in (start..=text.len()).filter(|&i| text.is_char_boundary(i)) {
                let slice = &text[start..end];
                assert_eq!(
                    characters(slice.as_bytes()),
                    slice.chars().count(),
                    "{slice:?}"
                );
            }
        }
    }

    /// The line starts are every newline's next byte, and a line is ASCII
    /// when none of its bytes is high (the last line, after the last
    /// newline, included; `\r` belongs to its line).
    #[test]
    fn lines_and_their_ascii_are_found() {
        let pieces = ["\n", "\n\n", "a", "€", "abcdefg", "\r\n", "\u{7f}"];
        let mut state = 11u64;
        for length in 0..200 {
            let text: String = (0..length % 40)
                .map(|_| pieces[next(&mut state) % pieces.len()])
                .collect();
            let index = LineIndex::new(&text);
            let mut starts = vec![0];
            starts.extend(text.match_indices('\n').map(|(at, _)| at + 1));
            assert_eq!(index.line_starts, starts, "{text:?}");
            let ascii: Vec<bool> = text.split('\n').map(str::is_ascii).collect();
            assert_eq!(index.ascii, ascii, "{text:?}");
        }
    }

    #[test]
    fn offsets_asked_in_any_order_give_the_lines_a_search_gives() {
        let text = "a\n\nbc\r\nçd\n\n\nxyz";
        let index = LineIndex::new(text);
        let fresh = |offset: usize| LineIndex::new(text).line_col(offset);
        // Forward, backward, repeated, jumping, past the end.
        let order = [0, 1, 2, 3, 3, 5, 7, 2, 0, 9, 12, 13, 11, 4, 16, 99, 0, 8];
        for offset in order {
            assert_eq!(index.line_col(offset), fresh(offset), "offset {offset}");
        }
        assert_eq!(index.line_col(99), (7, 4));
    }
}

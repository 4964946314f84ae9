//! The columns of `okrc status`: a left column with the tree, ids and titles
//! cut to fit, then bar, percentage, pace, confidence and stale flag, and
//! how they give way on a narrow terminal.

use std::fmt::Write as _;

use anstyle::Style;

use crate::model::{ConfidenceLevel, Pace};
use crate::render::terminal::{
    DIM, bar, confidence_style, pace_style, paint, percent, truncate, width,
};

/// The right-hand columns: bar, percentage, pace, confidence, stale flag.
pub(super) struct Columns {
    bar: usize,
    /// The confidence column, and the stale one when any key result is.
    confidence: bool,
    stale: bool,
    left: usize,
}

const PACE_WIDTH: usize = 11;
/// The fewest cells a title keeps before a metric's figures give way.
const MIN_TITLE: usize = 24;
const CONFIDENCE_WIDTH: usize = 9;

impl Columns {
    /// Whether the confidence column is shown (a narrow terminal drops it).
    pub(super) fn shows_confidence(&self) -> bool {
        self.confidence
    }

    pub(super) fn new(total: usize, stale: bool) -> Columns {
        let mut columns = Columns {
            bar: match total {
                110.. => 20,
                90.. => 10,
                _ => 8,
            },
            confidence: true,
            stale,
            left: 0,
        };
        // On a narrow terminal the bar shrinks first, then confidence and
        // stale give way to the titles.
        while total.saturating_sub(columns.right_width()) < 30 && columns.bar > 4 {
            columns.bar -= 1;
        }
        if total.saturating_sub(columns.right_width()) < 30 {
            columns.confidence = false;
            columns.stale = false;
        }
        columns.left = total.saturating_sub(columns.right_width()).max(16);
        columns
    }

    fn right_width(&self) -> usize {
        // " bar 100%  not-started  off-track  stale"
        1 + self.bar
            + 1
            + 4
            + 2
            + PACE_WIDTH
            + if self.confidence {
                2 + CONFIDENCE_WIDTH
            } else {
                0
            }
            + if self.stale { 7 } else { 0 }
    }
}

impl Columns {
    /// The left column: tree lines, an id, a title cut to fit and, room
    /// permitting, a dimmed suffix; padded to the column's width.
    pub(super) fn left(
        &self,
        lead: &str,
        id: (&str, Style),
        title: &str,
        suffix: Option<&str>,
    ) -> String {
        // Titles, ids and names come from the input: no control character
        // reaches the terminal.
        let (id_safe, title, suffix) = (
            crate::render::printable(id.0),
            crate::render::printable(title),
            suffix.map(crate::render::printable),
        );
        let (id, title, suffix) = ((id_safe.as_ref(), id.1), title.as_ref(), suffix.as_deref());
        let room = self.left.saturating_sub(width(lead));
        let id_text = if id.0.is_empty() {
            String::new()
        } else {
            format!("{} ", id.0)
        };
        let room = room.saturating_sub(width(&id_text));
        let title_style = if id.0.is_empty() { id.1 } else { Style::new() };
        // Two cells between the text and the bar.
        let room = room.saturating_sub(2);
        let (title, suffix) = match suffix {
            Some(s) if width(title) + 2 + width(s) <= room => (title.to_string(), Some(s)),
            Some(s) if width(s) + 2 + MIN_TITLE.min(width(title)) <= room => {
                (truncate(title, room - 2 - width(s)), Some(s))
            }
            _ => (truncate(title, room), None),
        };
        let used =
            width(lead) + width(&id_text) + width(&title) + suffix.map_or(0, |s| 2 + width(s));
        let mut text = format!(
            "{}{}{}",
            paint(DIM, lead),
            paint(id.1, id_text.trim_end()),
            if id_text.is_empty() { "" } else { " " }
        );
        text.push_str(&paint(title_style, &title));
        if let Some(suffix) = suffix {
            let _ = write!(text, "  {}", paint(DIM, suffix));
        }
        text.push_str(&" ".repeat(self.left.saturating_sub(used)));
        text
    }

    /// The right columns; trailing blanks are left out.
    pub(super) fn right(
        &self,
        progress: f64,
        pace: Option<Pace>,
        label: Option<(String, Style)>,
        confidence: Option<ConfidenceLevel>,
        stale: bool,
        measured: bool,
    ) -> String {
        if !measured {
            return String::new();
        }
        let mut cells = vec![
            format!(" {}", bar(progress, self.bar, pace_style(pace))),
            format!(" {:>4}", percent(progress)),
        ];
        let (pace_text, label_style) = label.unwrap_or_default();
        let pace_text = pace_text.as_str();
        let confidence = confidence.filter(|_| self.confidence);
        let stale = stale && self.stale;
        let confidence_text = confidence.map_or("", ConfidenceLevel::as_str);
        let wanted = [
            (pace_text, label_style, PACE_WIDTH),
            (
                confidence_text,
                confidence.map_or(Style::new(), confidence_style),
                CONFIDENCE_WIDTH,
            ),
            (
                if stale { "stale" } else { "" },
                pace_style(Some(Pace::AtRisk)),
                5,
            ),
        ];
        let last = wanted.iter().rposition(|(text, ..)| !text.is_empty());
        for (i, (text, style, width)) in wanted.into_iter().enumerate() {
            if last.is_none_or(|last| i > last) {
                break;
            }
            let padding = if Some(i) == last {
                0
            } else {
                width.saturating_sub(text.len())
            };
            cells.push(format!("  {}{}", paint(style, text), " ".repeat(padding)));
        }
        cells.concat()
    }
}

/// Breaks a line of (possibly styled) text at spaces so that no line is
/// wider than `max` cells; a no-break space joins two words and becomes a space.
pub(super) fn wrap(text: &str, max: usize) -> String {
    let mut out = String::new();
    let mut used = 0;
    for word in text.split(' ') {
        let cells = width(&anstream::adapter::strip_str(word).to_string());
        if used > 0 && used + 1 + cells > max {
            out.push('\n');
            used = 0;
        } else if used > 0 {
            out.push(' ');
            used += 1;
        }
        out.push_str(word);
        used += cells;
    }
    out.replace('\u{a0}', " ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrapping_breaks_at_spaces_and_keeps_no_break_spaces() {
        assert_eq!(wrap("one two three", 7), "one two\nthree");
        assert_eq!(wrap("a\u{a0}b\u{a0}c d", 5), "a b c\nd");
        assert_eq!(wrap("toolongword x", 4), "toolongword\nx");
        let styled = format!("{}one{} two", BOLD_ON, BOLD_OFF);
        assert_eq!(wrap(&styled, 3), format!("{}one{}\ntwo", BOLD_ON, BOLD_OFF));
    }

    const BOLD_ON: &str = "\u{1b}[1m";
    const BOLD_OFF: &str = "\u{1b}[0m";

    #[test]
    fn columns_give_way_on_narrow_terminals() {
        let wide = Columns::new(120, true);
        assert_eq!((wide.bar, wide.confidence, wide.stale), (20, true, true));
        let normal = Columns::new(80, false);
        assert_eq!((normal.bar, normal.left), (8, 42));
        let narrow = Columns::new(50, true);
        assert_eq!(
            (narrow.bar, narrow.confidence, narrow.stale),
            (4, false, false)
        );
        assert!(narrow.left + narrow.right_width() <= 50);
    }
}

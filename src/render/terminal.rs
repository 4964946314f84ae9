//! The pieces of okrc's terminal output: progress bars, pace colours,
//! figures with their unit, and text cut to a display width. Output is
//! written with ANSI styles; `anstream` strips them when stdout is not a
//! terminal or `NO_COLOR` is set.

use anstyle::{AnsiColor, Style};
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

use crate::model::{Colour, ConfidenceLevel, KeyResult, KeyResultType, Pace};
use crate::number::{self, NumberStyle};

pub const BOLD: Style = Style::new().bold();
pub const DIM: Style = Style::new().dimmed();
const GREEN: Style = AnsiColor::Green.on_default();
const YELLOW: Style = AnsiColor::Yellow.on_default();
const RED: Style = AnsiColor::Red.on_default();

/// `text` in `style`.
pub fn paint(style: Style, text: &str) -> String {
    if text.is_empty() || style == Style::new() {
        text.to_string()
    } else {
        format!("{style}{text}{style:#}")
    }
}

/// Green when on track or done, yellow at risk, red off track or missed.
pub fn pace_style(pace: Option<Pace>) -> Style {
    match pace {
        Some(Pace::Done | Pace::OnTrack | Pace::Pending) => GREEN,
        Some(Pace::AtRisk) => YELLOW,
        Some(Pace::OffTrack | Pace::Missed) => RED,
        Some(Pace::NotStarted) => DIM,
        None => Style::new(),
    }
}

/// A pace as `status` writes it: its name, and a pending milestone's
/// deadline (`due 15 Jan`), short enough for the pace column.
pub fn pace_words(pace: Pace, by: Option<chrono::NaiveDate>) -> String {
    match (pace, by) {
        (Pace::Pending, Some(by)) => {
            use chrono::Datelike;
            const MONTHS: [&str; 12] = [
                "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
            ];
            format!("due {} {}", by.day(), MONTHS[by.month0() as usize])
        }
        _ => pace.as_str().to_string(),
    }
}

/// A score's colour (red, yellow, green) as a terminal style.
pub fn colour_style(colour: Colour) -> Style {
    match colour {
        Colour::Red => RED,
        Colour::Yellow => YELLOW,
        Colour::Green => GREEN,
    }
}

pub fn confidence_style(confidence: ConfidenceLevel) -> Style {
    match confidence {
        ConfidenceLevel::OnTrack => GREEN,
        ConfidenceLevel::AtRisk => YELLOW,
        ConfidenceLevel::OffTrack => RED,
    }
}

/// A bar of `width` cells, filled in `style` to `progress` (0..1), in
/// eighths of a cell.
pub fn bar(progress: f64, width: usize, style: Style) -> String {
    const PARTS: [char; 8] = [' ', '▏', '▎', '▍', '▌', '▋', '▊', '▉'];
    let eighths = (progress.clamp(0.0, 1.0) * (width * 8) as f64).round() as usize;
    let (full, part) = (eighths / 8, eighths % 8);
    let mut filled = "█".repeat(full);
    let mut empty = width - full;
    if part > 0 && empty > 0 {
        filled.push(PARTS[part]);
        empty -= 1;
    }
    format!(
        "{}{}",
        paint(style, &filled),
        paint(DIM, &"░".repeat(empty))
    )
}

/// `53%`, as every output writes a percentage ([`number::percent`]).
pub fn percent(progress: f64) -> String {
    number::percent(progress)
}

/// A figure with its key result's unit in its number style, as the site
/// writes it (`€112,000`, `96%`, `1,25 dagen`, `1e308`), with plain spaces.
pub fn quantity(value: f64, unit: Option<&str>, style: NumberStyle) -> String {
    number::quantity(value, unit, style).replace('\u{a0}', " ")
}

/// Where a metric stands: `96 → 99.5%`; nothing for other key results.
pub fn standing(kr: &KeyResult) -> Option<String> {
    if kr.kind != KeyResultType::Metric {
        return None;
    }
    let unit = kr.unit.as_deref();
    let style = kr.number_style;
    let current = quantity(kr.current?, unit.filter(|u| !is_suffix(u)), style);
    Some(format!("{current} → {}", quantity(kr.to?, unit, style)))
}

/// Units written after the number, which are shown once, after the target.
fn is_suffix(unit: &str) -> bool {
    !number::is_currency_sign(unit.trim())
}

/// The display width of `text` in terminal cells.
pub fn width(text: &str) -> usize {
    text.width()
}

/// `text` cut to at most `max` cells, ending in `…` when cut.
pub fn truncate(text: &str, max: usize) -> String {
    if text.width() <= max {
        return text.to_string();
    }
    if max == 0 {
        return String::new();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in text.chars() {
        let w = c.width().unwrap_or(0);
        if used + w > max - 1 {
            break;
        }
        out.push(c);
        used += w;
    }
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain(text: &str) -> String {
        anstream::adapter::strip_str(text).to_string()
    }

    #[test]
    fn bars_fill_in_eighths_of_a_cell() {
        assert_eq!(plain(&bar(0.0, 4, GREEN)), "░░░░");
        assert_eq!(plain(&bar(1.0, 4, GREEN)), "████");
        assert_eq!(plain(&bar(0.5, 4, GREEN)), "██░░");
        assert_eq!(plain(&bar(0.53, 10, GREEN)), "█████▎░░░░");
        assert_eq!(plain(&bar(1.7, 3, GREEN)), "███");
    }

    #[test]
    fn percentages_are_the_sites_never_done_or_nothing_too_soon() {
        assert_eq!(percent(0.999), "99%");
        assert_eq!(percent(1.0), "100%");
        assert_eq!(percent(0.57), "57%");
        assert_eq!(percent(2.0 / 3.0), "67%", "rounded, as on the site");
        assert_eq!(percent(0.004), "1%");
        assert_eq!(percent(0.0), "0%");
    }

    #[test]
    fn figures_are_grouped_and_carry_their_unit_in_the_key_results_style() {
        use NumberStyle::{Dutch, English};
        assert_eq!(quantity(1_200_000.0, None, English), "1,200,000");
        assert_eq!(quantity(-1234.567, None, English), "−1,234.57");
        assert_eq!(quantity(0.1 + 0.2, None, English), "0.3");
        assert_eq!(quantity(112_000.0, Some("€"), English), "€112,000");
        assert_eq!(quantity(96.0, Some("%"), English), "96%");
        assert_eq!(quantity(45.0, Some("points"), English), "45 points");
        assert_eq!(quantity(1.25, Some("dagen"), Dutch), "1,25 dagen");
        assert_eq!(quantity(1e308, None, English), "1e308");
    }

    #[test]
    fn truncation_counts_cells_and_marks_the_cut() {
        assert_eq!(truncate("Deploy success rate", 10), "Deploy su…");
        assert_eq!(truncate("short", 10), "short");
        assert_eq!(truncate("日本語のテキスト", 7), "日本語…");
        assert_eq!(width(&truncate("日本語のテキスト", 7)), 7);
        assert_eq!(truncate("abc", 0), "");
    }
}

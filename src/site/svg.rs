//! The site's charts, as inline SVG (progress bars are plain HTML, see
//! [`super::fragments::progress_bar`]): no JavaScript, nothing loaded, styled by
//! the stylesheet (so the dark scheme and print apply), and each with a text
//! alternative (`role="img"`, `aria-label`, `<title>`).
//!
//! Geometry is pure arithmetic on dates and numbers; the words come from the
//! caller, already in the site's language.

use chrono::NaiveDate;

use super::format::push_int;
use crate::period::days_between;

/// Escapes text for HTML and SVG content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    escape_into(&mut out, text);
    out
}

/// Appends `text` to `out`, escaped for HTML content and attribute values.
pub fn escape_into(out: &mut String, text: &str) {
    let bytes = text.as_bytes();
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let replacement = match b {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#39;",
            _ => continue,
        };
        out.push_str(&text[start..i]);
        out.push_str(replacement);
        start = i + 1;
    }
    out.push_str(&text[start..]);
}

/// Appends a coordinate, rounded to a whole unit of the chart's box: a
/// unit is about a pixel, and whole numbers keep the SVG short and the same
/// on every machine.
fn coord(out: &mut String, x: f64) {
    push_int(out, whole(x));
}

/// `x` rounded to a whole unit of the chart's box (0 for no number).
fn whole(x: f64) -> i64 {
    if x.is_finite() { x.round() as i64 } else { 0 }
}

/// Appends a number with at most one decimal, without a trailing `.0`.
pub fn tenths(out: &mut String, x: f64) {
    let tenths = if x.is_finite() {
        (x * 10.0).round() as i64
    } else {
        0
    };
    push_int(out, tenths / 10);
    if tenths % 10 != 0 {
        out.push('.');
        push_int(out, (tenths % 10).abs());
    }
}

pub fn clamp01(x: f64) -> f64 {
    if x.is_nan() { 0.0 } else { x.clamp(0.0, 1.0) }
}

/// What a key result's chart plots.
#[derive(Debug, Clone, PartialEq)]
pub struct ChartData {
    /// The period start, where the pace line and the actual line begin.
    pub start: NaiveDate,
    /// The period end: the right edge, unless `by` or a check-in is later.
    pub end: NaiveDate,
    pub by: NaiveDate,
    pub from: f64,
    pub to: f64,
    /// Check-in values, in date order.
    pub points: Vec<(NaiveDate, f64)>,
    pub today: NaiveDate,
}

/// The words a chart shows, in the site's language.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ChartText {
    /// The text alternative: what the chart says, in a sentence or two.
    pub description: String,
    pub from: String,
    pub to: String,
    pub start: String,
    pub by: String,
    /// The unit, written once above the y axis when it is too long to
    /// repeat beside each value (`from` and `to` are then bare numbers).
    pub unit: Option<String>,
}

const WIDTH: f64 = 360.0;
const HEIGHT: f64 = 140.0;
/// The least room left of the plot, for the y axis labels.
const LEFT: f64 = 64.0;
const RIGHT: f64 = 10.0;
const TOP: f64 = 10.0;
const BOTTOM: f64 = 24.0;
/// The charts' font size (the stylesheet's `.chart text`), in viewBox units.
const FONT_SIZE: f64 = 11.0;
/// A line of the unit's title above the plot.
const TITLE_LINE: f64 = 13.0;

/// How wide `text` is estimated to be in the charts' font, in viewBox
/// units: generous (0.62 em a character, a full em for wide scripts), so
/// that text placed by it stays inside the chart in any common font.
pub fn text_width(text: &str) -> f64 {
    text.chars()
        .map(|c| {
            if unicode_width::UnicodeWidthChar::width(c) == Some(2) {
                FONT_SIZE
            } else {
                FONT_SIZE * 0.62
            }
        })
        .sum()
}

/// Breaks `text` at spaces into lines no wider than `max` (a word wider
/// than that is cut), so no line runs out of the chart.
fn wrap_lines(text: &str, max: f64) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let joined = if line.is_empty() {
            word.to_string()
        } else {
            format!("{line} {word}")
        };
        if text_width(&joined) <= max {
            line = joined;
            continue;
        }
        if !line.is_empty() {
            lines.push(std::mem::take(&mut line));
        }
        let mut rest = word;
        while text_width(rest) > max {
            let mut cut = 0;
            for (at, c) in rest.char_indices() {
                if text_width(&rest[..at + c.len_utf8()]) > max {
                    break;
                }
                cut = at + c.len_utf8();
            }
            let cut = cut.max(rest.chars().next().map_or(0, char::len_utf8));
            lines.push(rest[..cut].to_string());
            rest = &rest[cut..];
        }
        line = rest.to_string();
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// Maps dates and values to chart coordinates.
struct Scale {
    x0: NaiveDate,
    days: f64,
    y0: f64,
    y1: f64,
    /// The plot's left edge: room for the widest y label.
    left: f64,
    /// The plot's top edge: room for the unit's title.
    top: f64,
}

impl Scale {
    fn new(data: &ChartData, text: &ChartText, title_lines: usize) -> Scale {
        let widest = text_width(&text.from).max(text_width(&text.to));
        let left = (widest + 12.0).clamp(LEFT, WIDTH / 2.0);
        let top = TOP + title_lines as f64 * TITLE_LINE;
        let x0 = data
            .points
            .iter()
            .map(|p| p.0)
            .chain([data.start])
            .min()
            .unwrap_or(data.start);
        let x1 = data
            .points
            .iter()
            .map(|p| p.0)
            .chain([data.end, data.by])
            .max()
            .unwrap_or(data.end);
        let values = data.points.iter().map(|p| p.1).chain([data.from, data.to]);
        let (mut y0, mut y1) = values
            .filter(|v| v.is_finite())
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
                (lo.min(v), hi.max(v))
            });
        if !(y0.is_finite() && y1.is_finite()) {
            (y0, y1) = (0.0, 1.0);
        }
        if y1 - y0 < 1e-9 {
            y0 -= 1.0;
            y1 += 1.0;
        }
        let pad = (y1 - y0) * 0.06;
        Scale {
            x0,
            days: days_between(x0, x1).max(1) as f64,
            y0: y0 - pad,
            y1: y1 + pad,
            left,
            top,
        }
    }

    fn x(&self, date: NaiveDate) -> f64 {
        self.left + days_between(self.x0, date) as f64 / self.days * (WIDTH - self.left - RIGHT)
    }

    fn y(&self, value: f64) -> f64 {
        self.top + (self.y1 - value) / (self.y1 - self.y0) * (HEIGHT - self.top - BOTTOM)
    }
}

fn point(out: &mut String, x: f64, y: f64) {
    coord(out, x);
    out.push(' ');
    coord(out, y);
}

/// A point in whole units of the chart's box, as [`coord`] writes it.
fn rounded(x: f64, y: f64) -> (i64, i64) {
    (whole(x), whole(y))
}

/// Appends `x` and `y` with a space between them (a minus sign separates
/// on its own).
fn push_pair(out: &mut String, (x, y): (i64, i64)) {
    push_int(out, x);
    if y >= 0 {
        out.push(' ');
    }
    push_int(out, y);
}

/// Appends the relative step from one point to the next.
fn push_step(out: &mut String, from: (i64, i64), to: (i64, i64)) {
    push_pair(out, (to.0 - from.0, to.1 - from.1));
}

fn label(out: &mut String, class: &str, x: f64, y: f64, text: &str) {
    out.push_str("<text");
    if !class.is_empty() {
        out.push_str(r#" class=""#);
        out.push_str(class);
        out.push('"');
    }
    out.push_str(r#" x=""#);
    coord(out, x);
    out.push_str(r#"" y=""#);
    coord(out, y);
    out.push_str(r#"">"#);
    escape_into(out, text);
    out.push_str("</text>");
}

/// A key result's check-ins against its expected pace: a dashed line from
/// `from` at the period start to `to` at `by`, the actual values as a line
/// with dots, and a marker for today. Each kind of line is one path, styled
/// by its class; the dots are zero-length segments with round caps.
///
/// Nothing is clipped: the plot starts right of the widest y label, and a
/// long unit is written once above the plot, wrapped to the chart's width.
pub fn key_result_chart(out: &mut String, data: &ChartData, text: &ChartText) {
    let title = text
        .unit
        .as_deref()
        .map(|unit| wrap_lines(unit, WIDTH - 2.0))
        .unwrap_or_default();
    let scale = Scale::new(data, text, title.len());
    let left = scale.left;
    out.push_str(r#"<svg class="chart" viewBox="0 0 360 140" role="img" aria-label=""#);
    escape_into(out, &text.description);
    out.push_str(r#"">"#);
    for (i, line) in title.iter().enumerate() {
        label(out, "", 0.0, TOP + (i as f64 + 0.5) * TITLE_LINE, line);
    }
    out.push_str(r#"<path class="axis" d="M"#);
    let bottom = HEIGHT - BOTTOM;
    point(out, left, bottom);
    out.push('H');
    coord(out, WIDTH - RIGHT);
    out.push_str(r#""/><path class="grid" d=""#);
    for value in [data.from, data.to] {
        out.push('M');
        point(out, left, scale.y(value));
        out.push('H');
        coord(out, WIDTH - RIGHT);
    }
    out.push_str(r#""/>"#);
    label(out, "y", left - 6.0, scale.y(data.from), &text.from);
    label(out, "y", left - 6.0, scale.y(data.to), &text.to);
    label(out, "", left, HEIGHT - 6.0, &text.start);
    label(
        out,
        "e",
        scale.x(data.by).min(WIDTH - RIGHT),
        HEIGHT - 6.0,
        &text.by,
    );
    if data.today >= scale.x0 {
        let x = scale.x(data.today);
        if x <= WIDTH - RIGHT {
            out.push_str(r#"<path class="today" d="M"#);
            point(out, x, scale.top);
            out.push('V');
            coord(out, bottom);
            out.push_str(r#""/>"#);
        }
    }
    out.push_str(r#"<path class="pace" d="M"#);
    point(out, scale.x(data.start), scale.y(data.from));
    out.push(' ');
    point(out, scale.x(data.by), scale.y(data.to));
    out.push_str(r#""/><path class="actual" d="M"#);
    // The line from the start and the dots at the check-ins, both in
    // relative steps from point to point: the same whole-unit points as
    // absolute ones, in fewer digits.
    let line: Vec<(i64, i64)> = std::iter::once((data.start, data.from))
        .chain(data.points.iter().copied())
        .map(|(date, value)| rounded(scale.x(date), scale.y(value)))
        .collect();
    push_pair(out, line[0]);
    if line.len() > 1 {
        out.push('l');
    }
    for (i, step) in line.windows(2).enumerate() {
        if i > 0 && step[1].0 - step[0].0 >= 0 {
            out.push(' ');
        }
        push_step(out, step[0], step[1]);
    }
    out.push_str(r#""/>"#);
    if let Some(dots) = line.get(1..).filter(|dots| !dots.is_empty()) {
        out.push_str(r#"<path class="dots" d="M"#);
        push_pair(out, dots[0]);
        out.push_str("h0");
        for step in dots.windows(2) {
            out.push('m');
            push_step(out, step[0], step[1]);
            out.push_str("h0");
        }
        out.push_str(r#""/>"#);
    }
    out.push_str("</svg>");
}

const SPARK_WIDTH: f64 = 80.0;
const SPARK_HEIGHT: f64 = 20.0;

/// A small line of progress (0–1) over a period, for lists.
pub fn sparkline(
    out: &mut String,
    start: NaiveDate,
    end: NaiveDate,
    points: &[(NaiveDate, f64)],
    label: &str,
) {
    let days = days_between(start, end).max(1) as f64;
    let x = |d: NaiveDate| {
        (days_between(start, d) as f64 / days).clamp(0.0, 1.0) * (SPARK_WIDTH - 4.0) + 2.0
    };
    let y = |p: f64| (1.0 - clamp01(p)) * (SPARK_HEIGHT - 4.0) + 2.0;
    out.push_str(r#"<svg class="spark" viewBox="0 0 80 20" role="img" aria-label=""#);
    escape_into(out, label);
    out.push_str(r#""><path class="base" d="M2 18H78"/>"#);
    if let Some(&(date, progress)) = points.last() {
        out.push_str(r#"<path class="line" d="M"#);
        for (i, &(date, progress)) in points.iter().enumerate() {
            if i > 0 {
                out.push(' ');
            }
            point(out, x(date), y(progress));
        }
        out.push_str(r#""/><path class="dot" d="M"#);
        point(out, x(date), y(progress));
        out.push_str(r#"h0"/>"#);
    }
    out.push_str("</svg>");
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::period::parse_date;

    fn d(s: &str) -> NaiveDate {
        parse_date(s).unwrap()
    }

    fn data() -> ChartData {
        ChartData {
            start: d("2026-10-01"),
            end: d("2026-12-31"),
            by: d("2026-12-31"),
            from: 0.0,
            to: 100.0,
            points: vec![(d("2026-11-15"), 50.0)],
            today: d("2026-11-15"),
        }
    }

    fn attr<'s>(svg: &'s str, element: &str, name: &str) -> &'s str {
        let at = svg.find(&format!("<{element}")).expect(element);
        let rest = &svg[at..];
        let start = rest.find(&format!(" {name}=\"")).expect(name) + name.len() + 3;
        let end = rest[start..].find('"').unwrap();
        &rest[start..start + end]
    }

    fn chart(data: &ChartData, text: &ChartText) -> String {
        let mut out = String::new();
        key_result_chart(&mut out, data, text);
        out
    }

    #[test]
    fn coordinates_are_whole_and_tenths_have_one_decimal() {
        let mut out = String::new();
        coord(&mut out, 12.0);
        out.push(' ');
        coord(&mut out, 12.6);
        out.push(' ');
        coord(&mut out, f64::NAN);
        out.push(' ');
        tenths(&mut out, 12.345);
        out.push(' ');
        tenths(&mut out, 7.0);
        assert_eq!(out, "12 13 0 12.3 7");
    }

    #[test]
    fn chart_labels_are_escaped() {
        let text = ChartText {
            description: "<script>\"".into(),
            from: "<b>".into(),
            ..ChartText::default()
        };
        let svg = chart(&data(), &text);
        assert!(!svg.contains("<script>") && !svg.contains("<b>"));
        assert!(svg.contains("&lt;script&gt;&quot;"));
    }

    #[test]
    fn the_pace_line_runs_from_the_start_value_to_the_target_at_the_deadline() {
        let svg = chart(&data(), &ChartText::default());
        // x: 64 at the start, 350 at the end; y: values 0..100 padded by 6%
        // over the 106 units between the top and bottom margins.
        assert_eq!(attr(&svg, "path class=\"pace\"", "d"), "M64 110 350 16");
        // 45 of 91 days in, halfway up: just above the pace line.
        assert_eq!(attr(&svg, "path class=\"actual\"", "d"), "M64 110l141-47");
        assert_eq!(attr(&svg, "path class=\"dots\"", "d"), "M205 63h0");
        assert_eq!(attr(&svg, "path class=\"today\"", "d"), "M205 10V116");
    }

    /// The points a path of `M x y`, then relative steps (`l`, or `m` and
    /// `h0` for dots), passes through, in absolute units.
    fn absolute_points(d: &str) -> Vec<(i64, i64)> {
        let spaced = d
            .replace("h0", " ")
            .replace(['M', 'l', 'm'], " ")
            .replace('-', " -");
        let numbers: Vec<i64> = spaced
            .split_whitespace()
            .map(|n| n.parse().unwrap())
            .collect();
        let mut points = vec![(numbers[0], numbers[1])];
        for step in numbers[2..].chunks(2) {
            let (x, y) = points[points.len() - 1];
            points.push((x + step[0], y + step[1]));
        }
        points
    }

    #[test]
    fn the_line_and_its_dots_step_through_the_check_ins() {
        let mut many = data();
        many.points = vec![
            (d("2026-10-12"), 10.0),
            (d("2026-10-19"), 30.0),
            (d("2026-10-26"), 25.0),
            (d("2026-11-02"), 60.0),
        ];
        let svg = chart(&many, &ChartText::default());
        let actual = attr(&svg, "path class=\"actual\"", "d");
        let dots = attr(&svg, "path class=\"dots\"", "d");
        assert!(actual.starts_with("M64 110l"), "{actual}");
        assert_eq!(dots.matches("h0").count(), 4, "{dots}");
        let line = absolute_points(actual);
        // The line starts at the start value; a dot marks each check-in.
        assert_eq!(line.len(), 5, "{actual}");
        assert_eq!(absolute_points(dots), line[1..], "{dots}");
        // Each point is where the scale puts the check-in, rounded.
        let expected = |date: &str, value: f64| {
            let scale = Scale::new(&many, &ChartText::default(), 0);
            rounded(scale.x(d(date)), scale.y(value))
        };
        let scale = Scale::new(&many, &ChartText::default(), 0);
        let checkins: Vec<(i64, i64)> = many
            .points
            .iter()
            .map(|&(date, value)| rounded(scale.x(date), scale.y(value)))
            .collect();
        assert_eq!(line[1..], checkins, "{actual}");
        assert_eq!(line[1], expected("2026-10-12", 10.0));
        assert_eq!(line[3], expected("2026-10-26", 25.0));
        assert_eq!(line[4], expected("2026-11-02", 60.0));
    }

    #[test]
    fn decreasing_metrics_and_flat_ranges_stay_inside_the_chart() {
        let mut down = data();
        down.from = 120_000.0;
        down.to = 90_000.0;
        down.points = vec![(d("2026-10-05"), 118_000.0), (d("2027-01-10"), 80_000.0)];
        let svg = chart(&down, &ChartText::default());
        let pace = attr(&svg, "path class=\"pace\"", "d");
        let ys: Vec<f64> = pace
            .trim_start_matches('M')
            .split(' ')
            .skip(1)
            .step_by(2)
            .map(|y| y.parse().unwrap())
            .collect();
        assert!(
            ys[0] < ys[1],
            "the start is higher up than the lower target"
        );
        let mut flat = data();
        flat.from = 5.0;
        flat.to = 5.0;
        flat.points.clear();
        let svg = chart(&flat, &ChartText::default());
        assert!(!svg.contains("NaN") && !svg.contains("inf"));
        assert!(!svg.contains("dots"), "no check-ins, no dots");
    }

    #[test]
    fn sparklines_scale_time_and_progress_to_their_box() {
        let mut svg = String::new();
        sparkline(
            &mut svg,
            d("2026-10-01"),
            d("2026-12-31"),
            &[(d("2026-10-01"), 0.0), (d("2026-12-31"), 1.0)],
            "trend",
        );
        assert_eq!(attr(&svg, "path class=\"line\"", "d"), "M2 18 78 2");
        let mut empty = String::new();
        sparkline(&mut empty, d("2026-10-01"), d("2026-12-31"), &[], "none");
        assert!(!empty.contains("class=\"line\""));
    }
}

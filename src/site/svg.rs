//! The site's charts, as inline SVG: no JavaScript, nothing loaded, styled by
//! the stylesheet (so the dark scheme and print apply), and each with a text
//! alternative (`role="img"`, `aria-label`, `<title>`).
//!
//! Geometry is pure arithmetic on dates and numbers; the words come from the
//! caller, already in the site's language.

use std::fmt::Write;

use chrono::NaiveDate;

use crate::period::days_between;

/// Escapes text for HTML and SVG content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A coordinate with one decimal, without a trailing `.0`: short and
/// identical on every machine.
fn coord(x: f64) -> String {
    let x = if x.is_finite() { x } else { 0.0 };
    let rounded = (x * 10.0).round() / 10.0;
    if rounded.fract() == 0.0 {
        format!("{}", rounded as i64)
    } else {
        format!("{rounded:.1}")
    }
}

fn clamp01(x: f64) -> f64 {
    if x.is_nan() { 0.0 } else { x.clamp(0.0, 1.0) }
}

/// A horizontal bar: `progress` filled, a tick at `expected`. `class` names
/// the fill's colour (a pace); `label` is the text alternative. Bars are the
/// most repeated element of the site, so the track is the SVG's CSS
/// background and the label is not repeated in a `<title>`.
pub fn progress_bar(progress: f64, expected: Option<f64>, class: &str, label: &str) -> String {
    let label = escape(label);
    let mut svg = format!(
        r#"<svg class="bar" viewBox="0 0 100 8" preserveAspectRatio="none" role="img" aria-label="{label}"><rect class="bar-fill {}" width="{}" height="8"/>"#,
        escape(class),
        coord(clamp01(progress) * 100.0)
    );
    if let Some(expected) = expected {
        let x = clamp01(expected) * 100.0;
        let _ = write!(
            svg,
            r#"<rect class="bar-expected" x="{}" width="1" height="8"/>"#,
            coord((x - 0.5).clamp(0.0, 99.0))
        );
    }
    svg.push_str("</svg>");
    svg
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
    pub today: String,
}

const WIDTH: f64 = 360.0;
const HEIGHT: f64 = 140.0;
const LEFT: f64 = 64.0;
const RIGHT: f64 = 10.0;
const TOP: f64 = 10.0;
const BOTTOM: f64 = 24.0;

/// Maps dates and values to chart coordinates.
struct Scale {
    x0: NaiveDate,
    days: f64,
    y0: f64,
    y1: f64,
}

impl Scale {
    fn new(data: &ChartData) -> Scale {
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
        }
    }

    fn x(&self, date: NaiveDate) -> f64 {
        LEFT + days_between(self.x0, date) as f64 / self.days * (WIDTH - LEFT - RIGHT)
    }

    fn y(&self, value: f64) -> f64 {
        TOP + (self.y1 - value) / (self.y1 - self.y0) * (HEIGHT - TOP - BOTTOM)
    }
}

/// A key result's check-ins against its expected pace: a dashed line from
/// `from` at the period start to `to` at `by`, the actual values as a line
/// with dots, and a marker for today.
pub fn key_result_chart(data: &ChartData, text: &ChartText) -> String {
    let scale = Scale::new(data);
    let description = escape(&text.description);
    let mut svg = String::with_capacity(1200 + data.points.len() * 60);
    let _ = write!(
        svg,
        r#"<svg class="chart" viewBox="0 0 {w} {h}" role="img" aria-label="{description}"><title>{description}</title>"#,
        w = WIDTH,
        h = HEIGHT,
    );
    let (left, right) = (coord(LEFT), coord(WIDTH - RIGHT));
    let bottom = coord(HEIGHT - BOTTOM);
    let _ = write!(
        svg,
        r#"<line class="chart-axis" x1="{left}" y1="{bottom}" x2="{right}" y2="{bottom}"/>"#
    );
    for (value, label) in [(data.from, &text.from), (data.to, &text.to)] {
        let y = coord(scale.y(value));
        let _ = write!(
            svg,
            r#"<line class="chart-grid" x1="{left}" y1="{y}" x2="{right}" y2="{y}"/><text class="chart-label" x="{}" y="{y}" text-anchor="end" dominant-baseline="middle">{}</text>"#,
            coord(LEFT - 6.0),
            escape(label)
        );
    }
    let label_y = coord(HEIGHT - 6.0);
    let _ = write!(
        svg,
        r#"<text class="chart-label" x="{left}" y="{label_y}">{}</text><text class="chart-label" x="{}" y="{label_y}" text-anchor="end">{}</text>"#,
        escape(&text.start),
        coord(scale.x(data.by).min(WIDTH - RIGHT)),
        escape(&text.by),
    );
    if data.today >= scale.x0 {
        let x = scale.x(data.today);
        if x <= WIDTH - RIGHT {
            let x = coord(x);
            let _ = write!(
                svg,
                r#"<line class="chart-today" x1="{x}" y1="{}" x2="{x}" y2="{bottom}"/>"#,
                coord(TOP)
            );
        }
    }
    let _ = write!(
        svg,
        r#"<polyline class="chart-pace" points="{},{} {},{}"/>"#,
        coord(scale.x(data.start)),
        coord(scale.y(data.from)),
        coord(scale.x(data.by)),
        coord(scale.y(data.to)),
    );
    let mut line = format!(
        "{},{}",
        coord(scale.x(data.start)),
        coord(scale.y(data.from))
    );
    for &(date, value) in &data.points {
        let _ = write!(line, " {},{}", coord(scale.x(date)), coord(scale.y(value)));
    }
    let _ = write!(svg, r#"<polyline class="chart-actual" points="{line}"/>"#);
    for &(date, value) in &data.points {
        let _ = write!(
            svg,
            r#"<circle class="chart-dot" cx="{}" cy="{}" r="3"/>"#,
            coord(scale.x(date)),
            coord(scale.y(value))
        );
    }
    svg.push_str("</svg>");
    svg
}

const SPARK_WIDTH: f64 = 80.0;
const SPARK_HEIGHT: f64 = 20.0;

/// A small line of progress (0–1) over a period, for lists.
pub fn sparkline(
    start: NaiveDate,
    end: NaiveDate,
    points: &[(NaiveDate, f64)],
    label: &str,
) -> String {
    let label = escape(label);
    let days = days_between(start, end).max(1) as f64;
    let x = |d: NaiveDate| {
        (days_between(start, d) as f64 / days).clamp(0.0, 1.0) * (SPARK_WIDTH - 4.0) + 2.0
    };
    let y = |p: f64| (1.0 - clamp01(p)) * (SPARK_HEIGHT - 4.0) + 2.0;
    let mut line = String::new();
    for &(date, progress) in points {
        if !line.is_empty() {
            line.push(' ');
        }
        let _ = write!(line, "{},{}", coord(x(date)), coord(y(progress)));
    }
    let mut svg = format!(
        r#"<svg class="spark" viewBox="0 0 {SPARK_WIDTH} {SPARK_HEIGHT}" role="img" aria-label="{label}"><title>{label}</title><line class="spark-base" x1="2" y1="{b}" x2="{r}" y2="{b}"/>"#,
        b = coord(SPARK_HEIGHT - 2.0),
        r = coord(SPARK_WIDTH - 2.0),
    );
    if let Some(&(date, progress)) = points.last() {
        let _ = write!(
            svg,
            r#"<polyline class="spark-line" points="{line}"/><circle class="spark-dot" cx="{}" cy="{}" r="2"/>"#,
            coord(x(date)),
            coord(y(progress))
        );
    }
    svg.push_str("</svg>");
    svg
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
        let at = svg.find(&format!("<{element} ")).expect(element);
        let rest = &svg[at..];
        let start = rest.find(&format!(" {name}=\"")).expect(name) + name.len() + 3;
        let end = rest[start..].find('"').unwrap();
        &rest[start..start + end]
    }

    #[test]
    fn coordinates_have_at_most_one_decimal() {
        assert_eq!(coord(12.0), "12");
        assert_eq!(coord(12.345), "12.3");
        assert_eq!(coord(-0.04), "0");
        assert_eq!(coord(f64::NAN), "0");
    }

    #[test]
    fn progress_bars_fill_their_share_and_mark_the_expected_point() {
        let svg = progress_bar(0.42, Some(0.6), "pace-at-risk", "42% done");
        assert_eq!(
            attr(&svg, "rect class=\"bar-fill pace-at-risk\"", "width"),
            "42"
        );
        assert_eq!(attr(&svg, "rect class=\"bar-expected\"", "x"), "59.5");
        assert!(svg.contains(r#"aria-label="42% done""#));
        let over = progress_bar(1.7, Some(-1.0), "", "");
        assert_eq!(attr(&over, "rect class=\"bar-fill \"", "width"), "100");
        assert_eq!(attr(&over, "rect class=\"bar-expected\"", "x"), "0");
    }

    #[test]
    fn chart_labels_are_escaped() {
        let text = ChartText {
            description: "<script>\"".into(),
            ..ChartText::default()
        };
        let svg = key_result_chart(&data(), &text);
        assert!(!svg.contains("<script>"));
        assert!(svg.contains("&lt;script&gt;&quot;"));
    }

    #[test]
    fn the_pace_line_runs_from_the_start_value_to_the_target_at_the_deadline() {
        let svg = key_result_chart(&data(), &ChartText::default());
        // x: 64 at the start, 350 at the end; y: values 0..100 padded by 6%
        // over the 106 units between the top and bottom margins.
        let points = attr(&svg, "polyline class=\"chart-pace\"", "points");
        assert_eq!(points, "64,110.3 350,15.7");
        // 45 of 91 days in, halfway up: just above the pace line.
        let actual = attr(&svg, "polyline class=\"chart-actual\"", "points");
        assert_eq!(actual, "64,110.3 205.4,63");
        let today = attr(&svg, "line class=\"chart-today\"", "x1");
        assert_eq!(today, "205.4");
    }

    #[test]
    fn decreasing_metrics_and_flat_ranges_stay_inside_the_chart() {
        let mut down = data();
        down.from = 120_000.0;
        down.to = 90_000.0;
        down.points = vec![(d("2026-10-05"), 118_000.0), (d("2027-01-10"), 80_000.0)];
        let svg = key_result_chart(&down, &ChartText::default());
        let pace = attr(&svg, "polyline class=\"chart-pace\"", "points");
        let ys: Vec<f64> = pace
            .split([' ', ','])
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
        let svg = key_result_chart(&flat, &ChartText::default());
        assert!(!svg.contains("NaN") && !svg.contains("inf"));
    }

    #[test]
    fn sparklines_scale_time_and_progress_to_their_box() {
        let svg = sparkline(
            d("2026-10-01"),
            d("2026-12-31"),
            &[(d("2026-10-01"), 0.0), (d("2026-12-31"), 1.0)],
            "trend",
        );
        assert_eq!(attr(&svg, "polyline", "points"), "2,18 78,2");
        let empty = sparkline(d("2026-10-01"), d("2026-12-31"), &[], "none");
        assert!(!empty.contains("polyline"));
    }
}

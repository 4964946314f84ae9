//! The pieces of HTML every page repeats many times — progress bars,
//! badges, charts, sparklines, check-in rows — built in Rust, straight from
//! the model, as escaped HTML. Templates place them with the functions of
//! [`super::functions`]; building them here instead of in template code is
//! what keeps a page of 10,000 a fraction of a millisecond.
//!
//! Every text from the input goes through [`escape_into`]; the rest is
//! markup and numbers made here.

use chrono::NaiveDate;

use super::format::{self, Language};
use super::labels::{
    confidence_label, confidence_word, fill, fill_into, label, pace_word, sentences, type_word,
};
use super::svg::{self, ChartData, ChartText, escape_into};
use crate::model::{Checkin, ConfidenceLevel, KeyResult, KeyResultType, Pace, Unit};
use crate::number::{self, NumberStyle};
use crate::period::Period;

/// What a progress bar shows: progress, and for an objective or key result
/// its expected progress and pace.
#[derive(Debug, Clone, Copy, Default)]
pub struct Progress<'a> {
    pub progress: f64,
    pub expected: Option<f64>,
    pub pace: Option<&'a str>,
    /// A key result's deadline, which a pending one reads out ("Due 31 Dec").
    pub by: Option<NaiveDate>,
}

thread_local! {
    /// Text being put together before it is escaped into a page.
    static SCRATCH: std::cell::RefCell<String> = const { std::cell::RefCell::new(String::new()) };
}

/// Runs `f` with an empty scratch string (reused, so no allocation).
fn with_scratch<T>(f: impl FnOnce(&mut String) -> T) -> T {
    SCRATCH.with(|scratch| match scratch.try_borrow_mut() {
        Ok(mut scratch) => {
            scratch.clear();
            f(&mut scratch)
        }
        Err(_) => f(&mut String::new()),
    })
}

/// A progress bar, coloured by pace, with its text alternative: the bar
/// alone, for a user's template that writes its own figure beside it (`{{
/// progress_bar(kr) }}`; the built-in pages use [`progress`]). One empty
/// element drawn by the stylesheet (`.bar`), as [`progress`] is.
///
/// ```html
/// <span class="bar on-track" style="--p:69.3%;--x:62.6%" role="img"
///  aria-label="69% done, 63% expected by now (On track)"></span>
/// ```
pub fn progress_bar(out: &mut String, item: Progress<'_>, language: Language) {
    out.push_str(r#"<span class="bar"#);
    bar_attributes(out, item, language);
    out.push_str("</span>");
}

/// The bar with the percentage beside it, in one element; `large` for a
/// page head. Bars are the most repeated element of the site (a unit page
/// has about twenty, the changes page tens of thousands), so the pace is a
/// class and the fill and expected-progress tick are two custom properties
/// (`--p`, `--x`). The stylesheet draws the bar before the text (`.progress`);
/// the element is a picture (`role="img"`) whose text alternative says the
/// percentage, the expected progress and the pace, so a screen reader reads
/// the sentence and not the figure twice.
///
/// ```html
/// <span class="progress on-track" style="--p:69.3%;--x:62.6%" role="img"
///  aria-label="69% done, 63% expected by now (On track)">69%</span>
/// ```
pub fn progress(out: &mut String, item: Progress<'_>, large: bool, language: Language) {
    out.push_str(if large {
        r#"<span class="progress progress-large"#
    } else {
        r#"<span class="progress"#
    });
    bar_attributes(out, item, language);
    format::push_percent(out, item.progress, language);
    out.push_str("</span>");
}

/// The rest of a bar's start tag after the first class: its pace's class,
/// `--p` and `--x`, and the text alternative.
fn bar_attributes(out: &mut String, item: Progress<'_>, language: Language) {
    let words = sentences(language);
    let expected = item.pace.and(item.expected);
    let pace = item
        .pace
        .filter(|pace| !pace_word(pace, language).is_empty())
        // Each pace is a class of `.bar` and `.progress` in the stylesheet;
        // anything else gets the neutral bar.
        .and_then(|pace| {
            Pace::ALL
                .iter()
                .map(|known| known.as_str())
                .find(|known| *known == pace)
        });
    if let Some(pace) = pace {
        out.push(' ');
        out.push_str(pace);
    }
    out.push_str(r#"" style="--p:"#);
    svg::tenths(out, svg::clamp01(item.progress) * 100.0);
    out.push('%');
    if let Some(expected) = expected {
        // Kept off the very ends, where the rounded track would hide it.
        out.push_str(";--x:");
        svg::tenths(out, (svg::clamp01(expected) * 100.0).clamp(0.5, 99.5));
        out.push('%');
    }
    out.push_str(r#"" role="img" aria-label=""#);
    with_scratch(|text| {
        let pattern = if expected.is_some() {
            words.bar_with_expected
        } else {
            words.bar
        };
        fill_into(text, pattern, |text, i| match i {
            0 => format::push_percent(text, item.progress, language),
            _ => format::push_percent(text, expected.unwrap_or(0.0), language),
        });
        if let Some(pace) = item.pace {
            text.push_str(" (");
            text.push_str(pace_word(pace, language));
            if let (Some(by), "pending") = (item.by, pace) {
                text.push(' ');
                format::push_date(text, by, language);
            }
            text.push(')');
        }
        escape_into(out, text);
    });
    out.push_str(r#"">"#);
}

/// The pace in words, with a shape (from the stylesheet) and a colour that
/// repeat it; a pending milestone reads "Due" and its deadline `by`.
/// Nothing for an unknown pace.
pub fn pace_badge(out: &mut String, pace: &str, by: Option<NaiveDate>, language: Language) {
    let word = pace_word(pace, language);
    if word.is_empty() {
        return;
    }
    out.push_str(r#"<span class="badge pace-"#);
    out.push_str(pace);
    out.push_str(r#"">"#);
    out.push_str(word);
    if let (Some(by), "pending") = (by, pace) {
        out.push(' ');
        format::push_date(out, by, language);
    }
    out.push_str("</span>");
}

/// A confidence level in words after a visible "Confidence:", so that it
/// never reads as pace; leave the label out (`labelled` false) only where a
/// column header says it.
pub fn confidence_badge(
    out: &mut String,
    level: ConfidenceLevel,
    labelled: bool,
    language: Language,
) {
    out.push_str(r#"<span class="badge confidence-"#);
    out.push_str(level.as_str());
    out.push_str(r#"">"#);
    if labelled {
        out.push_str(confidence_label(language));
        out.push_str(": ");
    }
    out.push_str(confidence_word(level.as_str(), language));
    out.push_str("</span>");
}

/// A check-in's value in words: the quantity, done or not done.
fn checkin_value(
    out: &mut String,
    checkin: &Checkin,
    unit: Option<&str>,
    style: NumberStyle,
    language: Language,
) {
    if let Some(value) = checkin.value() {
        with_scratch(|text| {
            number::push_quantity(text, value, unit, style);
            escape_into(out, text);
        });
    } else if let Some(done) = checkin.done {
        out.push_str(label(if done { "done" } else { "not_done" }, language));
    }
}

/// The rows of a key result's check-in table, newest first (of two on one
/// day, the one written last first): date, value, confidence, note. Rows
/// leave out the end tags HTML lets them leave out: a page holds thousands.
/// Where the header is out of sight (a phone), the confidence cell is named
/// by the table's `--l` label (see [`checkin_table`]), not by every row.
pub fn checkin_rows(out: &mut String, kr: &KeyResult, period: Option<&Period>, language: Language) {
    let mut order: Vec<usize> = (0..kr.checkins.len()).collect();
    order.sort_by(|&a, &b| (kr.checkins[b].date, b).cmp(&(kr.checkins[a].date, a)));
    // Within the period's year the year goes without saying.
    let year = period.map(|p| (p.start, p.end));
    for i in order {
        let checkin = &kr.checkins[i];
        out.push_str("<tr><td>");
        let same_year = year.is_some_and(|(start, end)| {
            use chrono::Datelike;
            start.year() == end.year() && checkin.date.year() == start.year()
        });
        if same_year {
            format::push_short_date(out, checkin.date, language);
        } else {
            format::push_date(out, checkin.date, language);
        }
        out.push_str("<td>");
        checkin_value(out, checkin, kr.unit.as_deref(), kr.number_style, language);
        match checkin.confidence().map(|c| c.level()) {
            Some(level) => {
                out.push_str(r#"<td class="conf-"#);
                out.push_str(level.as_str());
                out.push_str(r#"">"#);
                out.push_str(confidence_word(level.as_str(), language));
            }
            None => out.push_str("<td>"),
        }
        out.push_str("<td>");
        if let Some(note) = &checkin.note {
            escape_into(out, note);
        }
        out.push('\n');
    }
}

/// The badges and tags under a key result's title: pace, confidence,
/// type, and weight and score when it has them.
pub fn kr_meta(out: &mut String, kr: &KeyResult, language: Language) {
    out.push_str(r#"<div class="kr-meta">"#);
    if let Some(pace) = kr.pace {
        pace_badge(out, pace.as_str(), kr.by, language);
        out.push(' ');
    }
    if let Some(confidence) = kr.confidence {
        confidence_badge(out, confidence, true, language);
        out.push(' ');
    }
    out.push_str(r#"<span class="tag">"#);
    out.push_str(type_word(kr.kind, language));
    out.push_str("</span>");
    if kr.weight != 1.0 {
        out.push_str(r#" <span class="tag">"#);
        out.push_str(label("weight", language));
        out.push(' ');
        format::push_number_with(out, kr.weight, 2, language);
        out.push_str("</span>");
    }
    if let Some(score) = kr.score {
        out.push_str(r#" <span class="score-chip">"#);
        out.push_str(label("score", language));
        out.push(' ');
        format::push_number_with(out, score, 2, language);
        out.push_str("</span>");
    }
    out.push_str("</div>");
}

/// A key result's figures: from → current → target and the deadline for a
/// metric; where it stands and the deadline for the others. Names and
/// values leave out `</dt>` and `</dd>`, which HTML implies.
pub fn kr_figures(out: &mut String, kr: &KeyResult, language: Language) {
    let unit = kr.unit.as_deref();
    let style = kr.number_style;
    let figure = |out: &mut String, class: &str, name: &str, value: &dyn Fn(&mut String)| {
        out.push_str("<div");
        if !class.is_empty() {
            out.push_str(r#" class=""#);
            out.push_str(class);
            out.push('"');
        }
        out.push_str("><dt>");
        out.push_str(label(name, language));
        out.push_str("<dd");
        if name == "current" {
            out.push_str(r#" class="figure-current""#);
        }
        out.push('>');
        value(out);
        out.push_str("</div>");
    };
    let quantity = |value: Option<f64>| {
        move |out: &mut String| match value {
            Some(v) => with_scratch(|text| {
                number::push_quantity(text, v, unit, style);
                escape_into(out, text);
            }),
            None => out.push('–'),
        }
    };
    out.push_str(r#"<dl class="figures">"#);
    if kr.kind == KeyResultType::Metric {
        figure(out, "", "from", &quantity(kr.from));
        figure(out, "step", "current", &quantity(kr.current));
        figure(out, "step", "target", &quantity(kr.to));
    } else {
        figure(out, "", "current", &|out: &mut String| match kr.kind {
            KeyResultType::Rollup => format::push_percent(out, kr.progress, language),
            _ if kr.done == Some(true) => out.push_str(label("done", language)),
            _ => out.push_str(label("not_done", language)),
        });
    }
    if let Some(by) = kr.by {
        figure(out, "", "by", &|out: &mut String| {
            format::push_date(out, by, language)
        });
    }
    out.push_str("</dl>");
}

/// A key result's check-in history: a table of every check-in, newest
/// first, with its note, that can be folded away. Nothing without
/// check-ins.
pub fn checkin_table(
    out: &mut String,
    kr: &KeyResult,
    period: Option<&Period>,
    language: Language,
) {
    if kr.checkins.is_empty() {
        return;
    }
    out.push_str(r#"<details class="history" open><summary>"#);
    out.push_str(label("checkin_history", language));
    out.push_str(" (");
    format::push_int(out, kr.checkins.len() as i64);
    out.push_str(")</summary>\n<table style='--l:\"");
    // A CSS string in an attribute: our own label, with nothing that could
    // end either.
    for c in confidence_label(language).chars() {
        if !matches!(c, '"' | '\'' | '\\' | '<' | '>' | '&') {
            out.push(c);
        }
    }
    out.push_str(": \"'><thead><tr>");
    // Header cells leave out their end tags too, as the rows do.
    for name in ["date", "value", "confidence_label", "note"] {
        out.push_str("<th>");
        out.push_str(label(name, language));
    }
    // `<tbody>` ends the head and `</table>` the body.
    out.push_str("\n<tbody>\n");
    checkin_rows(out, kr, period, language);
    out.push_str("</table>\n</details>");
}

/// The check-ins of a key result that carry a value (a milestone's done is
/// 1 or 0), in date order; of two on one day the one written last wins, as
/// for `current`.
pub fn checkin_values(kr: &KeyResult) -> Vec<(NaiveDate, f64)> {
    let mut points: Vec<(NaiveDate, usize, f64)> = kr
        .checkins
        .iter()
        .enumerate()
        .filter_map(|(i, c)| {
            let value = c.value().or(c.done.map(|d| if d { 1.0 } else { 0.0 }))?;
            Some((c.date, i, value))
        })
        .collect();
    points.sort_by_key(|&(date, i, _)| (date, i));
    let mut out: Vec<(NaiveDate, f64)> = Vec::with_capacity(points.len());
    for (date, _, value) in points {
        match out.last_mut() {
            Some(last) if last.0 == date => last.1 = value,
            _ => out.push((date, value)),
        }
    }
    out
}

/// A metric key result's check-ins against the expected pace, with a text
/// alternative. Nothing for other key results.
pub fn kr_chart(
    out: &mut String,
    kr: &KeyResult,
    period: &Period,
    today: NaiveDate,
    language: Language,
) {
    let (KeyResultType::Metric, Some(from), Some(to)) = (kr.kind, kr.from, kr.to) else {
        return;
    };
    let by = kr.by.unwrap_or(period.end);
    let unit_name = kr.unit.as_deref();
    let style = kr.number_style;
    let points = checkin_values(kr);
    let q = |v: f64| number::quantity(v, unit_name, style);
    let words = sentences(language);
    let mut description = String::with_capacity(120);
    match (points.first(), points.last()) {
        (Some(first), Some(last)) => fill_into(&mut description, words.chart, |text, i| match i {
            0 => format::push_int(text, points.len() as i64),
            1 => format::push_date(text, first.0, language),
            2 => format::push_date(text, last.0, language),
            3 => number::push_quantity(text, last.1, unit_name, style),
            4 => number::push_quantity(text, to, unit_name, style),
            _ => format::push_date(text, by, language),
        }),
        _ => fill_into(&mut description, words.chart_empty, |text, i| match i {
            0 => number::push_quantity(text, to, unit_name, style),
            _ => format::push_date(text, by, language),
        }),
    }
    let data = ChartData {
        start: period.start,
        end: period.end,
        by,
        from,
        to,
        points,
        today,
    };
    // A short unit (`%`, `€`, `ms`) goes with each value on the y axis; a
    // longer one ("per engineer per month") once, above it.
    let long_unit = unit_name.filter(|u| u.chars().count() > CHART_INLINE_UNIT);
    let axis = |v: f64| match long_unit {
        Some(_) => number::quantity(v, None, style),
        None => q(v),
    };
    let text = ChartText {
        description,
        from: axis(from),
        to: axis(to),
        start: format::short_date(period.start, language),
        by: format::short_date(by, language),
        unit: long_unit.map(String::from),
    };
    svg::key_result_chart(out, &data, &text);
}

/// The longest unit written beside each value of a chart's y axis.
const CHART_INLINE_UNIT: usize = 3;

fn sparkline_of(
    out: &mut String,
    period: &Period,
    points: &[(NaiveDate, f64)],
    language: Language,
) {
    let words = sentences(language);
    let text = match (points.first(), points.last()) {
        (Some(first), Some(last)) if points.len() > 1 => fill(
            words.trend,
            &[
                &format::percent(first.1, language),
                &format::percent(last.1, language),
            ],
        ),
        _ => words.trend_empty.to_string(),
    };
    let end = period.end.max(period.start);
    svg::sparkline(out, period.start, end, points, &text);
}

/// A unit's progress over its period as a small line.
pub fn unit_sparkline(out: &mut String, unit: &Unit, today: NaiveDate, language: Language) {
    if let Some(period) = &unit.period {
        sparkline_of(
            out,
            period,
            &crate::analyse::history::unit_history(unit, today),
            language,
        );
    }
}

/// A key result's progress over its unit's period as a small line.
pub fn kr_sparkline(
    out: &mut String,
    kr: &KeyResult,
    period: &Period,
    today: NaiveDate,
    language: Language,
) {
    let points = crate::analyse::history::key_result_history(kr, period.start, today);
    sparkline_of(out, period, &points, language);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_say_what_they_show_in_words() {
        let mut out = String::new();
        let item = Progress {
            progress: 0.42,
            expected: Some(0.6),
            pace: Some("at-risk"),
            by: None,
        };
        progress(&mut out, item, false, Language::English);
        assert!(
            out.contains(r#"aria-label="42% done, 60% expected by now (At risk)""#),
            "{out}"
        );
        assert!(
            out.starts_with(r#"<span class="progress at-risk" style="--p:42%;--x:60%" role="img""#),
            "{out}"
        );
        assert!(out.ends_with(r#"(At risk)">42%</span>"#), "{out}");
    }

    #[test]
    fn bars_fill_their_share_and_keep_the_tick_inside() {
        let bar = |progress: f64, expected: Option<f64>, pace: Option<&str>| {
            let mut out = String::new();
            let item = Progress {
                progress,
                expected,
                pace,
                by: None,
            };
            progress_bar(&mut out, item, Language::English);
            out
        };
        let over = bar(1.7, Some(-1.0), Some("off-track"));
        assert!(
            over.starts_with(r#"<span class="bar off-track" style="--p:100%;--x:0.5%""#),
            "{over}"
        );
        // Without a pace there is no expected point, and the bar is neutral.
        let plain = bar(0.123, Some(0.5), None);
        assert!(
            plain.starts_with(
                r#"<span class="bar" style="--p:12.3%" role="img" aria-label="12% done""#
            ),
            "{plain}"
        );
        // An unknown pace never becomes a class.
        let odd = bar(0.5, Some(0.5), Some("x\" onmouseover=\""));
        assert!(
            odd.starts_with(r#"<span class="bar" style="--p:50%;--x:50%""#),
            "{odd}"
        );
        assert!(!odd.contains("onmouseover=\""), "{odd}");
    }

    #[test]
    fn badges_name_pace_and_confidence_in_the_site_language() {
        let mut out = String::new();
        pace_badge(&mut out, "off-track", None, Language::Dutch);
        confidence_badge(&mut out, ConfidenceLevel::AtRisk, true, Language::English);
        assert!(
            out.contains(r#"<span class="badge pace-off-track">"#),
            "{out}"
        );
        assert!(
            out.contains(r#"<span class="badge confidence-at-risk">Confidence: at risk</span>"#),
            "{out}"
        );
        let mut dutch = String::new();
        confidence_badge(&mut dutch, ConfidenceLevel::OffTrack, true, Language::Dutch);
        assert!(dutch.contains(">Vertrouwen: uit koers</span>"), "{dutch}");
        let mut unknown = String::new();
        pace_badge(&mut unknown, "<script>", None, Language::English);
        assert!(unknown.is_empty());
    }
}

//! The pieces of HTML every page repeats many times — progress bars,
//! badges, charts, sparklines, check-in rows — built in Rust, straight from
//! the model, as escaped HTML. Templates place them with the functions of
//! [`super::functions`]; building them here instead of in template code is
//! what keeps a page of 10,000 a fraction of a millisecond.
//!
//! Every text from the input goes through [`escape_into`]; the rest is
//! markup and numbers made here.

use chrono::NaiveDate;

use super::data::unit_history;
use super::format::{self, Language};
use super::labels::{confidence_label, confidence_word, fill, label, pace_word, sentences};
use super::svg::{self, ChartData, ChartText, escape_into};
use crate::analyse::progress::metric_progress;
use crate::model::{Checkin, ConfidenceLevel, KeyResult, KeyResultType, Unit};
use crate::period::Period;

/// What a progress bar shows: progress, and for an objective or key result
/// its expected progress and pace.
#[derive(Debug, Clone, Copy, Default)]
pub struct Progress<'a> {
    pub progress: f64,
    pub expected: Option<f64>,
    pub pace: Option<&'a str>,
}

/// A progress bar as an SVG, coloured by pace, with its text alternative.
pub fn progress_bar(out: &mut String, item: Progress<'_>, language: Language) {
    let words = sentences(language);
    let done = format::percent(item.progress, language);
    let expected = item.pace.and(item.expected);
    let mut text = match expected {
        Some(e) => fill(
            words.bar_with_expected,
            &[&done, &format::percent(e, language)],
        ),
        None => fill(words.bar, &[&done]),
    };
    if let Some(pace) = item.pace {
        text.push_str(" (");
        text.push_str(pace_word(pace, language));
        text.push(')');
    }
    let mut class = String::with_capacity(20);
    class.push_str("pace-");
    class.push_str(item.pace.unwrap_or("none"));
    svg::progress_bar(out, item.progress, expected, &class, &text);
}

/// The bar with the percentage beside it; `large` for a page head.
pub fn progress(out: &mut String, item: Progress<'_>, large: bool, language: Language) {
    out.push_str(if large {
        r#"<span class="progress progress-large">"#
    } else {
        r#"<span class="progress">"#
    });
    progress_bar(out, item, language);
    out.push_str("<span>");
    out.push_str(&format::percent(item.progress, language));
    out.push_str("</span></span>");
}

/// The pace in words, with a shape (from the stylesheet) and a colour that
/// repeat it. Nothing for an unknown pace.
pub fn pace_badge(out: &mut String, pace: &str, language: Language) {
    let word = pace_word(pace, language);
    if word.is_empty() {
        return;
    }
    out.push_str(r#"<span class="badge pace-"#);
    out.push_str(pace);
    out.push_str(r#"">"#);
    out.push_str(word);
    out.push_str("</span>");
}

/// A confidence level in words; `labelled` adds "Confidence:" for screen
/// readers (leave it out where a column header says it).
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
        out.push_str(r#"<span class="visually-hidden">"#);
        out.push_str(confidence_label(language));
        out.push_str(": </span>");
    }
    out.push_str(confidence_word(level.as_str(), language));
    out.push_str("</span>");
}

/// A check-in's value in words: the quantity, done or not done.
fn checkin_value(out: &mut String, checkin: &Checkin, unit: Option<&str>, language: Language) {
    if let Some(value) = checkin.value {
        escape_into(out, &format::quantity(value, unit, language));
    } else if let Some(done) = checkin.done {
        out.push_str(label(if done { "done" } else { "not_done" }, language));
    }
}

/// The rows of a key result's check-in table, newest first (of two on one
/// day, the one written last first): date, value, confidence, note. Rows
/// leave out the end tags HTML lets them leave out: a page holds thousands.
pub fn checkin_rows(out: &mut String, kr: &KeyResult, period: Option<&Period>, language: Language) {
    let mut order: Vec<usize> = (0..kr.checkins.len()).collect();
    order.sort_by(|&a, &b| {
        (kr.checkins[b].date, b).cmp(&(kr.checkins[a].date, a))
    });
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
            out.push_str(&format::short_date(checkin.date, language));
        } else {
            out.push_str(&format::date(checkin.date, language));
        }
        out.push_str("<td>");
        checkin_value(out, checkin, kr.unit.as_deref(), language);
        match checkin.confidence.map(|c| c.level()) {
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

/// The check-ins of a key result that carry a value (a milestone's done is
/// 1 or 0), in date order; of two on one day the one written last wins, as
/// for `current`.
pub fn checkin_values(kr: &KeyResult) -> Vec<(NaiveDate, f64)> {
    let mut points: Vec<(NaiveDate, usize, f64)> = kr
        .checkins
        .iter()
        .enumerate()
        .filter_map(|(i, c)| {
            let value = c.value.or(c.done.map(|d| if d { 1.0 } else { 0.0 }))?;
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
    let points = checkin_values(kr);
    let q = |v: f64| format::quantity(v, unit_name, language);
    let words = sentences(language);
    let description = match (points.first(), points.last()) {
        (Some(first), Some(last)) => fill(
            words.chart,
            &[
                &points.len().to_string(),
                &format::date(first.0, language),
                &format::date(last.0, language),
                &q(last.1),
                &q(to),
                &format::date(by, language),
            ],
        ),
        _ => fill(words.chart_empty, &[&q(to), &format::date(by, language)]),
    };
    let data = ChartData {
        start: period.start,
        end: period.end,
        by,
        from,
        to,
        points,
        today,
    };
    let text = ChartText {
        description,
        from: q(from),
        to: q(to),
        start: format::short_date(period.start, language),
        by: format::short_date(by, language),
    };
    svg::key_result_chart(out, &data, &text);
}

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
        sparkline_of(out, period, &unit_history(unit, today), language);
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
    let progress_of = |v: f64| match (kr.kind, kr.from, kr.to) {
        (KeyResultType::Metric, Some(from), Some(to)) => metric_progress(from, to, v),
        _ => v,
    };
    let points: Vec<(NaiveDate, f64)> = std::iter::once((period.start.min(today), 0.0))
        .chain(
            checkin_values(kr)
                .into_iter()
                .filter(|(d, _)| *d <= today)
                .map(|(d, v)| (d, progress_of(v))),
        )
        .collect();
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
        };
        progress(&mut out, item, false, Language::English);
        assert!(
            out.contains(r#"aria-label="42% done, 60% expected by now (At risk)""#),
            "{out}"
        );
        assert!(out.contains(r#"class="pace-at-risk" d="M0 4h42""#), "{out}");
        assert!(out.ends_with("<span>42%</span></span>"), "{out}");
    }

    #[test]
    fn badges_name_pace_and_confidence_in_the_site_language() {
        let mut out = String::new();
        pace_badge(&mut out, "off-track", Language::Dutch);
        confidence_badge(&mut out, ConfidenceLevel::AtRisk, true, Language::English);
        assert!(out.contains(r#"<span class="badge pace-off-track">"#), "{out}");
        assert!(out.contains("Confidence: </span>Unsure</span>"), "{out}");
        let mut unknown = String::new();
        pace_badge(&mut unknown, "<script>", Language::English);
        assert!(unknown.is_empty());
    }
}

//! The filters and functions templates call: formatting in the site's
//! language, safe Markdown, links between pages, and the SVG charts. Each
//! finds the render's [`SiteData`] in the `site` variable, so one parsed
//! environment serves every render.

use std::sync::Arc;

use chrono::NaiveDate;
use minijinja::value::Value;
use minijinja::{Environment, Error, ErrorKind, State, context};

use super::data::SiteData;
use super::format::{self, Language};
use super::labels::{confidence_label, confidence_word, fill, pace_word, sentences};
use super::markdown;
use super::paths::{path_value, slug};
use super::svg::{self, ChartData, ChartText};
use crate::analyse::progress::metric_progress;
use crate::model::Confidence;
use crate::period::parse_date;

/// Registers every okrc filter and function on `env`.
pub fn register(env: &mut Environment<'static>) {
    env.add_filter("number", number);
    env.add_filter("percent", percent);
    env.add_filter("quantity", quantity);
    env.add_filter("date", date);
    env.add_filter("short_date", short_date);
    env.add_filter("markdown", markdown_filter);
    env.add_filter("slug", |text: String| slug(&text));
    env.add_filter("confidence_level", confidence_level);
    env.add_function("anchor", anchor);
    env.add_function("unit_url", unit_url);
    env.add_function("period_url", period_url);
    env.add_function("progress_bar", progress_bar);
    env.add_function("progress", progress);
    env.add_function("pace_badge", pace_badge);
    env.add_function("confidence_badge", confidence_badge);
    env.add_function("kr_chart", kr_chart);
    env.add_function("sparkline", sparkline);
    env.add_function("aligned_to", aligned_to);
    env.add_function("contributors", contributors);
}

/// The render's shared data, from the `site` variable.
fn site(state: &State) -> Result<Arc<SiteData>, Error> {
    state
        .lookup("site")
        .and_then(|site| site.downcast_object::<SiteData>())
        .ok_or_else(|| {
            Error::new(
                ErrorKind::InvalidOperation,
                "okrc's functions need the `site` variable; do not redefine it",
            )
        })
}

fn language(state: &State) -> Language {
    site(state).map_or(Language::English, |s| s.language)
}

fn as_number(value: &Value) -> Option<f64> {
    if value.is_number() {
        f64::try_from(value.clone()).ok()
    } else {
        None
    }
}

fn attr(value: &Value, key: &str) -> Value {
    value.get_attr(key).unwrap_or_default()
}

fn attr_str(value: &Value, key: &str) -> Option<String> {
    attr(value, key).as_str().map(str::to_string)
}

fn attr_date(value: &Value, key: &str) -> Option<NaiveDate> {
    attr(value, key).as_str().and_then(parse_date)
}

/// `{{ 120000|number }}` → `120,000` / `120.000`.
fn number(state: &State, value: Value) -> String {
    match as_number(&value) {
        Some(n) => format::number(n, language(state)),
        None => "–".to_string(),
    }
}

/// `{{ 0.53|percent }}` → `53%`.
fn percent(state: &State, value: Value) -> String {
    match as_number(&value) {
        Some(n) => format::percent(n, language(state)),
        None => "–".to_string(),
    }
}

/// `{{ kr.current|quantity(kr.unit) }}` → `€118,000`.
fn quantity(state: &State, value: Value, unit: Option<Value>) -> String {
    let unit = unit.as_ref().and_then(|u| u.as_str());
    match as_number(&value) {
        Some(n) => format::quantity(n, unit, language(state)),
        None => "–".to_string(),
    }
}

/// `{{ checkin.confidence|confidence_level }}`: a check-in's confidence as
/// a level (`on-track`, `at-risk`, `off-track`), whether written as a number
/// or a level.
fn confidence_level(value: Value) -> Value {
    match as_number(&value) {
        Some(n) => Value::from(Confidence::Number(n).level().as_str()),
        None => value,
    }
}

/// `{{ checkin.date|date }}` → `5 Oct 2026`. Anything that is not a date is
/// shown as it is.
fn date(state: &State, value: Value) -> String {
    match value.as_str().and_then(parse_date) {
        Some(d) => format::date(d, language(state)),
        None => value.to_string(),
    }
}

/// `{{ checkin.date|short_date }}` → `5 Oct`.
fn short_date(state: &State, value: Value) -> String {
    match value.as_str().and_then(parse_date) {
        Some(d) => format::short_date(d, language(state)),
        None => value.to_string(),
    }
}

/// `{{ unit.body|markdown }}`: safe HTML; `markdown(2)` puts its top heading
/// at `<h2>` (default `<h3>`).
fn markdown_filter(state: &State, text: Value, top: Option<u8>) -> Result<Value, Error> {
    let Some(text) = text.as_str() else {
        return Ok(Value::from(""));
    };
    let options = site(state)?.markdown;
    Ok(Value::from_safe_string(markdown::render(
        text,
        top.unwrap_or(3).clamp(1, 6),
        options,
    )))
}

/// An HTML id for an objective or key result, unique within a unit page
/// whatever characters the ids hold: `anchor(o)` → `okr-O1`,
/// `anchor(o, kr)` → `okr-O1.KR2`.
fn anchor(objective: Value, key_result: Option<Value>) -> String {
    let id = |v: &Value| attr_str(v, "id").or_else(|| v.as_str().map(str::to_string));
    let mut out = String::from("okr-");
    encode_id(&id(&objective).unwrap_or_default(), &mut out);
    if let Some(kr) = key_result {
        out.push('.');
        encode_id(&id(&kr).unwrap_or_default(), &mut out);
    }
    out
}

/// Keeps ASCII letters, digits and `-`; writes anything else as `_HEX_`, so
/// distinct ids stay distinct and the result is a valid fragment.
fn encode_id(id: &str, out: &mut String) {
    for c in id.chars() {
        if c.is_ascii_alphanumeric() || c == '-' {
            out.push(c);
        } else {
            out.push_str(&format!("_{:x}_", c as u32));
        }
    }
}

/// `{{ root }}{{ unit_url(unit) }}`: a unit's page, relative to the site root.
fn unit_url(state: &State, unit: Value) -> Result<Value, Error> {
    let site = site(state)?;
    Ok(path_value(
        site.unit_of(&unit).and_then(|i| site.unit_path(i)),
    ))
}

/// `{{ root }}{{ period_url("2026-Q4", "alignment") }}`: a period's
/// `dashboard` (default), `alignment` map or `scorecard`.
fn period_url(state: &State, period: String, kind: Option<String>) -> Result<Value, Error> {
    let site = site(state)?;
    let paths = &site.paths;
    let path = match kind.as_deref().unwrap_or("dashboard") {
        "dashboard" => paths.dashboard(&period),
        "alignment" => paths.alignment(&period),
        "scorecard" => paths.scorecard(&period),
        other => {
            return Err(Error::new(
                ErrorKind::InvalidOperation,
                format!(
                    "period_url: unknown page `{other}`; use dashboard, alignment or scorecard"
                ),
            ));
        }
    };
    Ok(path_value(path.as_deref()))
}

/// `{{ progress_bar(kr) }}`: the progress of a unit, objective or key result
/// as an SVG bar, coloured by its pace, with the expected progress marked.
fn progress_bar(state: &State, item: Value) -> Result<Value, Error> {
    let language = language(state);
    let progress = as_number(&attr(&item, "progress")).unwrap_or(0.0);
    let pace = attr_str(&item, "pace");
    let expected = pace
        .as_ref()
        .and_then(|_| as_number(&attr(&item, "expected")));
    let words = sentences(language);
    let done = format::percent(progress, language);
    let mut label = match expected {
        Some(e) => fill(
            words.bar_with_expected,
            &[&done, &format::percent(e, language)],
        ),
        None => fill(words.bar, &[&done]),
    };
    if let Some(pace) = &pace {
        label = format!("{label} ({})", pace_word(pace, language));
    }
    let class = format!("pace-{}", pace.as_deref().unwrap_or("none"));
    Ok(Value::from_safe_string(svg::progress_bar(
        progress, expected, &class, &label,
    )))
}

/// `{{ progress(item) }}`: the progress bar and the percentage beside it;
/// `progress(item, true)` is the large one of a page head.
fn progress(state: &State, item: Value, large: Option<bool>) -> Result<Value, Error> {
    let bar = progress_bar(state, item.clone())?;
    let percent = match as_number(&attr(&item, "progress")) {
        Some(p) => format::percent(p, language(state)),
        None => "–".to_string(),
    };
    let class = if large.unwrap_or(false) {
        "progress progress-large"
    } else {
        "progress"
    };
    Ok(Value::from_safe_string(format!(
        r#"<span class="{class}">{bar}<span class="progress-number">{percent}</span></span>"#
    )))
}

/// `{{ pace_badge(kr.pace) }}`: the pace in words, with a shape and colour
/// that repeat it. Empty for none.
fn pace_badge(state: &State, pace: Option<String>) -> Value {
    let Some(pace) = pace else {
        return Value::from("");
    };
    let icon = match pace.as_str() {
        "done" => "✓",
        "not-started" => "○",
        "missed" => "✕",
        "on-track" => "●",
        "at-risk" => "▲",
        "off-track" => "■",
        _ => return Value::from(""),
    };
    Value::from_safe_string(format!(
        r#"<span class="badge pace-{pace}"><span class="badge-icon" aria-hidden="true">{icon}</span> {}</span>"#,
        pace_word(&pace, language(state))
    ))
}

/// `{{ confidence_badge(kr.confidence) }}`: a confidence (a level, or a
/// check-in's number) in words; `confidence_badge(c, false)` leaves out the
/// "Confidence:" prefix for screen readers, where a column header says it.
fn confidence_badge(state: &State, confidence: Value, labelled: Option<bool>) -> Value {
    let level = confidence_level(confidence);
    let Some(level) = level
        .as_str()
        .and_then(crate::model::ConfidenceLevel::from_name)
    else {
        return Value::from("");
    };
    let language = language(state);
    let word = confidence_word(level.as_str(), language);
    let prefix = if labelled.unwrap_or(true) {
        format!(
            r#"<span class="visually-hidden">{}: </span>"#,
            confidence_label(language)
        )
    } else {
        String::new()
    };
    Value::from_safe_string(format!(
        r#"<span class="badge confidence-{}">{prefix}{word}</span>"#,
        level.as_str()
    ))
}

/// The check-ins of a key result that carry a value, in date order (of two
/// on one day, the one written last wins, as for `current`).
fn checkin_values(kr: &Value) -> Vec<(NaiveDate, f64)> {
    let mut points: Vec<(NaiveDate, usize, f64)> = Vec::new();
    if let Ok(checkins) = attr(kr, "checkins").try_iter() {
        for (i, checkin) in checkins.enumerate() {
            let value = as_number(&attr(&checkin, "value")).or_else(|| {
                let done = attr(&checkin, "done");
                (!done.is_none() && !done.is_undefined())
                    .then(|| if done.is_true() { 1.0 } else { 0.0 })
            });
            if let (Some(date), Some(value)) = (attr_date(&checkin, "date"), value) {
                points.push((date, i, value));
            }
        }
    }
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

/// `{{ kr_chart(kr, unit) }}`: a metric key result's check-ins against the
/// expected pace, with a text alternative. Empty for other key results.
fn kr_chart(state: &State, kr: Value, unit: Value) -> Result<Value, Error> {
    let site = site(state)?;
    let language = site.language;
    let period = attr_str(&unit, "period").and_then(|p| site.periods.get(&p).cloned());
    let (Some(period), Some(from), Some(to)) = (
        period,
        as_number(&attr(&kr, "from")),
        as_number(&attr(&kr, "to")),
    ) else {
        return Ok(Value::from(""));
    };
    if attr_str(&kr, "type").as_deref() != Some("metric") {
        return Ok(Value::from(""));
    }
    let by = attr_date(&kr, "by").unwrap_or(period.end);
    let unit_name = attr_str(&kr, "unit");
    let unit_name = unit_name.as_deref();
    let points = checkin_values(&kr);
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
        today: site.today,
    };
    let text = ChartText {
        description,
        from: q(from),
        to: q(to),
        start: format::short_date(period.start, language),
        by: format::short_date(by, language),
        today: format::short_date(site.today, language),
    };
    Ok(Value::from_safe_string(svg::key_result_chart(&data, &text)))
}

/// `{{ sparkline(unit) }}` or `{{ sparkline(kr, unit) }}`: progress over
/// the period as a small line.
fn sparkline(state: &State, item: Value, unit: Option<Value>) -> Result<Value, Error> {
    let site = site(state)?;
    let language = site.language;
    let owner = unit.as_ref().unwrap_or(&item);
    let Some(period) = attr_str(owner, "period").and_then(|p| site.periods.get(&p).cloned()) else {
        return Ok(Value::from(""));
    };
    let points: Vec<(NaiveDate, f64)> = if unit.is_none() {
        match site.unit_of(&item) {
            Some(i) => site.histories[i].clone(),
            None => Vec::new(),
        }
    } else {
        let start = (period.start.min(site.today), 0.0);
        let kind = attr_str(&item, "type");
        let progress_of: Box<dyn Fn(f64) -> f64> = match (
            kind.as_deref(),
            as_number(&attr(&item, "from")),
            as_number(&attr(&item, "to")),
        ) {
            (Some("metric"), Some(from), Some(to)) => {
                Box::new(move |v| metric_progress(from, to, v))
            }
            _ => Box::new(|v| v),
        };
        std::iter::once(start)
            .chain(
                checkin_values(&item)
                    .into_iter()
                    .filter(|(d, _)| *d <= site.today)
                    .map(|(d, v)| (d, progress_of(v))),
            )
            .collect()
    };
    let words = sentences(language);
    let label = match (points.first(), points.last()) {
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
    Ok(Value::from_safe_string(svg::sparkline(
        period.start,
        end,
        &points,
        &label,
    )))
}

/// The index of an objective (given as a value with an `id`, or the id)
/// within a unit value.
fn objective_index(unit: &Value, objective: &Value) -> Option<usize> {
    let id = attr_str(objective, "id").or_else(|| objective.as_str().map(str::to_string))?;
    attr(unit, "objectives")
        .try_iter()
        .ok()?
        .position(|o| attr_str(&o, "id").as_deref() == Some(id.as_str()))
}

fn key_result_index(objective: &Value, key_result: &Value) -> Option<usize> {
    let id = attr_str(key_result, "id").or_else(|| key_result.as_str().map(str::to_string))?;
    attr(objective, "key_results")
        .try_iter()
        .ok()?
        .position(|k| attr_str(&k, "id").as_deref() == Some(id.as_str()))
}

/// A link to an objective (and key result) on its unit's page.
fn objective_link(site: &SiteData, u: usize, o: usize, k: Option<usize>) -> Value {
    let unit = &site.unit_value(u);
    let objective = attr(unit, "objectives")
        .get_item_by_index(o)
        .unwrap_or_default();
    let key_result = k.map(|k| {
        attr(&objective, "key_results")
            .get_item_by_index(k)
            .unwrap_or_default()
    });
    let fragment = anchor(objective.clone(), key_result.clone());
    let href = site.unit_path(u).map(|path| format!("{path}#{fragment}"));
    let href = path_value(href.as_deref());
    context! {
        unit => unit.clone(),
        objective => objective,
        key_result => key_result,
        href => href,
    }
}

/// `aligned_to(unit, objective)`: what the objective contributes to, each
/// `{unit, objective, key_result, href}` (key_result none for a whole
/// objective; href relative to the site root).
fn aligned_to(state: &State, unit: Value, objective: Value) -> Result<Value, Error> {
    let site = site(state)?;
    let (Some(u), Some(o)) = (site.unit_of(&unit), objective_index(&unit, &objective)) else {
        return Ok(Value::from(Vec::<Value>::new()));
    };
    let targets = site
        .aligned_to
        .get(u)
        .and_then(|objectives| objectives.get(o));
    Ok(targets
        .into_iter()
        .flatten()
        .map(|&(tu, to, tk)| objective_link(&site, tu, to, tk))
        .collect())
}

/// `contributors(unit, objective)` / `contributors(unit, objective, kr)`: the
/// objectives aligned to it, each `{unit, objective, href}`.
fn contributors(
    state: &State,
    unit: Value,
    objective: Value,
    key_result: Option<Value>,
) -> Result<Value, Error> {
    let site = site(state)?;
    let (Some(u), Some(o)) = (site.unit_of(&unit), objective_index(&unit, &objective)) else {
        return Ok(Value::from(Vec::<Value>::new()));
    };
    let k = match &key_result {
        Some(kr) => {
            let objective_value = attr(&unit, "objectives")
                .get_item_by_index(o)
                .unwrap_or_default();
            match key_result_index(&objective_value, kr) {
                Some(k) => Some(k),
                None => return Ok(Value::from(Vec::<Value>::new())),
            }
        }
        None => None,
    };
    Ok(site
        .contributions
        .get(&(u, o, k))
        .into_iter()
        .flatten()
        .map(|&(cu, co)| objective_link(&site, cu, co, None))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn anchors_keep_distinct_ids_distinct() {
        let a = anchor(Value::from("O1"), Some(Value::from("KR1")));
        assert_eq!(a, "okr-O1.KR1");
        assert_ne!(
            anchor(Value::from("o 1"), None),
            anchor(Value::from("o_1"), None)
        );
        assert_eq!(anchor(Value::from("<b>"), None), "okr-_3c_b_3e_");
    }
}

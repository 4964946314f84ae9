//! Reading key results (one-line strings and tables) and their check-ins.

use std::ops::Range;

use super::fields::{Cx, TableReader, expect_bool, expect_date, expect_number, type_name};
use super::key_result_line::{KeyResultLine, parse_key_result_line};
use super::objective::read_id;
use super::specs::{self, CONFIDENCE_LEVELS};
use super::toml::{Array, Table, Value, ValueKind};
use super::{default_id, report_duplicate_ids};
use crate::diagnostic::Code;
use crate::model::{
    Checkin, Confidence, ConfidenceLevel, KeyResult, KeyResultOrigin, KeyResultType,
};
use crate::source::PackedSpan;

pub fn read_key_results(cx: &mut Cx, items: Array<'_>, objective: &str) -> Vec<KeyResult> {
    let mut key_results = Vec::with_capacity(items.len());
    for (index, item) in items.iter().enumerate() {
        let position = index + 1;
        match item.kind() {
            ValueKind::String(line) => {
                let id = default_id("KR", position);
                key_results.push(read_line(cx, line, item.span(), id));
            }
            ValueKind::Table(table) => {
                key_results.push(read_table(cx, table, item.span(), position));
            }
            ValueKind::Invalid => {}
            _ => cx.invalid(
                item.span(),
                format!("a key result must be a string or a table, not {}", type_name(item)),
                "write a key result as \"TITLE from X to Y by DATE\", \"[ ] TITLE\" or a table with `title`",
            ),
        }
    }
    report_duplicate_ids(
        cx,
        key_results
            .iter()
            .map(|kr| (&*kr.id, kr.origin.id.map(PackedSpan::get))),
        "key result",
        || format!("objective `{objective}`"),
    );
    key_results
}

/// What a key result says about its type and target, from either form.
#[derive(Default)]
struct Measure {
    kind: Option<KeyResultType>,
    title: Option<String>,
    from: Option<f64>,
    to: Option<f64>,
    unit: Option<String>,
    by: Option<chrono::NaiveDate>,
    done: Option<bool>,
    /// The one-line form is Dutch.
    dutch: bool,
}

/// Reads a one-line key result; on an unreadable line reports it and keeps a
/// metric without numbers, so no other diagnostic piles on.
fn measure_line(cx: &mut Cx, line: &str, span: Range<usize>) -> Measure {
    match parse_key_result_line(line) {
        Ok(KeyResultLine::Metric {
            title,
            from,
            to,
            unit,
            by,
            language,
        }) => Measure {
            kind: Some(KeyResultType::Metric),
            title: Some(title),
            from: Some(from),
            to: Some(to),
            unit,
            by,
            done: None,
            dutch: language == crate::number::NumberStyle::Dutch,
        },
        Ok(KeyResultLine::Milestone { title, done }) => Measure {
            kind: Some(KeyResultType::Milestone),
            title: Some(title),
            done: Some(done),
            ..Measure::default()
        },
        Ok(KeyResultLine::Unmeasurable { title }) => Measure {
            title: Some(title),
            ..Measure::default()
        },
        Err(error) => {
            cx.invalid(span, error.message, error.help);
            Measure {
                kind: Some(KeyResultType::Metric),
                title: Some(line.trim().to_string()),
                ..Measure::default()
            }
        }
    }
}

fn read_line(cx: &mut Cx, line: &str, span: Range<usize>, id: String) -> KeyResult {
    let measure = measure_line(cx, line, span.clone());
    let origin = KeyResultOrigin {
        span: cx.span(span.clone()),
        by: measure.by.map(|by| (by, cx.span(span.clone()))),
        ..KeyResultOrigin::default()
    };
    check_title(cx, &measure, span.clone(), &id);
    check_range(cx, &measure, span, &id);
    build(measure, id, 1.0, Vec::new(), About::default(), origin)
}

fn read_table(cx: &mut Cx, table: Table<'_>, span: Range<usize>, position: usize) -> KeyResult {
    let reader = TableReader::new(cx, table, span.clone(), &specs::KEY_RESULT);
    let mut origin = KeyResultOrigin::default();
    let mut id_span = None;
    let id = read_id(cx, &reader, &mut id_span).unwrap_or_else(|| default_id("KR", position));
    origin.id = id_span.map(PackedSpan::new);
    let mut measure = Measure::default();
    let mut title_span = span.clone();
    if let Some((line, value)) = reader.string(cx, "kr") {
        measure = measure_line(cx, &line, value.clone());
        title_span = reader.key_span("kr").unwrap_or(value);
        for key in ["title", "from", "to", "done"] {
            if let Some(value) = reader.value(key) {
                cx.invalid(
                    value.span(),
                    format!("`{key}` cannot be combined with `kr`"),
                    "`kr` already gives the title and the target; remove one of the two",
                );
            }
        }
    } else {
        if let Some((title, value)) = reader.string(cx, "title") {
            title_span = reader.key_span("title").unwrap_or(value);
            measure.title = Some(title);
        }
        measure.from = reader.number(cx, "from").map(|(n, _)| n);
        measure.to = reader.number(cx, "to").map(|(n, _)| n);
        measure.done = reader.boolean(cx, "done").map(|(d, _)| d);
        measure.kind = table_kind(cx, &reader);
    }
    if measure.kind.is_none() && reader.boolean(cx, "rollup").is_some_and(|(r, _)| r) {
        measure.kind = Some(KeyResultType::Rollup);
    } else if measure.kind.is_some() && reader.has("kr") {
        if let Some(value) = reader
            .value("rollup")
            .filter(|v| matches!(v.kind(), ValueKind::Boolean(true)))
        {
            cx.invalid(
                value.span(),
                "a roll-up cannot also have a target in `kr`",
                "remove `rollup`, or replace `kr` with a `title`",
            );
        }
    }
    if let Some((unit, _)) = reader.string(cx, "unit") {
        measure.unit = Some(unit);
    }
    if let Some((by, value)) = reader.date(cx, "by") {
        if measure.by.is_some() {
            cx.invalid(
                value.clone(),
                "the deadline is given twice, in `kr` and in `by`",
                "keep one of the two",
            );
        }
        measure.by = Some(by);
        origin.by = Some((by, cx.span(value)));
    } else if let Some(by) = measure.by {
        origin.by = Some((by, cx.span(title_span.clone())));
    }
    let weight = match reader.number(cx, "weight") {
        Some((w, _)) if w > 0.0 => w,
        Some((_, value)) => {
            cx.invalid(
                value,
                "`weight` must be greater than 0",
                "give a positive weight such as 1 or 2, or remove the key result",
            );
            1.0
        }
        None => 1.0,
    };
    origin.score = match reader.number(cx, "score") {
        Some((s, _)) if (0.0..=1.0).contains(&s) => Some(s),
        Some((_, value)) => {
            cx.invalid(
                value,
                "`score` must be between 0 and 1",
                "grade the key result from 0.0 (nothing) to 1.0 (fully achieved)",
            );
            None
        }
        None => None,
    };
    origin.span = cx.span(title_span.clone());
    if measure.title.is_none() && reader.lacks("title") {
        cx.report(
            Code::MissingTitle,
            span.clone(),
            format!("key result `{id}` has no title"),
        )
        .help = Some(
            "add `title = \"...\"`, or write the key result as `kr = \"TITLE from X to Y\"`".into(),
        );
    } else {
        check_title(
            cx,
            &measure,
            reader
                .value("title")
                .or(reader.value("kr"))
                .map_or(title_span.clone(), |v| v.span()),
            &id,
        );
    }
    let range_span = match reader.has("kr") {
        true => title_span,
        false => reader.value("to").map_or(span, Value::span),
    };
    check_range(cx, &measure, range_span, &id);
    let kind = measure.kind.unwrap_or(KeyResultType::Unmeasurable);
    let checkins = match reader.array(cx, "checkins") {
        Some(items) => read_checkins(cx, items, kind),
        None => Vec::new(),
    };
    let about = read_about(cx, &reader);
    build(measure, id, weight, checkins, about, origin)
}

/// Who owns a key result, where to read more, and what it means.
#[derive(Default)]
struct About {
    owners: Vec<String>,
    links: Vec<String>,
    description: Option<String>,
}

fn read_about(cx: &mut Cx, reader: &TableReader<'_>) -> About {
    let owners = reader
        .strings(cx, "owner")
        .into_iter()
        .map(|(o, _)| o)
        .collect();
    let links = reader
        .strings(cx, "links")
        .into_iter()
        .filter_map(|(link, span)| {
            if is_web_link(&link) {
                return Some(link.trim().to_string());
            }
            cx.invalid(
                span,
                format!("`{link}` is not an http or https link"),
                "link to the issue, epic or dashboard behind the key result: `https://tracker.example/epic/42`",
            );
            None
        })
        .collect();
    let description = cx.text(reader.value("description"), "description");
    About {
        owners,
        links,
        description,
    }
}

/// An absolute http(s) URL with a host: what a link on the site and in a
/// report can safely point at.
fn is_web_link(link: &str) -> bool {
    let link = link.trim();
    let rest = ["https://", "http://"].iter().find_map(|scheme| {
        link.get(..scheme.len())
            .filter(|s| s.eq_ignore_ascii_case(scheme))
            .map(|_| &link[scheme.len()..])
    });
    rest.is_some_and(|rest| {
        let host = rest.split(['/', '?', '#']).next().unwrap_or("");
        !host.is_empty() && !rest.chars().any(|c| c.is_whitespace() || c.is_control())
    })
}

/// The type a table declares through its keys; two at once is an error.
fn table_kind(cx: &mut Cx, reader: &TableReader<'_>) -> Option<KeyResultType> {
    let metric = ["from", "to"].into_iter().find(|k| reader.has(k));
    let milestone = reader.has("done");
    let rollup = reader
        .value("rollup")
        .is_some_and(|v| matches!(v.kind(), ValueKind::Boolean(true)));
    let clash = |cx: &mut Cx, key: &str, was: &str| {
        if let Some(span) = reader.key_span(key) {
            cx.invalid(
                span,
                format!("this key result is already a {was}; `{key}` makes it a second type"),
                "a key result is a metric (`from`, `to`), a milestone (`done`) or a roll-up (`rollup = true`): keep one",
            );
        }
    };
    if let Some(key) = metric {
        if milestone {
            clash(cx, "done", "metric");
        }
        if rollup {
            clash(cx, "rollup", "metric");
        }
        let other = if key == "from" { "to" } else { "from" };
        if !reader.has(other) {
            if let Some(span) = reader.key_span(key) {
                cx.invalid(
                    span,
                    format!("a metric needs both `from` and `to`, and `{other}` is missing"),
                    format!("add `{other} = ...`"),
                );
            }
        }
        return Some(KeyResultType::Metric);
    }
    if milestone {
        if rollup {
            clash(cx, "rollup", "milestone");
        }
        return Some(KeyResultType::Milestone);
    }
    None
}

fn check_title(cx: &mut Cx, measure: &Measure, span: Range<usize>, id: &str) {
    if measure
        .title
        .as_deref()
        .is_some_and(|t| t.trim().is_empty())
    {
        cx.report(
            Code::MissingTitle,
            span,
            format!("key result `{id}` has an empty title"),
        )
        .help = Some("say what is measured before `from`, or after `[ ]`".into());
    }
}

fn check_range(cx: &mut Cx, measure: &Measure, span: Range<usize>, id: &str) {
    if let (Some(from), Some(to)) = (measure.from, measure.to) {
        if from == to {
            cx.report(
                Code::ZeroRange,
                span,
                format!("key result `{id}` starts and ends at the same value ({from})"),
            )
            .help =
                Some("a metric measures a change: give a target different from the start".into());
        }
    }
}

fn build(
    measure: Measure,
    id: String,
    weight: f64,
    checkins: Vec<Checkin>,
    about: About,
    mut origin: KeyResultOrigin,
) -> KeyResult {
    let kind = measure.kind.unwrap_or(KeyResultType::Unmeasurable);
    origin.done = measure.done.unwrap_or(false);
    origin.dutch = measure.dutch;
    KeyResult {
        id: id.into(),
        title: measure.title.unwrap_or_default().into(),
        kind,
        from: measure.from,
        to: measure.to,
        unit: measure.unit.map(String::into_boxed_str),
        by: measure.by,
        current: None,
        done: match kind {
            KeyResultType::Milestone | KeyResultType::Unmeasurable => {
                Some(measure.done.unwrap_or(false))
            }
            _ => None,
        },
        weight,
        progress: 0.0,
        expected: 0.0,
        pace: None,
        confidence: None,
        score: None,
        // The workspace's language may make an English line Dutch too;
        // `analyse` settles that.
        number_style: if origin.dutch {
            crate::number::NumberStyle::Dutch
        } else {
            crate::number::NumberStyle::English
        },
        owners: about.owners,
        links: about.links,
        description: about.description.map(String::into_boxed_str),
        stale: false,
        checkins,
        contributors: Vec::new(),
        origin,
    }
}

fn read_checkins(cx: &mut Cx, items: Array<'_>, kind: KeyResultType) -> Vec<Checkin> {
    // Sized up front: a workspace holds hundreds of thousands of check-ins,
    // and a vector grown by doubling leaves a fifth of its room unused.
    let mut checkins = Vec::with_capacity(items.len());
    for item in items.iter() {
        match item.kind() {
            ValueKind::Table(table) => checkins.extend(read_checkin(cx, table, item.span(), kind)),
            ValueKind::Invalid => {}
            _ => cx.invalid(
                item.span(),
                format!("a check-in must be a table, not {}", type_name(item)),
                "write a check-in as `{ date = 2026-10-05, value = 42 }`",
            ),
        }
    }
    checkins
}

fn read_checkin(
    cx: &mut Cx,
    table: Table<'_>,
    span: Range<usize>,
    kind: KeyResultType,
) -> Option<Checkin> {
    let reader = TableReader::new(cx, table, span.clone(), &specs::CHECKIN);
    // Each key looked up once: a workspace holds hundreds of thousands of
    // check-ins, and the reader's accessors search the spec every time.
    let [date, value, done, confidence, note] =
        ["date", "value", "done", "confidence", "note"].map(|key| reader.value(key));
    let date = date.and_then(|date| Some((expect_date(cx, date, "date")?, date.span())));
    if date.is_none() && reader.lacks("date") {
        cx.invalid(
            span.clone(),
            "a check-in needs a `date`",
            "add `date = YYYY-MM-DD`",
        );
    }
    let (value_given, done_given) = (value, done);
    let value = value.and_then(|value| Some((expect_number(cx, value, "value")?, value.span())));
    let done = done.and_then(|done| expect_bool(cx, done, "done"));
    let (takes, gives) = match kind {
        KeyResultType::Metric => ("value", "a metric"),
        KeyResultType::Milestone | KeyResultType::Unmeasurable => ("done", "a milestone"),
        KeyResultType::Rollup => ("", "a roll-up"),
    };
    let mut misplaced = false;
    for (key, given) in [("value", value_given), ("done", done_given)] {
        let Some(given) = given.filter(|_| key != takes) else {
            continue;
        };
        misplaced = true;
        let help = match takes {
            "" => "a roll-up takes its progress from the objectives aligned to it: give only `confidence` and `note`".to_string(),
            takes => format!("give `{takes}` instead"),
        };
        cx.invalid(
            given.key().span(),
            format!("`{key}` does not fit {gives} key result"),
            help,
        );
    }
    // A value that is there, of any type, is not lacking: asking the
    // reader (a search of the spec) only when none is.
    let present = match takes {
        "value" => value_given.is_some(),
        _ => done_given.is_some(),
    };
    if !takes.is_empty() && !present && reader.lacks(takes) && !misplaced {
        cx.invalid(
            span,
            format!("this check-in of {gives} key result has no `{takes}`"),
            match takes {
                "value" => "add `value = ...`, the metric's value on that day",
                _ => "add `done = true` or `done = false`",
            },
        );
    }
    let confidence = confidence.and_then(|value| read_confidence(cx, value));
    let note = cx.text(note, "note");
    let (date, date_range) = date?;
    let value = value.filter(|_| takes == "value");
    let date_span = cx.span(date_range);
    let value_span = value
        .as_ref()
        .map_or(date_span, |(_, span)| cx.span(span.clone()));
    let mut checkin = Checkin::new(
        date,
        value.map(|(v, _)| v),
        done.filter(|_| takes == "done"),
        confidence,
        note.map(String::into_boxed_str),
    );
    checkin.date_span = date_span.into();
    checkin.value_span = value_span.into();
    Some(checkin)
}

fn read_confidence(cx: &mut Cx, value: Value<'_>) -> Option<Confidence> {
    let help = || {
        format!(
            "give a number from 0 to 1, or one of: {}",
            CONFIDENCE_LEVELS.join(", ")
        )
    };
    match value.kind() {
        ValueKind::String(level) => match ConfidenceLevel::from_name(level) {
            Some(level) => Some(Confidence::Level(level)),
            None => {
                cx.invalid(
                    value.span(),
                    format!("`{level}` is not a confidence level"),
                    help(),
                );
                None
            }
        },
        _ => {
            let number = expect_number(cx, value, "confidence")?;
            if (0.0..=1.0).contains(&number) {
                Some(Confidence::Number(number))
            } else {
                cx.invalid(
                    value.span(),
                    format!("confidence {number} is outside 0 to 1"),
                    help(),
                );
                None
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::is_web_link;

    #[test]
    fn only_http_and_https_links_with_a_host_are_links() {
        for good in [
            "https://tracker.example/epic/42",
            "http://example.org",
            "HTTPS://Example.org/a?b#c",
            " https://example.org/x ",
        ] {
            assert!(is_web_link(good), "{good}");
        }
        for bad in [
            "javascript:alert(1)",
            "ftp://example.org",
            "https://",
            "https:///path",
            "example.org/epic/42",
            "/relative",
            "https://exa mple.org",
            "",
        ] {
            assert!(!is_web_link(bad), "{bad}");
        }
    }
}

//! TOML documents as toml-test's JSON: every scalar tagged with its type
//! (`{"type": "integer", "value": "42"}`), tables as objects, arrays as
//! arrays. Both the conformance test and the differential test compare in
//! this shape.

use okrc::parse::toml::{Datetime, Document, Value, ValueKind};
use serde_json::{Map, Value as Json, json};

pub fn document_to_json(document: &Document<'_>) -> Json {
    table_to_json(document.root().iter().map(|(k, v)| (k.as_str(), v)))
}

fn table_to_json<'d>(entries: impl Iterator<Item = (&'d str, Value<'d>)>) -> Json {
    let mut map = Map::new();
    for (key, value) in entries {
        map.insert(key.to_string(), value_to_json(value));
    }
    Json::Object(map)
}

pub fn value_to_json(value: Value<'_>) -> Json {
    match value.kind() {
        ValueKind::String(s) => tagged("string", s.to_string()),
        ValueKind::Integer(i) => tagged("integer", i.to_string()),
        ValueKind::Float(f) => tagged("float", float_text(f)),
        ValueKind::Boolean(b) => tagged("bool", b.to_string()),
        ValueKind::Datetime(dt) => datetime_to_json(&dt),
        ValueKind::Array(items) => Json::Array(items.iter().map(value_to_json).collect()),
        ValueKind::Table(table) => table_to_json(table.iter().map(|(k, v)| (k.as_str(), v))),
        ValueKind::Invalid => tagged("invalid", String::new()),
    }
}

pub fn datetime_to_json(dt: &Datetime) -> Json {
    let kind = match (dt.date, dt.time, dt.offset) {
        (Some(_), Some(_), Some(_)) => "datetime",
        (Some(_), Some(_), None) => "datetime-local",
        (Some(_), None, _) => "date-local",
        _ => "time-local",
    };
    tagged(kind, dt.to_string())
}

pub fn float_text(f: f64) -> String {
    if f.is_nan() {
        "nan".into()
    } else if f.is_infinite() {
        if f > 0.0 { "inf" } else { "-inf" }.into()
    } else {
        format!("{f:?}")
    }
}

pub fn tagged(kind: &str, value: String) -> Json {
    json!({ "type": kind, "value": value })
}

/// A scalar in toml-test's shape: an object of exactly a string `type` and
/// a string `value`.
fn as_tagged(json: &Json) -> Option<(&str, &str)> {
    let map = json.as_object()?;
    if map.len() != 2 {
        return None;
    }
    Some((map.get("type")?.as_str()?, map.get("value")?.as_str()?))
}

/// Equal as TOML values: floats by value (`1e2` is `100.0`, NaN is NaN),
/// integers by value, date-times with their fraction and offset normalised.
pub fn same_json(a: &Json, b: &Json) -> bool {
    if let (Some((ta, va)), Some((tb, vb))) = (as_tagged(a), as_tagged(b)) {
        return ta == tb && same_scalar(ta, va, vb);
    }
    match (a, b) {
        (Json::Object(a), Json::Object(b)) => {
            a.len() == b.len()
                && a.iter()
                    .all(|(k, v)| b.get(k).is_some_and(|w| same_json(v, w)))
        }
        (Json::Array(a), Json::Array(b)) => {
            a.len() == b.len() && a.iter().zip(b).all(|(v, w)| same_json(v, w))
        }
        _ => a == b,
    }
}

fn same_scalar(kind: &str, a: &str, b: &str) -> bool {
    match kind {
        "float" => match (parse_float(a), parse_float(b)) {
            (Some(x), Some(y)) => (x.is_nan() && y.is_nan()) || x == y,
            _ => false,
        },
        "integer" => a.parse::<i64>().ok() == b.parse::<i64>().ok(),
        "datetime" | "datetime-local" | "date-local" | "time-local" => {
            normal_datetime(a) == normal_datetime(b)
        }
        _ => a == b,
    }
}

fn parse_float(text: &str) -> Option<f64> {
    match text {
        "nan" | "+nan" | "-nan" => Some(f64::NAN),
        "inf" | "+inf" => Some(f64::INFINITY),
        "-inf" => Some(f64::NEG_INFINITY),
        _ => text.parse().ok(),
    }
}

/// RFC 3339 text with `t`/`z` upper-cased, `+00:00` kept, and trailing
/// zeros of the fraction dropped.
fn normal_datetime(text: &str) -> String {
    let upper = text.to_ascii_uppercase().replace(' ', "T");
    let Some(dot) = upper.find('.') else {
        return upper;
    };
    let digits_end = upper[dot + 1..]
        .find(|c: char| !c.is_ascii_digit())
        .map_or(upper.len(), |i| dot + 1 + i);
    let fraction = upper[dot + 1..digits_end].trim_end_matches('0');
    let fraction = if fraction.is_empty() { "0" } else { fraction };
    format!("{}.{}{}", &upper[..dot], fraction, &upper[digits_end..])
}

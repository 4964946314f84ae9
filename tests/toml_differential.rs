//! okrc's TOML parser against the `toml` crate on generated documents: the
//! same documents are accepted, with the same values, and every key and
//! value is found at the same byte range (spans are why okrc parses TOML
//! itself: a diagnostic points at them). The generator mixes
//! the shapes okrc's files use (`[[objectives]]`, `[[objectives.key_results]]`,
//! inline check-in tables, dates) with every TOML form and with mistakes.

use proptest::prelude::*;
use serde_json::{Map, Value as Json};
use toml::de::{DeTable, DeValue};

use okrc::parse::toml as ours;

use crate::support::toml_json::{
    datetime_to_json, document_to_json, float_text, same_json, tagged,
};

/// The `toml` crate's reading as toml-test JSON; `None` when it would
/// refuse the document when turning it into values (an integer beyond 64
/// bits, which okrc's parser reports at once).
fn theirs_to_json(table: &DeTable<'_>) -> Option<Json> {
    let mut map = Map::new();
    for (key, value) in table.iter() {
        map.insert(key.get_ref().to_string(), value_to_json(value.get_ref())?);
    }
    Some(Json::Object(map))
}

fn value_to_json(value: &DeValue<'_>) -> Option<Json> {
    Some(match value {
        DeValue::String(s) => tagged("string", s.to_string()),
        DeValue::Integer(i) => {
            let n = i64::from_str_radix(i.as_str(), i.radix()).ok()?;
            tagged("integer", n.to_string())
        }
        DeValue::Float(f) => tagged("float", float_text(f.as_str().parse().ok()?)),
        DeValue::Boolean(b) => tagged("bool", b.to_string()),
        DeValue::Datetime(dt) => datetime_to_json(&ours::Datetime {
            date: dt.date.map(|d| ours::Date {
                year: d.year,
                month: d.month,
                day: d.day,
            }),
            time: dt.time.map(|t| ours::Time {
                hour: t.hour,
                minute: t.minute,
                second: t.second,
                nanosecond: t.nanosecond,
            }),
            offset: dt.offset.map(|o| match o {
                toml::value::Offset::Z => ours::Offset::Z,
                toml::value::Offset::Custom { minutes } => ours::Offset::Minutes(minutes),
            }),
        }),
        DeValue::Array(items) => Json::Array(
            items
                .iter()
                .map(|item| value_to_json(item.get_ref()))
                .collect::<Option<_>>()?,
        ),
        DeValue::Table(table) => theirs_to_json(table)?,
    })
}

/// Where a document writes each key and value: a path (table entries by
/// key, array items by index), the key's byte range (`None` for an array
/// item) and the value's, in a stable order.
type Spans = Vec<(String, Option<(usize, usize)>, (usize, usize))>;

fn pair(range: std::ops::Range<usize>) -> (usize, usize) {
    (range.start, range.end)
}

fn our_spans(document: &ours::Document<'_>) -> Spans {
    fn table(table: ours::Table<'_>, path: &str, spans: &mut Spans) {
        for (key, value) in table.iter() {
            let path = format!("{path}/{:?}", key.as_str());
            spans.push((path.clone(), Some(pair(key.span())), pair(value.span())));
            nested(value, &path, spans);
        }
    }
    fn nested(value: ours::Value<'_>, path: &str, spans: &mut Spans) {
        match value.kind() {
            ours::ValueKind::Table(t) => table(t, path, spans),
            ours::ValueKind::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    let path = format!("{path}[{i}]");
                    spans.push((path.clone(), None, pair(item.span())));
                    nested(item, &path, spans);
                }
            }
            _ => {}
        }
    }
    let mut spans = Vec::new();
    table(document.root(), "", &mut spans);
    spans.sort();
    spans
}

fn their_spans(document: &DeTable<'_>) -> Spans {
    fn table(table: &DeTable<'_>, path: &str, spans: &mut Spans) {
        for (key, value) in table.iter() {
            let path = format!("{path}/{:?}", key.get_ref().as_ref());
            spans.push((path.clone(), Some(pair(key.span())), pair(value.span())));
            nested(value.get_ref(), &path, spans);
        }
    }
    fn nested(value: &DeValue<'_>, path: &str, spans: &mut Spans) {
        match value {
            DeValue::Table(t) => table(t, path, spans),
            DeValue::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    let path = format!("{path}[{i}]");
                    spans.push((path.clone(), None, pair(item.span())));
                    nested(item.get_ref(), &path, spans);
                }
            }
            _ => {}
        }
    }
    let mut spans = Vec::new();
    table(document, "", &mut spans);
    spans.sort();
    spans
}

/// The first entry where two span lists part, for a readable failure.
fn first_difference(ours: &Spans, theirs: &Spans) -> String {
    let at = ours
        .iter()
        .zip(theirs)
        .position(|(a, b)| a != b)
        .unwrap_or(ours.len().min(theirs.len()));
    format!(
        "ours {:?}, theirs {:?} ({} against {} entries)",
        ours.get(at),
        theirs.get(at),
        ours.len(),
        theirs.len()
    )
}

fn bare_key() -> impl Strategy<Value = String> {
    prop::sample::select(vec![
        "a",
        "b",
        "c",
        "id",
        "title",
        "objectives",
        "key_results",
        "checkins",
        "key-1",
        "_",
        "1",
        "true",
    ])
    .prop_map(str::to_string)
}

fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        6 => bare_key(),
        1 => prop::sample::select(vec![
            "\"a\"", "'b'", "\"a b\"", "\"\"", "''", "\"\\u0061\"", "\"é\"", "\"a.b\"",
            "\"\\x41\"", "a b", "\"\"\"a\"\"\"", "=", "'\\n'",
        ])
        .prop_map(str::to_string),
    ]
}

fn dotted_key() -> impl Strategy<Value = String> {
    (prop::collection::vec(key(), 1..4), any::<bool>())
        .prop_map(|(parts, spaced)| parts.join(if spaced { " . " } else { "." }))
}

fn string() -> impl Strategy<Value = String> {
    let fragment = prop::sample::select(vec![
        "plain",
        " ",
        "é",
        "ü€",
        "\\n",
        "\\t",
        "\\\"",
        "\\\\",
        "\\u00e9",
        "\\U0001F600",
        "\\x41",
        "\\e",
        "\\q",
        "\\u12",
        "\\uD800",
        "\t",
        "\u{7}",
        "'",
        "\"",
        "#",
        "=",
    ]);
    let fragments = prop::collection::vec(fragment, 0..5).prop_map(|f| f.concat());
    let ml_fragment = prop::sample::select(vec![
        "line",
        "\n",
        "\r\n",
        "\\\n   ",
        "\\  \n\n  x",
        "\"",
        "\"\"",
        "'",
        "''",
        "\\t",
        "\u{7}",
        "\r",
        "\\ x",
    ]);
    let ml = prop::collection::vec(ml_fragment, 0..6).prop_map(|f| f.concat());
    prop_oneof![
        4 => fragments.clone().prop_map(|s| format!("\"{s}\"")),
        2 => fragments.prop_map(|s| format!("'{}'", s.replace(['\'', '\n'], ""))),
        1 => ml.clone().prop_map(|s| format!("\"\"\"{s}\"\"\"")),
        1 => ml.prop_map(|s| format!("'''{s}'''")),
        1 => Just("\"unclosed".to_string()),
    ]
}

fn number() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => any::<i32>().prop_map(|i| i.to_string()),
        1 => any::<i64>().prop_map(|i| i.to_string()),
        2 => any::<f64>().prop_map(|f| format!("{f:?}")),
        1 => any::<f32>().prop_map(|f| format!("{f:e}")),
        3 => prop::sample::select(vec![
            "0", "+0", "-0", "0.0", "+1.5", "1_000", "1__0", "1_", "_1", "01", "0x1F", "0xdead_beef",
            "0o17", "0b101", "+0x1", "0X1", "0b12", "0x", "9223372036854775807",
            "9223372036854775808", "-9223372036854775808", "-9223372036854775809",
            "0xffffffffffffffff", "1e400", "inf", "-inf", "+inf", "nan", "-nan", "Inf",
            "1.", ".5", "1e", "1.e5", "1e+5", "1E-05", "3.14_15", "1_000.000_1", "00.1",
            "-01", "1.5.5", "1e5e5", "+-1", "--1",
        ])
        .prop_map(str::to_string),
    ]
}

fn datetime() -> impl Strategy<Value = String> {
    let date =
        (1900u32..2101, 0u32..14, 0u32..33).prop_map(|(y, m, d)| format!("{y:04}-{m:02}-{d:02}"));
    let time = (
        0u32..26,
        0u32..61,
        prop::option::of(0u32..62),
        prop::option::of(0u32..1000),
    )
        .prop_map(|(h, m, s, f)| match (s, f) {
            (None, _) => format!("{h:02}:{m:02}"),
            (Some(s), None) => format!("{h:02}:{m:02}:{s:02}"),
            (Some(s), Some(f)) => format!("{h:02}:{m:02}:{s:02}.{f}"),
        });
    let offset = prop::sample::select(vec![
        "", "", "Z", "z", "+05:30", "-07:00", "+24:00", "+1:00",
    ]);
    let separator = prop::sample::select(vec!["T", "t", " ", "_"]);
    prop_oneof![
        3 => date.clone(),
        1 => time.clone(),
        2 => (date, separator, time, offset).prop_map(|(d, s, t, o)| format!("{d}{s}{t}{o}")),
        1 => prop::sample::select(vec!["2026-1-01", "2026-10-05 next", "07:32Z", "1979-05-27T"])
            .prop_map(str::to_string),
    ]
}

fn scalar() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => string(),
        3 => number(),
        3 => datetime(),
        1 => prop::sample::select(vec!["true", "false", "True", "maybe", ""]).prop_map(str::to_string),
    ]
}

/// Separators inside arrays and inline tables, with TOML 1.1's newlines
/// and comments.
fn gap() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec!["", " ", "\n", " # note\n", "\r\n", "\n\n  "])
}

fn value() -> impl Strategy<Value = String> {
    scalar().prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            (
                prop::collection::vec((gap(), inner.clone()), 0..4),
                any::<bool>(),
                gap()
            )
                .prop_map(|(items, trailing, end)| {
                    let body: Vec<String> =
                        items.into_iter().map(|(g, v)| format!("{g}{v}")).collect();
                    let comma = if trailing && !body.is_empty() {
                        ","
                    } else {
                        ""
                    };
                    format!("[{}{comma}{end}]", body.join(", "))
                }),
            (
                prop::collection::vec((gap(), dotted_key(), inner), 0..4),
                any::<bool>(),
                gap()
            )
                .prop_map(|(pairs, trailing, end)| {
                    let body: Vec<String> = pairs
                        .into_iter()
                        .map(|(g, k, v)| format!("{g}{k} = {v}"))
                        .collect();
                    let comma = if trailing && !body.is_empty() {
                        ","
                    } else {
                        ""
                    };
                    format!("{{{}{comma}{end}}}", body.join(", "))
                }),
        ]
    })
}

fn line() -> impl Strategy<Value = String> {
    let header_key = prop::collection::vec(
        prop::sample::select(vec!["a", "b", "objectives", "key_results", "\"a\""]),
        1..4,
    )
    .prop_map(|parts| parts.join("."));
    prop_oneof![
        10 => (dotted_key(), value(), prop::sample::select(vec!["", " ", " # c", "\t"]))
            .prop_map(|(k, v, end)| format!("{k} = {v}{end}")),
        3 => header_key.clone().prop_map(|k| format!("[{k}]")),
        3 => header_key.prop_map(|k| format!("[[{k}]]")),
        1 => prop::sample::select(vec![
            "", "# comment", "  ", "= 1", "[a", "[[a]", "[ [a] ]", "a = 1 2", "a", "a =",
            "a = [1,,2]", "a = {,}", "a = 1 # \u{7}", "\r", "[]", "a.b = 1\na = 2",
            "[a]\nb.c = 1\n[a.b]", "a = [1]\n[[a]]", "a = {}\n[a.b]", "[a.b]\n[a]",
            "a.b.c = 1\n[a.b.d]", "[[a]]\n[a]",
        ])
        .prop_map(str::to_string),
    ]
}

fn document() -> impl Strategy<Value = String> {
    (prop::collection::vec(line(), 0..10), any::<bool>())
        .prop_map(|(lines, crlf)| lines.join(if crlf { "\r\n" } else { "\n" }))
}

/// A realistic unit file's front matter, as `bench/gen_workspace.py` writes.
const UNIT: &str = r#"id = "unit-000009"
name = "Data 9"
parent = "company"
period = "2026-Q4"
owner = ["Owner 9", "Deputy 9"]

[[objectives]]
title = "Make identity reliable"
aligns_to = "O1.KR1"
  [[objectives.key_results]]
  kr = "Cut savings latency from 249ms to 137ms by 2026-12-15"
  checkins = [
    { date = 2026-10-05, value = 239, confidence = 0.8, note = "on plan" },
    { date = 2026-10-12, value = 229, confidence = "on-track" },
  ]
  [[objectives.key_results]]
  title = "Launch the new compliance flow"
  done = false
"#;

fn compare(text: &str) -> Result<(), TestCaseError> {
    let document = ours::parse(text);
    let parsed = DeTable::parse(text).ok();
    let theirs = parsed.as_ref().and_then(|t| theirs_to_json(t.get_ref()));
    match (document.first_error(), theirs) {
        (None, Some(expected)) => {
            let actual = document_to_json(&document);
            prop_assert!(
                same_json(&actual, &expected),
                "different values for {text:?}:\n ours   {actual}\n theirs {expected}"
            );
            let (ours, theirs) = (
                our_spans(&document),
                parsed.as_ref().map(|t| their_spans(t.get_ref())),
            );
            let theirs = theirs.unwrap_or_default();
            prop_assert!(
                ours == theirs,
                "different spans for {text:?}: {}",
                first_difference(&ours, &theirs)
            );
        }
        (Some(_), None) => {}
        (Some(error), Some(_)) => {
            prop_assert!(false, "we reject what toml accepts: {text:?}: {error}")
        }
        (None, None) => prop_assert!(
            false,
            "we accept what toml rejects: {text:?} as {}",
            document_to_json(&document)
        ),
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn the_same_documents_are_accepted_with_the_same_values(text in document()) {
        compare(&text)?;
    }

    #[test]
    fn unit_files_with_one_line_changed_read_alike(
        line in 0usize..20,
        replacement in line(),
    ) {
        let mut lines: Vec<String> = UNIT.lines().map(str::to_string).collect();
        let at = line % lines.len();
        lines[at] = replacement;
        compare(&lines.join("\n"))?;
    }
}

/// How many of `samples` generated documents the `toml` crate accepts.
fn valid_share(strategy: impl Strategy<Value = String>, samples: usize) -> f64 {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    let mut runner = TestRunner::deterministic();
    let valid = (0..samples)
        .filter(|_| {
            let text = strategy.new_tree(&mut runner).unwrap().current();
            DeTable::parse(&text).is_ok()
        })
        .count();
    valid as f64 / samples as f64
}

/// The properties above pass trivially for a document both parsers reject:
/// if the generators drifted into making mostly broken TOML, they would
/// prove nothing. A good share of what they make must be valid.
#[test]
fn most_generated_documents_are_valid_toml() {
    // Measured: 28 % of documents and 49 % of edited unit files (the
    // generators make broken TOML on purpose too, to compare rejections).
    let documents = valid_share(document(), 2000);
    assert!(
        documents >= 0.2,
        "only {:.0} % of generated documents are valid TOML",
        documents * 100.0
    );
    let edited = valid_share(
        (0usize..20, line()).prop_map(|(line, replacement)| {
            let mut lines: Vec<String> = UNIT.lines().map(str::to_string).collect();
            let at = line % lines.len();
            lines[at] = replacement;
            lines.join("\n")
        }),
        2000,
    );
    assert!(
        edited >= 0.3,
        "only {:.0} % of edited unit files are valid TOML",
        edited * 100.0
    );
}

#[test]
fn a_realistic_unit_file_reads_alike() {
    compare(UNIT).unwrap();
}

/// The span comparison above is only as good as the spans it lists: those
/// of a unit file include its keys, its values, its `[[header]]` tables and
/// the items of its arrays, at the bytes where they are written.
#[test]
fn spans_of_a_unit_file_are_listed_where_they_are_written() {
    let spans = our_spans(&ours::parse(UNIT));
    let at = |text: &str| {
        let start = UNIT.find(text).unwrap();
        (start, start + text.len())
    };
    let entry = |path: &str| spans.iter().find(|(p, _, _)| p == path).cloned();
    assert_eq!(
        entry("/\"id\""),
        Some(("/\"id\"".into(), Some((0, 2)), at("\"unit-000009\"")))
    );
    assert_eq!(
        entry("/\"objectives\"[0]/\"key_results\"[0]"),
        Some((
            "/\"objectives\"[0]/\"key_results\"[0]".into(),
            None,
            at("[[objectives.key_results]]")
        ))
    );
    let checkin = "{ date = 2026-10-12, value = 229, confidence = \"on-track\" }";
    assert_eq!(
        entry("/\"objectives\"[0]/\"key_results\"[0]/\"checkins\"[1]").map(|e| e.2),
        Some(at(checkin))
    );
    assert_eq!(spans.len(), 27, "{spans:#?}");
}

/// Corners of the table rules and of the limits, one document each.
#[test]
fn corner_cases_read_alike() {
    let nested = |open: &str, close: &str, depth: usize| {
        format!("a = {}1{}", open.repeat(depth), close.repeat(depth))
    };
    let dotted = |parts: usize| format!("{} = 1", vec!["k"; parts].join("."));
    let header = |parts: usize| format!("[{}]", vec!["k"; parts].join("."));
    let mut cases: Vec<String> = [
        "[[x.y]]\n[x]\ny.z = 1",
        "[[x.y]]\n[x]\ny.w.z = 1",
        "a = {b = 1}\na.c = 2",
        "a.b = 1\n[a.c]",
        "a.b = 1\n[a]",
        "[a]\n[a.b]\n[a]",
        "[a.b.c]\n[a.b]\n[a]\n[a.b.c.d]",
        "[a]\nb.c = 1\n[a.b]",
        "[a]\nb.c = 1\n[a.b.d]",
        "[a.b]\n[a]\nb.c = 1",
        "[[a]]\n[a.b]\n[[a]]\n[a.b]",
        "[[a]]\nb = 1\n[a.b]",
        "a = []\n[[a]]",
        "a = [{}]\n[a.b]",
        "a = {}\n[[a]]",
        "[[a]]\n[a]",
        "[a]\n[[a]]",
        "a = {b.c = 1, b.d = 2}",
        "a = {b.c = 1, b = {}}",
        "a = {b = {c = 1}, b.d = 2}",
        "a = {b = 1, b = 2}",
        "a = {\n  b = 1, # note\n  c = 2,\n}",
        "a = \"\"\"\"\"\"\"",
        "a = '''''''",
        "a = '''\n'''''",
        "a = \"\"\"\\\n\n  x\"\"\"",
        "a = \"\\x41\\e\\u00E9\\U0001F600\"",
        "\u{feff}a = 1",
        "a = 1 # \u{7f}",
        "a = 1 # x\r",
        "a = 1979-05-27 07:32:00Z",
        "a = 1979-05-27 07:32:00 Z",
        "a = 07:32",
        "a = 2026-02-29",
        "a = 2024-02-29T24:00:00",
        "a = -2026-01-01",
        "a = 0x",
        "a = 1e400",
        "a = -0.0",
        "'' = 1",
        "\"\" = 1",
        "a.'' = 1",
        "[a.\"\"]",
        "a=1\nb=2",
        "[ a . b ]\nc=1",
        "[a]]",
        "a = [1 2]",
        "a = [1\n,2]",
        "a = [,]",
        "a = {a=1 b=2}",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    for depth in [79, 80, 81, 100] {
        cases.push(nested("[", "]", depth));
        cases.push(nested("{b = ", "}", depth));
        cases.push(dotted(depth));
        cases.push(header(depth));
    }
    cases.push("[".repeat(100_000));
    cases.push(nested("[", "]", 100_000));
    for case in cases {
        compare(&case).unwrap_or_else(|e| panic!("{e}"));
    }
}

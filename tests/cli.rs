//! The command line: exit codes, output formats, `today`, and the sample
//! workspace a new user starts from.

use crate::support::{
    self, check_json, diagnostics, expected, fixture, okrc, run, sample, stderr, stdout,
};

#[test]
fn the_sample_workspace_shows_only_its_deliberate_warnings() {
    let (json, code) = check_json(&sample(), "2026-11-27");
    assert_eq!(
        diagnostics(&json),
        expected(&[
            ("warning", "unmeasurable", "teams/data-platform.md", 18, 3),
            (
                "warning",
                "stale-checkin",
                "teams/identity-access.md",
                23,
                5
            ),
        ])
    );
    assert_eq!(code, 0);
    assert_eq!(json["units"].as_array().unwrap().len(), 12);
    assert_eq!(json["periods"].as_array().unwrap().len(), 3);
}

#[test]
fn deny_warnings_fails_the_run_but_keeps_warnings_warnings() {
    let output = run(okrc().arg("check").arg(sample()).args([
        "--today",
        "2026-11-27",
        "--deny-warnings",
        "--format",
        "json",
    ]));
    assert_eq!(output.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert!(
        json["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .all(|d| d["level"] == "warning")
    );
}

#[test]
fn a_missing_workspace_is_an_io_failure() {
    let output = run(okrc().args(["check", "/no/such/okrs"]));
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("/no/such/okrs"), "{stderr}");
    // The reason once, not once from the message and again from its cause.
    assert_eq!(stderr.matches("os error 2").count(), 1, "{stderr}");
}

#[test]
fn a_malformed_today_is_a_usage_error() {
    let output = run(okrc().args(["check", ".", "--today", "27-11-2026"]));
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("YYYY-MM-DD"));
}

#[test]
fn source_date_epoch_sets_today_when_there_is_no_flag() {
    let output = run(okrc()
        .env("SOURCE_DATE_EPOCH", "1795780800")
        .arg("check")
        .arg(fixture("semantics"))
        .args(["--format", "json"]));
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(json["today"], "2026-11-27");
    let flag_wins = run(okrc()
        .env("SOURCE_DATE_EPOCH", "1795780800")
        .arg("check")
        .arg(fixture("semantics"))
        .args(["--format", "json", "--today", "2026-10-02"]));
    let json: serde_json::Value = serde_json::from_slice(&flag_wins.stdout).unwrap();
    assert_eq!(json["today"], "2026-10-02");
}

#[test]
fn github_format_prints_one_workflow_command_per_diagnostic() {
    let output = run(okrc().current_dir(fixture("unknown-parent")).args([
        "check",
        ".",
        "--format",
        "github",
        "--today",
        "2026-10-10",
    ]));
    assert_eq!(output.status.code(), Some(1));
    let text = stdout(&output);
    let commands: Vec<&str> = text.lines().filter(|l| l.starts_with("::")).collect();
    assert_eq!(
        commands,
        [
            "::error file=typo.md,line=3,col=10,title=unknown-parent::there is no unit `engneering`",
            "::error file=wrong-period.md,line=3,col=10,title=unknown-parent::unit `later` has no OKRs for 2026-Q4 or a period containing it",
        ]
    );
}

#[test]
fn github_paths_include_the_workspace_folder_so_annotations_land_on_the_file() {
    let output = run(okrc().current_dir(fixture("")).args([
        "check",
        "unknown-parent",
        "--format",
        "github",
        "--today",
        "2026-10-10",
    ]));
    assert!(stdout(&output).contains("file=unknown-parent/typo.md,"));
}

#[test]
fn human_output_is_plain_when_piped_and_coloured_when_forced() {
    let plain = run(okrc()
        .arg("check")
        .arg(fixture("zero-range"))
        .args(["--today", "2026-10-10"]));
    assert!(!stdout(&plain).contains('\u{1b}'));
    let forced = run(okrc()
        .env_remove("NO_COLOR")
        .env("CLICOLOR_FORCE", "1")
        .arg("check")
        .arg(fixture("zero-range"))
        .args(["--today", "2026-10-10"]));
    assert!(stdout(&forced).contains('\u{1b}'));
}

#[test]
fn a_clean_workspace_exits_zero_and_says_so() {
    let dir = support::workspace(&[(
        "team.md",
        "+++\nperiod = \"2026-Q4\"\n[[objectives]]\ntitle = \"Ship\"\nkey_results = [\"[x] Shipped\"]\n+++\n",
    )]);
    let output = run(okrc()
        .arg("check")
        .arg(dir.path())
        .args(["--today", "2026-10-10"]));
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(
        stdout(&output).trim(),
        "Checked 1 unit in 1 period: no problems found."
    );
}

#[test]
fn hidden_output_and_tool_folders_are_not_searched() {
    let unit = "+++\nperiod = \"2026-Q4\"\n+++\n";
    let dir = support::workspace(&[
        ("team.md", unit),
        (".git/x.md", unit),
        (".hidden.md", unit),
        ("public/page.md", unit),
        ("templates/unit.md", unit),
        ("target/x.md", unit),
        ("node_modules/pkg/readme.md", unit),
        ("deep/node_modules/x.md", unit),
        ("notes.txt", unit),
    ]);
    let files = unit_files(dir.path());
    assert_eq!(files, ["team.md"]);
}

#[test]
fn the_configured_output_folder_is_not_searched() {
    let unit = "+++\nperiod = \"2026-Q4\"\n+++\n";
    let dir = support::workspace(&[
        ("okrc.toml", "output = \"site\"\n"),
        ("site/x.md", unit),
        ("public/y.md", unit),
    ]);
    let files = unit_files(dir.path());
    assert_eq!(files, ["public/y.md"]);
}

/// The files of the units `check` finds in `dir`.
fn unit_files(dir: &std::path::Path) -> Vec<String> {
    let (json, _) = check_json(dir, "2026-10-10");
    json["units"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["file"].as_str().unwrap().to_string())
        .collect()
}

#[cfg(unix)]
#[test]
fn symbolic_links_are_not_followed() {
    let dir = support::workspace(&[("real/team.md", "+++\nperiod = \"2026-Q4\"\n+++\n")]);
    std::os::unix::fs::symlink(dir.path().join("real"), dir.path().join("link")).unwrap();
    std::os::unix::fs::symlink(dir.path().join("real/team.md"), dir.path().join("alias.md"))
        .unwrap();
    let (json, _) = check_json(dir.path(), "2026-10-10");
    assert_eq!(json["units"].as_array().unwrap().len(), 1);
}

#[test]
fn byte_order_mark_and_crlf_do_not_shift_positions() {
    let dir = support::workspace(&[(
        "team.md",
        "\u{feff}+++\r\nperiod = \"2026-Q4\"\r\ntitel = 1\r\n+++\r\nBody\r\n",
    )]);
    let (json, _) = check_json(dir.path(), "2026-10-10");
    assert_eq!(
        diagnostics(&json),
        expected(&[("error", "unknown-field", "team.md", 3, 1)])
    );
}

#[test]
fn two_runs_print_identical_json() {
    let first =
        run(okrc()
            .arg("check")
            .arg(sample())
            .args(["--format", "json", "--today", "2026-11-27"]));
    let second =
        run(okrc()
            .arg("check")
            .arg(sample())
            .args(["--format", "json", "--today", "2026-11-27"]));
    assert_eq!(first.stdout, second.stdout);
}

#[test]
fn a_reader_that_stops_early_is_not_a_failure() {
    use std::io::Read;
    // Enough output in every format to overflow a pipe's buffer, so okrc
    // really writes into a closed pipe.
    let files: Vec<(String, String)> = (0..1000)
        .map(|i| {
            let text = "+++\nperiod = \"2026-Q4\"\n[[objectives]]\ntitle = \"Vague\"\nkey_results = [\"Make it better\"]\n+++\n";
            (format!("unit-{i}.md"), text.to_string())
        })
        .collect();
    let refs: Vec<(&str, &str)> = files
        .iter()
        .map(|(p, t)| (p.as_str(), t.as_str()))
        .collect();
    let dir = support::workspace(&refs);
    for format in ["human", "json", "github"] {
        let mut child = okrc()
            .arg("check")
            .arg(dir.path())
            .args(["--today", "2026-10-10", "--format", format])
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let mut first = [0u8; 1];
        child.stdout.take().unwrap().read_exact(&mut first).unwrap();
        let output = child.wait_with_output().unwrap();
        assert_eq!(
            output.status.code(),
            Some(0),
            "{format}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
}

#[test]
fn okrc_timings_prints_the_stages_of_check_on_stderr_and_changes_nothing_else() {
    let check = |timings: &str| {
        run(okrc()
            .env("OKRC_TIMINGS", timings)
            .arg("check")
            .arg(sample())
            .args(["--today", "2026-11-27"]))
    };
    let (timed, plain) = (check("1"), check("0"));
    assert_eq!(timed.stdout, plain.stdout);
    assert_eq!(timed.status.code(), plain.status.code());
    assert!(plain.stderr.is_empty(), "{}", support::stderr(&plain));
    let stderr = support::stderr(&timed);
    let line = stderr.trim_end();
    assert!(!line.contains('\n'), "one line: {line}");
    // Every stage, in the order they run, each with its time.
    let mut rest = line
        .strip_prefix("  walk ")
        .unwrap_or_else(|| panic!("starts with the walk: {line}"));
    for label in [
        " · read and parse ",
        " (the walk included; 12 unit files; the pool's threads read ",
        " and parsed ",
        ") · link ",
        " (resolve ",
        " · analyse ",
        ") · report ",
        " · total ",
    ] {
        let (time, after) = rest
            .split_once(label)
            .unwrap_or_else(|| panic!("`{label}` follows a time in {line}"));
        assert!(time.ends_with(" ms"), "`{time}` before `{label}` in {line}");
        rest = after;
    }
    assert!(rest.ends_with(" ms"), "{line}");
}

#[test]
fn many_folders_open_no_more_files_than_the_limit_allows() {
    // Two units in each of 600 folders, read under a limit of 64 open
    // files: the folders held open to read their files by name stay few,
    // so every file opens and the report is the one without the limit.
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path();
    std::fs::write(ws.join("okrc.toml"), "title = \"Wide\"\n").unwrap();
    std::fs::write(
        ws.join("company.md"),
        "+++\nid = \"company\"\nname = \"Company\"\nperiod = \"2026-Q4\"\n\n[[objectives]]\ntitle = \"Grow\"\nkey_results = [\"Revenue from 1 to 2\"]\n+++\n",
    )
    .unwrap();
    for folder in 0..600 {
        let at = ws.join(format!("f{folder:03}"));
        std::fs::create_dir(&at).unwrap();
        for unit in ["a", "b"] {
            let id = format!("t{folder:03}{unit}");
            std::fs::write(
                at.join(format!("{id}.md")),
                format!(
                    "+++\nid = \"{id}\"\nname = \"Team {id}\"\nparent = \"company\"\nperiod = \"2026-Q4\"\n\n[[objectives]]\ntitle = \"Ship\"\naligns_to = \"O1.KR1\"\nkey_results = [\"Releases from 1 to 4\"]\n+++\n"
                ),
            )
            .unwrap();
        }
    }
    let free = run(okrc().arg("check").arg(ws).args(["--today", "2026-11-27"]));
    let mut limited = std::process::Command::new("sh");
    limited
        .arg("-c")
        .arg(r#"ulimit -n 64 && exec "$0" check "$1" --today 2026-11-27"#)
        .arg(env!("CARGO_BIN_EXE_okrc"))
        .arg(ws);
    let limited = run(support::plain_env(&mut limited));
    let free_text = stdout(&free);
    assert!(free_text.contains("1201 units"), "{free_text}");
    assert!(!free_text.contains("io-error"), "{free_text}");
    assert_eq!(stdout(&limited), free_text, "{}", stderr(&limited));
    assert_eq!(limited.status.code(), free.status.code());
}

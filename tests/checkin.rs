//! `okrc checkin`: the check-in is appended in the style the key result
//! already uses and no other byte of the file changes (diffed byte by byte
//! against expected files); every refusal leaves the file untouched.

use std::path::Path;
use std::process::Output;

use crate::support::{
    self, check_json, epoch_of, fixture, fixture_copy, okrc, run, stderr, stdout,
};

const TODAY: &str = "2026-11-27";

/// Runs `okrc checkin` inside `dir` with today = 2026-11-27.
fn checkin(dir: &Path, args: &[&str]) -> Output {
    run(okrc()
        .current_dir(dir)
        .env("SOURCE_DATE_EPOCH", epoch_of(TODAY))
        .arg("checkin")
        .args(args))
}

fn expected(name: &str) -> Vec<u8> {
    std::fs::read(fixture("checkin-expected").join(name)).expect("an expected file")
}

/// Asserts that `file` in `dir` now has exactly the bytes of the expected
/// file, and that every other file of the workspace is as it was.
fn assert_only_changed(dir: &Path, file: &str, expected_name: &str) {
    let actual = std::fs::read(dir.join(file)).unwrap();
    let expected = expected(expected_name);
    assert!(
        actual == expected,
        "{file} differs from {expected_name}:\n--- actual\n{}\n--- expected\n{}",
        String::from_utf8_lossy(&actual),
        String::from_utf8_lossy(&expected)
    );
    for other in ["okrc.toml", "bank.md", "teams/platform.md"] {
        if other != file {
            assert_eq!(
                std::fs::read(dir.join(other)).unwrap(),
                std::fs::read(fixture("checkin").join(other)).unwrap(),
                "{other} changed"
            );
        }
    }
}

fn assert_untouched(dir: &Path) {
    for file in ["okrc.toml", "bank.md", "teams/platform.md"] {
        assert_eq!(
            std::fs::read(dir.join(file)).unwrap(),
            std::fs::read(fixture("checkin").join(file)).unwrap(),
            "{file} changed"
        );
    }
    let leftovers: Vec<_> = walk(dir)
        .into_iter()
        .filter(|p| p.to_string_lossy().contains(".okrc-checkin-"))
        .collect();
    assert!(leftovers.is_empty(), "temporary files left: {leftovers:?}");
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            found.extend(walk(&path));
        } else {
            found.push(path);
        }
    }
    found
}

#[test]
fn a_one_line_metric_becomes_a_table_around_the_same_string() {
    let dir = fixture_copy("checkin");
    let output = checkin(
        dir.path(),
        &[
            "bank.md",
            "O1.KR1",
            "1,450",
            "--date",
            "2026-11-20",
            "--confidence",
            "0.7",
            "--note",
            "Campaign \"Spring\" live",
        ],
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_only_changed(dir.path(), "bank.md", "bank-O1.KR1.md");
    insta::assert_snapshot!(stdout(&output), @r"
    Checked in O1.KR1 Customers (bank.md, 2026-11-20)
      1,450 → 2,000
      ██████▎░░░░░░░░░░░░░  31%  expected 76%  off-track  confidence on-track
    ");
}

#[test]
fn a_milestone_in_a_literal_string_is_checked_in_done() {
    let dir = fixture_copy("checkin");
    let output = checkin(dir.path(), &["bank.md", "O1.KR2", "done"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_only_changed(dir.path(), "bank.md", "bank-O1.KR2.md");
    assert!(stdout(&output).contains("100%"), "{}", stdout(&output));
}

#[test]
fn a_roll_up_takes_a_confidence_only_check_in() {
    let dir = fixture_copy("checkin");
    let output = checkin(
        dir.path(),
        &["bank.md", "Delivery.KR1", "-", "--confidence", "on-track"],
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_only_changed(dir.path(), "bank.md", "bank-Delivery.KR1.md");
}

#[test]
fn checkin_tables_get_another_table_keeping_bom_and_crlf() {
    let dir = fixture_copy("checkin");
    let output = checkin(dir.path(), &["teams/platform.md", "O1.KR1", "97.5"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_only_changed(dir.path(), "teams/platform.md", "platform-O1.KR1.md");
    let bytes = std::fs::read(dir.path().join("teams/platform.md")).unwrap();
    assert!(bytes.starts_with(b"\xEF\xBB\xBF+++\r\n"));
    assert!(
        !String::from_utf8_lossy(&bytes)
            .replace("\r\n", "")
            .contains('\n')
    );
}

#[test]
fn a_key_result_table_without_checkins_gets_a_checkins_line() {
    let dir = fixture_copy("checkin");
    let output = checkin(
        dir.path(),
        &["teams/platform.md", "O1.KR2", "not-done", "-c", "at-risk"],
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_only_changed(dir.path(), "teams/platform.md", "platform-O1.KR2.md");
}

#[test]
fn a_multi_line_checkins_array_gets_a_line_of_its_own() {
    let dir = fixture_copy("checkin");
    let output = checkin(
        dir.path(),
        &[
            "teams/platform.md",
            "O2.KR1",
            "€105k",
            "-n",
            "Reserved instances bought",
        ],
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_only_changed(dir.path(), "teams/platform.md", "platform-O2.KR1.md");
}

#[test]
fn a_compact_inline_table_gets_a_compact_checkins_array() {
    let dir = fixture_copy("checkin");
    let output = checkin(dir.path(), &["teams/platform.md", "O2.KR2", "600ms"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_only_changed(dir.path(), "teams/platform.md", "platform-O2.KR2.md");
}

#[test]
fn the_new_check_in_is_in_the_model_and_the_stale_warning_is_gone() {
    let dir = fixture_copy("checkin");
    let stale = |json: &serde_json::Value| {
        json["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["code"] == "stale-checkin" && d["file"] == "teams/platform.md")
            .count()
    };
    let (before, _) = check_json(dir.path(), TODAY);
    let output = checkin(dir.path(), &["teams/platform.md", "O2.KR2", "600"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let (after, code) = check_json(dir.path(), TODAY);
    assert_eq!(code, 0);
    assert_eq!(stale(&after), stale(&before) - 1);
    let kr = &support::unit(&after, "platform", "2026-Q4")["objectives"][1]["key_results"][1];
    assert_eq!(kr["current"], 600);
    assert_eq!(kr["checkins"][0]["date"], TODAY);
}

#[test]
fn two_check_ins_in_a_row_append_to_the_array_the_first_created() {
    let dir = fixture_copy("checkin");
    for (value, date) in [("1,300", "2026-11-06"), ("1,350", "2026-11-13")] {
        let output = checkin(dir.path(), &["bank.md", "O1.KR1", value, "--date", date]);
        assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    }
    let text = std::fs::read_to_string(dir.path().join("bank.md")).unwrap();
    assert!(
        text.contains(
            "{ kr = \"Customers from 1,200 to 2,000 by 2026-12-15\", checkins = [ { date = 2026-11-06, value = 1300 }, { date = 2026-11-13, value = 1350 } ] },  # metric"
        ),
        "{text}"
    );
}

#[test]
fn the_date_defaults_to_source_date_epoch() {
    let dir = fixture_copy("checkin");
    let output = run(okrc()
        .current_dir(dir.path())
        .env("SOURCE_DATE_EPOCH", epoch_of("2026-10-20"))
        .args(["checkin", "bank.md", "O1.KR3", "33"]));
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let text = std::fs::read_to_string(dir.path().join("bank.md")).unwrap();
    assert!(
        text.contains("checkins = [ { date = 2026-10-20, value = 33 } ]"),
        "{text}"
    );
}

#[test]
fn today_can_be_given_like_for_the_other_commands() {
    let dir = fixture_copy("checkin");
    let output = run(okrc().current_dir(dir.path()).args([
        "checkin",
        "bank.md",
        "O1.KR3",
        "33",
        "--today",
        "2026-10-21",
    ]));
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let text = std::fs::read_to_string(dir.path().join("bank.md")).unwrap();
    assert!(
        text.contains("checkins = [ { date = 2026-10-21, value = 33 } ]"),
        "{text}"
    );
}

#[test]
fn a_check_in_dated_after_today_is_written_with_a_warning() {
    let dir = fixture_copy("checkin");
    let output = checkin(
        dir.path(),
        &["bank.md", "O1.KR3", "33", "--date", "2026-12-01"],
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(
        stderr(&output),
        "warning: the check-in is dated 2026-12-01, after today (2026-11-27)\n"
    );
}

#[cfg(unix)]
#[test]
fn the_file_keeps_its_permissions_and_a_symlink_stays_a_symlink() {
    use std::os::unix::fs::PermissionsExt;
    let dir = fixture_copy("checkin");
    let bank = dir.path().join("bank.md");
    std::fs::set_permissions(&bank, std::fs::Permissions::from_mode(0o640)).unwrap();
    std::os::unix::fs::symlink("bank.md", dir.path().join("link.md")).unwrap();
    let output = checkin(dir.path(), &["link.md", "O1.KR2", "done"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(
        dir.path()
            .join("link.md")
            .symlink_metadata()
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_eq!(std::fs::read(&bank).unwrap(), expected("bank-O1.KR2.md"));
    let mode = std::fs::metadata(&bank).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o640);
}

#[test]
fn a_file_below_the_workspace_root_takes_its_period_from_okrc_toml() {
    // teams/platform.md names no period: okrc.toml two folders up gives 2026-Q4.
    let dir = fixture_copy("checkin");
    let output = checkin(
        &dir.path().join("teams"),
        &["platform.md", "O1.KR1", "95", "--date", "2027-01-04"],
    );
    assert_eq!(output.status.code(), Some(2));
    insta::assert_snapshot!(stderr(&output), @r"
    error: 2027-01-04 is outside 2026-Q4, the period of unit `platform` (2026-10-01 to 2026-12-31)
      help: give a --date inside the period, or check in on the file of the period that date is in
    ");
    assert_untouched(dir.path());
}

/// Runs a check-in that must be refused: exit 2, nothing written; returns
/// what it said on stderr.
fn refused(args: &[&str]) -> String {
    let dir = fixture_copy("checkin");
    let output = checkin(dir.path(), args);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(output.stdout.is_empty());
    assert_untouched(dir.path());
    stderr(&output)
}

#[test]
fn an_unknown_reference_lists_the_key_results() {
    insta::assert_snapshot!(refused(&["bank.md", "O1.KR7", "3"]), @r"
    error: objective `O1` of unit `bank` has no key result `KR7`
      help: its key results are: O1.KR1, O1.KR2, O1.KR3, Delivery.KR1
    ");
    insta::assert_snapshot!(refused(&["bank.md", "delivery.kr1", "-"]), @r"
    error: unit `bank` has no objective `delivery`
      help: did you mean `Delivery.KR1`? its key results are: O1.KR1, O1.KR2, O1.KR3, Delivery.KR1
    ");
    insta::assert_snapshot!(refused(&["bank.md", "O1", "3"]), @r"
    error: `O1` is an objective; check-ins are made on key results
      help: name one of its key results: O1.KR1, O1.KR2, O1.KR3
    ");
}

#[test]
fn a_value_must_fit_the_key_result() {
    insta::assert_snapshot!(refused(&["bank.md", "O1.KR1", "done"]), @r"
    error: `O1.KR1` is a metric (from 1,200 to 2,000): give its current value, not `done`
      help: such as `okrc checkin FILE O1.KR1 1,200`
    ");
    insta::assert_snapshot!(refused(&["bank.md", "O1.KR2", "50%"]), @r"
    error: `O1.KR2` is a milestone: give `done` or `not-done`, not `50%`
      help: `okrc checkin FILE O1.KR2 done` once it is done; `not-done` records a check-in (with --confidence and --note) while it is not
    ");
    insta::assert_snapshot!(refused(&["teams/platform.md", "O1.KR1", "97ms"]), @r"
    error: metric `O1.KR1` is measured in `%`, not `ms`
      help: give the value in the key result's own unit, such as 93%
    ");
    insta::assert_snapshot!(refused(&["bank.md", "O1.KR3", "forty"]), @r"
    error: `forty` is not a value for metric `O1.KR3` (from 30 points to 45 points): `forty` is not a number
      help: `O1.KR3` writes numbers the English way, where `,` groups thousands and `.` is the decimal point: give a number such as 30 points
    ");
    insta::assert_snapshot!(refused(&["bank.md", "Delivery.KR1", "3"]), @r#"
    error: `Delivery.KR1` is a roll-up: its progress comes from the objectives aligned to it, so it takes no value
      help: check in on the key results of those objectives, or record only a confidence: `okrc checkin FILE Delivery.KR1 - --confidence at-risk --note "..."`
    "#);
    insta::assert_snapshot!(refused(&["bank.md", "Delivery.KR1", "-"]), @r"
    error: a check-in of roll-up `Delivery.KR1` needs --confidence or --note
      help: a roll-up's check-in records only how confident the owner is and what happened
    ");
}

#[test]
fn confidence_and_date_are_checked_by_the_command_line() {
    let message = refused(&["bank.md", "O1.KR1", "1500", "--confidence", "1.5"]);
    assert!(
        message.starts_with(
            "error: invalid value '1.5' for '--confidence <C>': confidence 1.5 is outside 0 to 1"
        ),
        "{message}"
    );
    let message = refused(&["bank.md", "O1.KR1", "1500", "--date", "2026-11-31"]);
    assert!(message.contains("`2026-11-31` is not a date"), "{message}");
    let message = refused(&["bank.md", "O1.KR1", "1500", "--date", "2026-09-30"]);
    assert!(
        message.contains("2026-09-30 is outside 2026-Q4"),
        "{message}"
    );
}

#[test]
fn files_that_are_not_unit_files_are_refused() {
    let message = refused(&["missing.md", "O1.KR1", "3"]);
    assert!(
        message.starts_with("error: cannot open `missing.md`"),
        "{message}"
    );
    let message = refused(&["okrc.toml", "O1.KR1", "3"]);
    assert_eq!(
        message,
        "error: `okrc.toml` is not a unit file: its first line is not `+++`\n  help: a unit file starts with TOML front matter between two `+++` lines\n"
    );
    let message = refused(&["teams", "O1.KR1", "3"]);
    assert_eq!(message, "error: `teams` is not a file\n");
}

#[test]
fn a_file_with_errors_is_shown_and_left_alone() {
    let dir = fixture_copy("checkin-broken");
    let before = std::fs::read(dir.path().join("broken.md")).unwrap();
    let output = checkin(dir.path(), &["broken.md", "O1.KR1", "2"]);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(std::fs::read(dir.path().join("broken.md")).unwrap(), before);
    insta::assert_snapshot!(stderr(&output), @r#"
    error[unknown-field]: unknown field `titel` in an objective
     --> broken.md:4:1
      |
    4 | titel = "Typo"
      | ^^^^^ unknown field
      |
      = help: did you mean `title`?

    error: `broken.md` has 1 error; okrc checkin only edits a file without errors
      help: fix them (`okrc check` lists them all), then check in again; the file was not changed
    "#);
}

#[test]
fn every_key_result_of_the_sample_takes_a_check_in_and_the_sample_stays_clean() {
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("okrs");
    support::copy_dir(&support::sample(), &copy);
    let (before, _) = check_json(&copy, TODAY);
    let mut count = 0;
    for unit in before["units"].as_array().unwrap() {
        let period = unit["period"].as_str().unwrap();
        // A day without a check-in yet: a second one on a day is
        // `duplicate-checkin`.
        let date = if period == "2026-Q3" {
            "2026-09-30"
        } else {
            TODAY
        };
        for objective in unit["objectives"].as_array().unwrap() {
            for kr in objective["key_results"].as_array().unwrap() {
                let reference = format!(
                    "{}.{}",
                    objective["id"].as_str().unwrap(),
                    kr["id"].as_str().unwrap()
                );
                let value = match kr["type"].as_str().unwrap() {
                    // Typed the way the key result writes numbers.
                    "metric" if kr["number_style"] == "nl" => {
                        kr["current"].to_string().replace('.', ",")
                    }
                    "metric" => kr["current"].to_string(),
                    "rollup" => "-".to_string(),
                    _ => "not-done".to_string(),
                };
                let file = unit["file"].as_str().unwrap();
                let output = checkin(
                    &copy,
                    &[file, &reference, &value, "-c", "on-track", "--date", date],
                );
                assert_eq!(
                    output.status.code(),
                    Some(0),
                    "{file} {reference} {value}: {}",
                    stderr(&output)
                );
                count += 1;
            }
        }
    }
    assert!(count >= 40, "{count} key results");
    let (after, code) = check_json(&copy, TODAY);
    assert_eq!(code, 0);
    let codes = |json: &serde_json::Value| -> Vec<String> {
        json["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["code"].as_str().unwrap().to_string())
            .filter(|c| c != "stale-checkin")
            .collect()
    };
    assert_eq!(codes(&after), codes(&before));
    assert!(
        !after["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["code"] == "stale-checkin"),
        "every key result was just checked in"
    );
}

#[test]
fn a_dutch_key_result_reads_its_value_the_dutch_way() {
    let dir = fixture_copy("number-style");
    let output = checkin(dir.path(), &["support.md", "O1.KR1", "1.400"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    // Printed back in the key result's style.
    assert!(
        stdout(&output).contains("1.400 → 2.000"),
        "{}",
        stdout(&output)
    );
    let output = checkin(dir.path(), &["support.md", "O1.KR2", "2,125 dagen"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(
        stdout(&output).contains("2,12 → 1,25 dagen"),
        "{}",
        stdout(&output)
    );
    let text = std::fs::read_to_string(dir.path().join("support.md")).unwrap();
    assert!(text.contains("value = 1400 }"), "{text}");
    assert!(text.contains("value = 2.125 }"), "{text}");
    let (json, _) = check_json(dir.path(), TODAY);
    let krs = &json["units"][0]["objectives"][0]["key_results"];
    assert_eq!(krs[0]["current"], 1400);
    assert_eq!(krs[0]["number_style"], "nl");
    assert_eq!(krs[1]["current"], 2.125);
    assert_eq!(krs[2]["number_style"], "en");
}

#[test]
fn a_value_not_in_the_key_results_style_is_refused_and_nothing_is_written() {
    let dir = fixture_copy("number-style");
    let before = std::fs::read(dir.path().join("support.md")).unwrap();
    for (reference, value) in [("O1.KR1", "1.4"), ("O1.KR2", "2.5"), ("O1.KR3", "99,7")] {
        let output = checkin(dir.path(), &["support.md", reference, value]);
        assert_eq!(
            output.status.code(),
            Some(2),
            "{value}: {}",
            stderr(&output)
        );
        let style = if reference == "O1.KR3" {
            "English"
        } else {
            "Dutch"
        };
        assert!(
            stderr(&output).contains(style),
            "{value}: {}",
            stderr(&output)
        );
    }
    assert_eq!(
        std::fs::read(dir.path().join("support.md")).unwrap(),
        before
    );
}

#[test]
fn a_workspace_in_dutch_reads_english_lines_the_dutch_way_too() {
    let dir = fixture_copy("number-style");
    std::fs::write(
        dir.path().join("okrc.toml"),
        "title = \"Number style\"\nperiod = \"2026-Q4\"\nlanguage = \"nl\"\n",
    )
    .unwrap();
    let output = checkin(dir.path(), &["support.md", "O1.KR3", "99,7%"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(
        stdout(&output).contains("99,7 → 99,9%"),
        "{}",
        stdout(&output)
    );
    let text = std::fs::read_to_string(dir.path().join("support.md")).unwrap();
    assert!(text.contains("value = 99.7 }"), "{text}");
}

#[test]
fn done_on_a_one_line_milestone_ticks_its_box_and_changes_nothing_else() {
    let dir = support::workspace(&[(
        "team.md",
        "+++\nperiod = \"2026-Q4\"\n[[objectives]]\ntitle = \"T\"\nkey_results = [\n  \"[ ] Retire the build farm\",\n  \"[ ] Other\",\n]\n+++\n",
    )]);
    let output = checkin(dir.path(), &["team.md", "O1.KR1", "done"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let text = std::fs::read_to_string(dir.path().join("team.md")).unwrap();
    assert_eq!(
        text,
        "+++\nperiod = \"2026-Q4\"\n[[objectives]]\ntitle = \"T\"\nkey_results = [\n  { kr = \"[x] Retire the build farm\", checkins = [ { date = 2026-11-27, done = true } ] },\n  \"[ ] Other\",\n]\n+++\n"
    );
    // not-done leaves the box alone.
    let output = checkin(dir.path(), &["team.md", "O1.KR2", "not-done"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let text = std::fs::read_to_string(dir.path().join("team.md")).unwrap();
    assert!(
        text.contains("{ kr = \"[ ] Other\", checkins = [ { date = 2026-11-27, done = false } ] }"),
        "{text}"
    );
}

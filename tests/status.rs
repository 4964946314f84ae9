//! `okrc status`: the period's units as a tree with progress bars, pace and
//! confidence; plain text when piped, fitted to the width.

use std::process::Output;

use unicode_width::UnicodeWidthStr;

use crate::support::{fixture, okrc, run, sample, stdout, workspace};

fn status(args: &[&str]) -> Output {
    run(okrc()
        .arg("status")
        .arg(fixture("status"))
        .args(["--today", "2026-11-27"])
        .args(args))
}

fn shown(output: &Output) -> String {
    assert!(
        output.status.success(),
        "exit {:?}: {}",
        output.status.code(),
        String::from_utf8_lossy(&output.stderr)
    );
    stdout(output)
}

#[test]
fn the_current_period_is_a_tree_of_units_with_progress_pace_and_confidence() {
    insta::assert_snapshot!(shown(&status(&[])), @r"
    Acme · 2026-Q4 (2026-10-01 to 2026-12-31) · today 2026-11-27, day 58 of 92
    9 key results: 1 done, 2 on-track, 1 at-risk, 5 off-track, 1 stale
    Columns: progress, pace (or the due date; the score once ended), confidence

    Acme Corporation  (acme, 2026)      ██▉░░░░░  37%
    │ O1 Double the number of custom…   ███▎░░░░  40%  on-track
    │   KR1 Paying customers            ██████▍░  80%  at-risk      on-track
    │   KR2 Open the Berlin office      ░░░░░░░░   0%  off-track    off-track
    │ O2 Ship faster                    ██▋░░░░░  33%  off-track
    │   KR1 Teams ship weekly           ██▋░░░░░  33%  off-track
    ├ Team Alpha  (alpha)               ███▍░░░░  42%
    │   O1 Onboarding that customers…   █████▌░░  68%  on-track
    │     KR1 Onboarding completion     ██████░░  75%  on-track     on-track
    │     KR2 Guided setup              ████████ 100%  done
    │     KR3 Support tickets per we…   ██▍░░░░░  30%  off-track    at-risk
    │   O2 Weekly releases              █▍░░░░░░  17%  off-track
    │     KR1 Releases per month        ██▋░░░░░  33%  off-track
    │     KR2 Lead time  10 → 3 days    ░░░░░░░░   0%  off-track               stale
    └ ベータチーム  (beta, draft)       ░░░░░░░░   0%
        O1 新しい支払い画面を作る       ░░░░░░░░   0%  on-track
          KR1 支払い画面をリリースす…   ░░░░░░░░   0%  due 31 Dec

    1 warning in the workspace: `okrc check` explains it.
    ");
}

#[test]
fn attention_lists_what_needs_it_in_the_spec_order() {
    // Missed, off-track, at-risk, low confidence, stale; committed first,
    // then the largest gap. The draft unit's key results are not listed.
    insta::assert_snapshot!(shown(&status(&["--attention"])), @"
    Acme · 2026-Q4 (2026-10-01 to 2026-12-31) · today 2026-11-27, day 58 of 92
    9 key results: 1 done, 2 on-track, 1 at-risk, 5 off-track, 1 stale; showing the
    6 that need attention
    Columns: progress, pace (or the due date; the score once ended), confidence

    acme O1.KR2 Open the Berlin offi…   ░░░░░░░░   0%  off-track    off-track
    alpha O2.KR2 Lead time              ░░░░░░░░   0%  off-track               stale
    acme O2.KR1 Teams ship weekly       ██▋░░░░░  33%  off-track
    alpha O1.KR3 Support tickets per…   ██▍░░░░░  30%  off-track    at-risk
    alpha O2.KR1 Releases per month     ██▋░░░░░  33%  off-track
    acme O1.KR1 Paying customers        ██████▍░  80%  at-risk      on-track

    1 warning in the workspace: `okrc check` explains it.
    ");
}

#[test]
fn a_unit_and_what_is_below_it() {
    insta::assert_snapshot!(shown(&status(&["--unit", "alpha"])), @"
    Acme · 2026-Q4 (2026-10-01 to 2026-12-31) · today 2026-11-27, day 58 of 92
    5 key results: 1 done, 1 on-track, 3 off-track, 1 stale
    Columns: progress, pace (or the due date; the score once ended), confidence

    Team Alpha  (alpha)                 ███▍░░░░  42%
      O1 Onboarding that customers f…   █████▌░░  68%  on-track
        KR1 Onboarding completion       ██████░░  75%  on-track     on-track
        KR2 Guided setup                ████████ 100%  done
        KR3 Support tickets per week    ██▍░░░░░  30%  off-track    at-risk
      O2 Weekly releases                █▍░░░░░░  17%  off-track
        KR1 Releases per month  2 → 4   ██▋░░░░░  33%  off-track
        KR2 Lead time  10 → 3 days      ░░░░░░░░   0%  off-track               stale

    1 warning in the workspace: `okrc check` explains it.
    ");
}

#[test]
fn an_ended_period_shows_what_was_missed() {
    insta::assert_snapshot!(shown(&status(&["--period", "2026-Q3"])), @"
    Acme · 2026-Q3 (2026-07-01 to 2026-09-30) · today 2026-11-27, ended 2026-09-30
    5 key results: 1 done, 1 at-risk, 2 off-track, 1 missed
    Columns: progress, pace (or the due date; the score once ended), confidence

    Acme Corporation  (acme, 2026)             ██▉░░░░░  37%
    │ O1 Double the number of customers who…   ███▎░░░░  40%  on-track
    │   KR1 Paying customers  1,800 → 2,000    ██████▍░  80%  at-risk      on-track
    │   KR2 Open the Berlin office             ░░░░░░░░   0%  off-track    off-track
    │ O2 Ship faster                           ██▋░░░░░  33%  off-track
    │   KR1 Teams ship weekly                  ██▋░░░░░  33%  off-track
    └ Team Alpha  (alpha)                      ██████▋░  83%  score 0.95
        O1 Stabilise                           ██████▋░  83%  score 0.95
          KR1 Incidents per month  4 → 2       █████▍░░  67%  score 0.9
          KR2 Runbooks                         ████████ 100%  score 1

    1 warning in the workspace: `okrc check` explains it.
    ");
}

#[test]
fn a_period_that_has_not_started_yet() {
    let text = shown(&status(&["--period", "2027-Q1"]));
    assert!(
        text.contains("today 2026-11-27, starts in 35 days"),
        "{text}"
    );
    assert!(text.contains("KR1 Activation  30 → 50%"), "{text}");
    assert!(text.contains("0%  not-started"), "{text}");
}

#[test]
fn the_default_period_contains_today_else_it_is_the_latest() {
    let on = |today: &str| {
        let output = run(okrc()
            .arg("status")
            .arg(fixture("status"))
            .args(["--today", today]));
        let text = shown(&output);
        text.lines().next().unwrap_or_default().to_string()
    };
    assert!(on("2026-08-15").starts_with("Acme · 2026-Q3 "));
    assert!(on("2026-11-27").starts_with("Acme · 2026-Q4 "));
    assert!(on("2026-03-01").starts_with("Acme · 2026 "));
    assert!(on("2027-06-01").starts_with("Acme · 2027-Q1 "));
}

#[test]
fn every_line_fits_the_width_and_narrow_terminals_drop_columns_first() {
    for width in [40, 50, 64, 80, 100, 132, 200] {
        let output = run(okrc()
            .env("COLUMNS", width.to_string())
            .arg("status")
            .arg(sample())
            .args(["--today", "2026-11-27"]));
        let text = shown(&output);
        for line in text.lines() {
            assert!(
                line.width() <= width,
                "{} cells at {width}: {line:?}",
                line.width()
            );
        }
    }
    let output = run(okrc()
        .env("COLUMNS", "50")
        .arg("status")
        .arg(fixture("status"))
        .args(["--today", "2026-11-27", "--unit", "alpha"]));
    insta::assert_snapshot!(shown(&output), @"
    Acme · 2026-Q4 (2026-10-01 to 2026-12-31) ·
    today 2026-11-27, day 58 of 92
    5 key results: 1 done, 1 on-track, 3 off-track,
    1 stale
    Columns: progress, pace (or the due date; the
    score once ended)

    Team Alpha  (alpha)         █▊░░  42%
      O1 Onboarding that cus…   ██▊░  68%  on-track
        KR1 Onboarding compl…   ███░  75%  on-track
        KR2 Guided setup        ████ 100%  done
        KR3 Support tickets …   █▎░░  30%  off-track
      O2 Weekly releases        ▋░░░  17%  off-track
        KR1 Releases per mon…   █▍░░  33%  off-track
        KR2 Lead time           ░░░░   0%  off-track

    1 warning in the workspace: `okrc check` explains
    it.
    ");
}

#[test]
fn colours_on_request_and_never_with_no_color() {
    let coloured = run(okrc()
        .env_remove("NO_COLOR")
        .env("CLICOLOR_FORCE", "1")
        .arg("status")
        .arg(fixture("status"))
        .args(["--today", "2026-11-27"]));
    assert!(stdout(&coloured).contains("\u{1b}["));
    let plain = run(okrc()
        .env("CLICOLOR_FORCE", "1")
        .arg("status")
        .arg(fixture("status"))
        .args(["--today", "2026-11-27"]));
    assert!(!stdout(&plain).contains('\u{1b}'));
}

#[test]
fn an_unknown_period_or_unit_is_a_usage_error() {
    let output = status(&["--period", "2026-Q2"]);
    assert_eq!(output.status.code(), Some(2));
    insta::assert_snapshot!(String::from_utf8_lossy(&output.stderr), @r"
    error: no unit has OKRs for period `2026-Q2`
      help: did you mean `2026-Q3`?
    ");
    let output = status(&["--unit", "gamma"]);
    assert_eq!(output.status.code(), Some(2));
    insta::assert_snapshot!(String::from_utf8_lossy(&output.stderr), @r"
    error: there is no unit `gamma` in 2026-Q4
      help: the units of 2026-Q4 are: acme, alpha, beta
    ");
}

#[test]
fn a_workspace_with_errors_is_shown_and_exits_1() {
    let dir = workspace(&[(
        "a.md",
        "+++\nperiod = \"2026-Q4\"\n[[objectives]]\ntitle = \"T\"\nkey_results = [\"A from 1 to 1\"]\n+++\n",
    )]);
    let output = run(okrc()
        .arg("status")
        .arg(dir.path())
        .args(["--today", "2026-11-27"]));
    assert_eq!(output.status.code(), Some(1));
    let text = stdout(&output);
    assert!(text.contains("KR1 A"), "{text}");
    assert!(
        text.ends_with("1 error and 1 warning in the workspace: `okrc check` explains them.\n"),
        "{text}"
    );
}

#[test]
fn an_empty_workspace_says_how_to_start() {
    let dir = workspace(&[("README.md", "# Nothing here\n")]);
    let output = run(okrc().arg("status").arg(dir.path()));
    assert_eq!(output.status.code(), Some(0));
    assert!(stdout(&output).contains("`okrc init` writes a starter workspace"));
}

#[test]
fn the_sample_workspace_needs_attention_in_a_few_places() {
    let output =
        run(okrc()
            .arg("status")
            .arg(sample())
            .args(["--today", "2026-11-27", "--attention"]));
    let text = shown(&output);
    assert!(text.starts_with("Northwind Bank · 2026-Q4 "), "{text}");
    assert!(text.contains("stale"), "{text}");
    for line in text.lines().skip(3).filter(|l| l.contains(" KR")) {
        assert!(
            ["at-risk", "off-track", "missed", "stale"]
                .iter()
                .any(|word| line.contains(word)),
            "{line}"
        );
    }
}

#[test]
fn a_pending_milestone_shows_its_date_and_counts_as_on_track() {
    let output = run(okrc()
        .arg("status")
        .arg(fixture("milestone-pace"))
        .args(["--today", "2026-10-31"]));
    let text = shown(&output);
    assert!(text.contains("due 31 Dec"), "{text}");
    assert!(text.contains("due 21 Nov"), "{text}");
    assert!(!text.contains("pending"), "{text}");
    // 4 pending + 0 on track; 1 done, 2 at-risk, 1 off-track, 1 missed.
    assert!(
        text.contains("8 key results: 1 done, 4 on-track, 1 at-risk, 1 off-track, 1 missed"),
        "{text}"
    );
}

/// Two overlapping custom periods of one length both contain today: the
/// site and `status` pick the same one, the one starting later.
#[test]
fn status_and_the_site_agree_on_the_current_period() {
    let ws = workspace(&[
        (
            "okrc.toml",
            "title = \"Sprints\"\n[periods]\n\"Sprint-A\" = { start = 2026-11-01, end = 2026-11-14 }\n\"Sprint-B\" = { start = 2026-11-08, end = 2026-11-21 }\n",
        ),
        (
            "a.md",
            "+++\nperiod = \"Sprint-A\"\n[[objectives]]\ntitle = \"A\"\nkey_results = [\"[ ] a\"]\n+++\n",
        ),
        (
            "b.md",
            "+++\nperiod = \"Sprint-B\"\n[[objectives]]\ntitle = \"B\"\nkey_results = [\"[ ] b\"]\n+++\n",
        ),
    ]);
    let output = run(okrc()
        .arg("status")
        .arg(ws.path())
        .args(["--today", "2026-11-10"]));
    let text = shown(&output);
    assert!(text.starts_with("Sprints · Sprint-B "), "{text}");
    let out = tempfile::tempdir().expect("a temporary folder");
    let site = out.path().join("site");
    let built = run(okrc()
        .arg("build")
        .arg(ws.path())
        .arg("-o")
        .arg(&site)
        .args(["--today", "2026-11-10"]));
    assert!(
        built.status.success(),
        "{}",
        String::from_utf8_lossy(&built.stderr)
    );
    let index = std::fs::read_to_string(site.join("index.html")).expect("index.html");
    let lede = index
        .lines()
        .find(|line| line.contains("Current period"))
        .unwrap_or_else(|| panic!("no current period in {index}"));
    assert!(lede.contains(">Sprint-B</a>"), "{lede}");
}

/// A value of 1e308 reads `1e308`, not `inf` or 300 digits; a Dutch key
/// result shows its numbers the Dutch way.
#[test]
fn numbers_are_readable_at_any_size_and_in_the_key_results_style() {
    let ws = workspace(&[
        ("okrc.toml", "title = \"Sizes\"\nperiod = \"2026-Q4\"\n"),
        (
            "team.md",
            "+++\n[[objectives]]\ntitle = \"T\"\nkey_results = [\n  { title = \"Huge\", from = 0, to = 1e308, checkins = [ { date = 2026-10-05, value = 1e307 } ] },\n  { title = \"Tiny\", from = 0, to = 0.000004, checkins = [ { date = 2026-10-05, value = 0.0000025 } ] },\n  \"Doorlooptijd van 2,5 dagen naar 1,25 dagen\",\n]\n+++\n",
        ),
    ]);
    let output = run(okrc()
        .arg("status")
        .arg(ws.path())
        .args(["--today", "2026-11-27"])
        .env("COLUMNS", "120"));
    let text = shown(&output);
    assert!(text.contains("1e307 → 1e308"), "{text}");
    assert!(text.contains("2.5e-6 → 4e-6"), "{text}");
    assert!(text.contains("2,5 → 1,25 dagen"), "{text}");
    assert!(!text.contains("inf"), "{text}");
}

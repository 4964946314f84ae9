//! `okrc build` shows a progress line on a terminal when a build takes
//! longer than a second, and never when its output is piped. The terminal
//! is made by `script` (util-linux); a large workspace makes the build slow
//! enough in a debug build.

use std::path::Path;
use std::process::Command;

const TODAY: &str = "2026-11-27";

/// A workspace of `count` teams under one company unit, each with three
/// key results and a few check-ins.
fn large_workspace(dir: &Path, count: usize) {
    std::fs::write(
        dir.join("company.md"),
        "+++\nid = \"company\"\nname = \"Company\"\nperiod = \"2026-Q4\"\n\n[[objectives]]\ntitle = \"Grow\"\nkey_results = [\"Customers from 100 to 200 by 2026-12-31\"]\n+++\n",
    )
    .unwrap();
    let teams = dir.join("teams");
    std::fs::create_dir_all(&teams).unwrap();
    for i in 0..count {
        let text = format!(
            "+++\nid = \"team-{i}\"\nname = \"Team {i}\"\nparent = \"company\"\nperiod = \"2026-Q4\"\n\n\
             [[objectives]]\ntitle = \"Make things better {i}\"\naligns_to = \"O1.KR1\"\n\
             key_results = [\n  {{ kr = \"Latency from 500ms to 200ms by 2026-12-15\", checkins = [\n    \
             {{ date = 2026-10-05, value = 480, confidence = 0.8, note = \"week 1\" }},\n    \
             {{ date = 2026-11-02, value = 400, confidence = 0.7, note = \"week 5\" }},\n  ] }},\n  \
             \"Signups from 10 to 90 by 2026-12-31\",\n  \"Ship the new flow\",\n]\n+++\n\nNotes of team {i}.\n"
        );
        std::fs::write(teams.join(format!("team-{i}.md")), text).unwrap();
    }
}

fn script_available() -> bool {
    Command::new("script")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

#[test]
fn a_slow_build_shows_progress_on_a_terminal_and_nothing_when_piped() {
    if !script_available() {
        assert!(
            std::env::var_os("CI").is_none(),
            "`script` (util-linux) is needed for this test in CI"
        );
        eprintln!("SKIPPED: `script` (util-linux) is not installed, so no terminal can be made");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path().join("ws");
    std::fs::create_dir(&ws).unwrap();
    let okrc = env!("CARGO_BIN_EXE_okrc");
    let build = |out: &str| {
        format!(
            "{okrc} build {} -o {} --today {TODAY}",
            ws.display(),
            dir.path().join(out).display()
        )
    };

    // Piped: the summary only. The workspace grows until a build takes
    // well over the second after which a terminal would show progress.
    let mut units = 1500;
    let mut round = 0;
    let took = loop {
        large_workspace(&ws, units);
        let started = std::time::Instant::now();
        let piped = Command::new("sh")
            .arg("-c")
            .arg(build(&format!("piped-{round}")))
            .output()
            .unwrap();
        let took = started.elapsed();
        assert!(piped.status.success());
        let stderr = String::from_utf8_lossy(&piped.stderr);
        assert!(stderr.contains("Built "), "{stderr}");
        assert!(!stderr.contains("rendering pages"), "{stderr}");
        assert!(
            !stderr.contains('\r'),
            "no line redrawn when piped: {stderr:?}"
        );
        if took > std::time::Duration::from_millis(2000) || round == 4 {
            break took;
        }
        units *= 2;
        round += 1;
    };
    assert!(
        took > std::time::Duration::from_millis(1500),
        "{units} units built in {took:?}: too quick to show progress"
    );

    // On a terminal, a build of the same size shows the line (and clears it).
    let terminal = Command::new("script")
        .args(["-qec", &build("terminal"), "/dev/null"])
        .env("TERM", "xterm")
        .output()
        .unwrap();
    assert!(terminal.status.success());
    let shown = String::from_utf8_lossy(&terminal.stdout);
    assert!(shown.contains("Built "), "{shown}");
    assert!(
        shown.contains("rendering pages") || shown.contains("checking the workspace"),
        "a build of about {took:?} on a terminal shows progress: {shown:?}"
    );
}

//! `okrc watch` end to end: the real binary on a temporary workspace, edited
//! the ways editors, `git checkout` and people do, with the output folder
//! checked after each change.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use crate::support;
use crate::support::live::{
    COMPANY, Running, TODAY, read, save_atomically, team, unit_page, wait_until, workspace, write,
};

fn watch(root: &Path) -> Running {
    Running::start(&["watch", ".", "--today", TODAY], root)
}

fn contains(path: &Path, text: &str) -> bool {
    read(path).is_some_and(|page| page.contains(text))
}

#[test]
fn the_first_build_writes_the_site_and_ctrl_c_exits_with_0() {
    let ws = workspace();
    let running = watch(ws.path());
    let out = ws.path().join("public");
    assert!(out.join("index.html").is_file());
    assert!(contains(
        &unit_page(&out, "2026-Q4", "support"),
        "Answer fast"
    ));
    assert!(running.log().contains("Watching"), "{}", running.log());
    running.stop();
}

#[test]
fn sigterm_exits_cleanly_too() {
    let ws = workspace();
    let running = watch(ws.path());
    assert_eq!(running.signal("-TERM").code(), Some(0));
}

#[test]
fn an_edit_is_in_the_site_after_the_rebuild() {
    let ws = workspace();
    let running = watch(ws.path());
    let page = unit_page(&ws.path().join("public"), "2026-Q4", "support");
    write(
        ws.path(),
        "teams/support.md",
        &team("support", "Answer within the hour"),
    );
    wait_until(&running, "the new title", || {
        contains(&page, "Answer within the hour")
    });
    wait_until(&running, "the rebuild's line", || {
        running.log().contains("(teams/support.md): ")
    });
    running.stop();
}

#[test]
fn an_atomic_save_through_a_temporary_file_is_followed() {
    let ws = workspace();
    let running = watch(ws.path());
    let page = unit_page(&ws.path().join("public"), "2026-Q4", "support");
    save_atomically(
        ws.path(),
        "teams/support.md",
        &team("support", "Saved by rename"),
    );
    wait_until(&running, "the renamed-in title", || {
        contains(&page, "Saved by rename")
    });
    // Once more, to be sure the watch survived the rename of its file.
    save_atomically(
        ws.path(),
        "teams/support.md",
        &team("support", "Saved twice"),
    );
    wait_until(&running, "the second title", || {
        contains(&page, "Saved twice")
    });
    running.stop();
}

#[test]
fn a_deleted_file_leaves_the_site() {
    let ws = workspace();
    let running = watch(ws.path());
    let page = unit_page(&ws.path().join("public"), "2026-Q4", "support");
    assert!(page.is_file());
    std::fs::remove_file(ws.path().join("teams/support.md")).unwrap();
    wait_until(&running, "the page to go", || !page.exists());
    assert!(!contains(
        &ws.path().join("public/index.html"),
        "Team support"
    ));
    running.stop();
}

#[test]
fn a_renamed_file_and_a_renamed_folder_are_followed() {
    let ws = workspace();
    let running = watch(ws.path());
    let out = ws.path().join("public");
    // The id is the file name: renaming the file renames the unit.
    let text = team("support", "Renamed").replace("id = \"support\"\n", "");
    write(ws.path(), "teams/support.md", &text);
    wait_until(&running, "the edit", || {
        contains(&unit_page(&out, "2026-Q4", "support"), "Renamed")
    });
    std::fs::rename(
        ws.path().join("teams/support.md"),
        ws.path().join("teams/helpdesk.md"),
    )
    .unwrap();
    wait_until(&running, "the renamed unit", || {
        unit_page(&out, "2026-Q4", "helpdesk").is_file()
            && !unit_page(&out, "2026-Q4", "support").exists()
    });
    std::fs::rename(ws.path().join("teams"), ws.path().join("squads")).unwrap();
    wait_until(&running, "the moved folder", || {
        contains(
            &out.join("periods/2026-q4/units/helpdesk.json"),
            "squads/helpdesk.md",
        )
    });
    running.stop();
}

#[test]
fn a_broken_file_keeps_the_last_good_site_until_it_is_fixed() {
    let ws = workspace();
    let running = watch(ws.path());
    let out = ws.path().join("public");
    let before = read_tree(&out);
    let builds = running.builds();
    write(
        ws.path(),
        "teams/support.md",
        "+++\ntitle = \"unclosed\n+++\n",
    );
    running.wait_for_build(builds);
    // The build's line comes first, then the diagnostics that are new.
    wait_until(&running, "the new error", || {
        running.log().contains("teams/support.md:2:")
    });
    let log = running.log();
    assert!(log.contains("error[parse-error]"), "{log}");
    assert!(log.contains("teams/support.md:2:"), "{log}");
    assert!(log.contains("Build failed"), "{log}");
    assert_eq!(read_tree(&out), before, "a failed build changes nothing");
    // Still watching: the fix is built.
    write(
        ws.path(),
        "teams/support.md",
        &team("support", "Fixed again"),
    );
    wait_until(&running, "the fix", || {
        contains(&unit_page(&out, "2026-Q4", "support"), "Fixed again")
    });
    running.stop();
}

#[test]
fn new_folders_and_the_files_in_them_are_followed() {
    let ws = workspace();
    let running = watch(ws.path());
    let out = ws.path().join("public");
    write(
        ws.path(),
        "teams/new/deep/mobile.md",
        &team("mobile", "Ship the app"),
    );
    wait_until(&running, "a unit in a new folder", || {
        contains(&unit_page(&out, "2026-Q4", "mobile"), "Ship the app")
    });
    write(
        ws.path(),
        "departments/sales.md",
        &team("sales", "Sell more"),
    );
    wait_until(&running, "a unit in a new top folder", || {
        contains(&unit_page(&out, "2026-Q4", "sales"), "Sell more")
    });
    // The new top folder is watched from now on.
    write(
        ws.path(),
        "departments/sales.md",
        &team("sales", "Sell even more"),
    );
    wait_until(&running, "an edit in the new top folder", || {
        contains(&unit_page(&out, "2026-Q4", "sales"), "Sell even more")
    });
    running.stop();
}

#[test]
fn a_burst_of_200_writes_is_exactly_one_rebuild() {
    let ws = workspace();
    let running = watch(ws.path());
    let out = ws.path().join("public");
    let builds = running.builds();
    // okrc is paused while the files are written, so that however slowly a
    // busy machine lets this test write them, they are one burst: the
    // kernel keeps the events and okrc reads them all when it resumes, as
    // it would after a fast `git checkout`.
    running.pause();
    for i in 0..200 {
        let id = format!("burst-{i:03}");
        write(ws.path(), &format!("teams/{id}.md"), &team(&id, "Burst"));
    }
    running.resume();
    // The watcher reports the rebuild that read the whole burst.
    running.wait_for_rebuild_of(
        "teams/burst-000.md, teams/burst-001.md, teams/burst-002.md and 197 more",
    );
    assert!((0..200).all(|i| unit_page(&out, "2026-Q4", &format!("burst-{i:03}")).is_file()));
    // A late extra rebuild of the burst would come before the rebuild of a
    // later edit, or be merged into it: an edit afterwards shows both.
    write(
        ws.path(),
        "teams/support.md",
        &team("support", "After the burst"),
    );
    running.wait_for_rebuild_of("teams/support.md");
    assert_eq!(
        running.builds() - builds,
        2,
        "one rebuild for the burst, one for the edit:\n{}",
        running.log()
    );
    assert_eq!(running.changes().len(), 2, "{}", running.log());
    running.stop();
}

#[test]
fn editor_temporary_files_hidden_files_and_the_output_never_rebuild() {
    let ws = workspace();
    let running = watch(ws.path());
    let builds = running.builds();
    for name in [
        "teams/.support.md.swp",
        "teams/.support.md.swx",
        "teams/4913",
        "teams/support.md~",
        "teams/#support.md#",
        "teams/.#support.md",
        "teams/support.md___jb_tmp___",
        "teams/support.md___jb_old___",
        ".DS_Store",
        ".hidden/team.md",
        "public/extra.md",
        "notes.txt",
    ] {
        write(ws.path(), name, "+++\nnot = valid toml = at all\n");
    }
    // A real edit last: its rebuild must be the only one.
    write(ws.path(), "teams/support.md", &team("support", "Only this"));
    let page = unit_page(&ws.path().join("public"), "2026-Q4", "support");
    running.wait_for_rebuild_of("teams/support.md");
    assert!(contains(&page, "Only this"));
    // A late rebuild for one of the ignored files would come before the
    // rebuild of a later edit, or be merged into it.
    write(
        ws.path(),
        "company.md",
        &COMPANY.replace("Delight", "Please"),
    );
    running.wait_for_rebuild_of("company.md");
    let log = running.log();
    assert_eq!(running.builds() - builds, 2, "{log}");
    assert_eq!(
        running.changes(),
        ["teams/support.md", "company.md"],
        "{log}"
    );
    assert!(!log.contains("error["), "{log}");
    assert!(!log.contains("Build failed"), "{log}");
    running.stop();
}

#[test]
fn okrc_toml_and_templates_are_watched() {
    let ws = workspace();
    let running = watch(ws.path());
    let out = ws.path().join("public");
    write(
        ws.path(),
        "okrc.toml",
        "title = \"Globex\"\nperiod = \"2026-Q4\"\n",
    );
    wait_until(&running, "the new title", || {
        contains(&out.join("index.html"), "Globex")
    });
    let base =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("templates/base.html"))
            .unwrap();
    let marked = base.replacen("<body", "<body data-custom-template=\"yes\"", 1);
    assert_ne!(base, marked);
    write(ws.path(), "templates/base.html", &marked);
    wait_until(&running, "the custom template", || {
        contains(&out.join("index.html"), "data-custom-template")
    });
    running.stop();
}

#[test]
fn polling_follows_edits_too() {
    let ws = workspace();
    let running = Running::start(&["watch", ".", "--poll", "--today", TODAY], ws.path());
    let page = unit_page(&ws.path().join("public"), "2026-Q4", "support");
    write(
        ws.path(),
        "teams/support.md",
        &team("support", "Seen by polling"),
    );
    wait_until(&running, "the polled edit", || {
        contains(&page, "Seen by polling")
    });
    running.stop();
}

#[test]
fn after_many_edits_the_site_equals_a_fresh_build() {
    let ws = workspace();
    write(
        ws.path(),
        "teams/billing.md",
        &team("billing", "Bill right"),
    );
    let running = watch(ws.path());
    let out = ws.path().join("public");
    let edits: Vec<(&str, String)> = vec![
        ("teams/support.md", team("support", "Answer faster")),
        (
            "teams/billing.md",
            team("billing", "Bill right").replace("75", "88"),
        ),
        (
            "company.md",
            COMPANY.replace("Delight customers", "Delight every customer"),
        ),
        ("teams/new.md", team("new", "Something new")),
        (
            "teams/support.md",
            team("support", "Answer fastest").replace("O1.KR1", "O1"),
        ),
    ];
    for (path, text) in edits {
        let builds = running.builds();
        write(ws.path(), path, &text);
        running.wait_for_build(builds);
    }
    std::fs::remove_file(ws.path().join("teams/billing.md")).unwrap();
    // The rebuild ends by writing the manifest the next `okrc build`
    // resumes from; it must say what a fresh build's says.
    wait_until(&running, "the removal", || {
        !unit_page(&out, "2026-Q4", "billing").exists() && out.join(".okrc-pages").exists()
    });
    let watched = read_tree(&out);
    running.stop();
    let fresh = tempfile::tempdir().unwrap();
    let status = Command::new(env!("CARGO_BIN_EXE_okrc"))
        .args(["build", ".", "--today", TODAY, "-o"])
        .arg(fresh.path().join("site"))
        .current_dir(ws.path())
        .env_remove("SOURCE_DATE_EPOCH")
        .output()
        .unwrap();
    assert!(status.status.success());
    let built = read_tree(&fresh.path().join("site"));
    assert_eq!(
        watched.keys().collect::<Vec<_>>(),
        built.keys().collect::<Vec<_>>()
    );
    for (name, bytes) in &built {
        assert!(watched[name] == *bytes, "{name} differs from a fresh build");
    }
}

#[test]
fn a_foreign_output_folder_is_refused_with_exit_2() {
    let ws = workspace();
    write(ws.path(), "public/thesis.docx", "years of work");
    let output = Command::new(env!("CARGO_BIN_EXE_okrc"))
        .args(["watch", "."])
        .current_dir(ws.path())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("okrc did not create it"));
    assert_eq!(
        read(&ws.path().join("public/thesis.docx")).unwrap(),
        "years of work"
    );
}

/// Every file below `root` by relative path, without okrc's marker.
fn read_tree(root: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut files = support::read_tree(root);
    files.retain(|name, _| name.rsplit('/').next() != Some(".okrc-site"));
    files
}

/// The text printed after the `n`-th build line (counting from 1).
fn after_build(log: &str, n: usize) -> String {
    let mut seen = 0;
    let mut rest = String::new();
    for line in log.lines() {
        if line.starts_with("Built")
            || line.starts_with("Rebuilt")
            || line.starts_with("Build failed")
        {
            seen += 1;
            if seen > n {
                break;
            }
        }
        if seen == n {
            rest.push_str(line);
            rest.push('\n');
        }
    }
    rest
}

#[test]
fn a_rebuild_prints_one_line_and_only_the_diagnostics_that_are_new() {
    let ws = workspace();
    let running = watch(ws.path());
    let first = running.log();
    // The first build reports everything: the company's two key results
    // have no check-in yet.
    assert_eq!(
        first.matches("warning[stale-checkin]").count(),
        2,
        "{first}"
    );
    assert!(
        first.contains("Checked 2 units in 1 period: 3 warnings."),
        "{first}"
    );

    // A check-in dated after today: one new warning, the old two unprinted.
    let builds = running.builds();
    let future = team("support", "Answer fast").replace("2026-11-20", "2026-12-20");
    write(ws.path(), "teams/support.md", &future);
    running.wait_for_build(builds);
    wait_until(&running, "the new warning", || {
        running.log().contains("warning[future-checkin]")
    });
    let rebuild = after_build(&running.log(), builds + 1);
    let line = rebuild.lines().next().unwrap_or_default();
    assert!(line.starts_with("Rebuilt in "), "{rebuild}");
    assert!(line.contains("(teams/support.md): "), "{rebuild}");
    assert!(line.contains("0 errors, 4 warnings (1 new)."), "{rebuild}");
    assert!(rebuild.contains("teams/support.md:"), "{rebuild}");
    assert!(!rebuild.contains("stale-checkin"), "{rebuild}");
    assert!(!rebuild.contains("uncovered"), "{rebuild}");
    assert!(!rebuild.contains("Checked"), "{rebuild}");

    // Fixed again: nothing new, one gone, and the line is all there is.
    let builds = running.builds();
    write(
        ws.path(),
        "teams/support.md",
        &team("support", "Answer fast"),
    );
    running.wait_for_build(builds);
    std::thread::sleep(std::time::Duration::from_millis(300));
    let rebuild = after_build(&running.log(), builds + 1);
    assert!(
        rebuild.contains("0 errors, 3 warnings (1 gone)."),
        "{rebuild}"
    );
    assert_eq!(rebuild.lines().count(), 1, "{rebuild}");
    running.stop();
}

#[test]
fn quiet_watch_prints_errors_only_and_counts_the_warnings() {
    let ws = workspace();
    let running = Running::start(&["watch", ".", "--today", TODAY, "-q"], ws.path());
    let first = running.log();
    assert!(!first.contains("warning["), "{first}");
    assert!(
        first.contains("Checked 2 units in 1 period: 3 warnings."),
        "{first}"
    );
    let builds = running.builds();
    write(
        ws.path(),
        "teams/support.md",
        "+++\ntitle = \"unclosed\n+++\n",
    );
    running.wait_for_build(builds);
    wait_until(&running, "the error", || {
        running.log().contains("error[parse-error]")
    });
    let log = running.log();
    assert!(!log.contains("warning["), "{log}");
    running.stop();
}

/// Removes a watched workspace as `rm -rf` does, again while it is not yet
/// gone: the first files removed are a change, and the rebuild it starts may
/// write into `public/` while the removal walks the folder (`DirectoryNotEmpty`,
/// seen once under load), as it would for a user in a shell.
fn remove_while_watched(root: &Path) {
    for _ in 0..100 {
        match std::fs::remove_dir_all(root) {
            Ok(()) => return,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => return,
            Err(error) if error.kind() == std::io::ErrorKind::DirectoryNotEmpty => {
                std::thread::sleep(std::time::Duration::from_millis(20));
            }
            Err(error) => panic!("removing {}: {error}", root.display()),
        }
    }
    panic!("{} was still written to after 100 removals", root.display());
}

/// A workspace at `parent/ws`, so that the folder itself can be deleted,
/// made again and swapped.
fn movable_workspace() -> (tempfile::TempDir, std::path::PathBuf) {
    let parent = tempfile::tempdir().unwrap();
    let root = parent.path().join("ws");
    support::copy_dir(workspace().path(), &root);
    (parent, root)
}

#[test]
fn a_workspace_folder_swapped_by_a_rename_is_watched_again_and_rebuilt() {
    let (parent, root) = movable_workspace();
    let running = watch(&root);
    let other = parent.path().join("ws-new");
    support::copy_dir(&root, &other);
    write(
        &other,
        "teams/support.md",
        &team("support", "From the swapped folder"),
    );
    std::fs::rename(&root, parent.path().join("ws-old")).unwrap();
    std::fs::rename(&other, &root).unwrap();
    let page = unit_page(&root.join("public"), "2026-Q4", "support");
    wait_until(&running, "the build of the new folder", || {
        contains(&page, "From the swapped folder")
    });
    assert!(running.log().contains("was replaced"), "{}", running.log());
    // And it is watched: an edit in the new folder is followed.
    write(
        &root,
        "teams/support.md",
        &team("support", "Edited after the swap"),
    );
    wait_until(&running, "the edit in the new folder", || {
        contains(&page, "Edited after the swap")
    });
    running.stop();
}

#[test]
fn a_workspace_folder_deleted_and_made_again_is_watched_again_and_rebuilt() {
    let (parent, root) = movable_workspace();
    let running = watch(&root);
    let saved = parent.path().join("saved");
    support::copy_dir(&root, &saved);
    remove_while_watched(&root);
    wait_until(&running, "the word that the folder is gone", || {
        running.log().contains("is gone")
    });
    assert!(!root.exists(), "okrc made the deleted folder again");
    support::copy_dir(&saved, &root);
    write(
        &root,
        "teams/support.md",
        &team("support", "From the new folder"),
    );
    let page = unit_page(&root.join("public"), "2026-Q4", "support");
    wait_until(&running, "the build of the new folder", || {
        contains(&page, "From the new folder")
    });
    write(
        &root,
        "teams/support.md",
        &team("support", "Edited in the new folder"),
    );
    wait_until(&running, "the edit in the new folder", || {
        contains(&page, "Edited in the new folder")
    });
    running.stop();
}

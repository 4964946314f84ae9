//! The output folder (README "Writing OKRs", "okrc build"): a build deletes only what okrc
//! wrote,
//! carries everything else into the new site and says so, copies
//! `static/`, and cleans up after builds that were killed.

use std::path::Path;
use std::process::Output;

use crate::support::{okrc, run, stderr, workspace};

const TODAY: &str = "2026-10-05";

fn unit(id: &str) -> String {
    format!(
        "+++\nid = \"{id}\"\nperiod = \"2026-Q4\"\n\n[[objectives]]\ntitle = \"Ship\"\nkey_results = [\"Users from 1 to 2\"]\n+++\n"
    )
}

fn build_into(dir: &Path, output: &Path) -> Output {
    let output = run(okrc()
        .current_dir(dir)
        .arg("build")
        .arg(".")
        .arg("-o")
        .arg(output)
        .args(["--today", TODAY]));
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

fn unit_page(site: &Path, id: &str) -> std::path::PathBuf {
    site.join(format!("periods/2026-q4/units/{id}.html"))
}

/// Adds files a user keeps in a published site, and checks they survive
/// a second build, which says so in one line.
fn foreign_files_survive(dir: &Path, site: &Path) {
    build_into(dir, site);
    assert!(unit_page(site, "gone").is_file());
    std::fs::create_dir_all(site.join(".git/objects/ab")).unwrap();
    std::fs::write(site.join(".git/HEAD"), "ref: refs/heads/gh-pages\n").unwrap();
    std::fs::write(site.join(".git/objects/ab/cdef"), "blob").unwrap();
    std::fs::write(site.join("CNAME"), "okrs.example.org\n").unwrap();
    std::fs::write(site.join(".nojekyll"), "").unwrap();
    std::fs::write(site.join("periods/2026-q4/notes.txt"), "mine").unwrap();
    // The unit `gone` is deleted: its page is okrc's and goes too.
    std::fs::remove_file(dir.join("gone.md")).unwrap();
    let output = build_into(dir, site);
    assert_eq!(
        std::fs::read_to_string(site.join(".git/HEAD")).unwrap(),
        "ref: refs/heads/gh-pages\n"
    );
    assert_eq!(
        std::fs::read(site.join(".git/objects/ab/cdef")).unwrap(),
        b"blob"
    );
    assert_eq!(
        std::fs::read_to_string(site.join("CNAME")).unwrap(),
        "okrs.example.org\n"
    );
    assert!(site.join(".nojekyll").is_file());
    assert_eq!(
        std::fs::read(site.join("periods/2026-q4/notes.txt")).unwrap(),
        b"mine"
    );
    assert!(!unit_page(site, "gone").exists(), "okrc's own page stays");
    assert!(unit_page(site, "team").is_file());
    let said = stderr(&output);
    let kept: Vec<&str> = said
        .lines()
        .filter(|l| l.starts_with("kept "))
        .collect::<Vec<_>>();
    assert_eq!(
        kept,
        [
            "kept 5 files in the output folder that okrc did not write: .git/, .nojekyll, CNAME, periods/2026-q4/notes.txt."
        ],
        "{}",
        stderr(&output)
    );
}

#[test]
fn a_build_keeps_files_okrc_did_not_write_in_its_output_folder() {
    let dir = workspace(&[("team.md", &unit("team")), ("gone.md", &unit("gone"))]);
    foreign_files_survive(dir.path(), &dir.path().join("public"));
}

#[test]
fn a_build_keeps_foreign_files_in_an_absolute_output_outside_the_workspace() {
    let dir = workspace(&[("team.md", &unit("team")), ("gone.md", &unit("gone"))]);
    let elsewhere = tempfile::tempdir().unwrap();
    let site = elsewhere.path().join("www/site");
    foreign_files_survive(dir.path(), &site);
}

#[test]
fn the_static_folder_is_copied_into_the_site_without_following_links() {
    let dir = workspace(&[
        ("team.md", &unit("team")),
        ("static/CNAME", "okrs.example.org\n"),
        ("static/.nojekyll", ""),
        ("static/img/logo.svg", "<svg/>"),
        ("static/unit.md", &unit("not-a-unit")),
    ]);
    #[cfg(unix)]
    std::os::unix::fs::symlink("/etc/hostname", dir.path().join("static/host")).unwrap();
    let site = dir.path().join("public");
    let output = build_into(dir.path(), &site);
    assert!(!stderr(&output).contains("kept"), "{}", stderr(&output));
    assert_eq!(
        std::fs::read_to_string(site.join("CNAME")).unwrap(),
        "okrs.example.org\n"
    );
    assert!(site.join(".nojekyll").is_file());
    assert_eq!(std::fs::read(site.join("img/logo.svg")).unwrap(), b"<svg/>");
    assert!(
        std::fs::symlink_metadata(site.join("host")).is_err(),
        "a link in static/ is skipped"
    );
    // A Markdown file in static/ is copied, not read as a unit.
    assert!(site.join("unit.md").is_file());
    assert!(!unit_page(&site, "not-a-unit").exists());
    // A file taken out of static/ was okrc's copy: the next build drops it.
    std::fs::remove_file(dir.path().join("static/CNAME")).unwrap();
    let output = build_into(dir.path(), &site);
    assert!(!site.join("CNAME").exists());
    assert!(!stderr(&output).contains("kept"), "{}", stderr(&output));
}

/// The id of a process that has ended.
fn dead_pid() -> u32 {
    let mut child = std::process::Command::new("true").spawn().unwrap();
    let pid = child.id();
    child.wait().unwrap();
    pid
}

#[test]
fn the_next_build_removes_what_a_killed_build_left_beside_the_site() {
    let dir = workspace(&[("team.md", &unit("team"))]);
    let site = dir.path().join("public");
    build_into(dir.path(), &site);
    // A build killed while writing its fresh folder.
    let pid = dead_pid();
    let fresh = dir.path().join(format!(".public.okrc-new-{pid}"));
    std::fs::create_dir_all(fresh.join("periods")).unwrap();
    std::fs::write(fresh.join(".okrc-site"), "").unwrap();
    std::fs::write(fresh.join("periods/big.html"), vec![b'x'; 1 << 16]).unwrap();
    // Another okrc's folder, still running (this test): left alone.
    let running = dir
        .path()
        .join(format!(".public.okrc-new-{}", std::process::id()));
    std::fs::create_dir(&running).unwrap();
    build_into(dir.path(), &site);
    assert!(!fresh.exists(), "the dead build's folder is removed");
    assert!(running.exists(), "a running build's folder is kept");
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("okrc-"))
        .collect();
    assert_eq!(names, [format!(".public.okrc-new-{}", std::process::id())]);
}

#[test]
fn a_site_moved_aside_by_a_killed_build_is_put_back_with_its_foreign_files() {
    let dir = workspace(&[("team.md", &unit("team"))]);
    let site = dir.path().join("public");
    build_into(dir.path(), &site);
    std::fs::write(site.join("CNAME"), "okrs.example.org\n").unwrap();
    // Killed between moving the last site aside and moving the new one in.
    let aside = dir.path().join(format!(".public.okrc-old-{}", dead_pid()));
    std::fs::rename(&site, &aside).unwrap();
    let output = build_into(dir.path(), &site);
    assert!(!aside.exists());
    assert_eq!(
        std::fs::read_to_string(site.join("CNAME")).unwrap(),
        "okrs.example.org\n"
    );
    assert!(
        stderr(&output)
            .contains("kept 1 file in the output folder that okrc did not write: CNAME.")
    );
}

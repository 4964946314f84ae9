//! `okrc checkin` under concurrency and permissions: parallel check-ins
//! never lose one another, a file replaced meanwhile is not clobbered,
//! owner and mode are kept, a read-only file is refused.

use std::path::Path;
use std::process::{Child, Output, Stdio};

use crate::support::{check_json, epoch_of, okrc, workspace};

const TODAY: &str = "2026-11-27";

/// A unit with 4 objectives of 5 metric key results each.
fn many_key_results() -> tempfile::TempDir {
    let mut unit = String::from("+++\nid = \"team\"\n");
    for o in 1..=4 {
        unit.push_str("\n[[objectives]]\n");
        unit.push_str(&format!("title = \"Objective {o}\"\nkey_results = [\n"));
        for k in 1..=5 {
            unit.push_str(&format!("  \"Metric {o}.{k} from 0 to 100\",\n"));
        }
        unit.push_str("]\n");
    }
    unit.push_str("+++\n\nNotes.\n");
    workspace(&[
        (
            "okrc.toml",
            "period = \"2026-Q4\"\n[rules]\nmax_objectives = 9\nmax_key_results = 9\n",
        ),
        ("team.md", &unit),
    ])
}

fn spawn_checkin(dir: &Path, reference: &str, value: &str) -> Child {
    okrc()
        .current_dir(dir)
        .env("SOURCE_DATE_EPOCH", epoch_of(TODAY))
        .args(["checkin", "team.md", reference, value])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("okrc starts")
}

fn checkin(dir: &Path, reference: &str, value: &str) -> Output {
    spawn_checkin(dir, reference, value)
        .wait_with_output()
        .expect("okrc ends")
}

/// The values checked in, per key result `O.K`, as `check` reads them.
fn checked_in(dir: &Path) -> Vec<(String, Vec<f64>)> {
    let (json, _) = check_json(dir, TODAY);
    let mut out = Vec::new();
    for objective in json["units"][0]["objectives"].as_array().unwrap() {
        for kr in objective["key_results"].as_array().unwrap() {
            let values = kr["checkins"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| c["value"].as_f64().unwrap())
                .collect();
            out.push((
                format!(
                    "{}.{}",
                    objective["id"].as_str().unwrap(),
                    kr["id"].as_str().unwrap()
                ),
                values,
            ));
        }
    }
    out
}

#[test]
fn twenty_parallel_checkins_on_one_file_all_land() {
    let dir = many_key_results();
    let references: Vec<String> = (1..=4)
        .flat_map(|o| (1..=5).map(move |k| format!("O{o}.KR{k}")))
        .collect();
    let children: Vec<Child> = references
        .iter()
        .enumerate()
        .map(|(i, reference)| spawn_checkin(dir.path(), reference, &(i + 1).to_string()))
        .collect();
    for child in children {
        let output = child.wait_with_output().unwrap();
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let landed = checked_in(dir.path());
    assert_eq!(landed.len(), 20);
    for (i, (reference, values)) in landed.iter().enumerate() {
        assert_eq!(reference, &references[i]);
        assert_eq!(values, &vec![(i + 1) as f64], "{reference}");
    }
}

/// Waits (a bounded number of times) until some process waits for a
/// `flock` on `path`, as /proc/locks shows it (a `->` line naming the
/// file's inode as `MAJOR:MINOR:INODE`): other tests, and other programs
/// on the machine, hold and wait for locks of their own meanwhile.
#[cfg(target_os = "linux")]
fn wait_for_a_blocked_flock(path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    let inode = format!(":{} ", std::fs::metadata(path).unwrap().ino());
    for _ in 0..500 {
        let locks = std::fs::read_to_string("/proc/locks").unwrap_or_default();
        if locks
            .lines()
            .any(|l| l.contains("->") && l.contains("FLOCK") && l.contains(&inode))
        {
            return true;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    false
}

#[cfg(target_os = "linux")]
#[test]
fn a_checkin_waits_for_the_lock_and_edits_the_file_saved_meanwhile() {
    let dir = many_key_results();
    let path = dir.path().join("team.md");
    let held = std::fs::File::open(&path).unwrap();
    held.lock().unwrap();
    let child = spawn_checkin(dir.path(), "O2.KR3", "42");
    assert!(
        wait_for_a_blocked_flock(&path),
        "okrc never waited for the lock"
    );
    // An editor saves its version by a rename while okrc waits.
    let text = std::fs::read_to_string(&path).unwrap();
    let saved = text.replace("Notes.", "Notes, saved by an editor.");
    let temp = dir.path().join(".team.md.swp");
    std::fs::write(&temp, &saved).unwrap();
    std::fs::rename(&temp, &path).unwrap();
    held.unlock().unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let now = std::fs::read_to_string(&path).unwrap();
    assert!(now.contains("Notes, saved by an editor."), "{now}");
    let o2kr3 = checked_in(dir.path())
        .into_iter()
        .find(|(r, _)| r == "O2.KR3")
        .unwrap();
    assert_eq!(o2kr3.1, vec![42.0]);
}

#[cfg(unix)]
#[test]
fn a_checkin_keeps_the_owner_group_and_mode_of_the_file() {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    let dir = many_key_results();
    let path = dir.path().join("team.md");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();
    // Another owner, where the test may give one (it runs as root in CI).
    let other = std::os::unix::fs::chown(&path, Some(1234), Some(2345)).is_ok();
    let before = std::fs::metadata(&path).unwrap();
    let output = checkin(dir.path(), "O1.KR1", "5");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let after = std::fs::metadata(&path).unwrap();
    assert_ne!(after.ino(), before.ino(), "the file was replaced");
    assert_eq!(after.mode() & 0o7777, 0o640);
    assert_eq!((after.uid(), after.gid()), (before.uid(), before.gid()));
    if other {
        assert_eq!((after.uid(), after.gid()), (1234, 2345));
    }
}

#[cfg(unix)]
#[test]
fn a_file_without_a_write_bit_is_refused_and_left_alone() {
    use std::os::unix::fs::PermissionsExt;
    let dir = many_key_results();
    let path = dir.path().join("team.md");
    let before = std::fs::read(&path).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o444)).unwrap();
    let output = checkin(dir.path(), "O1.KR1", "5");
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("`team.md` is read-only (mode 0444"),
        "{stderr}"
    );
    assert!(stderr.contains("nothing was written"), "{stderr}");
    assert_eq!(std::fs::read(&path).unwrap(), before);
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        names.iter().all(|n| !n.contains("okrc-checkin")),
        "{names:?}"
    );
}

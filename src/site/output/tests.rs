//! The output folder keeps a user's files safe and swaps sites in whole.
use super::*;
use crate::site::SiteFiles;

/// A temporary workspace `ws` and its output folder `ws/public`.
fn workspace_with_output() -> (tempfile::TempDir, PathBuf, OutputDir) {
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path().join("ws");
    std::fs::create_dir(&ws).unwrap();
    let out = OutputDir::new(&ws, &ws.join("public")).unwrap();
    (dir, ws, out)
}

fn site(pairs: &[(&str, &str)]) -> SiteFiles {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.as_bytes().to_vec()))
        .collect()
}

#[test]
fn site_paths_must_stay_inside_the_output_folder() {
    assert!(checked_relative("periods/q4/index.html").is_ok());
    for bad in [
        "",
        "../x",
        "/etc/passwd",
        "a/../../b",
        "a\\b",
        ".okrc-site",
        "a/./b",
    ] {
        let ok = checked_relative(bad).is_ok();
        // `a/./b` normalizes to plain components, which is harmless.
        assert_eq!(ok, bad == "a/./b", "{bad}");
    }
}

#[test]
fn the_workspace_and_its_parents_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path().join("ws");
    std::fs::create_dir(&ws).unwrap();
    assert!(matches!(
        OutputDir::new(&ws, &ws),
        Err(OutputError::IsWorkspace { .. })
    ));
    assert!(matches!(
        OutputDir::new(&ws, &ws.join("sub/..")),
        Err(OutputError::IsWorkspace { .. })
    ));
    assert!(matches!(
        OutputDir::new(&ws, dir.path()),
        Err(OutputError::ContainsWorkspace { .. })
    ));
    assert!(matches!(
        OutputDir::new(&ws, Path::new("/")),
        Err(OutputError::ContainsWorkspace { .. })
    ));
    assert!(OutputDir::new(&ws, &ws.join("public")).is_ok());
}

#[test]
fn foreign_folders_are_refused_and_empty_or_own_ones_accepted() {
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path().join("ws");
    let out = dir.path().join("out");
    std::fs::create_dir_all(&ws).unwrap();
    std::fs::create_dir_all(&out).unwrap();
    assert!(OutputDir::new(&ws, &out).is_ok(), "empty");
    std::fs::write(out.join("thesis.docx"), "years of work").unwrap();
    assert!(matches!(
        OutputDir::new(&ws, &out),
        Err(OutputError::NotOurs { .. })
    ));
    std::fs::write(out.join(MARKER), "").unwrap();
    assert!(OutputDir::new(&ws, &out).is_ok(), "marked");
    let file = dir.path().join("file.txt");
    std::fs::write(&file, "x").unwrap();
    assert!(matches!(
        OutputDir::new(&ws, &file),
        Err(OutputError::NotAFolder { .. })
    ));
}

#[test]
fn write_all_replaces_the_folder_and_leaves_no_temporary_folders() {
    let (_dir, ws, out) = workspace_with_output();
    out.write_all(&site(&[("index.html", "one"), ("a/b.html", "b")]))
        .unwrap();
    out.write_all(&site(&[("index.html", "two")])).unwrap();
    let public = ws.join("public");
    assert_eq!(
        std::fs::read_to_string(public.join("index.html")).unwrap(),
        "two"
    );
    assert!(!public.join("a").exists(), "old files are gone");
    assert!(public.join(MARKER).is_file());
    let names: Vec<_> = std::fs::read_dir(&ws)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert_eq!(names, ["public"]);
}

/// A folder whose time is a whole second may be on a file system that
/// stamps in seconds, where a file removed in the same second leaves the
/// time as it was: it gets no stamp, so it is read on every rebuild.
#[test]
fn a_folder_stamped_in_whole_seconds_is_never_taken_for_unchanged() {
    let (_dir, ws, out) = workspace_with_output();
    out.write_all(&site(&[("index.html", "i"), ("a/b.html", "b")]))
        .unwrap();
    let folder = ws.join("public/a");
    let set = |time: std::time::SystemTime| {
        std::fs::File::open(&folder)
            .and_then(|dir| dir.set_modified(time))
            .unwrap();
    };
    let whole = std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_700_000_000);
    set(whole);
    assert_eq!(out.stamp("a"), None);
    // The same a moment later: a stamp, which follows the folder's time.
    set(whole + std::time::Duration::from_millis(250));
    let before = out.stamp("a");
    assert!(before.is_some());
    std::fs::write(folder.join("c.html"), "c").unwrap();
    set(whole + std::time::Duration::from_millis(750));
    let after = out.stamp("a");
    assert!(after.is_some());
    assert_ne!(before, after);
}

#[test]
fn has_all_says_what_has_says_of_each_file() {
    let (_dir, ws, out) = workspace_with_output();
    out.write_all(&site(&[
        ("index.html", "i"),
        ("a/b.html", "b"),
        ("a/c.html", "c"),
        ("a/d/e.html", "e"),
    ]))
    .unwrap();
    let public = ws.join("public");
    std::fs::remove_file(public.join("a/c.html")).unwrap();
    // A folder where a page was, a link to a page, a link to nothing.
    std::fs::create_dir(public.join("a/dir.html")).unwrap();
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(public.join("a/b.html"), public.join("a/link.html")).unwrap();
        std::os::unix::fs::symlink(public.join("a/gone.html"), public.join("a/dead.html")).unwrap();
    }
    let names = [
        "index.html",
        "a/b.html",
        "a/c.html",
        "a/d/e.html",
        "a/dir.html",
        "a/link.html",
        "a/dead.html",
        "a/d",
        "nowhere/x.html",
        "../escape.html",
        "a/../index.html",
    ];
    let each: Vec<bool> = names.iter().map(|name| out.has(name)).collect();
    assert_eq!(out.has_all(&names), each);
    assert_eq!(
        each,
        [
            true,
            true,
            false,
            true,
            false,
            cfg!(unix),
            false,
            false,
            false,
            false,
            false
        ]
    );
}

#[test]
fn replace_and_remove_touch_one_file_and_clean_up_empty_folders() {
    let (_dir, ws, out) = workspace_with_output();
    out.write_all(&site(&[("index.html", "one"), ("a/b.html", "b")]))
        .unwrap();
    out.reopen().unwrap();
    out.replace("index.html", b"two").unwrap();
    out.replace("c/d.html", b"d").unwrap();
    out.remove("a/b.html").unwrap();
    out.remove("never/was.html").unwrap();
    let public = ws.join("public");
    assert_eq!(std::fs::read(public.join("index.html")).unwrap(), b"two");
    assert_eq!(std::fs::read(public.join("c/d.html")).unwrap(), b"d");
    assert!(!public.join("a").exists(), "the emptied folder is removed");
    assert!(out.has("index.html") && !out.has("a/b.html"));
    assert!(public.join(MARKER).is_file());
    assert!(out.replace("../escape.html", b"x").is_err());
}

#[test]
fn a_large_file_is_replaced_whole_and_its_old_bytes_let_go_of_later() {
    let (_dir, ws, out) = workspace_with_output();
    let large = |byte: u8| vec![byte; LARGE_FILE as usize + 10];
    out.write_all(&site(&[("okrs.json", "{}")])).unwrap();
    out.reopen().unwrap();
    let public = ws.join("public");
    for (round, byte) in [b'a', b'b', b'c'].into_iter().enumerate() {
        out.replace_with("okrs.json", |w| w.write_all(&large(byte)))
            .unwrap();
        assert_eq!(
            std::fs::read(public.join("okrs.json")).unwrap(),
            large(byte),
            "{round}"
        );
    }
    // The hidden link to the old bytes goes away by itself.
    let leftovers = || {
        std::fs::read_dir(&public)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|name| name.contains("okrc-old") || name.contains("okrc-tmp"))
            .collect::<Vec<_>>()
    };
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    while !leftovers().is_empty() && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    assert_eq!(leftovers(), Vec::<String>::new());
}

#[cfg(unix)]
#[test]
fn a_fresh_site_keeps_unchanged_files_as_links_to_the_last_ones() {
    use std::os::unix::fs::MetadataExt;
    let (_dir, ws, out) = workspace_with_output();
    out.write_all(&site(&[("same.html", "same"), ("changed.html", "old")]))
        .unwrap();
    let public = ws.join("public");
    let inode = |name: &str| std::fs::metadata(public.join(name)).unwrap().ino();
    let (same, changed) = (inode("same.html"), inode("changed.html"));
    let fresh = out.begin().unwrap();
    assert_eq!(fresh.write("same.html", b"same").unwrap(), Placed::Kept);
    assert_eq!(
        fresh.write("changed.html", b"new!").unwrap(),
        Placed::Written
    );
    fresh.commit(&Owned::Everything).unwrap();
    assert_eq!(inode("same.html"), same);
    assert_ne!(inode("changed.html"), changed);
    assert_eq!(std::fs::read(public.join("changed.html")).unwrap(), b"new!");
}

#[test]
fn a_streamed_file_is_written_from_where_it_differs_or_kept() {
    let (_dir, ws, out) = workspace_with_output();
    let old = "0123456789".repeat(1000);
    out.write_all(&site(&[("big.json", &old)])).unwrap();
    for (new, placed) in [
        (old.clone(), Placed::Kept),
        (
            format!("{}X{}", &old[..5000], &old[5001..]),
            Placed::Written,
        ),
        (old[..9000].to_string(), Placed::Written),
        (format!("{old}more"), Placed::Written),
    ] {
        let fresh = out.begin().unwrap();
        let mut file = fresh.stream("big.json").unwrap();
        for chunk in new.as_bytes().chunks(777) {
            std::io::Write::write_all(&mut file, chunk).unwrap();
        }
        assert_eq!(file.finish().unwrap(), placed);
        fresh.commit(&Owned::Everything).unwrap();
        let written = std::fs::read_to_string(ws.join("public/big.json")).unwrap();
        assert!(written == new, "{} bytes", new.len());
        // Back to the first version for the next case.
        out.write_all(&site(&[("big.json", &old)])).unwrap();
    }
}

#[test]
fn a_failed_build_removes_its_fresh_folder_and_keeps_the_old_site() {
    let (_dir, ws, out) = workspace_with_output();
    out.write_all(&site(&[("index.html", "good")])).unwrap();
    {
        let fresh = out.begin().unwrap();
        fresh.write("index.html", b"half").unwrap();
        // Dropped without commit: the build failed.
    }
    assert_eq!(
        std::fs::read(ws.join("public/index.html")).unwrap(),
        b"good"
    );
    let names: Vec<_> = std::fs::read_dir(&ws)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert_eq!(names, ["public"]);
}

//! `okrc build` end to end: the binary on fixture workspaces, checking the
//! files it writes, its exit codes, and that it never loses a user's file.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Output;

use crate::support::{self, build_site, fixture, read_tree, run, stderr};

const TODAY: &str = "2026-11-27";

/// `okrc ARGS` run in `cwd`.
fn okrc(args: &[&str], cwd: &Path) -> Output {
    run(support::okrc().args(args).current_dir(cwd))
}

/// Builds the workspace `ws` into `out`, which must succeed.
fn build_into(ws: &Path, out: &Path, cwd: &Path) {
    let output = okrc(
        &[
            "build",
            ws.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
            "--today",
            TODAY,
        ],
        cwd,
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
}

/// Builds fixture `name` into a fresh temporary folder.
fn build(name: &str) -> (tempfile::TempDir, PathBuf) {
    build_site(&fixture(name), TODAY)
}

fn html_files(root: &Path) -> Vec<(String, String)> {
    read_tree(root)
        .into_iter()
        .filter(|(name, _)| name.ends_with(".html"))
        .map(|(name, bytes)| (name, String::from_utf8(bytes).unwrap()))
        .collect()
}

/// The values of every `attr="..."` inside a tag of an HTML text (text that
/// merely looks like an attribute, such as escaped HTML, does not count).
fn attribute_values<'h>(html: &'h str, attr: &str) -> Vec<&'h str> {
    let needle = format!(" {attr}=\"");
    let mut values = Vec::new();
    for (at, _) in html.match_indices('<') {
        let rest = &html[at + 1..];
        if !rest.starts_with(|c: char| c.is_ascii_alphabetic()) {
            continue;
        }
        let tag = &rest[..rest.find('>').unwrap_or(rest.len())];
        for (found, _) in tag.match_indices(&needle) {
            let start = found + needle.len();
            let end = tag[start..].find('"').unwrap();
            values.push(&tag[start..start + end]);
        }
    }
    values
}

#[test]
fn build_writes_every_page_of_spec_section_6() {
    let (_dir, out) = build("site-basic");
    let files = read_tree(&out);
    for page in [
        "index.html",
        "style.css",
        "okrs.json",
        ".okrc-site",
        "periods/2026-q4/index.html",
        "periods/2026-q4/alignment.html",
        "periods/2026-q4/units/digital.html",
        "periods/2026-q4/units/digital.json",
        "periods/2026-q4/units/mobile.html",
        "periods/2026/units/northwind.html",
        "periods/2026-q3/units/digital.html",
        "periods/2026-q3/scorecard.html",
    ] {
        assert!(
            files.contains_key(page),
            "missing {page}: {:?}",
            files.keys()
        );
    }
    assert!(
        !files.contains_key("periods/2026-q4/scorecard.html"),
        "a running period has no scorecard"
    );
}

#[test]
fn okrs_json_indexes_the_units_and_each_unit_json_is_that_of_check_format_json() {
    let (dir, out) = build("site-basic");
    let check = okrc(
        &[
            "check",
            fixture("site-basic").to_str().unwrap(),
            "--format",
            "json",
            "--today",
            TODAY,
        ],
        dir.path(),
    );
    let check_text = String::from_utf8(check.stdout).unwrap();
    let check: serde_json::Value = serde_json::from_str(&check_text).unwrap();
    let index: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("okrs.json")).unwrap()).unwrap();
    for key in ["version", "today", "periods", "diagnostics"] {
        assert_eq!(index[key], check[key], "{key}");
    }
    let summaries = index["units"].as_array().unwrap();
    let units = check["units"].as_array().unwrap();
    assert_eq!(summaries.len(), units.len());
    for (summary, unit) in summaries.iter().zip(units) {
        for key in [
            "id", "name", "period", "parent", "owners", "draft", "progress", "pace",
        ] {
            assert_eq!(summary[key], unit[key], "{key} of {}", unit["id"]);
        }
        assert!(
            summary.get("objectives").is_none(),
            "a summary, not the unit"
        );
        let href = summary["href"].as_str().unwrap();
        assert!(href.starts_with("periods/"), "relative to the site: {href}");
        assert!(out.join(href).is_file(), "{href}");
        // Beside the page, the unit's object: the very bytes of `check`.
        let json = summary["json"].as_str().unwrap();
        assert_eq!(json, href.replace(".html", ".json"));
        let text = std::fs::read_to_string(out.join(json)).unwrap();
        assert!(check_text.contains(&text), "{json} is not in check's JSON");
        assert_eq!(
            &serde_json::from_str::<serde_json::Value>(&text).unwrap(),
            unit
        );
    }
}

#[test]
fn two_builds_of_the_same_input_are_byte_identical() {
    let (_a, first) = build("site-basic");
    let (_b, second) = build("site-basic");
    assert_eq!(read_tree(&first), read_tree(&second));
    let (_c, hostile_a) = build("site-hostile");
    let (_d, hostile_b) = build("site-hostile");
    assert_eq!(read_tree(&hostile_a), read_tree(&hostile_b));
}

#[test]
fn every_link_is_relative_and_leads_to_a_page_and_anchor_that_exist() {
    let (_dir, out) = build("site-basic");
    let pages = html_files(&out);
    let ids: BTreeMap<&str, Vec<&str>> = pages
        .iter()
        .map(|(name, html)| (name.as_str(), attribute_values(html, "id")))
        .collect();
    for (name, html) in &pages {
        for href in attribute_values(html, "href") {
            if href.starts_with("https://") || href.starts_with("mailto:") {
                continue;
            }
            assert!(!href.starts_with('/'), "{name}: absolute link {href}");
            let (path, fragment) = href.split_once('#').unwrap_or((href, ""));
            let target = if path.is_empty() {
                name.clone()
            } else {
                let joined = Path::new(name).parent().unwrap().join(path);
                let mut parts: Vec<String> = Vec::new();
                for c in joined.components() {
                    match c {
                        std::path::Component::ParentDir => {
                            assert!(parts.pop().is_some(), "{name}: {href} leaves the site");
                        }
                        std::path::Component::Normal(p) => {
                            parts.push(p.to_string_lossy().into_owned())
                        }
                        _ => {}
                    }
                }
                parts.join("/")
            };
            assert!(
                out.join(&target).is_file(),
                "{name}: {href} → {target} does not exist"
            );
            if !fragment.is_empty() && target.ends_with(".html") {
                assert!(
                    ids[target.as_str()].contains(&fragment),
                    "{name}: {href}: no id `{fragment}` in {target}"
                );
            }
        }
    }
}

#[test]
fn hostile_text_is_escaped_and_dangerous_links_and_images_are_dropped() {
    let (_dir, out) = build("site-hostile");
    let pages = html_files(&out);
    assert!(pages.len() >= 5);
    for (name, html) in &pages {
        let lower = html.to_lowercase();
        for raw in [
            "<script",
            "<iframe",
            "<img",
            "<svg onload",
            "<b onclick",
            "<style>",
        ] {
            assert!(!lower.contains(raw), "{name} contains raw {raw}");
        }
        for href in attribute_values(&lower, "href") {
            assert!(
                !href.contains("javascript:") && !href.starts_with("data:"),
                "{name}: dangerous link {href}"
            );
        }
        assert!(
            attribute_values(&lower, "src").is_empty(),
            "{name} loads something"
        );
    }
    let unit = pages
        .iter()
        .find(|(name, html)| name.contains("/units/") && html.contains("tracking pixel"))
        .expect("the unit page");
    assert!(
        unit.1
            .contains("&lt;script&gt;alert(&#x27;body&#x27;)&lt;/script&gt;")
            || unit
                .1
                .contains("&lt;script&gt;alert('body')&lt;/script&gt;"),
        "the body's script is shown as text"
    );
    assert!(
        unit.1
            .contains(r#"<a href="https://tracker.example/pixel.png">tracking pixel</a>"#),
        "an image is a link to it"
    );
    assert!(
        unit.1.contains("plain link"),
        "a dropped link keeps its text"
    );
}

#[test]
fn unit_ids_that_slug_alike_get_distinct_safe_file_names() {
    let (_dir, out) = build("site-hostile");
    let units: Vec<String> = read_tree(&out)
        .into_keys()
        .filter(|name| name.contains("/units/") && name.ends_with(".html"))
        .collect();
    assert_eq!(units.len(), 2, "{units:?}");
    assert_ne!(units[0], units[1]);
    for name in &units {
        let file = name.rsplit('/').next().unwrap();
        assert!(
            file.trim_end_matches(".html")
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
            "{file}"
        );
    }
}

#[test]
fn raw_html_passes_only_when_unsafe_html_is_set() {
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path().join("ws");
    std::fs::create_dir(&ws).unwrap();
    std::fs::write(
        ws.join("okrc.toml"),
        "period = \"2026-Q4\"\nunsafe_html = true\n",
    )
    .unwrap();
    std::fs::write(
        ws.join("team.md"),
        "+++\n[[objectives]]\ntitle = \"T\"\nkey_results = [\"[ ] x\"]\n+++\n\n<mark>highlighted</mark> and [bad](javascript:alert(1))\n",
    )
    .unwrap();
    let output = okrc(&["build", "ws", "--today", TODAY], dir.path());
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let page = std::fs::read_to_string(ws.join("public/periods/2026-q4/units/team.html")).unwrap();
    assert!(page.contains("<mark>highlighted</mark>"));
    assert!(!page.contains("javascript:"), "links are still filtered");
}

#[test]
fn the_dutch_site_speaks_dutch_and_formats_numbers_and_dates_the_dutch_way() {
    let (_dir, out) = build("site-dutch");
    let index = std::fs::read_to_string(out.join("index.html")).unwrap();
    assert!(index.contains(r#"<html lang="nl">"#));
    assert!(index.contains("Vraagt aandacht"), "labels");
    assert!(index.contains("Laatste check-ins"));
    let unit = std::fs::read_to_string(out.join("periods/2026-q4/units/team.html")).unwrap();
    assert!(unit.contains("7,6"), "decimal comma");
    assert!(unit.contains("€\u{a0}101.500,5"), "grouping and currency");
    assert!(unit.contains("12\u{a0}okt 2026"), "Dutch month names");
    // Confidence in the files' three levels, in Dutch, always labelled.
    assert!(
        unit.contains(r#"confidence-at-risk">Vertrouwen: risico</span>"#),
        "confidence in words"
    );
    assert!(!unit.contains(">Progress<") && !unit.contains("Key results"));
}

#[test]
fn a_workspace_with_errors_exits_1_and_leaves_the_last_good_site_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("site");
    let good = okrc(
        &[
            "build",
            fixture("site-basic").to_str().unwrap(),
            "-o",
            "site",
            "--today",
            TODAY,
        ],
        dir.path(),
    );
    assert_eq!(good.status.code(), Some(0));
    let before = read_tree(&out);
    let bad = okrc(
        &[
            "build",
            fixture("site-broken").to_str().unwrap(),
            "-o",
            "site",
            "--today",
            TODAY,
        ],
        dir.path(),
    );
    assert_eq!(bad.status.code(), Some(1));
    assert!(stderr(&bad).contains("unknown-field"), "{}", stderr(&bad));
    assert!(stderr(&bad).contains("is unchanged"), "{}", stderr(&bad));
    assert_eq!(read_tree(&out), before);
}

#[test]
fn deny_warnings_fails_the_build_and_keeps_the_old_site() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("site");
    std::fs::create_dir(&out).unwrap();
    std::fs::write(out.join(".okrc-site"), "").unwrap();
    std::fs::write(out.join("index.html"), "old").unwrap();
    let output = okrc(
        &[
            "build",
            fixture("site-basic").to_str().unwrap(),
            "-o",
            "site",
            "--today",
            TODAY,
            "--deny-warnings",
        ],
        dir.path(),
    );
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        std::fs::read_to_string(out.join("index.html")).unwrap(),
        "old"
    );
}

/// Copies a fixture into a temporary folder, to point `-o` around it.
fn workspace_copy(name: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (rel, bytes) in read_tree(&fixture(name)) {
        let path = dir.path().join("ws").join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bytes).unwrap();
    }
    dir
}

#[test]
fn the_workspace_itself_is_refused_as_output_with_exit_2() {
    let dir = workspace_copy("site-basic");
    let ws = dir.path().join("ws");
    let before = read_tree(dir.path());
    let output = okrc(&["build", ".", "-o", ".", "--today", TODAY], &ws);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("it is the workspace itself"),
        "{}",
        stderr(&output)
    );
    assert_eq!(read_tree(dir.path()), before, "nothing changed");
}

#[test]
fn a_parent_of_the_workspace_is_refused_as_output_with_exit_2() {
    let dir = workspace_copy("site-basic");
    let ws = dir.path().join("ws");
    let before = read_tree(dir.path());
    let output = okrc(&["build", ".", "-o", "..", "--today", TODAY], &ws);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("it contains the workspace"),
        "{}",
        stderr(&output)
    );
    assert_eq!(read_tree(dir.path()), before, "nothing changed");
}

#[test]
fn a_non_empty_folder_okrc_did_not_create_is_refused_and_kept() {
    let dir = workspace_copy("site-basic");
    let docs = dir.path().join("docs");
    std::fs::create_dir(&docs).unwrap();
    std::fs::write(docs.join("thesis.md"), "years of work").unwrap();
    let output = okrc(&["build", "ws", "-o", "docs", "--today", TODAY], dir.path());
    assert_eq!(output.status.code(), Some(2));
    let message = stderr(&output);
    assert!(message.contains("okrc did not create it"), "{message}");
    assert!(message.contains("docs"), "{message}");
    assert_eq!(
        std::fs::read_to_string(docs.join("thesis.md")).unwrap(),
        "years of work"
    );
    assert_eq!(std::fs::read_dir(&docs).unwrap().count(), 1);
}

#[test]
fn an_output_folder_that_is_a_symbolic_link_is_refused_and_left_as_it_is() {
    let dir = workspace_copy("site-basic");
    // A site okrc built, and a link to it: a build would replace the link
    // with a folder, or write through it.
    build_into(&dir.path().join("ws"), &dir.path().join("real"), dir.path());
    std::os::unix::fs::symlink("real", dir.path().join("site")).unwrap();
    let before = read_tree(dir.path());
    let output = okrc(&["build", "ws", "-o", "site", "--today", TODAY], dir.path());
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    let message = stderr(&output);
    assert!(message.contains("it is a symbolic link"), "{message}");
    assert!(message.contains("site"), "{message}");
    let link = std::fs::symlink_metadata(dir.path().join("site")).unwrap();
    assert!(link.file_type().is_symlink(), "the link is still a link");
    assert_eq!(read_tree(dir.path()), before, "nothing changed");
}

#[test]
fn the_default_output_is_okrc_toml_output_inside_the_workspace_and_rebuilds_replace_it() {
    let dir = workspace_copy("site-basic");
    let ws = dir.path().join("ws");
    for _ in 0..2 {
        let output = okrc(&["build", "ws", "--today", TODAY], dir.path());
        assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    }
    assert!(ws.join("public/index.html").is_file());
    let siblings: Vec<String> = std::fs::read_dir(&ws)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.starts_with(".public"))
        .collect();
    assert!(
        siblings.is_empty(),
        "no temporary folders left: {siblings:?}"
    );
}

#[test]
fn a_template_in_the_workspace_replaces_the_built_in_one() {
    let dir = workspace_copy("site-basic");
    let templates = dir.path().join("ws/templates");
    std::fs::create_dir(&templates).unwrap();
    std::fs::write(
        templates.join("unit.html"),
        "{% extends \"base.html\" %}{% block content %}<p id=\"custom\">{{ unit.name }} has {{ unit.objectives|length }} objectives, {{ unit.progress|percent }}; {{ model.units|length }} units in okrs.json</p>{% endblock %}",
    )
    .unwrap();
    let output = okrc(&["build", "ws", "--today", TODAY], dir.path());
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let page = std::fs::read_to_string(
        dir.path()
            .join("ws/public/periods/2026-q4/units/digital.html"),
    )
    .unwrap();
    assert!(
        page.contains(
            r#"<p id="custom">Digital Channels has 2 objectives, 20%; 4 units in okrs.json</p>"#
        ),
        "{page}"
    );
}

#[test]
fn a_broken_template_fails_the_build_with_its_name_and_line() {
    let dir = workspace_copy("site-basic");
    let templates = dir.path().join("ws/templates");
    std::fs::create_dir(&templates).unwrap();
    std::fs::write(templates.join("index.html"), "line one\n{% if %}\n").unwrap();
    let output = okrc(&["build", "ws", "--today", TODAY], dir.path());
    assert_eq!(output.status.code(), Some(1));
    let message = stderr(&output);
    assert!(message.contains("index.html"), "{message}");
    assert!(
        message.contains("line 2") || message.contains(":2"),
        "{message}"
    );
    assert!(!dir.path().join("ws/public").exists());
}

#[test]
fn an_empty_workspace_builds_a_site_that_says_so() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("ws")).unwrap();
    let output = okrc(&["build", "ws", "--today", TODAY], dir.path());
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("Built 1 page "),
        "{}",
        stderr(&output)
    );
    let index = std::fs::read_to_string(dir.path().join("ws/public/index.html")).unwrap();
    assert!(index.contains("No periods yet"));
}

/// The inode of every file below `root`: a file kept by a rebuild is the
/// last site's file linked into the new one, not a copy.
fn inodes(root: &Path) -> BTreeMap<String, u64> {
    use std::os::unix::fs::MetadataExt;
    walkdir::WalkDir::new(root)
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let name = e.path().strip_prefix(root).unwrap().to_string_lossy();
            (name.into_owned(), e.metadata().unwrap().ino())
        })
        .collect()
}

#[test]
fn a_rebuild_keeps_unchanged_pages_and_writes_what_a_build_from_scratch_does() {
    let dir = workspace_copy("site-basic");
    let ws = dir.path().join("ws");
    let site = dir.path().join("site");
    let build_into = |out: &Path| build_into(&ws, out, dir.path());
    // What a build from scratch writes, into a folder used once.
    let scratch = |name: &str| {
        let out = dir.path().join(name);
        build_into(&out);
        read_tree(&out)
    };
    build_into(&site);
    assert!(
        site.join(".okrc-pages").is_file(),
        "the build leaves its manifest"
    );

    // Nothing changed: every file is kept, none written again.
    let before = inodes(&site);
    build_into(&site);
    let after = inodes(&site);
    let marker_and_manifest = [".okrc-site", ".okrc-pages"];
    for (name, inode) in &before {
        if !marker_and_manifest.contains(&name.as_str()) {
            assert_eq!(after.get(name), Some(inode), "{name} was written again");
        }
    }
    assert_eq!(read_tree(&site), scratch("scratch-1"));

    // One unit's notes change: its page and JSON are written, a page
    // of another period is kept, and the site equals a build from scratch.
    let mobile = ws.join("teams/mobile.md");
    let text = std::fs::read_to_string(&mobile).unwrap();
    std::fs::write(
        &mobile,
        format!("{text}\nA note added for the rebuild test.\n"),
    )
    .unwrap();
    let before = inodes(&site);
    build_into(&site);
    let after = inodes(&site);
    let mobile_page = "periods/2026-q4/units/mobile.html";
    let other_period = "periods/2026-q3/units/digital.html";
    assert_ne!(after[mobile_page], before[mobile_page]);
    assert_ne!(
        after["periods/2026-q4/units/mobile.json"],
        before["periods/2026-q4/units/mobile.json"]
    );
    assert_eq!(
        after["periods/2026-q4/units/digital.json"],
        before["periods/2026-q4/units/digital.json"]
    );
    assert_eq!(after[other_period], before[other_period]);
    let tree = read_tree(&site);
    assert!(
        String::from_utf8_lossy(&tree[mobile_page]).contains("A note added for the rebuild test.")
    );
    assert_eq!(tree, scratch("scratch-2"));

    // A page changed in the output behind okrc's back, and a damaged
    // manifest: the next build still writes exactly what a fresh one does.
    std::fs::write(site.join(other_period), "changed by hand").unwrap();
    build_into(&site);
    assert_eq!(read_tree(&site), scratch("scratch-3"));
    std::fs::write(site.join(".okrc-pages"), "okrc-pages 1 garbage\npage x").unwrap();
    std::fs::write(site.join(mobile_page), "").unwrap();
    build_into(&site);
    assert_eq!(read_tree(&site), scratch("scratch-4"));
}

/// Builds a workspace of `files` at `today` and returns the page `page`.
fn page_of(files: &[(&str, &str)], today: &str, page: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path().join("ws");
    for (path, contents) in files {
        let path = ws.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, contents).unwrap();
    }
    let out = dir.path().join("site");
    let output = okrc(
        &[
            "build",
            ws.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
            "--today",
            today,
        ],
        dir.path(),
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    std::fs::read_to_string(out.join(page)).unwrap()
}

/// A milestone the file marks done, with an older check-in saying not
/// done: its bar and its sparkline both read 100%.
#[test]
fn a_sparkline_ends_where_the_bar_is() {
    let page = page_of(
        &[(
            "team.md",
            "+++\nperiod = \"2026-Q4\"\n[[objectives]]\ntitle = \"T\"\nkey_results = [\n  { title = \"Done in the file\", done = true, checkins = [ { date = 2026-10-12, done = false } ] },\n]\n+++\n",
        )],
        "2026-10-31",
        "periods/2026-q4/units/team.html",
    );
    assert!(page.contains("Progress from 100% to 100%"), "{page}");
    assert!(!page.contains("Progress from 0%"), "{page}");
}

#[test]
fn a_pending_milestone_reads_due_and_its_date() {
    let page = page_of(
        &[(
            "team.md",
            "+++\nperiod = \"2026-Q4\"\n[[objectives]]\ntitle = \"T\"\nkey_results = [\"[ ] Migrate\"]\n+++\n",
        )],
        "2026-10-31",
        "periods/2026-q4/units/team.html",
    );
    assert!(
        page.contains("<span class=\"badge pace-pending\">Due 31\u{a0}Dec 2026</span>"),
        "{page}"
    );
}

#[test]
fn the_alignment_map_says_the_pace_in_words_and_colours_bars_at_zero() {
    let (_dir, out) = build("site-basic");
    let map = std::fs::read_to_string(out.join("periods/2026-q4/alignment.html")).unwrap();
    // Every bar's pace is also a word beside it, not only a colour.
    let bars = map.matches(r#"<span class="progress "#).count();
    let words = map.matches(r#"<span class="badge pace-"#).count();
    assert!(bars > 0, "{map}");
    assert_eq!(bars, words, "one pace word per bar");
    // A bar's track is tinted by its pace, so 0 % shows its colour too.
    assert!(!map.contains(r#"<span class="progress" "#), "{map}");
    assert!(map.contains(r#"<span class="progress on-track" "#), "{map}");
}

#[test]
fn phones_see_the_key_figures_before_the_mission_vision_and_strategy() {
    let (_dir, out) = build("site-basic");
    let index = std::fs::read_to_string(out.join("index.html")).unwrap();
    let figures = index.find(r#"<ul class="stats">"#).expect("key figures");
    let statements = index
        .find(r#"<section class="statements""#)
        .expect("a mission, vision or strategy");
    // Document order is what a narrow screen shows; wide screens reorder.
    assert!(figures < statements);
}

#[test]
fn numbers_are_readable_at_any_size_and_in_the_key_results_style() {
    let page = page_of(
        &[(
            "team.md",
            "+++\nperiod = \"2026-Q4\"\n[[objectives]]\ntitle = \"T\"\nkey_results = [\n  { title = \"Huge\", from = 0, to = 1e308, checkins = [ { date = 2026-10-05, value = 1e307 } ] },\n  { kr = \"Doorlooptijd van 2,5 dagen naar 1,25 dagen\", checkins = [ { date = 2026-10-05, value = 2.125 } ] },\n]\n+++\n",
        )],
        "2026-10-31",
        "periods/2026-q4/units/team.html",
    );
    assert!(page.contains(">1e308<"), "{page}");
    assert!(page.contains(">1e307<"), "{page}");
    assert!(!page.contains("00000000000000000000"), "{page}");
    // The Dutch key result in an English site: its own style.
    assert!(page.contains(">1,25\u{a0}dagen<"), "{page}");
    assert!(page.contains(">2,12\u{a0}dagen<"), "{page}");
}

/// The `<text>` elements of every chart in `page`: anchor, x, y and text.
fn chart_texts(page: &str) -> Vec<(String, f64, f64, String)> {
    let mut texts = Vec::new();
    for chart in page.split(r#"<svg class="chart""#).skip(1) {
        let chart = &chart[..chart.find("</svg>").expect("a closed chart")];
        for element in chart.split("<text").skip(1) {
            let attribute = |name: &str| -> Option<String> {
                let start = element.find(&format!(" {name}=\""))? + name.len() + 3;
                let end = element[start..].find('"')?;
                Some(element[start..start + end].to_string())
            };
            let number = |name: &str| attribute(name).unwrap().parse::<f64>().unwrap();
            let open = element.find('>').unwrap();
            let close = element.find("</text>").unwrap();
            let text = element[open + 1..close]
                .replace("&amp;", "&")
                .replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&quot;", "\"")
                .replace("&#39;", "'");
            let anchor = match attribute("class").as_deref() {
                Some("y" | "e") => "end",
                _ => "start",
            };
            texts.push((anchor.to_string(), number("x"), number("y"), text));
        }
    }
    texts
}

#[test]
fn chart_axis_labels_are_never_clipped_at_any_unit_length_in_either_language() {
    let units = [
        "",
        "%",
        "€",
        "ms",
        "dagen",
        "per engineer per month",
        "tickets answered within one working day per support engineer per month",
        "Donaudampfschifffahrtsgesellschaftskapitänsmützenhalterungsvorrichtungen",
    ];
    for (language, from, to) in [("en", "1.25", "10"), ("nl", "1.25", "1250000")] {
        let mut krs = String::new();
        for (i, unit) in units.iter().enumerate() {
            krs.push_str(&format!(
                "  {{ title = \"Measure {i}\", from = {from}, to = {to}, unit = \"{unit}\", checkins = [{{ date = 2026-11-01, value = 5 }}] }},\n"
            ));
        }
        let ws = tempfile::tempdir().unwrap();
        std::fs::write(
            ws.path().join("okrc.toml"),
            format!("language = \"{language}\"\nperiod = \"2026-Q4\"\n"),
        )
        .unwrap();
        std::fs::write(
            ws.path().join("team.md"),
            format!("+++\nid = \"team\"\n[[objectives]]\ntitle = \"Units\"\nkey_results = [\n{krs}]\n+++\n"),
        )
        .unwrap();
        let out = ws.path().join("public");
        build_into(ws.path(), &out, ws.path());
        let page = std::fs::read_to_string(out.join("periods/2026-q4/units/team.html")).unwrap();
        let texts = chart_texts(&page);
        assert!(texts.len() >= 4 * units.len(), "{language}: {texts:?}");
        // The viewBox is 0 0 360 140 and scales with the page (375 px or
        // 1280 px alike), so what fits it fits every width.
        for (anchor, x, y, text) in &texts {
            let width = okrc::site::svg::text_width(text);
            let (left, right) = match anchor.as_str() {
                "end" => (x - width, *x),
                _ => (*x, x + width),
            };
            assert!(
                left >= 0.0 && right <= 360.0 && *y >= 5.0 && *y <= 140.0,
                "{language}: `{text}` spans {left}..{right} at y {y}"
            );
        }
        // A long unit is written once, above the axis, and still whole.
        let title: String = texts
            .iter()
            .filter(|(_, x, ..)| *x == 0.0)
            .map(|(.., text)| text.as_str())
            .collect::<Vec<_>>()
            .join(" ");
        assert!(title.contains("per engineer per month"), "{title}");
    }
}

#[test]
fn dashboards_show_the_whole_unit_tree_ordered_by_name_with_deep_levels_folded() {
    // company > Zeta division > Alpha department > Beta team > Gamma squad,
    // and a second department that sorts before the first by name.
    let unit = |id: &str, name: &str, parent: Option<&str>| {
        let parent = parent.map_or(String::new(), |p| format!("parent = \"{p}\"\n"));
        let aligns = if parent.is_empty() {
            ""
        } else {
            "aligns_to = \"O1\"\n"
        };
        format!(
            "+++\nid = \"{id}\"\nname = \"{name}\"\n{parent}[[objectives]]\ntitle = \"Grow\"\n{aligns}key_results = [\"Users from 0 to 10\"]\n+++\n"
        )
    };
    let ws = tempfile::tempdir().unwrap();
    let files = [
        ("company.md", unit("company", "Company", None)),
        (
            "division.md",
            unit("division", "Zeta division", Some("company")),
        ),
        (
            "dept-a.md",
            unit("dept-a", "Alpha department", Some("division")),
        ),
        (
            "dept-0.md",
            unit("dept-0", "Aardvark department", Some("division")),
        ),
        ("team.md", unit("team", "Beta team", Some("dept-a"))),
        ("squad.md", unit("squad", "Gamma squad", Some("team"))),
    ];
    std::fs::write(ws.path().join("okrc.toml"), "period = \"2026-Q4\"\n").unwrap();
    for (path, text) in &files {
        std::fs::write(ws.path().join(path), text).unwrap();
    }
    let out = ws.path().join("public");
    build_into(ws.path(), &out, ws.path());
    for page in ["index.html", "periods/2026-q4/index.html"] {
        let html = std::fs::read_to_string(out.join(page)).unwrap();
        let tree = &html[html.find(r#"<ul class="tree">"#).expect("a tree")..];
        let tree = &tree[..tree.find("</section>").unwrap()];
        let at = |name: &str| {
            tree.find(&format!(">{name}</a>"))
                .unwrap_or_else(|| panic!("{page}: {name} missing from {tree}"))
        };
        // Every unit is there, linked, and siblings are ordered by name.
        assert!(at("Company") < at("Zeta division"));
        assert!(at("Aardvark department") < at("Alpha department"));
        assert!(at("Alpha department") < at("Beta team"));
        assert!(at("Beta team") < at("Gamma squad"));
        assert!(
            !tree.contains("more unit"),
            "{page}: nothing is counted away"
        );
        // The fourth level and below are folded; the first three are not.
        let fold = tree.find(r#"<details class="tree-fold">"#).expect("a fold");
        assert!(
            at("Alpha department") < fold && fold < at("Beta team"),
            "{tree}"
        );
        assert_eq!(tree.matches("<details").count(), 2, "{tree}");
        assert_eq!(
            tree.matches("<details").count(),
            tree.matches("</details>").count()
        );
        assert!(tree.contains("<summary>2 units below</summary>"), "{tree}");
        // Unit bars are coloured by pace and mark the expected progress.
        assert!(!tree.contains(r#"<span class="progress" "#), "{tree}");
        assert!(tree.contains(";--x:"), "{tree}");
    }
}

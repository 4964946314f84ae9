//! The rows that `unit_tree(tree)` and `change_rows(changes)` write in Rust
//! are byte for byte what the template code they replace wrote: each
//! fixture is built with the built-in templates and again with the
//! templates of before (`tests/fixtures/old-templates/`: the overview and a
//! period's dashboard calling the `tree` macro, the changes page looping
//! over `changes`), as a user's own templates in the workspace; every page
//! must come out the same. That the old templates still build also shows
//! that the lists stay available to templates.

use std::path::Path;

use crate::support::{build_site, copy_dir, fixture, root};

const TODAY: &str = "2026-11-27";

/// Every `.html` file under `dir`, by path relative to it.
fn pages(dir: &Path) -> std::collections::BTreeMap<String, String> {
    let mut found = std::collections::BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(folder) = stack.pop() {
        for entry in std::fs::read_dir(&folder).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "html") {
                let name = path.strip_prefix(dir).unwrap().display().to_string();
                found.insert(name, std::fs::read_to_string(&path).unwrap());
            }
        }
    }
    found
}

/// Builds `workspace` with the built-in templates and with the old ones;
/// asserts every page is the same and returns the pages.
fn same_with_old_templates(
    workspace: &Path,
    dutch: bool,
) -> std::collections::BTreeMap<String, String> {
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path().join("ws");
    copy_dir(workspace, &ws);
    if dutch {
        let config = ws.join("okrc.toml");
        let text = std::fs::read_to_string(&config).unwrap();
        std::fs::write(&config, format!("language = \"nl\"\n{text}")).unwrap();
    }
    let (_new_dir, new_site) = build_site(&ws, TODAY);
    let templates = ws.join("templates");
    std::fs::create_dir(&templates).unwrap();
    for name in ["changes.html", "index.html", "period.html"] {
        std::fs::copy(
            root().join("tests/fixtures/old-templates").join(name),
            templates.join(name),
        )
        .unwrap();
    }
    let (_old_dir, old_site) = build_site(&ws, TODAY);
    let new = pages(&new_site);
    let old = pages(&old_site);
    assert_eq!(
        new.keys().collect::<Vec<_>>(),
        old.keys().collect::<Vec<_>>()
    );
    for (name, page) in &new {
        if page != &old[name] {
            let at = page
                .bytes()
                .zip(old[name].bytes())
                .position(|(a, b)| a != b)
                .unwrap_or(page.len().min(old[name].len()));
            let from = at.saturating_sub(200);
            panic!(
                "{} {name} differs at byte {at}:\nnew: {:?}\nold: {:?}",
                workspace.display(),
                &page.get(from..(at + 200).min(page.len())),
                &old[name].get(from..(at + 200).min(old[name].len())),
            );
        }
    }
    new
}

/// All pages of all the cases, one string, to check the cases are there.
fn all(pages: &std::collections::BTreeMap<String, String>) -> String {
    pages.values().cloned().collect()
}

#[test]
fn the_changes_rows_are_what_the_template_loop_wrote() {
    // Check-ins with notes in the week (with markup to escape), metrics
    // with a unit, milestones (pending), values and confidence missing a
    // week ago, pace moving, in English and in Dutch.
    for (name, dutch) in [
        ("report", false),
        ("report", true),
        ("site-rows", false),
        ("site-rows", true),
    ] {
        let pages = same_with_old_templates(&fixture(name), dutch);
        let changes = pages
            .iter()
            .find(|(name, _)| name.contains("changes"))
            .map(|(_, page)| page.clone())
            .expect("a changes page");
        assert!(changes.contains("<p class=\"note\">"), "{changes}");
        assert!(changes.contains(" → "), "{changes}");
        assert!(changes.contains("class=\"badge"), "{changes}");
        assert_eq!(
            changes.contains("Klaar") || changes.contains("Niet klaar"),
            dutch,
            "{name}: {changes}"
        );
        if name == "site-rows" {
            for case in ["&lt;b&gt;", "– → ", "pace-pending", "km&#x2f;h → "] {
                assert!(changes.contains(case), "no {case} in:\n{changes}");
            }
            // A Dutch key result's values read in its own style on an
            // English site too, as on its unit page and in `okrc report`;
            // so do the latest check-ins on the overview.
            assert!(
                changes.contains("1.400\u{a0}per maand → 1.500\u{a0}per maand"),
                "{changes}"
            );
            let overview = &pages["index.html"];
            assert!(overview.contains(">1.500\u{a0}per maand<"), "{overview}");
        }
    }
}

#[test]
fn the_unit_tree_is_what_the_tree_macro_wrote() {
    // Folded levels below the third, drafts, owners, other periods,
    // markup to escape, Dutch, pending milestones.
    let mut text = String::new();
    for name in [
        "site-deep",
        "report",
        "site-hostile",
        "site-dutch",
        "milestone-pace",
        "status",
    ] {
        text.push_str(&all(&same_with_old_templates(&fixture(name), false)));
    }
    text.push_str(&all(&same_with_old_templates(
        &root().join("sample-okrs"),
        false,
    )));
    for case in [
        "tree-fold",
        "tag-draft",
        "class=\"owners\"",
        "&lt;",
        "eronder",
    ] {
        assert!(text.contains(case), "no {case} among the fixtures' pages");
    }
}

//! The changes of a week in pages (`changes.html`, `changes-2.html`, …):
//! a kept cache renders what a fresh one does, byte for byte, and a save
//! rewrites only the pages whose bytes changed.

use std::path::Path;
use std::time::{Duration, SystemTime};

use super::tests::{
    assert_same_site, compile_on, copy_workspace, edit, fresh_build, output_in, tree,
};
use super::*;

const CHANGES: &str = "periods/2026-q4/changes";

/// The fixture whose 1,200 key results all moved this week: two pages.
fn copy_fixture(to: &Path) {
    copy_workspace("tests/fixtures/site-many-changes", to);
}

/// The changes pages in `site`, first page first.
fn changes_pages(site: &Path) -> Vec<String> {
    (1..)
        .map(|n| {
            if n == 1 {
                format!("{CHANGES}.html")
            } else {
                format!("{CHANGES}-{n}.html")
            }
        })
        .take_while(|page| site.join(page).is_file())
        .collect()
}

/// A time long before any build: a page that still has it was not written.
fn long_ago() -> SystemTime {
    SystemTime::UNIX_EPOCH + Duration::from_secs(86_400)
}

#[test]
fn a_save_rewrites_only_the_changes_pages_whose_bytes_changed() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    copy_fixture(root);
    let compile = || compile_on(root, "2026-11-27");
    let templates = Templates::builtin().unwrap();
    let sites = tempfile::tempdir().unwrap();
    let output = output_in(sites.path(), "kept");
    let mut cache = SiteCache::default();
    let (model, config) = compile();
    cache
        .build(Arc::clone(&model), &config, &templates, &output, &|_| {})
        .unwrap();
    assert_eq!(changes_pages(output.path()).len(), 2);
    type Step = (&'static str, Box<dyn Fn(&Path)>);
    let steps: Vec<Step> = vec![
        // A note of a team whose rows are all on the second page: its row
        // changes where it is.
        (
            "teams/team-48.md",
            Box::new(|r| {
                edit(
                    r,
                    "teams/team-48.md",
                    "note = \"Week 48.5.5\"",
                    "note = \"Week 48.5.5, <late>\"",
                )
            }),
        ),
        // The biggest move of all, from the second page: its row goes to
        // the top of the first, whose last row goes to the second.
        (
            "teams/team-45.md",
            Box::new(|r| {
                edit(
                    r,
                    "teams/team-45.md",
                    "value = 40, note = \"Week 45.1.1\"",
                    "value = 100, note = \"Week 45.1.1\"",
                )
            }),
        ),
        // A note of a team whose rows are all on the first page.
        (
            "teams/team-02.md",
            Box::new(|r| {
                edit(
                    r,
                    "teams/team-02.md",
                    "note = \"Week 2.1.1\"",
                    "note = \"Week 2.1.1 again\"",
                )
            }),
        ),
        // Nine teams go: 975 changes, one page; `changes-2.html` goes too.
        (
            "teams/team-40.md",
            Box::new(|r| {
                for t in 40..=48 {
                    std::fs::remove_file(r.join(format!("teams/team-{t:02}.md"))).unwrap();
                }
            }),
        ),
    ];
    let (mut kept_some, mut wrote_some) = (false, false);
    // Each changes page's fingerprint, as the cache recorded it: the same
    // after a build means the page was not rendered again.
    let fingerprints = |cache: &SiteCache, site: &Path| -> Vec<Option<u64>> {
        changes_pages(site)
            .iter()
            .map(|page| cache.pages.get(page).map(|record| record.fingerprint))
            .collect()
    };
    for (i, (file, step)) in steps.iter().enumerate() {
        let before = tree(output.path());
        let printed = fingerprints(&cache, output.path());
        for page in changes_pages(output.path()) {
            let file = std::fs::File::options()
                .write(true)
                .open(output.path().join(&page))
                .unwrap();
            file.set_modified(long_ago()).unwrap();
        }
        step(root);
        let (model, config) = compile();
        cache.paint_first([(*file).into()]);
        let built = cache
            .build(Arc::clone(&model), &config, &templates, &output, &|_| {})
            .unwrap();
        let fresh = sites.path().join(format!("fresh-{i}"));
        fresh_build(&fresh, &model, &config, &templates);
        cache.write_manifest(&output).unwrap();
        assert_same_site(output.path(), &fresh, &format!("step {i}"));
        let after = tree(output.path());
        for page in changes_pages(output.path()) {
            let changed = before.get(&page) != after.get(&page);
            let modified = std::fs::metadata(output.path().join(&page))
                .unwrap()
                .modified()
                .unwrap();
            assert_eq!(modified != long_ago(), changed, "step {i}: {page}");
            kept_some |= !changed;
            wrote_some |= changed;
        }
        let unrendered = printed
            .iter()
            .zip(fingerprints(&cache, output.path()))
            .filter(|(a, b)| **a == *b)
            .count();
        // A note changes the rows of one unit: the page without any of them
        // is not rendered again. The biggest move moves rows on both.
        assert_eq!(unrendered > 0, i == 0 || i == 2, "step {i}");
        if i < 3 {
            // The other rows of the pages are spliced from the last
            // render's, made once for both pages.
            assert_eq!(changes_pages(output.path()).len(), 2, "step {i}");
            assert!(
                0 < built.pieces && built.pieces <= 8,
                "step {i}: {} pieces made",
                built.pieces
            );
        } else {
            assert_eq!(changes_pages(output.path()).len(), 1, "step {i}");
            assert!(built.removed > 0, "step {i}");
        }
    }
    assert!(kept_some && wrote_some, "a page kept and a page written");
}

/// A new day changes every page's figures, and may list fewer pages: a
/// kept cache's site the next day has what a fresh build has, and nothing
/// more — the changes page whose rows fell out of the week is removed.
#[test]
fn a_new_day_removes_the_changes_pages_that_went() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    copy_fixture(root);
    let compile = |day| compile_on(root, day);
    let templates = Templates::builtin().unwrap();
    let sites = tempfile::tempdir().unwrap();
    let output = output_in(sites.path(), "kept");
    let mut cache = SiteCache::default();
    let (model, config) = compile("2026-11-27");
    cache
        .build(Arc::clone(&model), &config, &templates, &output, &|_| {})
        .unwrap();
    assert_eq!(changes_pages(output.path()).len(), 2);
    // Five days on, the check-ins of that week are out of the window.
    let (model, config) = compile("2026-12-02");
    let built = cache
        .build(Arc::clone(&model), &config, &templates, &output, &|_| {})
        .unwrap();
    cache.write_manifest(&output).unwrap();
    let fresh = sites.path().join("fresh");
    fresh_build(&fresh, &model, &config, &templates);
    assert_same_site(output.path(), &fresh, "the next day");
    assert_eq!(changes_pages(output.path()).len(), 1);
    assert!(built.removed > 0);
}

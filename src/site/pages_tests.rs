//! A render that keeps the last render's alignment maps lists the pages a
//! fresh render does, after every kind of save that changes the list.

use std::path::Path;
use std::sync::Arc;

use super::SiteRender;
use crate::config::Config;
use crate::model::Model;
use crate::period::parse_date;
use crate::workspace::Workspace;

/// A unit file: `key_results` key results under one objective.
fn unit(root: &Path, id: &str, parent: Option<&str>, owner: &str, key_results: usize) {
    let parent = parent.map_or(String::new(), |p| format!("parent = \"{p}\"\n"));
    let krs: Vec<String> = (0..key_results)
        .map(|k| format!("  \"[ ] Key result {k} of {id}\","))
        .collect();
    let text = format!(
        "+++\nid = \"{id}\"\nname = \"{id}\"\n{parent}period = \"2026-Q4\"\nowner = \"{owner}\"\n\n\
         [[objectives]]\ntitle = \"Objective of {id}\"\nkey_results = [\n{}\n]\n+++\n",
        krs.join("\n")
    );
    std::fs::write(root.join(format!("{id}.md")), text).unwrap();
}

fn compile(root: &Path) -> (Arc<Model>, Config) {
    let workspace = Workspace::load(root, None).unwrap();
    let today = parse_date("2026-11-27").unwrap();
    (
        Arc::new(crate::compile(&workspace, today)),
        workspace.config,
    )
}

/// Renders the workspace after `last`, checks its page list against a
/// fresh render's, and says whether it kept the last render's maps.
fn next(root: &Path, last: &SiteRender, step: &str) -> (SiteRender, bool) {
    let (model, config) = compile(root);
    let kept = SiteRender::after(Arc::clone(&model), &config, Some(last), true, None);
    let fresh = SiteRender::new(model, &config);
    assert_eq!(kept.pages(), fresh.pages(), "{step}");
    let same = match (
        kept.site.alignment_maps.get(),
        last.site.alignment_maps.get(),
    ) {
        (Some(a), Some(b)) => Arc::ptr_eq(a, b),
        _ => false,
    };
    (kept, same)
}

fn alignment_pages(render: &SiteRender) -> usize {
    render
        .pages()
        .iter()
        .filter(|p| p.kind.name() == "alignment")
        .count()
}

#[test]
fn a_kept_page_list_is_a_fresh_one_after_every_save_that_changes_it() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::write(
        root.join("okrc.toml"),
        "title = \"Maps\"\nlanguage = \"en\"\nperiod = \"2026-Q4\"\n",
    )
    .unwrap();
    // 1 + 1 + 990 rows and 3: one page of at most 1,000 rows.
    unit(root, "big", None, "Ann", 990);
    unit(root, "small", None, "Bob", 1);
    unit(root, "under-big", Some("big"), "Ann", 1);
    unit(root, "under-small", Some("small"), "Bob", 1);
    let (model, config) = compile(root);
    let mut last = SiteRender::after(model, &config, None, true, None);
    assert_eq!(alignment_pages(&last), 1);

    // A key result's text: the maps are kept.
    std::fs::write(
        root.join("under-big.md"),
        std::fs::read_to_string(root.join("under-big.md"))
            .unwrap()
            .replace("Key result 0", "Key result zero"),
    )
    .unwrap();
    let (render, kept) = next(root, &last, "a key result's text");
    assert!(kept, "a key result's text keeps the maps");
    last = render;

    // Six more key results: `small` moves to a second page.
    unit(root, "big", None, "Ann", 996);
    let (render, kept) = next(root, &last, "more key results");
    assert!(!kept);
    assert_eq!(alignment_pages(&render), 2);
    last = render;

    // `under-small` under `big`: `small` leaves the map.
    unit(root, "under-small", Some("big"), "Bob", 1);
    let (render, _) = next(root, &last, "a new parent");
    assert_eq!(alignment_pages(&render), 1);
    last = render;

    // A new unit, under `small` again.
    unit(root, "new", Some("small"), "Cem", 1);
    let (render, _) = next(root, &last, "a new unit");
    assert_eq!(alignment_pages(&render), 2);
    last = render;

    // A unit gone.
    std::fs::remove_file(root.join("new.md")).unwrap();
    let (render, _) = next(root, &last, "a unit gone");
    assert_eq!(alignment_pages(&render), 1);
    last = render;

    // An id, an owner, a period.
    std::fs::remove_file(root.join("under-small.md")).unwrap();
    unit(root, "below-small", Some("small"), "Dee", 1);
    let (render, _) = next(root, &last, "an id and an owner");
    last = render;
    let text = std::fs::read_to_string(root.join("below-small.md")).unwrap();
    std::fs::write(
        root.join("below-small.md"),
        text.replace("2026-Q4", "2027-Q1"),
    )
    .unwrap();
    next(root, &last, "a period");
}

/// The page list is held for a whole render: it has no room beyond its
/// pages, whatever kinds of page the site has.
#[test]
fn the_page_list_holds_no_room_beyond_its_pages() {
    let (model, config) = crate::compiled_sample();
    let render = SiteRender::after(Arc::new(model), &config, None, false, None);
    let pages = super::pages::pages(&render.site);
    let kinds: std::collections::HashSet<_> = pages.iter().map(|p| p.kind.name()).collect();
    assert!(kinds.len() >= 7, "{kinds:?}");
    assert_eq!(pages.capacity(), pages.len());
}

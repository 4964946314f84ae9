//! A kept cache must render what a fresh one does, byte for byte.

use super::*;
use crate::period::parse_date;
use crate::workspace::Workspace;
use std::path::Path;

fn copy_sample(to: &Path) {
    let from = Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-okrs");
    for entry in walkdir::WalkDir::new(&from) {
        let entry = entry.unwrap();
        let target = to.join(entry.path().strip_prefix(&from).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

fn compile(root: &Path) -> (Model, Config) {
    let workspace = Workspace::load(root, None).unwrap();
    let today = parse_date("2026-11-27").unwrap();
    (crate::compile(&workspace, today), workspace.config)
}

fn edit(root: &Path, file: &str, from: &str, to: &str) {
    let path = root.join(file);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "{file} has no `{from}`");
    std::fs::write(path, text.replacen(from, to, 1)).unwrap();
}

/// Each step changes the sample workspace; after each, a render with the
/// kept cache must equal a render from scratch, byte for byte.
#[test]
fn a_kept_cache_renders_what_a_fresh_render_does_after_every_edit() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    copy_sample(root);
    let templates = Templates::builtin().unwrap();
    let mut cache = SiteCache::default();
    type Step = Box<dyn Fn(&Path)>;
    let steps: Vec<Step> = vec![
        Box::new(|_| {}),
        // A narrative: only its unit's page (and okrs.json) change.
        Box::new(|r| {
            edit(
                r,
                "teams/klantenservice.md",
                "+++\n\n",
                "+++\n\nA new first line.\n\n",
            )
        }),
        // A title a parent shows among its contributors.
        Box::new(|r| {
            edit(
                r,
                "teams/klantenservice.md",
                "title = \"",
                "title = \"Renamed: ",
            )
        }),
        // An alignment that moves to another objective.
        Box::new(|r| {
            edit(
                r,
                "teams/klantenservice.md",
                "aligns_to = \"O2\"",
                "aligns_to = \"O1\"",
            )
        }),
        // A new unit, and then it goes again.
        Box::new(|r| {
            let text = std::fs::read_to_string(r.join("teams/klantenservice.md")).unwrap();
            let text = text.replacen("id = \"klantenservice\"", "id = \"helpdesk\"", 1);
            std::fs::write(r.join("teams/helpdesk.md"), text).unwrap();
        }),
        Box::new(|r| std::fs::remove_file(r.join("teams/helpdesk.md")).unwrap()),
        // The settings.
        Box::new(|r| edit(r, "okrc.toml", "title = \"", "title = \"The ")),
    ];
    for (i, step) in steps.iter().enumerate() {
        step(root);
        let (model, config) = compile(root);
        let fresh = SiteCache::default()
            .render(&model, &config, &templates)
            .unwrap();
        let kept = cache.render(&model, &config, &templates).unwrap();
        let pages = fresh
            .files()
            .keys()
            .filter(|n| n.ends_with(".html"))
            .count();
        assert_eq!(fresh.rendered, pages, "step {i}: a fresh cache renders all");
        assert_eq!(
            kept.files().keys().collect::<Vec<_>>(),
            fresh.files().keys().collect::<Vec<_>>(),
            "step {i}"
        );
        for (name, bytes) in fresh.files() {
            assert!(kept.files()[name] == *bytes, "step {i}: {name} differs");
        }
        if i == 1 {
            // The unit page and the pages that show every unit.
            assert!(
                kept.rendered < pages,
                "step {i}: {} of {pages}",
                kept.rendered
            );
        }
    }
}

#[test]
fn okrs_json_is_the_document_of_check_format_json() {
    let dir = tempfile::tempdir().unwrap();
    copy_sample(dir.path());
    let (model, config) = compile(dir.path());
    let templates = Templates::builtin().unwrap();
    let rendered = SiteCache::default()
        .render(&model, &config, &templates)
        .unwrap();
    let mut expected = Vec::new();
    crate::render::json::write(&mut expected, &model).unwrap();
    assert!(rendered.files()[JSON_FILE].as_ref() == expected.as_slice());
}

#[test]
fn nothing_is_rendered_again_when_nothing_changed() {
    let dir = tempfile::tempdir().unwrap();
    copy_sample(dir.path());
    let (model, config) = compile(dir.path());
    let templates = Templates::builtin().unwrap();
    let mut cache = SiteCache::default();
    cache.render(&model, &config, &templates).unwrap();
    let again = cache.render(&model, &config, &templates).unwrap();
    assert_eq!(again.rendered, 0);
}

#[test]
fn pages_of_templates_that_read_model_follow_every_change() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    copy_sample(root);
    let replacements = BTreeMap::from([(
        "unit.html".to_string(),
        "{{ unit.name }}: {% for u in model.units %}{{ u.progress }} {% endfor %}".to_string(),
    )]);
    let templates = Templates::with_replacements(replacements).unwrap();
    assert!(templates.uses_model);
    let mut cache = SiteCache::default();
    let (model, config) = compile(root);
    cache.render(&model, &config, &templates).unwrap();
    edit(
        root,
        "teams/klantenservice.md",
        "+++\n\n",
        "+++\n\nNew body.\n\n",
    );
    edit(root, "teams/platform.md", "value = ", "value = 1");
    let (model, config) = compile(root);
    let fresh = SiteCache::default()
        .render(&model, &config, &templates)
        .unwrap();
    let kept = cache.render(&model, &config, &templates).unwrap();
    for (name, bytes) in fresh.files() {
        assert!(kept.files()[name] == *bytes, "{name} differs");
    }
}

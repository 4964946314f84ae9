//! A kept cache must render what a fresh one does, byte for byte.

use super::*;
use crate::period::parse_date;
use crate::workspace::Workspace;
use std::collections::BTreeMap;
use std::path::Path;

pub(super) fn copy_sample(to: &Path) {
    copy_workspace("sample-okrs", to);
}

/// Copies the workspace at `from` (relative to the repository) to `to`.
pub(super) fn copy_workspace(from: &str, to: &Path) {
    let from = Path::new(env!("CARGO_MANIFEST_DIR")).join(from);
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

fn compile(root: &Path) -> (Arc<Model>, Config) {
    compile_on(root, "2026-11-27")
}

pub(super) fn compile_on(root: &Path, today: &str) -> (Arc<Model>, Config) {
    let workspace = Workspace::load(root, None).unwrap();
    let today = parse_date(today).unwrap();
    (
        Arc::new(crate::compile(&workspace, today)),
        workspace.config,
    )
}

/// The site in `kept` has the files of the one in `fresh`, byte for byte.
pub(super) fn assert_same_site(kept: &Path, fresh: &Path, step: &str) {
    let (got, expected) = (tree(kept), tree(fresh));
    assert_eq!(
        got.keys().collect::<Vec<_>>(),
        expected.keys().collect::<Vec<_>>(),
        "{step}"
    );
    for (name, bytes) in &expected {
        assert!(got[name] == *bytes, "{step}: {name} differs");
    }
}

/// Every file below `root`, by relative path.
pub(super) fn tree(root: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(root)
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let name = e
                .path()
                .strip_prefix(root)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            (name, std::fs::read(e.path()).unwrap())
        })
        .collect()
}

/// Builds `model` from scratch (as `okrc build` does) into `folder`.
pub(super) fn fresh_build(
    folder: &Path,
    model: &Arc<Model>,
    config: &Config,
    templates: &Templates,
) {
    let output = OutputDir::new(folder.parent().unwrap(), folder).unwrap();
    SiteCache::default()
        .one_shot()
        .build(Arc::clone(model), config, templates, &output, &|_| {})
        .unwrap();
}

/// The sample workspace compiled and built once by a cache, with the
/// folders that hold the workspace and the site.
fn sample_built() -> (
    [tempfile::TempDir; 2],
    Arc<Model>,
    Config,
    Templates,
    OutputDir,
    SiteCache,
) {
    let dir = tempfile::tempdir().unwrap();
    copy_sample(dir.path());
    let (model, config) = compile(dir.path());
    let templates = Templates::builtin().unwrap();
    let sites = tempfile::tempdir().unwrap();
    let output = output_in(sites.path(), "site");
    let mut cache = SiteCache::default();
    cache
        .build(Arc::clone(&model), &config, &templates, &output, &|_| {})
        .unwrap();
    ([dir, sites], model, config, templates, output, cache)
}

pub(super) fn output_in(dir: &Path, name: &str) -> OutputDir {
    OutputDir::new(dir, &dir.join(name)).unwrap()
}

pub(super) fn edit(root: &Path, file: &str, from: &str, to: &str) {
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
        // A figure: the people page (everyone's key results counted) is
        // not rendered again.
        Box::new(|r| edit(r, "teams/klantenservice.md", "value = 74,", "value = 76,")),
        // A key result more, owned by the unit's owner: the people page
        // counts it.
        Box::new(|r| {
            edit(
                r,
                "teams/klantenservice.md",
                "  { kr = \"Klanttevredenheid",
                "  { kr = \"Terugbelverzoeken van 10 naar 50\" },\n  { kr = \"Klanttevredenheid",
            )
        }),
        // An owner: the people, their slugs and pages change.
        Box::new(|r| {
            edit(
                r,
                "teams/klantenservice.md",
                "owner = \"Femke de Boer\"",
                "owner = \"Femke de Vries\"",
            )
        }),
        // A note of the week: the unit's row on the changes page.
        Box::new(|r| {
            edit(
                r,
                "teams/klantenservice.md",
                "Extra krachten voor december",
                "Extra <krachten> voor januari",
            )
        }),
        // A value that moves its key result to the top of the changes page.
        Box::new(|r| edit(r, "teams/klantenservice.md", "value = 76,", "value = 89,")),
        // Another unit's value, with the last edit's pieces kept.
        Box::new(|r| edit(r, "teams/platform.md", "value = 240,", "value = 180,")),
        // A name that moves the unit to the end of its level of the tree.
        Box::new(|r| {
            edit(
                r,
                "teams/klantenservice.md",
                "name = \"Klantenservice\"",
                "name = \"Zz Klantenservice\"",
            )
        }),
        // A check-in of before the week: the figures of a week ago change.
        Box::new(|r| {
            edit(
                r,
                "teams/klantenservice.md",
                "value = 72, confidence = 0.5",
                "value = 62, confidence = 0.9",
            )
        }),
        // An earlier check-in of a unit whose objective rolls up into the
        // company's: the company is as it was, its figures of a week ago
        // are not, so its changes are not either.
        Box::new(|r| {
            edit(
                r,
                "departments/risk-compliance.md",
                "value = 4, confidence = 0.6",
                "value = 2, confidence = 0.6",
            )
        }),
        // A key result that had not moved this week moves: one change more.
        Box::new(|r| {
            edit(
                r,
                "teams/klantenservice.md",
                "note = \"Live voor alle klanten.\" },",
                "note = \"Live voor alle klanten.\" },\n    { date = 2026-11-25, done = true, confidence = 0.4 },",
            )
        }),
        // The unit moves to another period, and back.
        Box::new(|r| {
            edit(
                r,
                "teams/klantenservice.md",
                "period = \"2026-Q4\"",
                "period = \"2026-Q3\"",
            )
        }),
        Box::new(|r| {
            edit(
                r,
                "teams/klantenservice.md",
                "period = \"2026-Q3\"",
                "period = \"2026-Q4\"",
            )
        }),
        // The settings.
        Box::new(|r| edit(r, "okrc.toml", "title = \"", "title = \"The ")),
        // Another language: every label.
        Box::new(|r| edit(r, "okrc.toml", "language = \"en\"", "language = \"nl\"")),
        // Today moves on (see `days`), then a value on the new day.
        Box::new(|_| {}),
        Box::new(|r| edit(r, "teams/platform.md", "value = 180,", "value = 200,")),
    ];
    // The day of each step's build: the last two a day later.
    let day = |i: usize| {
        if i + 2 >= steps.len() {
            "2026-11-28"
        } else {
            "2026-11-27"
        }
    };
    // Steps after which the pages that show every unit are spliced from
    // the last render's pieces, all but the edited units' kept: not after
    // a unit came, went or moved period (the paths), a key result came or
    // an owner changed (the people), the settings changed, or a new day.
    let spliced = [1, 2, 3, 6, 9, 10, 11, 12, 13, 14, 15, 21];
    let sites = tempfile::tempdir().unwrap();
    let kept_output = output_in(sites.path(), "kept");
    for (i, step) in steps.iter().enumerate() {
        step(root);
        let (model, config) = compile_on(root, day(i));
        let fresh = sites.path().join(format!("fresh-{i}"));
        fresh_build(&fresh, &model, &config, &templates);
        // As `watch` does: the edited file's unit's pages go first; every
        // third step as after a `git checkout`, every unit's.
        if i % 3 == 2 {
            cache.paint_first(model.units.iter().map(|unit| unit.file.clone()));
        } else {
            cache.paint_first(["teams/klantenservice.md".into()]);
        }
        let built = cache
            .build(
                Arc::clone(&model),
                &config,
                &templates,
                &kept_output,
                &|_| {},
            )
            .unwrap();
        if i > 0 {
            // Rebuilt in place: no manifest vouches for the site until
            // `watch` is idle and writes it.
            assert!(!kept_output.path().join(MANIFEST).exists(), "step {i}");
        }
        cache.write_manifest(&kept_output).unwrap();
        assert_same_site(kept_output.path(), &fresh, &format!("step {i}"));
        let expected = tree(&fresh);
        // Pages, and each unit's JSON beside its page.
        let pages = expected
            .keys()
            .filter(|n| n.ends_with(".html") || (n.ends_with(".json") && *n != JSON_FILE))
            .count();
        if i == 0 {
            assert_eq!(built.rendered, pages, "a fresh cache renders all");
        }
        // Rebuilt in place, the saved file's unit's page went first.
        assert_eq!(built.first.is_some(), i > 0, "step {i}");
        if i == 1 {
            // The unit page and the pages that show every unit.
            assert!(
                built.rendered < pages / 2,
                "step {i}: {} of {pages}",
                built.rendered
            );
        }
        // Tree rows of the overview and the dashboards, change rows and
        // weeks: 46 pieces of the 12 units when none is kept.
        let units = model.units.len();
        if spliced.contains(&i) {
            assert!(
                0 < built.pieces && built.pieces <= 8,
                "step {i}: {} pieces made",
                built.pieces
            );
        } else {
            assert!(built.pieces > 3 * units, "step {i}: {}", built.pieces);
        }
    }
}

/// `okrs.json` is the index (the check document with unit summaries) and
/// each unit's JSON object beside its page is the one of `check --format
/// json`, byte for byte.
fn assert_json_files(output: &Path, model: &Model) {
    let mut check = Vec::new();
    crate::render::json::write(&mut check, model).unwrap();
    let check: serde_json::Value = serde_json::from_slice(&check).unwrap();
    let index: serde_json::Value =
        serde_json::from_slice(&std::fs::read(output.join(JSON_FILE)).unwrap()).unwrap();
    for key in [
        "version",
        "today",
        "title",
        "language",
        "periods",
        "diagnostics",
    ] {
        assert_eq!(index[key], check[key], "{key}");
    }
    let summaries = index["units"].as_array().unwrap();
    assert_eq!(summaries.len(), model.units.len());
    for (i, (summary, unit)) in summaries.iter().zip(&model.units).enumerate() {
        let full = &check["units"][i];
        for key in [
            "id", "name", "period", "parent", "owners", "draft", "progress", "pace",
        ] {
            assert_eq!(summary[key], full[key], "{key} of {}", unit.id);
        }
        let href = summary["href"].as_str().unwrap();
        assert!(output.join(href).is_file(), "{href}");
        let json = summary["json"].as_str().unwrap();
        assert_eq!(json, href.replace(".html", ".json"));
        assert!(
            std::fs::read(output.join(json)).unwrap() == serde_json::to_vec(unit).unwrap(),
            "{json}"
        );
    }
}

#[test]
fn okrs_json_indexes_the_units_whose_json_is_beside_their_pages() {
    let ([workspace, _site], model, _, templates, output, mut cache) = sample_built();
    assert_json_files(output.path(), &model);
    // And again after a change, rebuilt in place.
    edit(
        workspace.path(),
        "teams/platform.md",
        "value = ",
        "value = 1",
    );
    let (model, config) = compile(workspace.path());
    cache
        .build(Arc::clone(&model), &config, &templates, &output, &|_| {})
        .unwrap();
    assert_json_files(output.path(), &model);
}

#[test]
fn nothing_is_rendered_or_written_again_when_nothing_changed() {
    let (_dirs, model, config, templates, output, mut cache) = sample_built();
    let again = cache
        .build(model, &config, &templates, &output, &|_| {})
        .unwrap();
    assert_eq!((again.rendered, again.written, again.removed), (0, 0, 0));
}

#[test]
fn a_page_deleted_from_the_output_comes_back_on_the_next_build() {
    let (_dirs, model, config, templates, output, mut cache) = sample_built();
    std::fs::remove_file(output.path().join("index.html")).unwrap();
    let again = cache
        .build(model, &config, &templates, &output, &|_| {})
        .unwrap();
    assert_eq!(again.written, 1);
    assert!(output.path().join("index.html").is_file());
}

#[test]
fn a_page_deleted_after_watch_looked_around_comes_back_too() {
    let (_dirs, model, config, templates, output, mut cache) = sample_built();
    std::thread::sleep(crate::site::output::STAMP_AGE * 2);
    cache.look_around(&output);
    assert!(cache.seen.contains_key("") && cache.seen.len() > 2);
    // Nothing changed: nothing is looked for again, or written.
    let again = cache
        .build(Arc::clone(&model), &config, &templates, &output, &|_| {})
        .unwrap();
    assert_eq!((again.rendered, again.written), (0, 0));
    std::thread::sleep(crate::site::output::STAMP_AGE * 2);
    cache.look_around(&output);
    std::fs::remove_file(output.path().join("index.html")).unwrap();
    let json = cache
        .pages
        .keys()
        .find(|p| p.ends_with(".json"))
        .unwrap()
        .clone();
    std::fs::remove_file(output.path().join(&json)).unwrap();
    let again = cache
        .build(model, &config, &templates, &output, &|_| {})
        .unwrap();
    assert_eq!(again.written, 2);
    assert!(output.path().join("index.html").is_file());
    assert!(output.path().join(&json).is_file());
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
    let sites = tempfile::tempdir().unwrap();
    let output = output_in(sites.path(), "kept");
    let mut cache = SiteCache::default();
    let (model, config) = compile(root);
    cache
        .build(model, &config, &templates, &output, &|_| {})
        .unwrap();
    edit(
        root,
        "teams/klantenservice.md",
        "+++\n\n",
        "+++\n\nNew body.\n\n",
    );
    edit(root, "teams/platform.md", "value = ", "value = 1");
    let (model, config) = compile(root);
    let fresh = sites.path().join("fresh");
    fresh_build(&fresh, &model, &config, &templates);
    cache
        .build(model, &config, &templates, &output, &|_| {})
        .unwrap();
    cache.write_manifest(&output).unwrap();
    assert_same_site(output.path(), &fresh, "the same files");
}

/// A workspace's own `base.html` that does more with the page's rows than
/// print them (here, `|length`) gets them as a string, as from a single
/// build, even where okrc's own page template would have them spliced in.
#[test]
fn an_own_base_template_gets_the_rows_as_a_string() {
    let dir = tempfile::tempdir().unwrap();
    copy_sample(dir.path());
    let base = include_str!("../../../templates/base.html");
    let own = base.replacen(
        "<body",
        "{% if tree is defined and tree %}<!-- {{ unit_tree(tree)|length }} -->{% endif %}<body",
        1,
    );
    assert_ne!(own, base, "base.html has a <body");
    std::fs::create_dir_all(dir.path().join("templates")).unwrap();
    std::fs::write(dir.path().join("templates/base.html"), own).unwrap();
    let (model, config) = compile(dir.path());
    let templates = Templates::load(dir.path()).unwrap();
    let sites = tempfile::tempdir().unwrap();
    let kept = output_in(sites.path(), "kept");
    SiteCache::default()
        .build(Arc::clone(&model), &config, &templates, &kept, &|_| {})
        .expect("the kept cache renders the page");
    let fresh = sites.path().join("fresh");
    fresh_build(&fresh, &model, &config, &templates);
    let index = tree(&sites.path().join("kept"))["index.html"].clone();
    assert!(String::from_utf8_lossy(&index).contains("<!-- "));
    assert_eq!(index, tree(&fresh)["index.html"]);
}

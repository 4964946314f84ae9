//! A build told which units linking set (`SiteCache::changed_since`, as
//! `watch` does) must render what a fresh one does, byte for byte, and must
//! not trust what it is told about a model it did not build last.

use super::tests::{assert_same_site, copy_sample, edit, fresh_build, output_in};
use super::*;
use crate::link::Linked;
use crate::parse::parse_unit_file;
use crate::period::parse_date;
use crate::workspace::Workspace;

const SAVED: &str = "teams/klantenservice.md";

/// The saved file parsed again.
fn saved(workspace: &Workspace) -> Vec<crate::parse::ParsedFile> {
    workspace
        .files
        .iter()
        .filter(|f| &*f.path == SAVED)
        .map(parse_unit_file)
        .collect()
}

#[test]
fn a_build_told_which_units_linking_set_renders_what_a_fresh_one_does() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    copy_sample(root);
    let today = parse_date("2026-11-27").unwrap();
    let workspace = Workspace::load(root, None).unwrap();
    let parsed = workspace.files.iter().map(parse_unit_file).collect();
    let (model, linked) = Linked::full(&workspace, parsed, today);
    let mut model = Arc::new(model);
    let config = workspace.config.clone();
    let templates = Templates::builtin().unwrap();
    let sites = tempfile::tempdir().unwrap();
    let output = output_in(sites.path(), "kept");
    let mut cache = SiteCache::default();
    cache
        .build(Arc::clone(&model), &config, &templates, &output, &|_| {})
        .unwrap();
    // A value (its key result, objective, unit and the roll-ups above
    // move), this week's check-in (the week-ago figures stay), a note, an
    // earlier check-in (last week's figures move too); then the unit's name
    // (its place in the unit tree, which renders keep while no name
    // changes) and its owner (the people, whose hash renders keep while no
    // owner changes). The last two make every unit's pieces again.
    let edits = [
        ("value = 74,", "value = 90,", true),
        ("note = \"Twee", "note = \"Drie", true),
        ("value = 8.5,", "value = 12,", true),
        ("value = 72,", "value = 50,", true),
        (
            "name = \"Klantenservice\"",
            "name = \"Zz klantenservice\"",
            false,
        ),
        (
            "owner = \"Femke de Boer\"",
            "owner = \"Femke de Vries\"",
            false,
        ),
    ];
    for (i, (from, to, few_pieces)) in edits.iter().enumerate() {
        edit(root, SAVED, from, to);
        let workspace = Workspace::load(root, None).unwrap();
        let mut next = Model::clone(&model);
        let touched = linked
            .relink(&mut next, &workspace, saved(&workspace), today)
            .unwrap();
        assert!(!touched.units.is_empty(), "step {i}");
        let told = touched.units.len();
        cache.changed_since(Some((Arc::clone(&model), touched)));
        cache.paint_first([SAVED.into()]);
        let next = Arc::new(next);
        let built = cache
            .build(Arc::clone(&next), &config, &templates, &output, &|_| {})
            .unwrap();
        assert!(
            0 < built.pieces && (built.pieces <= 8 || !few_pieces),
            "step {i}"
        );
        // Told which units linking set, the build compared only those.
        assert_eq!(built.compared, told, "step {i}");
        assert!(told < next.units.len(), "step {i}");
        let fresh = sites.path().join(format!("fresh-{i}"));
        fresh_build(&fresh, &next, &config, &templates);
        cache.write_manifest(&output).unwrap();
        assert_same_site(output.path(), &fresh, &format!("step {i}"));
        // And what `okrc build` does, which has no week-ago units kept by
        // linking and makes the week's standings itself.
        let compiled = Arc::new(crate::compile(&workspace, today));
        assert!(compiled.week_ago.is_none() && next.week_ago.is_some());
        let built = sites.path().join(format!("built-{i}"));
        fresh_build(&built, &compiled, &config, &templates);
        assert_same_site(output.path(), &built, &format!("step {i}, built"));
        model = next;
    }
}

/// Told that nothing changed since a model it did not build last, a build
/// compares every unit as it would untold.
#[test]
fn what_linking_set_since_another_model_is_not_trusted() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    copy_sample(root);
    let today = parse_date("2026-11-27").unwrap();
    let compile = || {
        let workspace = Workspace::load(root, None).unwrap();
        Arc::new(crate::compile(&workspace, today))
    };
    let config = Workspace::load(root, None).unwrap().config;
    let templates = Templates::builtin().unwrap();
    let sites = tempfile::tempdir().unwrap();
    let output = output_in(sites.path(), "kept");
    let mut cache = SiteCache::default();
    let first = compile();
    cache
        .build(Arc::clone(&first), &config, &templates, &output, &|_| {})
        .unwrap();
    edit(root, SAVED, "value = 74,", "value = 90,");
    let second = compile();
    cache
        .build(Arc::clone(&second), &config, &templates, &output, &|_| {})
        .unwrap();
    edit(root, SAVED, "value = 8.5,", "value = 12,");
    let third = compile();
    // Wrong twice over: `first` is not the last model built, and the
    // saved unit did change.
    cache.changed_since(Some((first, crate::link::Touched::default())));
    let built = cache
        .build(Arc::clone(&third), &config, &templates, &output, &|_| {})
        .unwrap();
    assert_eq!(built.compared, third.units.len());
    let fresh = sites.path().join("fresh");
    fresh_build(&fresh, &third, &config, &templates);
    cache.write_manifest(&output).unwrap();
    assert_same_site(output.path(), &fresh, "third build");
}

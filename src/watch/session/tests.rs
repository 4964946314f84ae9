//! A watch session that follows random edits on disk ends with the site
//! and the check JSON a fresh build of the same files gives, byte for byte
//! (the model-level property is `crate::link::tests`).

use std::collections::BTreeMap;
use std::path::Path;
use std::time::{Duration, Instant};

use proptest::prelude::*;

use super::{Options, Session};
use crate::build::Today;
use crate::link::tests::{CONFIG, Edit, UnitSpec, edit, today, workspace};
use crate::watch::build::Outcome;
use crate::watch::filter::Changes;

/// Without errors to start with: each objective aligns to its parent's O1
/// (which every unit has), and a unit without a parent aligns to nothing.
fn valid(mut units: Vec<UnitSpec>) -> Vec<UnitSpec> {
    for unit in &mut units {
        let aligns_to = if unit.parent.is_some() {
            vec![0]
        } else {
            vec![]
        };
        for objective in &mut unit.objectives {
            objective.aligns_to.clone_from(&aligns_to);
        }
    }
    units
}

/// Mostly edits that keep the workspace free of errors (a check-in, a
/// title, lines moving, a roll-up, a mission), and some of any kind.
fn mostly_valid_edit() -> impl Strategy<Value = Edit> {
    let unit = 0usize..7;
    prop_oneof![
        4 => (unit.clone(), 0u32..70, 0u32..120).prop_map(|(u, d, v)| Edit::Checkin(u, d, v)),
        1 => (unit.clone(), 0u32..5).prop_map(|(u, t)| Edit::Title(u, t)),
        1 => (unit.clone(), 0usize..4).prop_map(|(u, s)| Edit::Shift(u, s)),
        1 => unit.clone().prop_map(Edit::Rollup),
        1 => (unit, prop::option::of(0u32..3)).prop_map(|(u, m)| Edit::Mission(u, m)),
        1 => edit(),
    ]
}

fn write(root: &Path, unit: &UnitSpec) {
    let path = root.join(&unit.file);
    std::fs::create_dir_all(path.parent().expect("a folder")).expect("folder made");
    std::fs::write(path, unit.text()).expect("file written");
}

fn open(root: &Path, output: &Path) -> Session {
    Session::open(Options {
        root: root.to_path_buf(),
        output: Some(output.to_path_buf()),
        today: Today::Fixed(today()),
        quiet: true,
    })
    .expect("the session opens")
}

/// Every file of the site but the manifest (which says how the site was
/// made, not what it shows), by path.
fn site(output: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(output)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file() && e.file_name() != ".okrc-pages")
        .map(|e| {
            let relative = e.path().strip_prefix(output).expect("below").display();
            (relative.to_string(), std::fs::read(e.path()).expect("read"))
        })
        .collect()
}

fn check_json(session: &Session) -> String {
    crate::render::json::to_string(session.model.as_deref().expect("built"))
}

fn built(outcome: &Outcome) -> bool {
    matches!(outcome, Outcome::Built { .. })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(16))]

    #[test]
    fn a_session_after_edits_has_the_site_of_a_fresh_build(
        mut units in workspace().prop_map(valid),
        edits in prop::collection::vec(mostly_valid_edit(), 1..6),
    ) {
        let dir = tempfile::tempdir().expect("a folder");
        let root = dir.path().join("ws");
        std::fs::create_dir(&root).expect("made");
        std::fs::write(root.join("okrc.toml"), CONFIG).expect("written");
        for unit in &units {
            write(&root, unit);
        }
        let kept = dir.path().join("kept");
        let mut session = open(&root, &kept);
        session.build(Instant::now(), Duration::ZERO).expect("built");
        session.prepare().expect("prepared");
        let mut last = None;
        for edit in &edits {
            edit.apply(&mut units);
            let unit = &units[edit.unit()];
            write(&root, unit);
            let changes = Changes {
                paths: [session.root().join(&unit.file)].into(),
                ..Changes::default()
            };
            session.apply(&changes).expect("applied");
            let build = session.build(Instant::now(), Duration::ZERO).expect("built");
            session.prepare().expect("prepared");
            last = Some(build.outcome);
        }
        let fresh_out = dir.path().join("fresh");
        let mut fresh = open(&root, &fresh_out);
        let first = fresh.build(Instant::now(), Duration::ZERO).expect("built");
        prop_assert_eq!(check_json(&session), check_json(&fresh));
        let last = last.expect("an edit");
        prop_assert_eq!(built(&last), built(&first.outcome));
        if built(&last) {
            prop_assert!(site(&kept) == site(&fresh_out), "the sites differ");
        }
    }
}

#[test]
fn a_checkin_is_linked_in_part_and_the_site_follows() {
    let dir = tempfile::tempdir().expect("a folder");
    let root = dir.path().join("ws");
    std::fs::create_dir(&root).expect("made");
    std::fs::write(root.join("okrc.toml"), CONFIG).expect("written");
    let mut units = crate::link::tests::rolled_up();
    for unit in &units {
        write(&root, unit);
    }
    let kept = dir.path().join("kept");
    let mut session = open(&root, &kept);
    session
        .build(Instant::now(), Duration::ZERO)
        .expect("built");
    session.prepare().expect("prepared");
    assert!(
        session.spare_model.is_some(),
        "a copy to link into, made while idle"
    );
    let edit = Edit::Checkin(2, 40, 90);
    edit.apply(&mut units);
    write(&root, &units[2]);
    let changes = Changes {
        paths: [session.root().join(&units[2].file)].into(),
        ..Changes::default()
    };
    session.apply(&changes).expect("applied");
    assert!(!session.pending.whole && session.pending.files.len() == 1);
    let build = session
        .build(Instant::now(), Duration::ZERO)
        .expect("built");
    assert!(built(&build.outcome));
    assert!(
        build.timings.linked_in_part,
        "the check-in was linked in part"
    );
    assert!(session.spare_model.is_none(), "the copy was linked into");
    let fresh_out = dir.path().join("fresh");
    let mut fresh = open(&root, &fresh_out);
    fresh.build(Instant::now(), Duration::ZERO).expect("built");
    assert_eq!(check_json(&session), check_json(&fresh));
    assert!(site(&kept) == site(&fresh_out), "the sites differ");
}

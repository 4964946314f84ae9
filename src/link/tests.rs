//! Linking part of the model again gives the model a full link gives, over
//! random edit sequences: check-ins, values, titles, lines moving, and the
//! edits that change what other units see (parent, `aligns_to`, ids,
//! periods, roll-ups, mission, a broken file), which link everything again.

use std::path::PathBuf;

use chrono::NaiveDate;
use proptest::prelude::*;

use super::{Linked, Touched, Whole};
use crate::config::parse_config;
use crate::model::Model;
use crate::parse::parse_unit_file;
use crate::source::SourceFile;
use crate::workspace::Workspace;

const IDS: [&str; 6] = ["company", "sales", "tech", "team-a", "team-b", "team-c"];
const PERIODS: [&str; 3] = ["2026-Q4", "2026", "2026-Q3"];
const ALIGNS: [&str; 6] = ["O1", "O1.KR1", "O1.KR2", "company#O1.KR2", "O2", "O9.KR1"];

#[derive(Debug, Clone)]
pub(crate) enum Kr {
    Metric(Vec<(u32, u32)>),
    Rollup,
    Milestone(bool),
}

#[derive(Debug, Clone)]
pub(crate) struct Objective {
    pub(crate) aligns_to: Vec<usize>,
    krs: Vec<Kr>,
}

#[derive(Debug, Clone)]
pub(crate) struct UnitSpec {
    pub(crate) file: String,
    id: usize,
    period: Option<usize>,
    pub(crate) parent: Option<usize>,
    mission: Option<u32>,
    title: u32,
    /// Comment lines above the keys: moves every span.
    shift: usize,
    broken: bool,
    pub(crate) objectives: Vec<Objective>,
}

impl UnitSpec {
    pub(crate) fn text(&self) -> String {
        let mut t = String::from("+++\n");
        for i in 0..self.shift {
            t.push_str(&format!("# line {i}\n"));
        }
        t.push_str(&format!("id = \"{}\"\n", IDS[self.id]));
        t.push_str(&format!("name = \"Unit {}\"\n", self.title));
        if let Some(p) = self.period {
            t.push_str(&format!("period = \"{}\"\n", PERIODS[p]));
        }
        if let Some(p) = self.parent {
            t.push_str(&format!("parent = \"{}\"\n", IDS[p]));
        }
        if let Some(m) = self.mission {
            t.push_str(&format!("mission = \"Mission {m}\"\n"));
        }
        if self.broken {
            t.push_str("broken = = here\n");
        }
        for objective in &self.objectives {
            t.push_str("\n[[objectives]]\n");
            t.push_str(&format!("title = \"Objective {}\"\n", self.title));
            match objective.aligns_to.as_slice() {
                [] => {}
                [one] => t.push_str(&format!("aligns_to = \"{}\"\n", ALIGNS[*one])),
                many => {
                    let list: Vec<String> =
                        many.iter().map(|a| format!("\"{}\"", ALIGNS[*a])).collect();
                    t.push_str(&format!("aligns_to = [{}]\n", list.join(", ")));
                }
            }
            for kr in &objective.krs {
                t.push_str("\n  [[objectives.key_results]]\n");
                match kr {
                    Kr::Metric(checkins) => {
                        t.push_str("  title = \"Revenue\"\n  from = 0\n  to = 100\n");
                        t.push_str("  checkins = [\n");
                        for (day, value) in checkins {
                            let date = NaiveDate::from_ymd_opt(2026, 10, 1).unwrap()
                                + chrono::Days::new(u64::from(*day));
                            t.push_str(&format!("    {{ date = {date}, value = {value} }},\n"));
                        }
                        t.push_str("  ]\n");
                    }
                    Kr::Rollup => t.push_str("  title = \"Teams on track\"\n  rollup = true\n"),
                    Kr::Milestone(done) => t.push_str(&format!(
                        "  title = \"Launch\"\n  done = {done}\n  by = 2026-12-15\n"
                    )),
                }
            }
        }
        t.push_str(&format!("+++\n\nBody {}.\n", self.title));
        t
    }
}

fn objective() -> impl Strategy<Value = Objective> {
    let kr = prop_oneof![
        prop::collection::vec((0u32..70, 0u32..120), 0..3).prop_map(Kr::Metric),
        Just(Kr::Rollup),
        any::<bool>().prop_map(Kr::Milestone),
    ];
    (
        prop::collection::vec(0..ALIGNS.len(), 0..2),
        prop::collection::vec(kr, 1..3),
    )
        .prop_map(|(aligns_to, krs)| Objective { aligns_to, krs })
}

/// A company of 2026 and of 2026-Q4 (which inherits its mission), two
/// departments and three teams below them.
pub(crate) fn workspace() -> impl Strategy<Value = Vec<UnitSpec>> {
    prop::collection::vec(prop::collection::vec(objective(), 1..3), 7).prop_map(|objectives| {
        let layout: [(&str, usize, Option<usize>, Option<usize>); 7] = [
            ("company.md", 0, Some(0), None),
            ("company-2026.md", 0, Some(1), None),
            ("sales.md", 1, Some(0), Some(0)),
            ("tech.md", 2, Some(0), Some(0)),
            ("teams/a.md", 3, Some(0), Some(1)),
            ("teams/b.md", 4, None, Some(1)),
            ("teams/c.md", 5, Some(0), Some(2)),
        ];
        layout
            .into_iter()
            .zip(objectives)
            .enumerate()
            .map(|(i, ((file, id, period, parent), objectives))| UnitSpec {
                file: file.into(),
                id,
                period,
                parent,
                mission: (i == 1).then_some(1),
                title: 0,
                shift: 0,
                broken: false,
                objectives,
            })
            .collect()
    })
}

#[derive(Debug, Clone)]
pub(crate) enum Edit {
    /// A check-in added to the first metric of a unit.
    Checkin(usize, u32, u32),
    Title(usize, u32),
    Shift(usize, usize),
    Parent(usize, Option<usize>),
    AlignsTo(usize, Vec<usize>),
    Id(usize, usize),
    Period(usize, Option<usize>),
    /// A key result becomes (or stops being) a roll-up.
    Rollup(usize),
    Mission(usize, Option<u32>),
    Broken(usize, bool),
}

impl Edit {
    /// Whether the edit changes nothing another unit sees.
    fn is_local(&self) -> bool {
        matches!(self, Edit::Checkin(..) | Edit::Title(..) | Edit::Shift(..))
    }

    pub(crate) fn unit(&self) -> usize {
        match *self {
            Edit::Checkin(u, ..)
            | Edit::Title(u, _)
            | Edit::Shift(u, _)
            | Edit::Parent(u, _)
            | Edit::AlignsTo(u, _)
            | Edit::Id(u, _)
            | Edit::Period(u, _)
            | Edit::Rollup(u)
            | Edit::Mission(u, _)
            | Edit::Broken(u, _) => u,
        }
    }

    pub(crate) fn apply(&self, units: &mut [UnitSpec]) {
        let unit = &mut units[self.unit()];
        match self {
            Edit::Checkin(_, day, value) => {
                let metric = unit
                    .objectives
                    .iter_mut()
                    .flat_map(|o| &mut o.krs)
                    .find_map(|kr| match kr {
                        Kr::Metric(checkins) => Some(checkins),
                        _ => None,
                    });
                match metric {
                    Some(checkins) => checkins.push((*day, *value)),
                    None => unit.title += 1,
                }
            }
            Edit::Title(_, title) => unit.title = *title,
            Edit::Shift(_, shift) => unit.shift = *shift,
            Edit::Parent(_, parent) => unit.parent = *parent,
            Edit::AlignsTo(_, aligns) => unit.objectives[0].aligns_to.clone_from(aligns),
            Edit::Id(_, id) => unit.id = *id,
            Edit::Period(_, period) => unit.period = *period,
            Edit::Rollup(_) => {
                let kr = &mut unit.objectives[0].krs[0];
                *kr = match kr {
                    Kr::Rollup => Kr::Metric(vec![(10, 40)]),
                    _ => Kr::Rollup,
                };
            }
            Edit::Mission(_, mission) => unit.mission = *mission,
            Edit::Broken(_, broken) => unit.broken = *broken,
        }
    }
}

pub(crate) fn edit() -> impl Strategy<Value = Edit> {
    let unit = 0usize..7;
    prop_oneof![
        4 => (unit.clone(), 0u32..70, 0u32..120).prop_map(|(u, d, v)| Edit::Checkin(u, d, v)),
        2 => (unit.clone(), 0u32..5).prop_map(|(u, t)| Edit::Title(u, t)),
        2 => (unit.clone(), 0usize..4).prop_map(|(u, s)| Edit::Shift(u, s)),
        1 => (unit.clone(), prop::option::of(0..IDS.len())).prop_map(|(u, p)| Edit::Parent(u, p)),
        1 => (unit.clone(), prop::collection::vec(0..ALIGNS.len(), 0..3))
            .prop_map(|(u, a)| Edit::AlignsTo(u, a)),
        1 => (unit.clone(), 0..IDS.len()).prop_map(|(u, i)| Edit::Id(u, i)),
        1 => (unit.clone(), prop::option::of(0..PERIODS.len())).prop_map(|(u, p)| Edit::Period(u, p)),
        1 => unit.clone().prop_map(Edit::Rollup),
        1 => (unit.clone(), prop::option::of(0u32..3)).prop_map(|(u, m)| Edit::Mission(u, m)),
        1 => (unit, any::<bool>()).prop_map(|(u, b)| Edit::Broken(u, b)),
    ]
}

pub(crate) const CONFIG: &str = "title = \"Test\"\nperiod = \"2026-Q4\"\n";

pub(crate) fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 27).unwrap()
}

fn load(units: &[UnitSpec]) -> Workspace {
    let config_file = SourceFile::from_bytes("okrc.toml", CONFIG.as_bytes().to_vec());
    let (config, config_diagnostics) = parse_config(Some(&config_file));
    let mut files: Vec<SourceFile> = units
        .iter()
        .map(|u| SourceFile::from_bytes(u.file.as_str(), u.text().into_bytes()))
        .collect();
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Workspace {
        root: PathBuf::from("/ws"),
        config,
        config_file: Some(config_file),
        config_diagnostics,
        files,
        read_errors: Vec::new(),
    }
}

fn fresh(workspace: &Workspace) -> Model {
    crate::compile(workspace, today())
}

/// The model after `edits`, each linked into the last as `watch` does:
/// in part when [`Linked::relink`] can, else in full. Also how many edits
/// were linked in part.
fn after_edits(units: &mut [UnitSpec], edits: &[Edit]) -> (Model, Workspace, usize) {
    let workspace = load(units);
    let parsed = workspace.files.iter().map(parse_unit_file).collect();
    let (mut model, mut linked) = Linked::full(&workspace, parsed, today());
    let mut partial = 0;
    let mut workspace = workspace;
    for edit in edits {
        edit.apply(units);
        workspace = load(units);
        let file = &units[edit.unit()].file;
        let changed = workspace
            .files
            .iter()
            .find(|f| &*f.path == file.as_str())
            .map(parse_unit_file)
            .into_iter()
            .collect();
        let mut copy = model.clone();
        match linked.relink(&mut copy, &workspace, changed, today()) {
            Ok(touched) => {
                partial += 1;
                assert_only_touched_changed(&model, &copy, &touched);
                model = copy;
            }
            Err(_) => {
                let parsed = workspace.files.iter().map(parse_unit_file).collect();
                (model, linked) = Linked::full(&workspace, parsed, today());
            }
        }
    }
    (model, workspace, partial)
}

/// What `watch`'s site relies on: a unit (or week-ago unit) that
/// [`Linked::relink`] does not name is as it was before.
fn assert_only_touched_changed(before: &Model, after: &Model, touched: &Touched) {
    assert_eq!(before.units.len(), after.units.len());
    for (u, (was, is)) in before.units.iter().zip(&after.units).enumerate() {
        if !touched.units.contains(&u) {
            assert_eq!(was, is, "unit {u} changed but was not named");
        }
    }
    let (before, after) = (before.week_ago.as_deref(), after.week_ago.as_deref());
    assert_eq!(before.map(Vec::len), after.map(Vec::len));
    if let (Some(before), Some(after)) = (before, after) {
        for (u, (was, is)) in before.iter().zip(after).enumerate() {
            if !touched.week_ago.contains(&u) {
                assert_eq!(was, is, "week-ago unit {u} changed but was not named");
            }
        }
    }
}

fn assert_same(model: &Model, fresh: &Model, workspace: &Workspace) {
    assert_eq!(
        crate::render::json::to_string(model),
        crate::render::json::to_string(fresh),
        "the check JSON differs"
    );
    assert_eq!(model.units, fresh.units, "the units differ beyond the JSON");
    // The week-ago units the changes pages read, kept up to date too.
    let since = crate::analyse::changes::Window::week(today()).since;
    let then = crate::analyse::changes::as_of(&fresh.units, &workspace.config, since);
    assert_eq!(
        model.week_ago.as_deref(),
        Some(&then),
        "the week-ago units differ"
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn linking_edits_in_part_gives_what_a_full_link_gives(
        mut units in workspace(),
        edits in prop::collection::vec(edit(), 1..12),
    ) {
        let (model, workspace, _) = after_edits(&mut units, &edits);
        assert_same(&model, &fresh(&workspace), &workspace);
    }
}

/// A workspace with a roll-up two levels up: the company's O1.KR1 rolls up
/// sales' O1, which rolls up team-a's O1.
pub(crate) fn rolled_up() -> Vec<UnitSpec> {
    let metric = |value| Kr::Metric(vec![(20, value)]);
    let unit = |file: &str, id, parent, aligns_to: Vec<usize>, krs| UnitSpec {
        file: file.into(),
        id,
        period: Some(0),
        parent,
        mission: None,
        title: 0,
        shift: 0,
        broken: false,
        objectives: vec![Objective { aligns_to, krs }],
    };
    vec![
        unit("company.md", 0, None, vec![], vec![Kr::Rollup, metric(10)]),
        unit(
            "sales.md",
            1,
            Some(0),
            vec![1],
            vec![Kr::Rollup, metric(30)],
        ),
        unit("teams/a.md", 3, Some(1), vec![1], vec![metric(50)]),
    ]
}

#[test]
fn a_checkin_is_linked_in_part_and_moves_the_roll_ups_above() {
    let mut units = rolled_up();
    let before = fresh(&load(&units));
    let edits = [Edit::Checkin(2, 40, 90), Edit::Shift(2, 3)];
    let (model, workspace, partial) = after_edits(&mut units, &edits);
    assert_eq!(partial, 2, "both edits are seen by no other unit");
    assert_same(&model, &fresh(&workspace), &workspace);
    let company = |m: &Model| m.units.iter().find(|u| u.id == "company").unwrap().progress;
    assert!(
        company(&model) > company(&before),
        "the team's progress rolls up to the company"
    );
}

#[test]
fn an_edit_others_see_links_everything_again() {
    let units = rolled_up();
    let workspace = load(&units);
    let parsed = workspace.files.iter().map(parse_unit_file).collect();
    let (model, linked) = Linked::full(&workspace, parsed, today());
    for (edit, why) in [
        (Edit::Parent(2, Some(0)), "shape"),
        (Edit::AlignsTo(2, vec![0]), "shape"),
        (Edit::Id(2, 4), "shape"),
        (Edit::Period(2, Some(1)), "shape"),
        (Edit::Rollup(1), "shape"),
        (Edit::Broken(2, true), "unit"),
    ] {
        assert!(!edit.is_local());
        let mut units = units.clone();
        edit.apply(&mut units);
        let workspace = load(&units);
        let file = &units[edit.unit()].file;
        let changed = workspace
            .files
            .iter()
            .filter(|f| &*f.path == file.as_str())
            .map(parse_unit_file)
            .collect();
        let got = linked.relink(&mut model.clone(), &workspace, changed, today());
        match (got, why) {
            (Err(Whole::Shape(_)), "shape") | (Err(Whole::Unit(_)), "unit") => {}
            (got, _) => panic!("{edit:?}: {got:?}"),
        }
    }
    let tomorrow = today().succ_opt().unwrap();
    assert_eq!(
        linked.relink(&mut model.clone(), &workspace, Vec::new(), tomorrow),
        Err(Whole::Today)
    );
}

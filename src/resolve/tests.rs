//! The order of the units, the periods they get, and the contributors
//! their alignments list.

use super::*;
use crate::source::SourceFile;

/// Each unit gets the period its own name looks up, and each unknown
/// name its own diagnostic, however the names follow one another.
#[test]
fn each_unit_gets_the_period_its_name_names() {
    let names = [
        "2026-Q4", "2026-Q4", "2026-Q1", "FY27", "bogus", "bogus", "2026-Q4", "FY27",
    ];
    let mut config = Config::default();
    let custom = Period {
        name: "FY27".to_string(),
        start: NaiveDate::from_ymd_opt(2026, 7, 1).unwrap_or_default(),
        end: NaiveDate::from_ymd_opt(2027, 6, 30).unwrap_or_default(),
    };
    config.catalog = crate::period::PeriodCatalog::new([custom]);
    let mut units: Vec<Unit> = names
        .iter()
        .enumerate()
        .map(|(i, name)| {
            let text = format!("+++\nid = \"u{i}\"\nperiod = \"{name}\"\n+++\n");
            let file = SourceFile::from_text(format!("u{i}.md"), text);
            crate::parse::parse_unit_file(&file).unit.expect("a unit")
        })
        .collect();
    let mut diagnostics = Vec::new();
    assign_periods(&mut units, &config, &mut diagnostics);
    for (unit, name) in units.iter().zip(names) {
        assert_eq!(unit.period, config.catalog.lookup(name), "{name}");
    }
    assert!(units[3].period.as_ref().is_some_and(|p| p.name == "FY27"));
    let unknown: Vec<&str> = diagnostics.iter().map(|d| &*d.file).collect();
    assert_eq!(unknown, ["u4.md", "u5.md"]);
}

/// `unit_order` gives the order a stable sort of the units themselves by
/// (no period last, period's start, its end latest first, its name, id,
/// file) gives, whatever order the files come in: units with all of those
/// the same (two non-UTF-8 names that read the same) keep the walk's order.
#[test]
fn units_are_ordered_by_period_then_id_then_file() {
    let periods = [
        None,
        Some("2026"),
        Some("2026-Q4"),
        Some("2026-Q1"),
        Some("2026-11"),
        Some("2026-H2"),
    ];
    let mut state = 5u64;
    let mut next = |below: usize| {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (state >> 33) as usize % below
    };
    let mut units = Vec::new();
    for file in 0..300 {
        let same = file % 7 == 0;
        let id = if same {
            "team-0".to_string()
        } else {
            format!("team-{}", next(12))
        };
        let text = format!("+++\nid = \"{id}\"\n+++\n");
        let name = if same {
            "\u{fffd}.md".to_string()
        } else {
            format!("f{:03}.md", next(1000) * 1000 + file)
        };
        let parsed = crate::parse::parse_unit_file(&SourceFile::from_text(name, text));
        let mut unit = parsed.unit.expect("a unit");
        let period = if same {
            Some("2026-Q4")
        } else {
            periods[next(periods.len())]
        };
        unit.period = period.and_then(Period::builtin);
        units.push(unit);
    }
    type Key<'u> = (
        bool,
        Option<(NaiveDate, Reverse<NaiveDate>, &'u str)>,
        &'u str,
        &'u FilePath,
    );
    fn key(u: &Unit) -> Key<'_> {
        let period = u.period.as_ref().map(Period::order_key);
        (period.is_none(), period, &u.id, &u.file)
    }
    let mut sorted: Vec<usize> = (0..units.len()).collect();
    sorted.sort_by_key(|&u| key(&units[u]));
    assert_eq!(unit_order(&units), sorted);
}

/// An objective is listed among the contributors of the objective or key
/// result it aligns to, as `unit#objective`, in the order of the units
/// and of their objectives; a reference that names nothing lists nothing.
#[test]
fn aligned_objectives_are_listed_as_contributors_in_order() {
    let unit = |file: &str, text: &str| {
        let file = SourceFile::from_text(file, text);
        crate::parse::parse_unit_file(&file).unit.expect("a unit")
    };
    let units = vec![
        unit(
            "top.md",
            "+++\nid = \"top\"\nperiod = \"2026-Q4\"\n\n[[objectives]]\ntitle = \"Grow\"\nkey_results = [\"[x] A\", \"[ ] B\"]\n+++\n",
        ),
        unit(
            "b.md",
            "+++\nid = \"b\"\nparent = \"top\"\nperiod = \"2026-Q4\"\n\n[[objectives]]\ntitle = \"One\"\naligns_to = \"O1\"\nkey_results = [\"[x] A\"]\n\n[[objectives]]\ntitle = \"Two\"\naligns_to = [\"O1.KR2\", \"O9\"]\nkey_results = [\"[x] A\"]\n+++\n",
        ),
        unit(
            "a.md",
            "+++\nid = \"a\"\nparent = \"top\"\nperiod = \"2026-Q4\"\n\n[[objectives]]\ntitle = \"One\"\naligns_to = [\"top#O1\", \"O1.KR2\"]\nkey_results = [\"[x] A\"]\n+++\n",
        ),
    ];
    let mut diagnostics = Vec::new();
    let (units, _) = resolve(units, &[], &Config::default(), &mut diagnostics);
    let top = units.iter().find(|u| u.id == "top").expect("top");
    assert_eq!(top.objectives[0].contributors, ["a#O1", "b#O1"]);
    assert_eq!(
        top.objectives[0].key_results[1].contributors,
        ["a#O1", "b#O2"]
    );
    assert!(top.objectives[0].key_results[0].contributors.is_empty());
    let broken: Vec<Code> = diagnostics.iter().map(|d| d.code).collect();
    assert_eq!(broken, [Code::BrokenAlignment], "{diagnostics:?}");
}

/// Over more units than one batch of [`ALIGNMENT_BATCH`] (and a part
/// batch), every unit's objective is listed once, in the units' order.
#[test]
fn contributors_of_many_batches_are_listed_once_in_order() {
    let unit = |file: String, text: String| {
        let file = SourceFile::from_text(file, text);
        crate::parse::parse_unit_file(&file).unit.expect("a unit")
    };
    let teams = ALIGNMENT_BATCH * 2 + ALIGNMENT_BATCH / 2;
    let mut units = vec![unit(
        "top.md".into(),
        "+++\nid = \"top\"\nperiod = \"2026-Q4\"\n\n[[objectives]]\ntitle = \"Grow\"\nkey_results = [\"[ ] A\"]\n+++\n".into(),
    )];
    for t in 0..teams {
        units.push(unit(
            format!("t{t:05}.md"),
            format!("+++\nid = \"t{t:05}\"\nparent = \"top\"\nperiod = \"2026-Q4\"\n\n[[objectives]]\ntitle = \"One\"\naligns_to = \"O1.KR1\"\nkey_results = [\"[ ] A\"]\n+++\n"),
        ));
    }
    let mut diagnostics = Vec::new();
    let (units, _) = resolve(units, &[], &Config::default(), &mut diagnostics);
    let top = units.iter().find(|u| u.id == "top").expect("top");
    let expected: Vec<String> = (0..teams).map(|t| format!("t{t:05}#O1")).collect();
    assert_eq!(top.objectives[0].key_results[0].contributors, expected);
    assert!(diagnostics.is_empty(), "{diagnostics:?}");
}

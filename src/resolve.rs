//! Stage 2: from parsed units to one linked model. Periods are looked up,
//! units sorted, `parent` and `aligns_to` resolved by the period rule, and
//! what cannot be resolved reported.

use std::cmp::Reverse;
use std::collections::HashMap;

use chrono::NaiveDate;
use rayon::prelude::*;

use crate::config::Config;
use crate::diagnostic::{Code, Diagnostic, did_you_mean};
use crate::model::{AlignmentTarget, Unit};
use crate::parse::BrokenUnit;
use crate::period::{Period, period_name_help};
use crate::source::{FilePath, Span};

/// Links `units` (in file order) and returns them sorted by period, then
/// id, with the index of units by id it made, which [`resolve_again`] needs
/// to link one unit again.
///
/// `broken` are units whose files did not parse: a reference to one of them
/// is not reported, since the file's syntax error already is.
pub fn resolve(
    mut units: Vec<Unit>,
    broken: &[BrokenUnit],
    config: &Config,
    diagnostics: &mut Vec<Diagnostic>,
) -> (Vec<Unit>, UnitIndex) {
    assign_periods(&mut units, config, diagnostics);
    let order = unit_order(&units);
    crate::order::permute(&mut units, order);
    let index = UnitIndex::build(&units, broken, config, diagnostics);
    resolve_parents(&mut units, &index, diagnostics);
    break_cycles(&mut units, diagnostics);
    link_children(&mut units);
    resolve_alignments(&mut units, &index, diagnostics);
    (units, index)
}

/// The order of the units in the model, as indices into `units`: by period
/// (earlier start first, then the longer period, then its name; units
/// without a period last), then by id, then by file, then by place in the
/// walk: two files whose names are not UTF-8 may read the same
/// (`workspace::load_parsed`), so only the place makes the order total
/// (an unstable sort of equal keys would put them in an order of its own).
/// Each unit's period is looked up once among the few periods there
/// are, and the indices are sorted by compact keys: sorting the units
/// themselves (496 bytes each) moved each many times, and compared their
/// periods' dates and names again at every step.
fn unit_order(units: &[Unit]) -> Vec<usize> {
    fn period_key(u: &Unit) -> Option<(NaiveDate, Reverse<NaiveDate>, &str)> {
        u.period.as_ref().map(Period::order_key)
    }
    let mut periods: Vec<_> = units.iter().filter_map(period_key).collect();
    periods.sort_unstable();
    periods.dedup();
    // Units without a period go last.
    let rank = |u: &Unit| {
        period_key(u).map_or(periods.len(), |key| {
            periods.binary_search(&key).unwrap_or(periods.len())
        })
    };
    let keys: Vec<(usize, &str, &FilePath)> = units
        .iter()
        .map(|u| (rank(u), u.id.as_str(), &u.file))
        .collect();
    let mut order: Vec<usize> = (0..units.len()).collect();
    // On the pool: no two keys are equal, so any sort gives this order.
    order.par_sort_unstable_by(|&a, &b| keys[a].cmp(&keys[b]).then(a.cmp(&b)));
    order
}

/// Links unit `i` again after its file changed in ways no other unit sees
/// (`crate::link::Shape`: the same id, period, parent, mission, vision,
/// strategy, objective and key result ids, roll-ups and `aligns_to`), with
/// the `index` of the full [`resolve`] that made `old`, the unit as
/// it was linked. The links (parent, children, alignment targets,
/// contributors, inherited statements) are those of `old`; the diagnostics
/// of the unit are made again, at the places its new text has them. Gives
/// the unit and diagnostics a full `resolve` gives, as long as no unit is on
/// a parent cycle (the caller's condition).
pub fn resolve_again(
    units: &mut [Unit],
    index: &UnitIndex,
    i: usize,
    old: &Unit,
    config: &Config,
    diagnostics: &mut Vec<Diagnostic>,
) {
    assign_periods(std::slice::from_mut(&mut units[i]), config, diagnostics);
    diagnostics.extend(index.duplicate(units, i));
    // A parent as written: reported when it names no unit (the link itself
    // is `old`'s, below).
    if let Err(missing) = index.parent_of(units, i) {
        diagnostics.push(missing);
    }
    let unit = &mut units[i];
    unit.period.clone_from(&old.period);
    unit.parent.clone_from(&old.parent);
    unit.parent_index = old.parent_index;
    unit.parent_period.clone_from(&old.parent_period);
    unit.mission.clone_from(&old.mission);
    unit.vision.clone_from(&old.vision);
    unit.strategy.clone_from(&old.strategy);
    unit.children.clone_from(&old.children);
    for (objective, was) in unit.objectives.iter_mut().zip(&old.objectives) {
        objective.contributors.clone_from(&was.contributors);
        for (kr, was) in objective.key_results.iter_mut().zip(&was.key_results) {
            kr.contributors.clone_from(&was.contributors);
        }
    }
    resolve_unit_alignments(units, index, i, false, diagnostics);
}

fn assign_periods(units: &mut [Unit], config: &Config, diagnostics: &mut Vec<Diagnostic>) {
    // Units name the same few periods, mostly one after another: a name is
    // looked up again only when it differs from the last one (a built-in
    // period's dates are worked out from its name, on the one thread that
    // links).
    let mut last: Option<(String, Option<Period>)> = None;
    for unit in units {
        unit.period = match &unit.origin.period_name {
            Some((name, span)) => {
                let period = match &last {
                    Some((looked_up, period)) if looked_up == name => period.clone(),
                    _ => {
                        let period = config.catalog.lookup(name);
                        last = Some((name.clone(), period.clone()));
                        period
                    }
                };
                if period.is_none() {
                    diagnostics.push(
                        Diagnostic::new(
                            Code::UnknownPeriod,
                            &unit.file,
                            *span,
                            format!("unknown period `{name}`"),
                        )
                        .with_help(period_name_help(&config.catalog)),
                    );
                }
                period
            }
            None if config.period.is_some() => config.period.clone(),
            None => {
                diagnostics.push(
                    Diagnostic::new(
                        Code::UnknownPeriod,
                        &unit.file,
                        Span::FILE_START,
                        format!("unit `{}` has no period", unit.id),
                    )
                    .with_help("add `period = \"2026-Q4\"` to the front matter, or a default `period` to okrc.toml"),
                );
                None
            }
        };
    }
}

/// The units of each id, one per period: the first file in path order wins,
/// later ones are `duplicate-unit`.
#[derive(Debug, Clone, Default)]
pub struct UnitIndex {
    /// foldhash, not SipHash: every unit's id is hashed once to build it, and
    /// again for each `parent` and `aligns_to` naming a unit. Nothing
    /// depends on its order (`ids` are sorted where they are shown).
    by_id: IdMap<Vec<usize>>,
    /// Ids of units whose file is broken, with their period if known.
    broken: HashMap<String, Vec<Option<Period>>>,
}

type IdMap<V> = HashMap<String, V, foldhash::fast::RandomState>;

/// Unit `i` has the id and period of the earlier unit `first`.
fn duplicate_unit(units: &[Unit], i: usize, first: usize) -> Diagnostic {
    let unit = &units[i];
    let period = unit.period.as_ref().map_or("", |p| p.name.as_str());
    Diagnostic::new(
        Code::DuplicateUnit,
        &unit.file,
        unit.origin.id.unwrap_or(Span::FILE_START),
        format!(
            "unit `{}` is already defined for {period} in {}",
            unit.id, units[first].file
        ),
    )
    .with_help("give this unit another id or period, or merge the two files")
}

/// What a reference to a unit resolved to.
enum Lookup {
    Found(usize),
    /// A unit whose file has a syntax error: already reported.
    Broken,
    Missing,
}

impl UnitIndex {
    fn build(
        units: &[Unit],
        broken: &[BrokenUnit],
        config: &Config,
        diagnostics: &mut Vec<Diagnostic>,
    ) -> Self {
        let mut broken_ids: HashMap<String, Vec<Option<Period>>> = HashMap::new();
        for unit in broken {
            let period = match &unit.period {
                Some(name) => config.catalog.lookup(name),
                None => config.period.clone(),
            };
            broken_ids.entry(unit.id.clone()).or_default().push(period);
        }
        let mut by_id: IdMap<Vec<usize>> =
            HashMap::with_capacity_and_hasher(units.len(), Default::default());
        for (i, unit) in units.iter().enumerate() {
            let Some(period) = &unit.period else { continue };
            let same = by_id.entry(unit.id.clone()).or_default();
            match same
                .iter()
                .find(|&&j| units[j].period.as_ref() == Some(period))
            {
                Some(&first) => diagnostics.push(duplicate_unit(units, i, first)),
                None => same.push(i),
            }
        }
        UnitIndex {
            by_id,
            broken: broken_ids,
        }
    }

    /// The unit that unit `i`'s `parent` names (`Ok(None)`: no parent, no
    /// period, or a unit whose file is broken), or the `unknown-parent`
    /// diagnostic when it names no unit.
    fn parent_of(&self, units: &[Unit], i: usize) -> Result<Option<usize>, Diagnostic> {
        let unit = &units[i];
        let (Some(parent), Some(period)) = (&unit.parent, &unit.period) else {
            return Ok(None);
        };
        match self.lookup(units, parent, period) {
            Lookup::Found(p) => Ok(Some(p)),
            Lookup::Broken => Ok(None),
            Lookup::Missing => {
                let reference = Reference {
                    code: Code::UnknownParent,
                    file: &unit.file,
                    span: unit.origin.parent.unwrap_or_default(),
                    written: None,
                };
                Err(self.missing(units, parent, period, reference))
            }
        }
    }

    /// The `duplicate-unit` diagnostic of unit `i` when an earlier unit has
    /// its id and period, as [`UnitIndex::build`] reported it.
    fn duplicate(&self, units: &[Unit], i: usize) -> Option<Diagnostic> {
        let unit = &units[i];
        let period = unit.period.as_ref()?;
        let same = self.by_id.get(&unit.id)?;
        if same.contains(&i) {
            return None;
        }
        let first = same
            .iter()
            .copied()
            .find(|&j| units[j].period.as_ref() == Some(period))?;
        Some(duplicate_unit(units, i, first))
    }

    /// Like `resolve`, but tells a missing unit from one whose file is broken.
    fn lookup(&self, units: &[Unit], id: &str, period: &Period) -> Lookup {
        if let Some(i) = self.resolve(units, id, period) {
            return Lookup::Found(i);
        }
        let broken = self.broken.get(id).is_some_and(|periods| {
            periods
                .iter()
                .any(|p| p.as_ref().is_none_or(|p| p.contains(period)))
        });
        if broken {
            Lookup::Broken
        } else {
            Lookup::Missing
        }
    }

    /// The unit `id` for period `period`: of that period, else of the smallest
    /// period containing it.
    fn resolve(&self, units: &[Unit], id: &str, period: &Period) -> Option<usize> {
        pick_for_period(units, self.by_id.get(id)?, period)
    }

    fn ids(&self) -> impl Iterator<Item = &str> {
        self.by_id.keys().map(String::as_str)
    }

    /// The diagnostic of `reference` to a unit `id` that has no unit for
    /// `period`: which periods `id` has, or which id was probably meant.
    fn missing(
        &self,
        units: &[Unit],
        id: &str,
        period: &Period,
        reference: Reference<'_>,
    ) -> Diagnostic {
        let (message, help) = match self.by_id.get(id) {
            Some(candidates) => {
                let mut periods: Vec<&str> = candidates
                    .iter()
                    .filter_map(|&i| units[i].period.as_ref().map(|p| p.name.as_str()))
                    .collect();
                periods.sort();
                (
                    format!(
                        "unit `{id}` has no OKRs for {} or a period containing it",
                        period.name
                    ),
                    format!("`{id}` exists for {}", periods.join(", ")),
                )
            }
            None => {
                let mut ids: Vec<&str> = self.ids().collect();
                ids.sort();
                let help = match did_you_mean(id, ids.iter().copied()) {
                    Some(known) => format!("did you mean `{known}`?"),
                    None => {
                        "check the unit's `id` (by default its file name without .md)".to_string()
                    }
                };
                (format!("there is no unit `{id}`"), help)
            }
        };
        reference.diagnostic(message).with_help(help)
    }
}

/// Where a reference to a unit is written, and what kind it is: the
/// diagnostic of a reference that cannot be resolved is made from it.
#[derive(Clone, Copy)]
struct Reference<'a> {
    code: Code,
    file: &'a FilePath,
    span: Span,
    /// The `aligns_to` entry as written, which starts the message of a
    /// missing unit.
    written: Option<&'a str>,
}

impl Reference<'_> {
    fn diagnostic(&self, message: String) -> Diagnostic {
        let message = match self.written {
            Some(written) => format!("`{written}`: {message}"),
            None => message,
        };
        Diagnostic::new(self.code, self.file, self.span, message)
    }
}

/// Of `candidates` (units of one id), the one a unit of `period` refers
/// to: of that period, else of the smallest period containing it.
fn pick_for_period(units: &[Unit], candidates: &[usize], period: &Period) -> Option<usize> {
    let period_of = |i: usize| units[i].period.as_ref();
    candidates
        .iter()
        .copied()
        .find(|&i| period_of(i).is_some_and(|p| p.name == period.name))
        .or_else(|| {
            candidates
                .iter()
                .copied()
                .filter_map(|i| Some((i, period_of(i)?)))
                .filter(|(_, p)| p.contains(period))
                .min_by_key(|(_, p)| (p.days(), p.order_key()))
                .map(|(i, _)| i)
        })
}

/// The unit `id` as a unit of `period` names it in `parent` or `aligns_to`,
/// in a linked model (the editor's completion and hover use this rule too).
pub fn find_unit(units: &[Unit], id: &str, period: &Period) -> Option<usize> {
    let candidates: Vec<usize> = (0..units.len()).filter(|&i| units[i].id == id).collect();
    pick_for_period(units, &candidates, period)
}

fn resolve_parents(units: &mut [Unit], index: &UnitIndex, diagnostics: &mut Vec<Diagnostic>) {
    for i in 0..units.len() {
        if units[i].parent.is_none() {
            same_unit_of_a_longer_period(units, index, i);
            continue;
        }
        match index.parent_of(units, i) {
            Ok(p) => units[i].parent_index = p,
            Err(missing) => diagnostics.push(missing),
        }
    }
}

/// A unit without `parent` whose id names a unit of a longer period that
/// contains its own (the company's 2026-Q4 file below its 2026 file) has
/// that unit, of the smallest such period, as its parent, and shows its
/// mission, vision and strategy when it states none. Units are sorted with
/// containing periods first, so the one above has inherited already.
fn same_unit_of_a_longer_period(units: &mut [Unit], index: &UnitIndex, i: usize) {
    let Some(period) = units[i].period.clone() else {
        return;
    };
    let Some(candidates) = index.by_id.get(&units[i].id) else {
        return;
    };
    let above = candidates
        .iter()
        .copied()
        .filter(|&c| c != i)
        .filter_map(|c| Some((c, units[c].period.as_ref()?)))
        .filter(|(_, p)| p.contains(&period) && p.days() > period.days())
        .min_by_key(|(_, p)| (p.days(), p.order_key()))
        .map(|(c, _)| c);
    let Some(p) = above else { return };
    let (mission, vision, strategy) = (
        units[p].mission.clone(),
        units[p].vision.clone(),
        units[p].strategy.clone(),
    );
    let unit = &mut units[i];
    unit.parent_index = Some(p);
    unit.parent = Some(unit.id.clone());
    unit.mission = unit.mission.take().or(mission);
    unit.vision = unit.vision.take().or(vision);
    unit.strategy = unit.strategy.take().or(strategy);
}

/// Reports every unit on a parent cycle and cuts its link, so the rest of
/// the pipeline can walk up the tree without looping.
fn break_cycles(units: &mut [Unit], diagnostics: &mut Vec<Diagnostic>) {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        New,
        OnPath,
        Done,
    }
    let mut marks = vec![Mark::New; units.len()];
    let mut on_cycle = Vec::new();
    for start in 0..units.len() {
        let mut path = Vec::new();
        let mut at = Some(start);
        while let Some(i) = at {
            match marks[i] {
                Mark::Done => break,
                Mark::OnPath => {
                    let from = path.iter().position(|&p| p == i).unwrap_or(0);
                    on_cycle.extend_from_slice(&path[from..]);
                    break;
                }
                Mark::New => {
                    marks[i] = Mark::OnPath;
                    path.push(i);
                    at = units[i].parent_index;
                }
            }
        }
        for i in path {
            marks[i] = Mark::Done;
        }
    }
    on_cycle.sort_unstable();
    for &i in &on_cycle {
        let unit = &units[i];
        let mut chain = vec![unit.id.clone()];
        let mut at = unit.parent_index;
        while let Some(p) = at.filter(|&p| p != i && chain.len() <= units.len()) {
            chain.push(units[p].id.clone());
            at = units[p].parent_index;
        }
        chain.push(unit.id.clone());
        diagnostics.push(
            Diagnostic::new(
                Code::ParentCycle,
                &unit.file,
                unit.origin.parent.unwrap_or_default(),
                format!("unit `{}` is its own ancestor: {}", unit.id, chain.join(" → ")),
            )
            .with_help("a unit's parent is one level higher; remove `parent` from the top unit of this loop"),
        );
    }
    for i in on_cycle {
        units[i].parent_index = None;
    }
}

fn link_children(units: &mut [Unit]) {
    for i in 0..units.len() {
        if let Some(p) = units[i].parent_index {
            units[i].parent_period = units[p].period.as_ref().map(|period| period.name.clone());
            if let Some(key) = units[i].key() {
                units[p].children.push(key);
            }
        }
    }
}

/// The units above `unit`, nearest first.
pub fn ancestors(units: &[Unit], unit: usize) -> impl Iterator<Item = usize> + '_ {
    let mut at = units[unit].parent_index;
    let mut steps = 0;
    std::iter::from_fn(move || {
        let i = at?;
        steps += 1;
        if steps > units.len() {
            return None;
        }
        at = units[i].parent_index;
        Some(i)
    })
}

/// The `selected` units (indices into `units`) in tree order: each unit
/// followed by the selected units below it, depth first; roots (units whose
/// parent is not selected) and the children of a unit by name, then id and
/// index. Without recursion, however deep the tree.
pub fn tree_order(units: &[Unit], selected: &[usize]) -> Vec<usize> {
    let chosen: std::collections::HashSet<usize> = selected.iter().copied().collect();
    let by_name = |list: &mut Vec<usize>| {
        list.sort_by(|&a, &b| {
            (&units[a].name, &units[a].id, a).cmp(&(&units[b].name, &units[b].id, b))
        });
    };
    let mut children: std::collections::HashMap<usize, Vec<usize>> = Default::default();
    let mut roots = Vec::new();
    for &u in &chosen {
        match units[u]
            .parent_index
            .filter(|p| chosen.contains(p) && *p != u)
        {
            Some(parent) => children.entry(parent).or_default().push(u),
            None => roots.push(u),
        }
    }
    by_name(&mut roots);
    let mut order = Vec::with_capacity(chosen.len());
    let mut seen = std::collections::HashSet::new();
    let mut stack: Vec<usize> = roots.into_iter().rev().collect();
    while let Some(u) = stack.pop() {
        if !seen.insert(u) {
            continue;
        }
        order.push(u);
        if let Some(mut below) = children.remove(&u) {
            by_name(&mut below);
            stack.extend(below.into_iter().rev());
        }
    }
    // Units in a parent loop have no root: they come last, by name.
    let mut rest: Vec<usize> = chosen.into_iter().filter(|u| !seen.contains(u)).collect();
    by_name(&mut rest);
    order.extend(rest);
    order
}

/// `[unit#]O2[.KR1]`, split.
pub fn parse_reference(written: &str) -> Option<(Option<&str>, &str, Option<&str>)> {
    let written = written.trim();
    let (unit, rest) = match written.split_once('#') {
        Some((unit, rest)) => (Some(unit.trim()), rest.trim()),
        None => (None, written),
    };
    let (objective, key_result) = match rest.split_once('.') {
        Some((objective, key_result)) => (objective, Some(key_result)),
        None => (rest, None),
    };
    let bad = |part: &str| part.is_empty() || part.contains(['#', '.']);
    if unit.is_some_and(str::is_empty) || bad(objective) || key_result.is_some_and(bad) {
        return None;
    }
    Some((unit, objective, key_result))
}

/// How many units' `aligns_to` entries [`resolve_alignments`] finds at a
/// time: what is found for all 10,000 units of a large workspace at once
/// took 6 MB more at the peak.
const ALIGNMENT_BATCH: usize = 1000;

/// Resolves every unit's `aligns_to` entries and lists the contributors.
fn resolve_alignments(units: &mut [Unit], index: &UnitIndex, diagnostics: &mut Vec<Diagnostic>) {
    // What each reference names is found on the pool (reading the units
    // only), and each unit's own entries are set there too; the
    // contributors and diagnostics are then added in order on this thread,
    // as one unit after the other would add them, a batch at a time.
    let count = units.len();
    for start in (0..count).step_by(ALIGNMENT_BATCH) {
        let end = count.min(start + ALIGNMENT_BATCH);
        let found: Vec<Vec<Found>> = (start..end)
            .into_par_iter()
            .map(|u| find_unit_alignments(units, index, u, true))
            .collect();
        let outward: Vec<Vec<Outward>> = units[start..end]
            .par_iter_mut()
            .zip(found)
            .map(|(unit, found)| link_own_alignments(unit, found))
            .collect();
        for outward in outward {
            link_outward(units, outward, diagnostics);
        }
    }
}

/// Resolves the `aligns_to` entries of unit `u`; with `contribute`, also
/// lists each objective among the contributors of what it aligns to.
fn resolve_unit_alignments(
    units: &mut [Unit],
    index: &UnitIndex,
    u: usize,
    contribute: bool,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let found = find_unit_alignments(units, index, u, contribute);
    let outward = link_own_alignments(&mut units[u], found);
    link_outward(units, outward, diagnostics);
}

/// What one `aligns_to` entry of objective `o` (entry `a`) names, found
/// without changing any unit.
struct Found {
    o: usize,
    a: usize,
    named: Named,
}

enum Named {
    /// The target, the entry written in full, a diagnostic about the
    /// level it skips, and the contributor to list at the target.
    Target {
        target: AlignmentTarget,
        full: String,
        level: Option<Box<Diagnostic>>,
        contributor: Option<String>,
    },
    /// Nothing; a diagnostic if no earlier one covers it, and the entry
    /// written in full where the unit is known. (The diagnostics are boxed:
    /// they are rare, and keep what is found for each entry small.)
    Nothing {
        diagnostic: Option<Box<Diagnostic>>,
        full: Option<String>,
    },
}

/// What the `aligns_to` entries of unit `u` name, in order.
fn find_unit_alignments(
    units: &[Unit],
    index: &UnitIndex,
    u: usize,
    contribute: bool,
) -> Vec<Found> {
    let mut found = Vec::new();
    for o in 0..units[u].objectives.len() {
        for a in 0..units[u].objectives[o].origin.alignments.len() {
            let named = match resolve_alignment(units, index, u, o, a) {
                Ok((target, full)) => {
                    let span = units[u].objectives[o].origin.alignments[a].span;
                    Named::Target {
                        target,
                        full,
                        level: alignment_level(units, u, target.unit, span).map(Box::new),
                        // `concat`, not `format!`: one exact allocation
                        // for each of a workspace's alignments.
                        contributor: contribute
                            .then(|| [&*units[u].id, "#", &*units[u].objectives[o].id].concat()),
                    }
                }
                Err(unresolved) => {
                    let diagnostic = match unresolved {
                        Unresolved::New(diagnostic) => Some(diagnostic),
                        Unresolved::AlreadyReported => None,
                    };
                    // Still written out in full where the unit is known.
                    let written = &units[u].objectives[o].aligns_to[a];
                    let full = match (&units[u].parent, parse_reference(written)) {
                        (Some(parent), Some((None, ..))) => {
                            Some([parent.as_str(), "#", written.trim()].concat())
                        }
                        _ => None,
                    };
                    Named::Nothing { diagnostic, full }
                }
            };
            found.push(Found { o, a, named });
        }
    }
    found
}

/// What linking one `aligns_to` entry leaves to do outside its unit, in
/// the entries' order: a diagnostic to report, a contributor to list.
struct Outward {
    diagnostic: Option<Box<Diagnostic>>,
    contribution: Option<(AlignmentTarget, String)>,
}

/// Sets what [`find_unit_alignments`] found for `unit` in the unit itself:
/// each entry's target and full text. The rest is returned, for
/// [`link_outward`].
fn link_own_alignments(unit: &mut Unit, found: Vec<Found>) -> Vec<Outward> {
    let mut outward = Vec::with_capacity(found.len());
    for Found { o, a, named } in found {
        match named {
            Named::Target {
                target,
                full,
                level,
                contributor,
            } => {
                let objective = &mut unit.objectives[o];
                objective.origin.alignments[a].target = Some(target);
                objective.aligns_to[a] = full;
                outward.push(Outward {
                    diagnostic: level,
                    contribution: contributor.map(|c| (target, c)),
                });
            }
            Named::Nothing { diagnostic, full } => {
                if let Some(full) = full {
                    unit.objectives[o].aligns_to[a] = full;
                }
                outward.push(Outward {
                    diagnostic,
                    contribution: None,
                });
            }
        }
    }
    outward
}

/// Reports the diagnostics of a unit's `aligns_to` entries and lists it
/// among the contributors of what they name, in order.
fn link_outward(units: &mut [Unit], outward: Vec<Outward>, diagnostics: &mut Vec<Diagnostic>) {
    for Outward {
        diagnostic,
        contribution,
    } in outward
    {
        diagnostics.extend(diagnostic.map(|diagnostic| *diagnostic));
        let Some((target, contributor)) = contribution else {
            continue;
        };
        let aligned = &mut units[target.unit].objectives[target.objective];
        match target.key_result {
            Some(k) => aligned.key_results[k].contributors.push(contributor),
            None => aligned.contributors.push(contributor),
        }
    }
}

/// Why an `aligns_to` entry names nothing.
enum Unresolved {
    /// This diagnostic says what is wrong (boxed: it is the rare path, and
    /// keeps the `Result` small).
    New(Box<Diagnostic>),
    /// An earlier diagnostic covers it: the unit has no period, or the
    /// unit it names is broken or unknown.
    AlreadyReported,
}

/// What an `aligns_to` entry names, and how to write it in full.
fn resolve_alignment(
    units: &[Unit],
    index: &UnitIndex,
    u: usize,
    o: usize,
    a: usize,
) -> Result<(AlignmentTarget, String), Unresolved> {
    let unit = &units[u];
    let alignment = &unit.objectives[o].origin.alignments[a];
    let written = alignment.written.as_str();
    let reference = Reference {
        code: Code::BrokenAlignment,
        file: &unit.file,
        span: alignment.span,
        written: Some(written),
    };
    let broken = |message: String, help: String| {
        let diagnostic =
            Diagnostic::new(Code::BrokenAlignment, &unit.file, alignment.span, message);
        Err(Unresolved::New(Box::new(diagnostic.with_help(help))))
    };
    let Some((unit_id, objective_id, key_result_id)) = parse_reference(written) else {
        let diagnostic = Diagnostic::new(
            Code::InvalidValue,
            &unit.file,
            alignment.span,
            format!("`{written}` is not a reference to an objective or key result"),
        )
        .with_help(
            "write `O2` or `O2.KR1` for the parent unit, or `unit#O2` / `unit#O2.KR1` for any unit",
        );
        return Err(Unresolved::New(Box::new(diagnostic)));
    };
    let Some(period) = &unit.period else {
        return Err(Unresolved::AlreadyReported);
    };
    let target_unit = match unit_id {
        Some(id) => match index.lookup(units, id, period) {
            Lookup::Found(t) => t,
            Lookup::Broken => return Err(Unresolved::AlreadyReported),
            Lookup::Missing => {
                let diagnostic = index.missing(units, id, period, reference);
                return Err(Unresolved::New(Box::new(diagnostic)));
            }
        },
        None => match (unit.parent_index, &unit.parent) {
            (Some(p), _) => p,
            (None, Some(_)) => return Err(Unresolved::AlreadyReported),
            (None, None) => {
                return broken(
                    format!(
                        "`{written}` names an objective of the parent unit, but unit `{}` has no parent",
                        unit.id
                    ),
                    format!("set `parent`, or write the unit out: `unit#{written}`"),
                );
            }
        },
    };
    let target = &units[target_unit];
    // Only for messages: formatted when one is needed.
    let where_ = || {
        format!(
            "`{}` ({})",
            target.id,
            target.period.as_ref().map_or("", |p| &p.name)
        )
    };
    let Some(objective) = target
        .objectives
        .iter()
        .position(|obj| *obj.id == *objective_id)
    else {
        let ids: Vec<&str> = target.objectives.iter().map(|obj| &*obj.id).collect();
        return broken(
            format!("unit {} has no objective `{objective_id}`", where_()),
            listing("its objectives are", objective_id, &ids),
        );
    };
    let key_result = match key_result_id {
        Some(kr_id) => {
            let krs = &target.objectives[objective].key_results;
            match krs.iter().position(|kr| *kr.id == *kr_id) {
                Some(k) => Some(k),
                None => {
                    let ids: Vec<&str> = krs.iter().map(|kr| &*kr.id).collect();
                    return broken(
                        format!(
                            "objective `{objective_id}` of {} has no key result `{kr_id}`",
                            where_()
                        ),
                        listing("its key results are", kr_id, &ids),
                    );
                }
            }
        }
        None => None,
    };
    let full = match key_result_id {
        Some(kr) => [&*target.id, "#", objective_id, ".", kr].concat(),
        None => [&*target.id, "#", objective_id].concat(),
    };
    Ok((
        AlignmentTarget {
            unit: target_unit,
            objective,
            key_result,
        },
        full,
    ))
}

fn listing(intro: &str, wanted: &str, ids: &[&str]) -> String {
    match (did_you_mean(wanted, ids.iter().copied()), ids.is_empty()) {
        (Some(known), _) => format!("did you mean `{known}`?"),
        (None, true) => "it has none yet".to_string(),
        (None, false) => format!("{intro} {}", ids.join(", ")),
    }
}

/// `skip-level` or `cross-alignment`, at `span` of unit `u`'s `aligns_to`,
/// when the `target` unit is not its parent.
fn alignment_level(units: &[Unit], u: usize, target: usize, span: Span) -> Option<Diagnostic> {
    if units[u].parent_index == Some(target) {
        return None;
    }
    let file = &units[u].file;
    let diagnostic = if ancestors(units, u).skip(1).any(|a| a == target) {
        Diagnostic::new(
            Code::SkipLevel,
            file,
            span,
            format!(
                "aligns to `{}`, which is above the parent unit",
                units[target].id
            ),
        )
        .with_help(
            "align to an objective or key result of the parent unit, which in turn aligns upwards",
        )
    } else {
        Diagnostic::new(
            Code::CrossAlignment,
            file,
            span,
            format!(
                "aligns to `{}`, which is not above unit `{}`",
                units[target].id, units[u].id
            ),
        )
        .with_help("objectives align upwards, to the parent unit or its ancestors")
    };
    Some(diagnostic)
}

#[cfg(test)]
mod tests;

//! The pages of a site and what each one's template sees besides the shared
//! variables: the unit tree of a period, what needs attention, the latest
//! check-ins, a unit's parent and children, the alignment map. Lists hold
//! the model's own values (`unit`, `objective`, `key_result`, `checkin`)
//! plus an `href` relative to the site root.
//!
//! Unit values come from [`SiteData::unit_value`] only: that is how `watch`
//! learns which units a unit page shows (see `cache/`). A unit page's
//! context may add anything derived from those units or from site-wide
//! inputs (settings, today, periods, paths); anything else it shows must be
//! added to the fingerprints in `cache/fingerprint.rs`.

use std::collections::{BTreeSet, HashSet};

use minijinja::{Value, context};

use super::data::SiteData;
use super::paths::path_value;
use crate::diagnostic::Code;
use crate::model::{ConfidenceLevel, Model, Pace};

/// One page to render.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page {
    /// Relative to the output folder, `/`-separated.
    pub path: String,
    pub kind: PageKind,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PageKind {
    /// `index.html`: the current period, with mission, vision and strategy.
    Index,
    Dashboard(String),
    Alignment(String),
    /// Only for periods that have ended.
    Scorecard(String),
    /// By index into `Model::units`.
    Unit(usize),
}

impl PageKind {
    /// The template that renders this kind of page.
    pub fn template(&self) -> &'static str {
        match self {
            PageKind::Index => "index.html",
            PageKind::Dashboard(_) => "period.html",
            PageKind::Alignment(_) => "alignment.html",
            PageKind::Scorecard(_) => "scorecard.html",
            PageKind::Unit(_) => "unit.html",
        }
    }

    /// The `page.kind` template variable.
    pub fn name(&self) -> &'static str {
        match self {
            PageKind::Index => "index",
            PageKind::Dashboard(_) => "dashboard",
            PageKind::Alignment(_) => "alignment",
            PageKind::Scorecard(_) => "scorecard",
            PageKind::Unit(_) => "unit",
        }
    }
}

/// Every page of the site, in a fixed order.
pub fn pages(model: &Model, site: &SiteData) -> Vec<Page> {
    let mut pages = vec![Page {
        path: "index.html".into(),
        kind: PageKind::Index,
    }];
    for period in &model.periods {
        let name = &period.name;
        let paths = &site.paths;
        if let Some(path) = paths.dashboard(name) {
            pages.push(Page {
                path,
                kind: PageKind::Dashboard(name.clone()),
            });
        }
        if let Some(path) = paths.alignment(name) {
            pages.push(Page {
                path,
                kind: PageKind::Alignment(name.clone()),
            });
        }
        if period.has_ended(model.today) {
            if let Some(path) = paths.scorecard(name) {
                pages.push(Page {
                    path,
                    kind: PageKind::Scorecard(name.clone()),
                });
            }
        }
    }
    for i in 0..model.units.len() {
        if let Some(path) = site.unit_path(i) {
            pages.push(Page {
                path: path.to_string(),
                kind: PageKind::Unit(i),
            });
        }
    }
    pages
}

/// A unit with a link to its page.
fn unit_link(site: &SiteData, u: usize) -> Value {
    context! {
        unit => site.unit_value(u),
        href => path_value(site.unit_path(u)),
    }
}

/// The units a period's pages show: its own, plus the units above them in
/// longer periods (the company's yearly OKRs above a quarter's teams), in
/// model order.
pub fn period_units(model: &Model, period: &str) -> Vec<usize> {
    let mut shown: BTreeSet<usize> = BTreeSet::new();
    for (i, unit) in model.units.iter().enumerate() {
        if unit.period.as_ref().is_some_and(|p| p.name == period) {
            shown.insert(i);
            let mut parent = unit.parent_index;
            let mut steps = 0;
            while let Some(p) = parent {
                if !shown.insert(p) || steps > model.units.len() {
                    break;
                }
                parent = model.units[p].parent_index;
                steps += 1;
            }
        }
    }
    shown.into_iter().collect()
}

/// The units as a tree by parent, flattened depth first. Each node says
/// whether a nested list opens after it (`has_children`) and how many nested
/// lists close after it (`close`), so templates nest `<ul>`s without
/// recursion however deep the tree is.
/// `max_depth` leaves out deeper units (the index of a large organisation
/// shows its top levels; the dashboard shows all).
pub fn tree(
    model: &Model,
    site: &SiteData,
    units: &[usize],
    period: &str,
    max_depth: usize,
) -> Value {
    let shown: HashSet<usize> = units.iter().copied().collect();
    let mut children: Vec<Vec<usize>> = vec![Vec::new(); model.units.len()];
    let mut roots = Vec::new();
    for &u in units {
        match model.units[u].parent_index.filter(|p| shown.contains(p)) {
            Some(parent) => children[parent].push(u),
            None => roots.push(u),
        }
    }
    let mut order: Vec<(usize, usize)> = Vec::with_capacity(units.len());
    let mut stack: Vec<(usize, usize)> = roots.iter().rev().map(|&u| (u, 0)).collect();
    let mut visited = HashSet::new();
    while let Some((u, depth)) = stack.pop() {
        if !visited.insert(u) {
            continue;
        }
        order.push((u, depth));
        if depth < max_depth {
            stack.extend(children[u].iter().rev().map(|&c| (c, depth + 1)));
        }
    }
    let nodes: Vec<Value> = order
        .iter()
        .enumerate()
        .map(|(i, &(u, depth))| {
            let next_depth = order.get(i + 1).map_or(0, |&(_, d)| d);
            let has_children = next_depth > depth;
            let unit = &model.units[u];
            context! {
                unit => site.unit_value(u),
                href => path_value(site.unit_path(u)),
                depth => depth,
                has_children => has_children,
                close => if has_children { 0 } else { depth.saturating_sub(next_depth) },
                other_period => unit.period.as_ref().is_some_and(|p| p.name != period),
            }
        })
        .collect();
    Value::from(nodes)
}

/// Why a key result needs attention, most urgent first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Reason {
    Missed,
    OffTrack,
    AtRisk,
    Stale,
    NotConfident,
    Unsure,
}

/// Key results that are missed, off track, at risk, without a recent
/// check-in (the `stale-checkin` lint), or whose owners are not confident,
/// most urgent first: how many there are, and the first `limit` as
/// `{unit, objective, key_result, href, reasons}`, where a reason is
/// `{kind: "pace"|"stale"|"confidence", value}`.
pub fn attention(
    model: &Model,
    site: &SiteData,
    units: &[usize],
    limit: usize,
) -> (usize, Vec<Value>) {
    let stale: HashSet<(&str, u32)> = model
        .diagnostics
        .iter()
        .filter(|d| d.code == Code::StaleCheckin)
        .map(|d| (&*d.file, d.span.start))
        .collect();
    let mut found: Vec<(Reason, usize, usize, usize, Vec<Reason>)> = Vec::new();
    for &u in units {
        let unit = &model.units[u];
        for (o, objective) in unit.objectives.iter().enumerate() {
            for (k, kr) in objective.key_results.iter().enumerate() {
                let mut reasons = Vec::new();
                match kr.pace {
                    Some(Pace::Missed) => reasons.push(Reason::Missed),
                    Some(Pace::OffTrack) => reasons.push(Reason::OffTrack),
                    Some(Pace::AtRisk) => reasons.push(Reason::AtRisk),
                    _ => {}
                }
                if stale.contains(&(&*unit.file, kr.origin.span.start)) {
                    reasons.push(Reason::Stale);
                }
                if kr.pace != Some(Pace::Done) {
                    match kr.confidence {
                        Some(ConfidenceLevel::OffTrack) => reasons.push(Reason::NotConfident),
                        Some(ConfidenceLevel::AtRisk) => reasons.push(Reason::Unsure),
                        _ => {}
                    }
                }
                if let Some(&first) = reasons.iter().min() {
                    found.push((first, u, o, k, reasons));
                }
            }
        }
    }
    found.sort_by_key(|&(first, u, o, k, _)| (first, u, o, k));
    let total = found.len();
    let shown = found
        .into_iter()
        .take(limit)
        .map(|(_, u, o, k, reasons)| {
            let reasons: Vec<Value> = reasons
                .into_iter()
                .map(|reason| {
                    let (kind, value) = match reason {
                        Reason::Missed => ("pace", "missed"),
                        Reason::OffTrack => ("pace", "off-track"),
                        Reason::AtRisk => ("pace", "at-risk"),
                        Reason::Stale => ("stale", "stale"),
                        Reason::NotConfident => ("confidence", "off-track"),
                        Reason::Unsure => ("confidence", "at-risk"),
                    };
                    context! { kind => kind, value => value }
                })
                .collect();
            let item = key_result_link(site, u, o, k);
            context! { reasons => reasons, ..item }
        })
        .collect();
    (total, shown)
}

/// A key result with its unit and objective, linked to its place on the
/// unit's page.
fn key_result_link(site: &SiteData, u: usize, o: usize, k: usize) -> Value {
    let unit = &site.unit_value(u);
    let objective = unit
        .get_attr("objectives")
        .and_then(|list| list.get_item_by_index(o))
        .unwrap_or_default();
    let key_result = objective
        .get_attr("key_results")
        .and_then(|list| list.get_item_by_index(k))
        .unwrap_or_default();
    context! {
        unit => unit.clone(),
        objective => objective,
        key_result => key_result,
        href => path_value(site.unit_path(u)),
    }
}

/// The `limit` latest check-ins of the units, up to today, newest first:
/// each `{unit, objective, key_result, checkin, href}`.
pub fn latest_checkins(
    model: &Model,
    site: &SiteData,
    units: &[usize],
    limit: usize,
) -> Vec<Value> {
    let mut all: Vec<(chrono::NaiveDate, usize, usize, usize, usize)> = Vec::new();
    for &u in units {
        for (o, objective) in model.units[u].objectives.iter().enumerate() {
            for (k, kr) in objective.key_results.iter().enumerate() {
                for (c, checkin) in kr.checkins.iter().enumerate() {
                    if checkin.date <= model.today {
                        all.push((checkin.date, u, o, k, c));
                    }
                }
            }
        }
    }
    all.sort_by(|a, b| {
        b.0.cmp(&a.0)
            .then((a.1, a.2, a.3, a.4).cmp(&(b.1, b.2, b.3, b.4)))
    });
    all.into_iter()
        .take(limit)
        .map(|(_, u, o, k, c)| {
            let item = key_result_link(site, u, o, k);
            let checkin = item
                .get_attr("key_result")
                .and_then(|kr| kr.get_attr("checkins"))
                .and_then(|list| list.get_item_by_index(c))
                .unwrap_or_default();
            context! { checkin => checkin, ..item }
        })
        .collect()
}

/// The units at the top of the tree that state a mission, vision or strategy.
pub fn statements(model: &Model, site: &SiteData, units: &[usize]) -> Vec<Value> {
    units
        .iter()
        .copied()
        .filter(|&u| {
            let unit = &model.units[u];
            unit.mission.is_some() || unit.vision.is_some() || unit.strategy.is_some()
        })
        .map(|u| unit_link(site, u))
        .collect()
}

/// A unit's page: its parent, the units aligned below it, and the chain of
/// units above it (for the breadcrumb, top first).
pub fn unit_relations(model: &Model, site: &SiteData, u: usize) -> (Value, Vec<Value>, Vec<Value>) {
    let unit = &model.units[u];
    let parent = unit
        .parent_index
        .map(|p| unit_link(site, p))
        .unwrap_or_default();
    let children = unit
        .children
        .iter()
        .filter_map(|key| site.unit_index.get(&(key.id.clone(), key.period.clone())))
        .map(|&c| unit_link(site, c))
        .collect();
    let mut ancestors = Vec::new();
    let mut seen = HashSet::from([u]);
    let mut next = unit.parent_index;
    while let Some(p) = next {
        if !seen.insert(p) {
            break;
        }
        ancestors.push(unit_link(site, p));
        next = model.units[p].parent_index;
    }
    ancestors.reverse();
    (parent, children, ancestors)
}

/// The alignment map of a period: every unit that units of the period align
/// to (or whose children they are), with, under each objective and key
/// result, the period's objectives contributing to it. Key results nothing
/// contributes to are `covered: false`.
pub fn alignment_groups(model: &Model, site: &SiteData, period: &str) -> Vec<Value> {
    let in_period = |u: usize| {
        model.units[u]
            .period
            .as_ref()
            .is_some_and(|p| p.name == period)
    };
    let mut targets: BTreeSet<usize> = BTreeSet::new();
    for (u, unit) in model.units.iter().enumerate() {
        if !in_period(u) {
            continue;
        }
        targets.extend(unit.parent_index);
        for objective in &site.aligned_to[u] {
            targets.extend(objective.iter().map(|t| t.0));
        }
    }
    let contributing = |key: (usize, usize, Option<usize>)| -> Vec<Value> {
        site.contributions
            .get(&key)
            .into_iter()
            .flatten()
            .filter(|&&(cu, _)| in_period(cu))
            .map(|&(cu, co)| {
                let unit = &site.unit_value(cu);
                let objective = unit
                    .get_attr("objectives")
                    .and_then(|list| list.get_item_by_index(co))
                    .unwrap_or_default();
                context! {
                    unit => unit.clone(),
                    objective => objective,
                    href => path_value(site.unit_path(cu)),
                }
            })
            .collect()
    };
    targets
        .into_iter()
        .map(|g| {
            let unit = &site.unit_value(g);
            let objectives: Vec<Value> = model.units[g]
                .objectives
                .iter()
                .enumerate()
                .map(|(o, objective)| {
                    let whole = contributing((g, o, None));
                    let objective_value = unit
                        .get_attr("objectives")
                        .and_then(|list| list.get_item_by_index(o))
                        .unwrap_or_default();
                    let key_results: Vec<Value> = (0..objective.key_results.len())
                        .map(|k| {
                            let contributors = contributing((g, o, Some(k)));
                            let covered = !whole.is_empty() || !contributors.is_empty();
                            context! {
                                key_result => objective_value
                                    .get_attr("key_results")
                                    .and_then(|list| list.get_item_by_index(k))
                                    .unwrap_or_default(),
                                contributors => contributors,
                                covered => covered,
                            }
                        })
                        .collect();
                    context! {
                        objective => objective_value,
                        contributors => whole,
                        key_results => key_results,
                    }
                })
                .collect();
            context! {
                unit => unit.clone(),
                href => path_value(site.unit_path(g)),
                other_period => !in_period(g),
                objectives => objectives,
            }
        })
        .collect()
}

/// The units of a period, linked, for its scorecard.
pub fn period_unit_links(model: &Model, site: &SiteData, period: &str) -> Vec<Value> {
    model
        .units
        .iter()
        .enumerate()
        .filter(|(_, u)| u.period.as_ref().is_some_and(|p| p.name == period))
        .map(|(u, _)| unit_link(site, u))
        .collect()
}

/// Figures for the head of a period's pages: units, key results by pace,
/// and the mean progress of the period's own units.
pub fn summary(model: &Model, units: &[usize], period: &str) -> Value {
    let mut counts = [0usize; 6];
    let mut key_results = 0;
    let own: Vec<usize> = units
        .iter()
        .copied()
        .filter(|&u| {
            model.units[u]
                .period
                .as_ref()
                .is_some_and(|p| p.name == period)
        })
        .collect();
    for &u in units {
        for kr in model.units[u]
            .objectives
            .iter()
            .flat_map(|o| &o.key_results)
        {
            key_results += 1;
            if let Some(pace) = kr.pace {
                counts[pace as usize] += 1;
            }
        }
    }
    let progress =
        crate::analyse::progress::mean(own.iter().map(|&u| model.units[u].progress)).unwrap_or(0.0);
    context! {
        units => units.len(),
        key_results => key_results,
        progress => progress,
        done => counts[Pace::Done as usize],
        not_started => counts[Pace::NotStarted as usize],
        missed => counts[Pace::Missed as usize],
        on_track => counts[Pace::OnTrack as usize],
        at_risk => counts[Pace::AtRisk as usize],
        off_track => counts[Pace::OffTrack as usize],
    }
}

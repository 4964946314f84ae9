//! The alignment map of a period: every unit that units of the period align
//! to (or whose children they are), with, under each objective and key
//! result, the period's objectives contributing to it; key results nothing
//! contributes to are marked.
//!
//! One map per period, in pages when it is large: parent units in tree
//! order, as many per page as fit [`PAGE_GROUPS`] and [`PAGE_ROWS`], so that
//! every parent key result is on exactly one page and a page stays quick to
//! open. A workspace of a few teams has one page.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::sync::Arc;

use minijinja::{Value, context};

use super::data::{RenderContext, SiteData};
use super::paths::path_value;
use crate::model::{Model, Unit};

/// Parent units per page at most.
pub const PAGE_GROUPS: usize = 50;

/// Rows (objectives, key results, contributing objectives) per page at
/// most, unless one parent unit alone has more.
pub const PAGE_ROWS: usize = 1000;

/// Every period's map in pages ([`pages`]), by period name: made once per
/// render, and kept by the next render when [`same_map_inputs`] says so.
pub type Maps = Arc<HashMap<String, Vec<Vec<usize>>>>;

/// Every period's map of `site`, in pages.
pub fn maps(site: &SiteData) -> Maps {
    Arc::new(
        site.model
            .periods
            .iter()
            .map(|p| (p.name.clone(), pages(site, &p.name)))
            .collect(),
    )
}

/// Whether the maps of a render of `a` hold for `b`, when both have the
/// same alignment links and units (ids, periods, order) already: a map
/// reads besides those only each unit's parent and how many objectives and
/// key results it has (the rows of its group). Comparing them is far
/// quicker than making the maps again, which a save would wait for.
pub fn same_map_inputs(a: &Unit, b: &Unit) -> bool {
    a.parent_index == b.parent_index
        && a.objectives.len() == b.objectives.len()
        && a.objectives
            .iter()
            .zip(&b.objectives)
            .all(|(o, p)| o.key_results.len() == p.key_results.len())
}

/// Whether unit `u` belongs to `period`.
fn is_in_period(model: &Model, u: usize, period: &str) -> bool {
    model.units[u]
        .period
        .as_ref()
        .is_some_and(|p| p.name == period)
}

/// The parent units of a period's alignment map, page by page (indices
/// into `Model::units`). Always at least one page, maybe empty.
pub fn pages(site: &SiteData, period: &str) -> Vec<Vec<usize>> {
    let model = &site.model;
    let in_period = |u: usize| is_in_period(model, u, period);
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
    let order = tree_order(model);
    let mut targets: Vec<usize> = targets.into_iter().collect();
    targets.sort_by_key(|&u| order[u]);
    let mut pages: Vec<Vec<usize>> = vec![Vec::new()];
    let mut rows = 0;
    for g in targets {
        let weight = group_rows(site, g, &in_period);
        let page = pages.last_mut().expect("one page at least");
        if !page.is_empty() && (page.len() >= PAGE_GROUPS || rows + weight > PAGE_ROWS) {
            pages.push(Vec::new());
            rows = 0;
        }
        pages.last_mut().expect("just pushed").push(g);
        rows += weight;
    }
    pages
}

/// Each unit's position in the unit tree walked depth first (roots and
/// children in model order).
fn tree_order(model: &Model) -> Vec<usize> {
    let n = model.units.len();
    let mut children: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut roots = Vec::new();
    for (u, unit) in model.units.iter().enumerate() {
        match unit.parent_index.filter(|&p| p < n) {
            Some(p) => children[p].push(u),
            None => roots.push(u),
        }
    }
    let mut position = vec![usize::MAX; n];
    let mut next = 0;
    let mut stack: Vec<usize> = roots.into_iter().rev().collect();
    while let Some(u) = stack.pop() {
        if position[u] != usize::MAX {
            continue;
        }
        position[u] = next;
        next += 1;
        stack.extend(children[u].iter().rev());
    }
    // Units in a parent cycle were never reached: after the rest, in order.
    for slot in position.iter_mut().filter(|p| **p == usize::MAX) {
        *slot = next;
        next += 1;
    }
    position
}

/// The rows a parent unit takes on the map.
fn group_rows(site: &SiteData, g: usize, in_period: &impl Fn(usize) -> bool) -> usize {
    let unit = &site.model.units[g];
    let mut rows = 1;
    for (o, objective) in unit.objectives.iter().enumerate() {
        rows += 1 + objective.key_results.len();
        for k in std::iter::once(None).chain((0..objective.key_results.len()).map(Some)) {
            rows += site.contributions.get(&(g, o, k)).map_or(0, |list| {
                list.iter().filter(|&&(cu, _)| in_period(cu)).count()
            });
        }
    }
    rows
}

/// The groups of one page: `{unit, href, other_period, objectives:
/// [{objective, contributors, key_results: [{key_result, contributors,
/// covered}]}]}`, contributors being `{unit, objective, href}`.
pub fn groups(site: &Arc<RenderContext>, period: &str, units: &[usize]) -> Vec<Value> {
    let model = &site.model;
    let in_period = |u: usize| is_in_period(model, u, period);
    let contributing = |key: (usize, usize, Option<usize>)| -> Vec<Value> {
        let mut seen = HashSet::new();
        site.contributions
            .get(&key)
            .into_iter()
            .flatten()
            .filter(|&&(cu, co)| in_period(cu) && seen.insert((cu, co)))
            .map(|&(cu, co)| {
                context! {
                    unit => site.unit_value(cu),
                    objective => site.okr_value(cu, co, None),
                    href => path_value(site.unit_path(cu)),
                }
            })
            .collect()
    };
    units
        .iter()
        .map(|&g| {
            let objectives: Vec<Value> = model.units[g]
                .objectives
                .iter()
                .enumerate()
                .map(|(o, objective)| {
                    let whole = contributing((g, o, None));
                    let key_results: Vec<Value> = (0..objective.key_results.len())
                        .map(|k| {
                            let contributors = contributing((g, o, Some(k)));
                            let covered = !whole.is_empty() || !contributors.is_empty();
                            context! {
                                key_result => site.okr_value(g, o, Some(k)),
                                contributors => contributors,
                                covered => covered,
                            }
                        })
                        .collect();
                    context! {
                        objective => site.okr_value(g, o, None),
                        contributors => whole,
                        key_results => key_results,
                    }
                })
                .collect();
            context! {
                unit => site.unit_value(g),
                href => path_value(site.unit_path(g)),
                other_period => !in_period(g),
                objectives => objectives,
            }
        })
        .collect()
}

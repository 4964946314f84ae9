//! The lists pages show besides a unit's own OKRs: the unit tree of a
//! period, what needs attention, the latest check-ins, a unit's parent and
//! children. Lists hold the model's own values (`unit`, `objective`,
//! `key_result`, `checkin`) plus an `href` relative to the site root.
//!
//! Pages that cover a whole period show the whole unit tree (its deeper
//! levels folded); the other lists are capped with a count of the rest.
//!
//! Unit values come from the page's [`RenderContext`] only, which records
//! each unit it makes a value of: that is how `watch`
//! learns which units a unit page shows (see `cache/`). A unit page's
//! context may add anything derived from those units or from site-wide
//! inputs (settings, today, periods, paths); anything else it shows must be
//! added to the fingerprints in `cache/fingerprint.rs`.

use std::collections::{BTreeSet, HashSet};
use std::sync::Arc;

use minijinja::{Value, context};

use super::data::RenderContext;
use super::paths::path_value;
use super::rows::TreeShape;
use crate::analyse::attention::{Attention, needs_attention};
use crate::analyse::progress::PaceCounts;
use crate::model::{Model, Pace};

/// A unit with a link to its page.
pub fn unit_link(site: &Arc<RenderContext>, u: usize) -> Value {
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

/// The units of `period` as a tree by parent, flattened depth first:
/// every unit [`period_units`] shows, each level ordered by name. Each node
/// says whether a nested list opens after it (`has_children`) and how many
/// nested lists close after it (`close`), so templates nest `<ul>`s without
/// recursion however deep the tree is (and fold the levels below the
/// third).
pub fn tree_shape(model: &Model, period: &str) -> TreeShape {
    let units = period_units(model, period);
    let in_tree: HashSet<usize> = units.iter().copied().collect();
    let mut children: Vec<Vec<usize>> = vec![Vec::new(); model.units.len()];
    let mut roots = Vec::new();
    for &u in &units {
        match model.units[u].parent_index.filter(|p| in_tree.contains(p)) {
            Some(parent) => children[parent].push(u),
            None => roots.push(u),
        }
    }
    // Each name lower-cased once, not twice at every comparison.
    let mut lower = vec![String::new(); model.units.len()];
    for &u in &units {
        lower[u] = model.units[u].name.to_lowercase();
    }
    let by_name = |a: &usize, b: &usize| {
        let (la, lb) = (&lower[*a], &lower[*b]);
        let (a, b) = (&model.units[*a], &model.units[*b]);
        la.cmp(lb)
            .then_with(|| a.name.cmp(&b.name))
            .then_with(|| a.id.cmp(&b.id))
    };
    roots.sort_by(by_name);
    for list in &mut children {
        list.sort_by(by_name);
    }
    // Depth first, in tree order.
    let mut order: Vec<(usize, usize)> = Vec::with_capacity(units.len());
    let mut stack: Vec<(usize, usize)> = roots.iter().rev().map(|&u| (u, 0)).collect();
    let mut visited = HashSet::new();
    while let Some((u, depth)) = stack.pop() {
        if !visited.insert(u) {
            continue;
        }
        order.push((u, depth));
        stack.extend(children[u].iter().rev().map(|&c| (c, depth + 1)));
    }
    TreeShape::new(units, order)
}

/// The tree of `period` ([`tree_shape`]) for the page `site` renders: each
/// node is made as the template reaches it, or its row written by
/// `unit_tree`.
pub fn tree(site: &Arc<RenderContext>, shape: Arc<TreeShape>, period: &str) -> Value {
    Value::from_object(super::rows::TreeList {
        site: Arc::clone(site),
        shape,
        period: period.to_string(),
    })
}

/// What needs attention (README "How progress is computed", [`needs_attention`]): how many key
/// results, and the first `limit` as `{unit, objective, key_result, href,
/// reasons}`, where a reason is `{kind: "pace"|"stale"|"confidence", value}`.
/// `units` are those [`period_units`] shows of `period`.
pub fn attention(
    site: &Arc<RenderContext>,
    units: &[usize],
    period: &str,
    limit: usize,
) -> (usize, Vec<Value>) {
    let found = site.attention_of(period, || needs_attention(&site.model.units, units));
    let shown = found
        .iter()
        .take(limit)
        .map(|item| attention_item(site, item))
        .collect();
    (found.len(), shown)
}

/// One key result that needs attention, as the lists show it.
pub fn attention_item(site: &Arc<RenderContext>, item: &Attention) -> Value {
    let reasons: Vec<Value> = item
        .reasons
        .iter()
        .map(|reason| {
            let (kind, value) = reason.kind_and_value();
            context! { kind => kind, value => value }
        })
        .collect();
    let link = key_result_link(site, item.unit, item.objective, item.key_result);
    context! { reasons => reasons, ..link }
}

/// A key result with its unit and objective, linked to its unit's page.
pub fn key_result_link(site: &Arc<RenderContext>, u: usize, o: usize, k: usize) -> Value {
    context! {
        unit => site.unit_value(u),
        objective => site.okr_value(u, o, None),
        key_result => site.okr_value(u, o, Some(k)),
        href => path_value(site.unit_path(u)),
    }
}

/// The most check-ins a period's page lists (the dashboard's); the
/// overview lists the first of the same.
pub const LATEST_KEPT: usize = 25;

/// Where a check-in is: unit, objective, key result, check-in.
pub type CheckinAt = (usize, usize, usize, usize);

/// A check-in's date and place: how the latest are ranked, newest first,
/// then in model order (the greater key first).
pub type DatedCheckin = (chrono::NaiveDate, CheckinAt);

/// The rank of a check-in among the latest: the greater, the sooner shown.
fn rank(&(date, at): &DatedCheckin) -> (chrono::NaiveDate, std::cmp::Reverse<CheckinAt>) {
    (date, std::cmp::Reverse(at))
}

/// The `limit` latest check-ins of the units shown of `period` (`units`,
/// [`period_units`]), up to today, newest first: each `{unit, objective,
/// key_result, checkin, href}`.
pub fn latest_checkins(
    site: &Arc<RenderContext>,
    units: &[usize],
    period: &str,
    limit: usize,
) -> Vec<Value> {
    if limit > LATEST_KEPT {
        let latest = latest_of(&site.model, units, limit);
        return checkin_items(site, &latest.iter().map(|&(_, at)| at).collect::<Vec<_>>());
    }
    // The first `limit` of the best `LATEST_KEPT` are the best `limit`:
    // the order is total (ties go by place in the model).
    let kept = Arc::clone(site.period_lists(period).latest.get_or_init(|| {
        let model = &site.model;
        let latest = site
            .latest_kept(period)
            .and_then(|(last, touched)| latest_after(model, units, last, touched, LATEST_KEPT))
            .unwrap_or_else(|| latest_of(model, units, LATEST_KEPT));
        debug_assert_eq!(latest, latest_of(model, units, LATEST_KEPT));
        Arc::new(latest)
    }));
    let shown: Vec<CheckinAt> = kept.iter().take(limit).map(|&(_, at)| at).collect();
    checkin_items(site, &shown)
}

/// The template items of check-ins: each `{unit, objective, key_result,
/// checkin, href}`, the units recorded as used by the page.
fn checkin_items(site: &Arc<RenderContext>, at: &[CheckinAt]) -> Vec<Value> {
    at.iter()
        .map(|&(u, o, k, c)| {
            let item = key_result_link(site, u, o, k);
            let checkin = super::objects::checkin_value(site, (u, o, k, c));
            context! { checkin => checkin, ..item }
        })
        .collect()
}

/// Where the `limit` latest check-ins of the units are, up to today, best
/// first.
fn latest_of(model: &Model, units: &[usize], limit: usize) -> Vec<DatedCheckin> {
    use std::cmp::Reverse;
    use std::collections::BinaryHeap;
    // Newest first, then in model order: the greater key is shown first.
    // A heap of the `limit` best seen so far (its worst on top) keeps a
    // dashboard over hundreds of thousands of check-ins from sorting them all.
    type Key = (chrono::NaiveDate, Reverse<CheckinAt>);
    let mut best: BinaryHeap<Reverse<Key>> = BinaryHeap::with_capacity(limit + 1);
    for &u in units {
        for (o, objective) in model.units[u].objectives.iter().enumerate() {
            for (k, kr) in objective.key_results.iter().enumerate() {
                for (c, checkin) in kr.checkins.iter().enumerate() {
                    if checkin.date > model.today || limit == 0 {
                        continue;
                    }
                    let key = (checkin.date, Reverse((u, o, k, c)));
                    if best.len() < limit {
                        best.push(Reverse(key));
                    } else if best.peek().is_some_and(|worst| key > worst.0) {
                        best.pop();
                        best.push(Reverse(key));
                    }
                }
            }
        }
    }
    // Ascending `Reverse<Key>` is descending `Key`: best first.
    best.into_sorted_vec()
        .into_iter()
        .map(|Reverse((date, Reverse(at)))| (date, at))
        .collect()
}

/// [`latest_of`] from the last render's list (`last`, of the same units
/// as of the same day) when linking said which units it set since
/// (`touched`): the last list less those units' check-ins, and every
/// check-in of those units. `None` when that may not be the best `limit`:
/// a check-in the last list left out ranks below all of it, so the best
/// `limit` of these are the best of all when the last list held every
/// check-in (it was shorter than `limit`) or when the worst of the new
/// ones ranks no lower than the last list's worst. A save changes a few
/// units; walking the period's 630,000 check-ins at 10,000 units took
/// about 11 ms of it (BENCHMARKS.md, "Watch, part seven").
fn latest_after(
    model: &Model,
    units: &[usize],
    last: &[DatedCheckin],
    touched: &std::collections::BTreeSet<usize>,
    limit: usize,
) -> Option<Vec<DatedCheckin>> {
    if limit == 0 {
        return Some(Vec::new());
    }
    let mut found: Vec<DatedCheckin> = last
        .iter()
        .filter(|(_, at)| !touched.contains(&at.0))
        .copied()
        .collect();
    for &u in touched {
        let Some(unit) = model
            .units
            .get(u)
            .filter(|_| units.binary_search(&u).is_ok())
        else {
            continue;
        };
        for (o, objective) in unit.objectives.iter().enumerate() {
            for (k, kr) in objective.key_results.iter().enumerate() {
                for (c, checkin) in kr.checkins.iter().enumerate() {
                    if checkin.date <= model.today {
                        found.push((checkin.date, (u, o, k, c)));
                    }
                }
            }
        }
    }
    found.sort_unstable_by_key(|dated| std::cmp::Reverse(rank(dated)));
    found.truncate(limit);
    let exact = last.len() < limit
        || (found.len() == limit
            && last
                .last()
                .is_some_and(|worst| rank(&found[limit - 1]) >= rank(worst)));
    exact.then_some(found)
}

/// The units at the top of the tree that state a mission, vision or strategy.
pub fn statements(site: &Arc<RenderContext>, units: &[usize]) -> Vec<Value> {
    units
        .iter()
        .copied()
        .filter(|&u| {
            let unit = &site.model.units[u];
            unit.mission.is_some() || unit.vision.is_some() || unit.strategy.is_some()
        })
        .map(|u| unit_link(site, u))
        .collect()
}

/// A unit's page: its parent, the units aligned below it, and the chain of
/// units above it (for the breadcrumb, top first).
pub fn unit_relations(site: &Arc<RenderContext>, u: usize) -> (Value, Vec<Value>, Vec<Value>) {
    let model = &site.model;
    let unit = &model.units[u];
    let parent = unit
        .parent_index
        .map(|p| unit_link(site, p))
        .unwrap_or_default();
    let children = unit
        .children
        .iter()
        .filter_map(|key| {
            site.unit_index()
                .get(&(key.id.to_string(), key.period.to_string()))
                .copied()
        })
        .map(|c| unit_link(site, c))
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

/// The units of a period, linked, for its scorecard.
pub fn period_unit_links(site: &Arc<RenderContext>, period: &str) -> Vec<Value> {
    site.model
        .units
        .iter()
        .enumerate()
        .filter(|(_, u)| u.period.as_ref().is_some_and(|p| p.name == period))
        .map(|(u, _)| unit_link(site, u))
        .collect()
}

/// Figures for the head of a period's pages: units, key results by pace,
/// and the mean progress of the period's own units (`units`,
/// [`period_units`]), made once per render for the overview and dashboard.
pub fn summary(site: &Arc<RenderContext>, units: &[usize], period: &str) -> Value {
    site.period_lists(period)
        .summary
        .get_or_init(|| summary_of(&site.model, units, period))
        .clone()
}

fn summary_of(model: &Model, units: &[usize], period: &str) -> Value {
    let mut counts = PaceCounts::default();
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
            counts.add(kr.pace);
        }
    }
    let progress =
        crate::analyse::progress::mean(own.iter().map(|&u| model.units[u].progress)).unwrap_or(0.0);
    context! {
        units => units.len(),
        key_results => key_results,
        progress => progress,
        done => counts.of(Pace::Done),
        not_started => counts.of(Pace::NotStarted),
        missed => counts.of(Pace::Missed),
        on_track => counts.of(Pace::OnTrack),
        at_risk => counts.of(Pace::AtRisk),
        off_track => counts.of(Pace::OffTrack),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::site::data::SiteData;

    /// The latest check-ins made from the last list and the check-ins of the
    /// units a save changed are those a walk of every check-in finds, or
    /// none is made: after a check-in newer than all, after a unit lost its
    /// check-ins (those in the list among them), and after a save that
    /// changed nothing in a unit.
    #[test]
    fn the_latest_after_a_save_are_the_latest_of_a_walk_or_none() {
        let (model, _) = crate::compiled_sample();
        let period = crate::period::current_period(&model.periods, model.today)
            .unwrap()
            .name
            .clone();
        let units = period_units(&model, &period);
        let mut made = 0;
        for limit in [3, 5, LATEST_KEPT, 1000] {
            let last = latest_of(&model, &units, limit);
            assert!(!last.is_empty());
            // The unit of the newest check-in, and one with none in the list.
            let newest = last[0].1.0;
            let other = units
                .iter()
                .copied()
                .find(|&u| last.iter().all(|(_, at)| at.0 != u))
                .unwrap_or(newest);
            for (unit, change) in [
                (newest, "newer"),
                (newest, "none"),
                (other, "same"),
                (other, "newer"),
            ] {
                let mut next = model.clone();
                let krs = next.units[unit]
                    .objectives
                    .iter_mut()
                    .flat_map(|o| &mut o.key_results);
                match change {
                    "newer" => {
                        if let Some(kr) = krs.into_iter().next() {
                            kr.checkins.push(crate::model::Checkin::new(
                                model.today,
                                Some(1.0),
                                None,
                                None,
                                None,
                            ));
                        }
                    }
                    "none" => krs.for_each(|kr| kr.checkins.clear()),
                    _ => {}
                }
                let touched = std::collections::BTreeSet::from([unit]);
                let walked = latest_of(&next, &units, limit);
                match latest_after(&next, &units, &last, &touched, limit) {
                    Some(after) => {
                        assert_eq!(after, walked, "{change} in {unit}, limit {limit}");
                        made += 1;
                    }
                    None => assert!(
                        change == "none" && limit < 1000,
                        "{change} in {unit}, limit {limit}"
                    ),
                }
            }
        }
        assert!(made >= 12, "made from the last list only {made} times");
    }

    /// How many units lie below `u`, at every level, by a walk of the
    /// children: what the tree's counts were before [`TreeShape::new`]
    /// read them off the depth-first order.
    fn count_below(children: &[Vec<usize>], u: usize) -> usize {
        let mut count = 0;
        let mut stack: Vec<usize> = children[u].clone();
        let mut seen = HashSet::new();
        while let Some(c) = stack.pop() {
            if seen.insert(c) {
                count += 1;
                stack.extend(children[c].iter().copied());
            }
        }
        count
    }

    /// Each node's count of the units below it is what a walk of its
    /// children finds, in trees of many levels, several roots and units
    /// whose parent is in another period.
    #[test]
    fn a_tree_counts_the_units_below_each_node_as_a_walk_does() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 27).unwrap();
        let mut deep_nodes = 0;
        for workspace in [
            "sample-okrs",
            "tests/fixtures/site-deep",
            "tests/fixtures/report",
        ] {
            let workspace = crate::workspace::Workspace::load(&root.join(workspace), None).unwrap();
            let model = crate::compile(&workspace, today);
            for period in &model.periods {
                let shape = tree_shape(&model, &period.name);
                let mut children: Vec<Vec<usize>> = vec![Vec::new(); model.units.len()];
                for &u in &shape.units {
                    if let Some(p) = model.units[u]
                        .parent_index
                        .filter(|p| shape.units.contains(p))
                    {
                        children[p].push(u);
                    }
                }
                assert_eq!(shape.order.len(), shape.units.len());
                for (i, &(u, _)) in shape.order.iter().enumerate() {
                    assert_eq!(
                        shape.below[i],
                        count_below(&children, u),
                        "{}",
                        model.units[u].id
                    );
                    deep_nodes += usize::from(shape.below[i] > children[u].len());
                }
            }
        }
        assert!(deep_nodes > 0, "no node with units two levels below");
    }

    /// The overview lists the first of the check-ins its period's dashboard
    /// kept for the render: each page's list must be the latest, as a walk
    /// for that many finds, whichever page comes first.
    #[test]
    fn the_overview_lists_the_latest_of_the_checkins_the_dashboard_kept() {
        let model = Arc::new(crate::compiled_sample().0);
        let markdown = super::super::markdown::MarkdownOptions { unsafe_html: false };
        let config = crate::config::Config::default();
        let mut compared = 0;
        for period in &model.periods {
            let units = period_units(&model, &period.name);
            for order in [[10, LATEST_KEPT], [LATEST_KEPT, 10]] {
                // One render: the second page reads what the first kept.
                let site = SiteData::after(Arc::clone(&model), markdown, &config, None, true, None);
                for limit in order {
                    let page = RenderContext::new(&site);
                    let shown = latest_checkins(&page, &units, &period.name, limit);
                    let walked: Vec<CheckinAt> = latest_of(&model, &units, limit)
                        .into_iter()
                        .map(|(_, at)| at)
                        .collect();
                    let walked = checkin_items(&page, &walked);
                    assert_eq!(
                        format!("{shown:?}"),
                        format!("{walked:?}"),
                        "{} {order:?}",
                        period.name
                    );
                }
            }
            compared += usize::from(latest_of(&model, &units, LATEST_KEPT).len() > 10);
        }
        assert!(compared > 0, "no period with more than 10 check-ins");
    }
}

//! The pages of the weekly check-in loop: a running period's changes over
//! the last 7 days, the overview's "This week" block, and the people pages.
//! What moved, what needs attention and who answers for a key result come
//! from `analyse` and the model; this only shapes them for templates.

use std::hash::{Hash, Hasher};
use std::sync::Arc;

use minijinja::{Value, context};
use rayon::prelude::*;

use super::data::{RenderContext, SiteData};
use super::lists::{attention_item, key_result_link};
use super::paths::path_value;
use super::pieces::{ChangeOrder, UnitWeek, Weeks};
use crate::analyse::attention::needs_attention;
use crate::analyse::changes::{Change, Standing, UnitStandings, Window, biggest_first, changes};
use crate::model::Unit;

/// Each unit's week: made once per render (for the changes pages and the
/// overview's "This week"), kept from the last render for the units that
/// did not change (`pieces.rs`); `None` when no period is running.
fn weeks(site: &SiteData) -> Option<Weeks> {
    let then = site.week_ago.as_ref()?;
    let window = Window::week(site.today());
    let now = &site.model.units;
    Some(
        site.pieces
            .weeks(now.len(), |u| unit_week(now, then, u, window)),
    )
}

/// What moved of unit `u` in `window` ([`changes`]), and unless it is a
/// draft how many of its key results are newly in trouble and due a
/// check-in.
fn unit_week(now: &[Unit], then: &[UnitStandings], u: usize, window: Window) -> UnitWeek {
    let changes = changes(now, then, &[u], window);
    let mut week = UnitWeek {
        hash: week_hash(&changes),
        changes,
        ..UnitWeek::default()
    };
    let unit = &now[u];
    if unit.draft {
        return week;
    }
    for (o, objective) in unit.objectives.iter().enumerate() {
        for (k, kr) in objective.key_results.iter().enumerate() {
            week.due += usize::from(kr.stale);
            let before = then.get(u).and_then(|unit| unit.get(o, k));
            if Standing::of(kr).troubled() && !before.is_some_and(Standing::troubled) {
                week.newly_at_risk += 1;
            }
        }
    }
    week
}

/// A hash of a unit's changes of the week, all a changes page shows of
/// them besides the unit itself: which key results moved, where they stood
/// then and now, and the check-ins of the window.
fn week_hash(changes: &[Change]) -> u64 {
    let mut hasher = crate::site::cache::hasher();
    for change in changes {
        (change.objective, change.key_result, &change.checkins).hash(&mut hasher);
        for standing in [&change.then, &change.now] {
            (
                standing.value.map(f64::to_bits),
                standing.done,
                standing.progress.to_bits(),
                standing.confidence.map(|c| c.as_str()),
                standing.pace,
            )
                .hash(&mut hasher);
        }
    }
    hasher.finish()
}

fn standing(s: &Standing) -> Value {
    context! {
        value => s.value,
        done => s.done,
        progress => s.progress,
        confidence => s.confidence.map(|c| c.as_str()),
        pace => s.pace.map(|p| p.as_str()),
    }
}

/// Key results per changes page: about as many rows as a page of the
/// alignment map, quick to open; 10,000 units' week is some 80 pages.
pub const CHANGES_PER_PAGE: usize = 1000;

/// The moved key results of the units `period`'s pages show, biggest moves
/// first, with every unit's week: made once per render
/// ([`super::pieces::Pieces::change_order`]), for the page list (how many
/// pages) and for each page (its slice). `None` when no period is running.
fn change_order(site: &SiteData, period: &str) -> Option<(Weeks, ChangeOrder)> {
    let weeks = weeks(site)?;
    // The units that moved, walked for only when the render has no order yet.
    let moved = || {
        site.tree_shape(period)
            .units
            .iter()
            .copied()
            .filter(|&u| weeks.get(u).is_some_and(|w| !w.changes.is_empty()))
            .collect()
    };
    let change = |&(u, c): &(usize, usize)| &weeks[u].changes[c];
    let order = site.pieces.change_order(period, &weeks, moved, |a, b| {
        biggest_first(change(a), change(b))
    });
    Some((weeks, order))
}

/// The pages the changes of `period` take ([`CHANGES_PER_PAGE`] each; one
/// when nothing moved), each as a hash of what it shows of the week: how
/// many moved in all, and its changes in order with each unit's week
/// ([`UnitWeek::hash`]). The rest of a page is its units' and the site's
/// (the cache's fingerprint of the page adds those).
pub fn changes_page_hashes(site: &SiteData, period: &str) -> Vec<u64> {
    let (weeks, order) = change_order(site, period).unwrap_or_default();
    let count = super::pager::page_count(order.len(), CHANGES_PER_PAGE);
    (0..count)
        .into_par_iter()
        .map(|page| {
            let mut hasher = crate::site::cache::hasher();
            order.len().hash(&mut hasher);
            for &(u, c) in super::pager::page_items(&order, page + 1, CHANGES_PER_PAGE) {
                (u, c, weeks[u].hash).hash(&mut hasher);
            }
            hasher.finish()
        })
        .collect()
}

/// Page `number` (1-based) of the changes of `period`: its list (each
/// moved key result linked, with where it stood then and now and the
/// check-ins of the window; each item made as the template reaches it)
/// and how many key results moved on all pages.
pub fn changes_list(site: &Arc<RenderContext>, period: &str, number: usize) -> (Value, usize) {
    let (weeks, order) = change_order(site, period).unwrap_or_default();
    let shown = super::pager::page_items(&order, number, CHANGES_PER_PAGE).to_vec();
    let mut units: Vec<usize> = shown.iter().map(|&(u, _)| u).collect();
    units.sort_unstable();
    units.dedup();
    let list = super::rows::ChangeList {
        site: Arc::clone(site),
        weeks,
        order: shown,
        units,
        item: change_value,
    };
    (Value::from_object(list), order.len())
}

fn change_value(site: &Arc<RenderContext>, change: &Change) -> Value {
    let link = key_result_link(site, change.unit, change.objective, change.key_result);
    let checkins: Vec<Value> = change
        .checkins
        .iter()
        .rev()
        .map(|&c| {
            super::objects::checkin_value(
                site,
                (change.unit, change.objective, change.key_result, c),
            )
        })
        .collect();
    context! {
        then => standing(&change.then),
        now => standing(&change.now),
        progress_change => change.progress_change(),
        checkins => checkins,
        ..link
    }
}

/// The overview's "This week": how many key results moved, how many are
/// newly in trouble, how many are due a check-in, and the changes page.
pub fn this_week(site: &Arc<RenderContext>, units: &[usize], period: &str) -> Value {
    let Some(weeks) = weeks(site) else {
        return Value::from(());
    };
    let (mut moved, mut newly_at_risk, mut due) = (0, 0, 0);
    for week in units.iter().filter_map(|&u| weeks.get(u)) {
        moved += week.changes.len();
        newly_at_risk += week.newly_at_risk;
        due += week.due;
    }
    context! {
        moved => moved,
        newly_at_risk => newly_at_risk,
        due => due,
        href => path_value(site.paths.changes(period).as_deref()),
    }
}

/// Everyone named as an owner, linked, with how many key results they
/// answer for.
pub fn people_list(site: &Arc<RenderContext>) -> Vec<Value> {
    let index = site.people_index();
    site.people
        .iter()
        .enumerate()
        .map(|(p, (name, slug))| {
            context! {
                name => name,
                href => path_value(Some(&site.paths.person(slug))),
                key_results => index.answers(p).len(),
            }
        })
        .collect()
}

/// A person's page: the units they own, the key results they answer for
/// (newest period first), what of theirs needs attention, and their latest
/// check-ins.
pub fn person_variables(site: &Arc<RenderContext>, person: usize) -> Vec<(&'static str, Value)> {
    let Some((name, _)) = site.people.get(person) else {
        return Vec::new();
    };
    let model = &site.model;
    let index = site.people_index();
    // The page depends on every unit that names the person (see `cache/`).
    for u in index.named(person) {
        site.depends_on(u);
    }
    let units: Vec<Value> = index
        .owned(person)
        .map(|u| super::lists::unit_link(site, u))
        .collect();
    let mut theirs: Vec<(usize, usize, usize)> = index.answers(person).collect();
    // The latest periods first; within one, the model's order.
    theirs.sort_by(|a, b| {
        let period = |u: usize| model.units[u].period.as_ref().map(|p| p.order_key());
        period(b.0).cmp(&period(a.0)).then(a.cmp(b))
    });
    let okrs: Vec<Value> = theirs
        .iter()
        .map(|&(u, o, k)| key_result_link(site, u, o, k))
        .collect();
    let mut their_units: Vec<usize> = theirs.iter().map(|&(u, _, _)| u).collect();
    their_units.dedup();
    their_units.sort_unstable();
    their_units.dedup();
    let attention: Vec<Value> = needs_attention(&model.units, &their_units)
        .into_iter()
        .filter(|item| theirs.contains(&(item.unit, item.objective, item.key_result)))
        .map(|item| attention_item(site, &item))
        .collect();
    let mut checkins: Vec<(chrono::NaiveDate, usize, usize, usize, usize)> = theirs
        .iter()
        .flat_map(|&(u, o, k)| {
            let kr = &model.units[u].objectives[o].key_results[k];
            kr.checkins
                .iter()
                .enumerate()
                .filter(|(_, c)| c.date <= model.today)
                .map(move |(c, checkin)| (checkin.date, u, o, k, c))
        })
        .collect();
    checkins.sort_by(|a, b| {
        b.0.cmp(&a.0)
            .then((a.1, a.2, a.3, a.4).cmp(&(b.1, b.2, b.3, b.4)))
    });
    let checkins: Vec<Value> = checkins
        .into_iter()
        .take(10)
        .map(|(_, u, o, k, c)| {
            let item = key_result_link(site, u, o, k);
            let checkin = super::objects::checkin_value(site, (u, o, k, c));
            context! { checkin => checkin, ..item }
        })
        .collect();
    vec![
        ("person", context! { name => name }),
        ("units", Value::from(units)),
        ("okrs", Value::from(okrs)),
        ("attention", Value::from(attention)),
        ("checkins", Value::from(checkins)),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{ConfidenceLevel, Model};

    /// A changes page's hash follows what it shows of the units' weeks: a
    /// confidence of a week ago that differs, with the same rows in the
    /// same order (and no unit changed), makes another hash, so the cache
    /// renders the page again.
    #[test]
    fn a_changes_page_hash_follows_the_figures_of_a_week_ago() {
        let (model, config) = crate::compiled_sample();
        let model = Arc::new(model);
        let markdown = super::super::markdown::MarkdownOptions { unsafe_html: false };
        let site_of = |model: &Arc<Model>| {
            SiteData::after(Arc::clone(model), markdown, &config, None, false, None)
        };
        let site = site_of(&model);
        let (weeks, order) = change_order(&site, "2026-Q4").unwrap();
        let hashes = changes_page_hashes(&site, "2026-Q4");
        // A key result whose value moved, and a confidence it had neither
        // then nor now.
        let change = order
            .iter()
            .map(|&(u, c)| &weeks[u].changes[c])
            .find(|c| c.value_change().is_some_and(|moved| moved != 0.0))
            .unwrap();
        let level = ConfidenceLevel::ALL
            .into_iter()
            .find(|&l| Some(l) != change.then.confidence && Some(l) != change.now.confidence)
            .unwrap();
        // The week-ago units as `watch` keeps them in the model, with it.
        let mut week_ago = crate::analyse::changes::week_ago(&model, &config).unwrap();
        week_ago[change.unit].objectives[change.objective].key_results[change.key_result]
            .confidence = Some(level);
        let mut next = Model::clone(&model);
        next.week_ago = Some(Arc::new(week_ago));
        let next_site = site_of(&Arc::new(next));
        let (_, next_order) = change_order(&next_site, "2026-Q4").unwrap();
        assert_eq!(order, next_order, "the same rows in the same order");
        assert_ne!(changes_page_hashes(&next_site, "2026-Q4"), hashes);
    }
}

//! The per-unit pieces of the pages that show every unit, kept from one
//! render to the next in `watch`: each unit's row of the unit tree (name
//! linked, tags, owners, sparkline, bar), each unit's changes of the week
//! and their rows on the changes page. At 10,000 units those pages are
//! tens of megabytes made of tens of thousands of such pieces, and after a
//! save all but a few are what the last render made: a render takes the
//! last one's pieces for every unit that did not change and splices the
//! pages from them (`rows.rs`), making only the changed units' pieces.
//!
//! What a piece depends on besides its own unit is the same for every
//! piece, and a render keeps none of the last render's pieces when any of
//! it changed: the language, today, the Markdown options, the page paths
//! and the people (the same `Arc`s when [`super::data::SiteData::after`]
//! kept them), and everything else the site-wide fingerprint covers
//! (templates, settings, periods: see `cache/`). A unit's pieces are kept
//! when the unit is equal (`==`) to the last model's at the same index
//! (and, for its changes, so are its figures of a week ago); the cache
//! tells the render which units those are ([`Pieces::settle`]). Until it
//! does, nothing is kept: a render that is never told makes every piece
//! itself, as a render without a last one does.
//!
//! Rows are kept by the folder of the page they are written for (links are
//! relative to it) and, for the tree, the period the tree shows.

use std::collections::{BTreeSet, HashMap};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};

use rayon::prelude::*;

use crate::analyse::changes::{Change, UnitStandings};

/// One unit's week: its key results that moved in the last 7 days (model
/// order), and for the overview's "This week" how many of its key results
/// are newly in trouble and how many are due a check-in (none for a draft).
#[derive(Debug, Default, Clone, PartialEq)]
pub struct UnitWeek {
    pub changes: Vec<Change>,
    /// A hash of `changes`, for the fingerprints of the changes pages.
    pub hash: u64,
    pub newly_at_risk: usize,
    pub due: usize,
}

/// Each unit's week, by index into `Model::units`.
pub type Weeks = Arc<Vec<Arc<UnitWeek>>>;

/// By index into `Model::units`: a piece, or none yet.
type Table<T> = Arc<Vec<Option<T>>>;

/// Tree rows by (page folder, period); change rows (one per change of the
/// unit's week, in its order) by page folder; each unit's entry in
/// `okrs.json`.
#[derive(Default)]
struct Store {
    trees: HashMap<(String, String), Table<Arc<str>>>,
    changes: HashMap<String, Table<Arc<Vec<String>>>>,
    weeks: Option<Table<Arc<UnitWeek>>>,
    entries: Option<Table<Arc<[u8]>>>,
    /// The changes pages' orders, by period.
    orders: HashMap<String, Arc<Order>>,
}

/// The order of a period's changes pages: of the weeks of `units`, (unit,
/// index into its week's changes), sorted.
struct Order {
    weeks: Weeks,
    units: Vec<usize>,
    order: ChangeOrder,
}

/// The changes of a period's changes pages, in the order they show them:
/// (unit, index into its week's changes). Every page takes its slice.
pub type ChangeOrder = Arc<Vec<(usize, usize)>>;

impl Store {
    /// The pieces of the units `keep` says, the others dropped; a unit's
    /// changes and their rows also need its week-ago figures kept
    /// (`keep_week`).
    fn carried(&self, keep: &[bool], keep_week: &[bool]) -> Store {
        fn filter<T: Clone>(table: &Table<T>, keep: &[bool]) -> Table<T> {
            Arc::new(
                table
                    .iter()
                    .enumerate()
                    .map(|(u, piece)| {
                        piece
                            .as_ref()
                            .filter(|_| keep.get(u).copied().unwrap_or(false))
                            .cloned()
                    })
                    .collect(),
            )
        }
        Store {
            trees: self
                .trees
                .iter()
                .map(|(key, table)| (key.clone(), filter(table, keep)))
                .collect(),
            changes: self
                .changes
                .iter()
                .map(|(key, table)| (key.clone(), filter(table, keep_week)))
                .collect(),
            weeks: self.weeks.as_ref().map(|table| filter(table, keep_week)),
            entries: self.entries.as_ref().map(|table| filter(table, keep)),
            // Checked as they are used: each unit's part of an order is
            // kept when its week is.
            orders: self.orders.clone(),
        }
    }
}

/// The last render's pieces, until this render knows which units changed.
struct Last {
    store: Store,
    /// The last render's week-ago standings, to tell whose changed.
    week_ago: Option<Arc<Vec<UnitStandings>>>,
}

/// The pieces of one render: made as its pages ask, or taken from the
/// last render's.
#[derive(Default)]
pub struct Pieces {
    /// Whether pieces are kept for the next render (`watch`, `serve`);
    /// a single build writes its rows straight into the page.
    keep: bool,
    last: Mutex<Option<Last>>,
    store: Mutex<Store>,
    weeks: OnceLock<Weeks>,
    /// This render's orders of the changes, by period: made once (the
    /// page list counts them), and every changes page takes its slice.
    ordered: Mutex<HashMap<String, ChangeOrder>>,
    /// Pieces made by this render (the others were kept).
    made: AtomicUsize,
}

impl std::fmt::Debug for Pieces {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pieces")
            .field("keep", &self.keep)
            .finish_non_exhaustive()
    }
}

pub(super) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}

impl Pieces {
    /// A render's pieces: none yet. With `last` (the last render's pieces
    /// and week-ago standings, when nothing site-wide changed; see
    /// [`super::data::SiteData::after`]) its pieces are there to take once
    /// [`Pieces::settle`] says which units did not change.
    pub fn new(keep: bool, last: Option<(&Pieces, Option<Arc<Vec<UnitStandings>>>)>) -> Pieces {
        let last = last.filter(|_| keep).map(|(pieces, week_ago)| {
            let store = lock(&pieces.store);
            Last {
                store: Store {
                    trees: store.trees.clone(),
                    changes: store.changes.clone(),
                    weeks: store.weeks.clone(),
                    entries: store.entries.clone(),
                    orders: store.orders.clone(),
                },
                week_ago,
            }
        });
        Pieces {
            keep,
            last: Mutex::new(last),
            store: Mutex::new(Store::default()),
            weeks: OnceLock::new(),
            ordered: Mutex::new(HashMap::new()),
            made: AtomicUsize::new(0),
        }
    }

    /// How many pieces this render made rather than kept: tree rows, a
    /// unit's change rows, a unit's week.
    pub fn made(&self) -> usize {
        self.made.load(Ordering::Relaxed)
    }

    /// Takes the last render's pieces of the units that did not change:
    /// `same[u]` says unit `u` equals the last model's unit `u` (`None`:
    /// nothing can be kept, say after a change of templates or settings);
    /// `week_ago` are this render's week-ago standings. Pages rendered before
    /// this made their pieces themselves. `week_touched`: the only week-ago
    /// units that may differ from the last render's, when known.
    pub fn settle(
        &self,
        same: Option<&[bool]>,
        week_ago: Option<&Arc<Vec<UnitStandings>>>,
        week_touched: Option<&BTreeSet<usize>>,
    ) {
        let Some(last) = lock(&self.last).take() else {
            return;
        };
        let Some(same) = same else {
            return;
        };
        // A unit's changes compare it with its figures of a week ago.
        let same_week: Vec<bool> = match (&last.week_ago, week_ago) {
            (Some(a), Some(b)) if a.len() == b.len() && a.len() == same.len() => match week_touched
            {
                Some(touched) => {
                    let mut same = same.to_vec();
                    for &u in touched {
                        if let (Some(same), Some(a), Some(b)) =
                            (same.get_mut(u), a.get(u), b.get(u))
                        {
                            *same = *same && a == b;
                        }
                    }
                    same
                }
                None => same
                    .par_iter()
                    .zip(a.par_iter().zip(b.par_iter()))
                    .map(|(&same, (a, b))| same && a == b)
                    .collect(),
            },
            (None, None) => same.to_vec(),
            _ => vec![false; same.len()],
        };
        let carried = last.store.carried(same, &same_week);
        let mut store = lock(&self.store);
        for (key, table) in carried.trees {
            store.trees.entry(key).or_insert(table);
        }
        for (key, table) in carried.changes {
            store.changes.entry(key).or_insert(table);
        }
        for (key, order) in carried.orders {
            store.orders.entry(key).or_insert(order);
        }
        if store.weeks.is_none() && self.weeks.get().is_none() {
            store.weeks = carried.weeks;
        }
        if store.entries.is_none() {
            store.entries = carried.entries;
        }
        drop(store);
        drop_later(last);
    }

    /// Each unit's week (`units` of them), each made by `make` unless
    /// kept; made once per render, for the changes pages and the overview.
    pub fn weeks(&self, units: usize, make: impl Fn(usize) -> UnitWeek + Sync) -> Weeks {
        Arc::clone(self.weeks.get_or_init(|| {
            let kept = lock(&self.store)
                .weeks
                .take()
                .filter(|kept| kept.len() == units);
            let weeks: Vec<Arc<UnitWeek>> = (0..units)
                .into_par_iter()
                .map(|u| {
                    kept.as_ref()
                        .and_then(|kept| kept[u].clone())
                        .unwrap_or_else(|| {
                            self.made.fetch_add(1, Ordering::Relaxed);
                            Arc::new(make(u))
                        })
                })
                .collect();
            if self.keep {
                lock(&self.store).weeks = Some(Arc::new(weeks.iter().cloned().map(Some).collect()));
            }
            Arc::new(weeks)
        }))
    }

    /// The changes of the weeks of `units` (in model order), as (unit,
    /// index into its week's changes), in the order `cmp` gives; made once
    /// per render for the pages about `period` (the same `units` each
    /// time). The last render's order of those pages, sorted, is kept for
    /// the units whose week it kept (the same changes, so still in order);
    /// the changes of the others, few, are sorted and each put in its place
    /// by a binary search, where sorting all the changes of 10,000 units is
    /// tens of milliseconds and even merging compares every one. `cmp`
    /// must be a total order, so the result is the same whatever order the
    /// changes came in.
    pub fn change_order(
        &self,
        period: &str,
        weeks: &Weeks,
        units: impl FnOnce() -> Vec<usize>,
        cmp: impl Fn(&(usize, usize), &(usize, usize)) -> std::cmp::Ordering,
    ) -> ChangeOrder {
        if let Some(order) = lock(&self.ordered).get(period) {
            return Arc::clone(order);
        }
        let units = units();
        let count = weeks.len();
        let last = lock(&self.store)
            .orders
            .get(period)
            .cloned()
            .filter(|last| last.weeks.len() == count);
        let mut shown = vec![false; count];
        for &u in &units {
            shown[u] = true;
        }
        let mut kept = vec![false; count];
        let mut order = Vec::new();
        if let Some(last) = &last {
            for &u in &last.units {
                kept[u] = shown[u] && Arc::ptr_eq(&last.weeks[u], &weeks[u]);
            }
            order.extend(last.order.iter().filter(|&&(u, _)| kept[u]));
        }
        let mut fresh = Vec::new();
        for &u in units.iter().filter(|&&u| !kept[u]) {
            fresh.extend((0..weeks[u].changes.len()).map(|c| (u, c)));
        }
        fresh.sort_by(&cmp);
        let order = Arc::new(merge_sorted(order, fresh, &cmp));
        if self.keep {
            let kept = Order {
                weeks: Arc::clone(weeks),
                units,
                order: Arc::clone(&order),
            };
            lock(&self.store)
                .orders
                .insert(period.to_string(), Arc::new(kept));
        }
        // Two pages that asked at once made the same order: the first kept
        // is everyone's.
        Arc::clone(
            lock(&self.ordered)
                .entry(period.to_string())
                .or_insert(order),
        )
    }

    /// The tree rows of `units` for a page in `folder` showing the tree
    /// of `period`, each made by `make` unless kept. `None` when this
    /// render keeps no pieces: the rows are written straight.
    pub fn tree_rows(
        &self,
        folder: &str,
        period: &str,
        units: &[usize],
        count: usize,
        make: impl Fn(usize) -> String + Sync,
    ) -> Option<Table<Arc<str>>> {
        if !self.keep {
            return None;
        }
        let key = (folder.to_string(), period.to_string());
        let kept = lock(&self.store).trees.get(&key).cloned();
        let (table, made) = fill(kept, units, count, Some(&self.made), |u| Arc::from(make(u)));
        keep_made(&mut lock(&self.store).trees, key, &table, &made);
        Some(table)
    }

    /// Each unit's entry in `okrs.json`, made by `make` unless kept (all
    /// `count` units). `None` when this render keeps no pieces. A save
    /// makes again the entries of the units that changed: serializing all
    /// 10,000 was most of the 11–21 ms `okrs.json` took (BENCHMARKS.md,
    /// "Watch, part seven").
    pub fn index_entries(
        &self,
        count: usize,
        make: impl Fn(usize) -> Arc<[u8]> + Sync,
    ) -> Option<Table<Arc<[u8]>>> {
        if !self.keep {
            return None;
        }
        let kept = lock(&self.store).entries.clone();
        let units: Vec<usize> = (0..count).collect();
        // Not counted among the pieces made: those are the rows and weeks
        // of the pages that show every unit.
        let (table, _) = fill(kept, &units, count, None, make);
        lock(&self.store).entries = Some(Arc::clone(&table));
        Some(table)
    }

    /// The change rows of `units` (one per change of the unit's week, in
    /// its order) for a page in `folder`, each unit's made by `make` unless
    /// kept. `None` when this render keeps no pieces. The pages of a
    /// period's changes share one table, each adding the rows it made.
    pub fn change_rows(
        &self,
        folder: &str,
        units: &[usize],
        count: usize,
        make: impl Fn(usize) -> Vec<String> + Sync,
    ) -> Option<Table<Arc<Vec<String>>>> {
        if !self.keep {
            return None;
        }
        let kept = lock(&self.store).changes.get(folder).cloned();
        let (table, made) = fill(kept, units, count, Some(&self.made), |u| Arc::new(make(u)));
        keep_made(
            &mut lock(&self.store).changes,
            folder.to_string(),
            &table,
            &made,
        );
        Some(table)
    }
}

/// `kept` (a table of `count` units) with a piece for each of `units`:
/// the kept one, or one made now (on all cores: the first render makes
/// them all); and the units whose piece was made. The kept table itself
/// when it has them all.
fn fill<T: Clone + Send + Sync>(
    kept: Option<Table<T>>,
    units: &[usize],
    count: usize,
    made: Option<&AtomicUsize>,
    make: impl Fn(usize) -> T + Sync,
) -> (Table<T>, Vec<usize>) {
    let kept = kept.filter(|kept| kept.len() == count);
    let missing: Vec<usize> = units
        .iter()
        .copied()
        .filter(|&u| u < count && kept.as_ref().is_none_or(|kept| kept[u].is_none()))
        .collect();
    if let Some(kept) = kept.as_ref().filter(|_| missing.is_empty()) {
        return (Arc::clone(kept), missing);
    }
    let mut table: Vec<Option<T>> = match kept {
        Some(kept) => Arc::unwrap_or_clone(kept),
        None => vec![None; count],
    };
    if let Some(made) = made {
        made.fetch_add(missing.len(), Ordering::Relaxed);
    }
    let pieces: Vec<(usize, T)> = missing.par_iter().map(|&u| (u, make(u))).collect();
    for (u, piece) in pieces {
        table[u] = Some(piece);
    }
    (Arc::new(table), missing)
}

/// Keeps the pieces of `made` in `table` for the next render under `key`
/// in `tables`: added to what pages of the same key that rendered at the
/// same time kept (their table is not replaced, which would lose theirs).
fn keep_made<K: std::hash::Hash + Eq, T: Clone>(
    tables: &mut HashMap<K, Table<T>>,
    key: K,
    table: &Table<T>,
    made: &[usize],
) {
    match tables.get_mut(&key) {
        Some(kept) if kept.len() == table.len() && !Arc::ptr_eq(kept, table) => {
            if made.is_empty() {
                return;
            }
            let kept = Arc::make_mut(kept);
            for &u in made {
                if kept[u].is_none() {
                    kept[u].clone_from(&table[u]);
                }
            }
        }
        _ => {
            tables.insert(key, Arc::clone(table));
        }
    }
}

/// Frees the last render's pieces on another thread: a few tens of
/// thousands of strings.
fn drop_later(last: Last) {
    super::cache::drop_later(last, 1000);
}

/// `sorted` with each of `few` (sorted too) put in its place by `cmp`, a
/// total order: a binary search for each, not a comparison of every item.
fn merge_sorted<T: Copy>(
    sorted: Vec<T>,
    few: Vec<T>,
    cmp: impl Fn(&T, &T) -> std::cmp::Ordering,
) -> Vec<T> {
    if few.is_empty() {
        return sorted;
    }
    let mut merged = Vec::with_capacity(sorted.len() + few.len());
    let mut rest = &sorted[..];
    for item in few {
        // After the kept items equal to it, as a stable sort of the kept
        // run followed by the new items would put it.
        let at = rest.partition_point(|x| cmp(x, &item) != std::cmp::Ordering::Greater);
        merged.extend_from_slice(&rest[..at]);
        merged.push(item);
        rest = &rest[at..];
    }
    merged.extend_from_slice(rest);
    merged
}

#[cfg(test)]
mod tests {
    use super::{Table, keep_made, merge_sorted};
    use proptest::prelude::*;
    use std::collections::HashMap;
    use std::sync::Arc;

    #[test]
    fn pages_that_made_their_rows_at_once_keep_them_all() {
        // Two pages of one folder both start from the same kept table and
        // each makes the rows of its own units; whichever is kept last,
        // the next render has both pages' rows.
        let kept: Table<&str> = Arc::new(vec![Some("kept"), None, None]);
        let mut tables = HashMap::from([("folder", Arc::clone(&kept))]);
        let first: Table<&str> = Arc::new(vec![Some("kept"), Some("first"), None]);
        let second: Table<&str> = Arc::new(vec![Some("kept"), None, Some("second")]);
        keep_made(&mut tables, "folder", &first, &[1]);
        keep_made(&mut tables, "folder", &second, &[2]);
        assert_eq!(
            tables["folder"].as_slice(),
            [Some("kept"), Some("first"), Some("second")]
        );
        // What a page took as it was, made nothing, is left alone.
        keep_made(&mut tables, "folder", &kept, &[]);
        assert_eq!(tables["folder"][2], Some("second"));
        // The first pieces of a folder are kept as they are.
        keep_made(&mut tables, "other", &first, &[1]);
        assert!(Arc::ptr_eq(&tables["other"], &first));
    }

    proptest! {
        #[test]
        fn merging_a_few_into_a_sorted_run_is_a_stable_sort_of_both(
            sorted in prop::collection::vec(0u32..20, 0..40),
            few in prop::collection::vec(0u32..20, 0..6),
        ) {
            // Each item tagged with where it came from, compared by its key
            // alone: ties must come out in the order a stable sort of the
            // kept run followed by the new items gives.
            let tag = |list: Vec<u32>, from: u32| -> Vec<(u32, u32, usize)> {
                let mut list: Vec<_> = list.into_iter().enumerate().map(|(i, k)| (k, from, i)).collect();
                list.sort_by_key(|item| item.0);
                list
            };
            let (sorted, few) = (tag(sorted, 0), tag(few, 1));
            let mut all = [sorted.clone(), few.clone()].concat();
            all.sort_by_key(|item| item.0);
            prop_assert_eq!(merge_sorted(sorted, few, |a, b| a.0.cmp(&b.0)), all);
        }
    }
}

//! Each unit's hash (of its JSON, as its JSON file's hash in the cache),
//! and which units equal the last build's: what the fingerprints and the
//! kept pieces of the every-unit pages are made from.

use std::collections::HashMap;
use std::sync::Arc;

use rayon::prelude::*;

use super::fingerprint::hash_bytes;
use super::{Records, UnitIdentity};
use crate::link::Touched;
use crate::model::{Model, Unit};
use crate::site::pages::{Page, PageKind};

/// The hash of each unit's JSON in `model`: kept from the last build
/// (`last`, whose units' hashes are `old_units`) for units that did not
/// change, made for the others (in parallel). With it, for each unit,
/// whether it is equal to the last model's unit at the same index.
/// `touched`: the only units that may differ from the last model's, when
/// the model was linked into it (`SiteCache::changed_since`).
pub(super) fn unit_hashes_after(
    last: Option<&Model>,
    old_units: &[u64],
    model: &Model,
    touched: Option<&Touched>,
) -> (Vec<u64>, Vec<bool>, usize) {
    let last: &[Unit] = last.map_or(&[], |last| &last.units);
    let known = old_units.len() == last.len();
    let kept_at = |i: usize, unit: &Unit| -> Option<u64> {
        (known && last.get(i) == Some(unit)).then(|| old_units[i])
    };
    if let Some(touched) = touched.filter(|_| known && last.len() == model.units.len()) {
        // No unit moved: only those linked again are compared.
        let mut hashes = old_units.to_vec();
        let mut same = vec![true; hashes.len()];
        for &i in &touched.units {
            if let (Some(unit), Some(hash)) = (model.units.get(i), hashes.get_mut(i)) {
                if kept_at(i, unit).is_none() {
                    *hash = unit_hash(unit);
                    same[i] = false;
                }
            }
        }
        return (hashes, same, touched.units.len());
    }
    let same_place: Vec<Option<u64>> = model
        .units
        .par_iter()
        .enumerate()
        .map(|(i, unit)| kept_at(i, unit))
        .collect();
    // Units that moved (one was added or removed before them) are
    // found by file, id and period.
    let moved: HashMap<UnitIdentity, usize> = if same_place.iter().any(Option::is_none) && known {
        last.iter()
            .enumerate()
            .map(|(i, unit)| (UnitIdentity::of(unit), i))
            .collect()
    } else {
        HashMap::new()
    };
    let same = same_place.iter().map(Option::is_some).collect();
    let hashes = model
        .units
        .par_iter()
        .zip(same_place)
        .map(|(unit, kept)| {
            kept.or_else(|| {
                let i = *moved.get(&UnitIdentity::of(unit))?;
                (last[i] == *unit).then(|| old_units[i])
            })
            .unwrap_or_else(|| unit_hash(unit))
        })
        .collect();
    (hashes, same, model.units.len())
}

/// Whether both are there and the same.
pub(super) fn both_same<T>(a: Option<&Arc<T>>, b: Option<&Arc<T>>) -> bool {
    matches!((a, b), (Some(a), Some(b)) if Arc::ptr_eq(a, b))
}

/// The hash of a unit's JSON, as its JSON file's hash in the cache.
fn unit_hash(unit: &Unit) -> u64 {
    hash_bytes(&crate::render::json::unit(unit))
}

/// Each unit's hash, from the hashes of the JSON files just written (a
/// unit without a page has none: its JSON is made again).
pub(super) fn unit_hashes(model: &Model, all: &[Page], pages: &Records) -> Vec<u64> {
    let mut hashes: Vec<Option<u64>> = vec![None; model.units.len()];
    for page in all {
        if let PageKind::UnitJson(u) = page.kind {
            if let (Some(slot), Some(cached)) = (hashes.get_mut(u), pages.get(&page.path)) {
                *slot = Some(cached.hash);
            }
        }
    }
    hashes
        .into_par_iter()
        .zip(model.units.par_iter())
        .map(|(hash, unit)| hash.unwrap_or_else(|| unit_hash(unit)))
        .collect()
}

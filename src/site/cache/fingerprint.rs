//! Fingerprints: what a page was rendered from, as one number. Equal
//! fingerprints mean equal inputs, so equal bytes.

use crate::config::Config;
use crate::model::{Model, Unit};
use crate::site::Templates;
use crate::site::data::SiteData;
use crate::site::pages::{Page, PageKind};
use std::hash::{BuildHasher, Hash, Hasher};

/// The hasher of every fingerprint and of every page's bytes: foldhash
/// with a fixed seed, so the same in every run of one okrc binary (the
/// manifest names the binary, and no other reads its numbers). A rebuild
/// hashes the tens of megabytes of the pages that show every unit, which
/// SipHash (the standard library's) took several times longer over.
pub(crate) fn hasher() -> foldhash::quality::FoldHasher<'static> {
    foldhash::quality::FixedState::with_seed(0).build_hasher()
}

pub(super) fn hash_bytes(bytes: &[u8]) -> u64 {
    let mut hasher = hasher();
    bytes.hash(&mut hasher);
    hasher.finish()
}

/// For each unit: its JSON (everything templates see of it) and what the
/// site's indexes say about it (what it aligns to, what aligns to it).
pub(super) fn node_hashes(units: &[u64], site: &SiteData) -> Vec<u64> {
    let mut contributed = vec![0u64; units.len()];
    for (&(u, o, k), list) in site.contributions.iter() {
        let mut hasher = hasher();
        (o, k, list).hash(&mut hasher);
        if let Some(slot) = contributed.get_mut(u) {
            // Added up: the map's order does not matter.
            *slot = slot.wrapping_add(hasher.finish());
        }
    }
    units
        .iter()
        .enumerate()
        .map(|(u, unit)| {
            let mut hasher = hasher();
            unit.hash(&mut hasher);
            site.aligned_to.get(u).hash(&mut hasher);
            contributed[u].hash(&mut hasher);
            hasher.finish()
        })
        .collect()
}

/// Everything every page may show besides units: templates, settings,
/// today, the periods, and which unit is where (ids, periods and paths).
pub(super) fn global_hash(
    model: &Model,
    config: &Config,
    templates: &Templates,
    site: &SiteData,
    nodes: &[u64],
) -> u64 {
    let mut hasher = hasher();
    templates.fingerprint.hash(&mut hasher);
    templates.uses_model.hash(&mut hasher);
    config.unsafe_html.hash(&mut hasher);
    (model.version, model.today, &model.title, &model.language).hash(&mut hasher);
    model.periods.hash(&mut hasher);
    site.current_period.hash(&mut hasher);
    // Owner names link to people pages, whose slugs depend on everyone; a
    // person's page shows the units that name them, wherever they are named.
    site.people.hash(&mut hasher);
    site.owners.hash(&mut hasher);
    for period in &model.periods {
        let paths = &site.paths;
        (paths.dashboard(&period.name), paths.scorecard(&period.name)).hash(&mut hasher);
    }
    for (i, unit) in model.units.iter().enumerate() {
        (
            &*unit.id,
            unit.period.as_ref().map(|p| &p.name),
            site.unit_path(i),
        )
            .hash(&mut hasher);
    }
    if templates.uses_model {
        nodes.hash(&mut hasher);
    }
    hasher.finish()
}

/// Who owns what, unit by unit, objective by objective, key result by key
/// result ([`owner_lists`]): the people page counts the key results each
/// person answers for from this alone (`PeopleIndex`). Made once per
/// render, as `SiteData::owners`.
pub(crate) fn owners_hash(model: &Model) -> u64 {
    let mut hasher = hasher();
    model.units.len().hash(&mut hasher);
    for unit in &model.units {
        for (level, owners) in owner_lists(unit) {
            level.hash(&mut hasher);
            owners.hash(&mut hasher);
        }
    }
    hasher.finish()
}

/// The owner lists of a unit in order, each with its level (0 the unit's,
/// 1 an objective's, 2 a key result's, which also say how many objectives
/// and key results there are): who owns what in the unit, as
/// [`owners_hash`] hashes it and `SiteData::after` compares it.
pub(crate) fn owner_lists(unit: &Unit) -> impl Iterator<Item = (u8, &[String])> {
    std::iter::once((0, unit.owners.as_slice())).chain(unit.objectives.iter().flat_map(|o| {
        std::iter::once((1, o.owners.as_slice()))
            .chain(o.key_results.iter().map(|k| (2, k.owners.as_slice())))
    }))
}

/// What every page's fingerprint is made from.
pub(super) struct Fingerprints {
    /// Site-wide inputs.
    pub(super) global: u64,
    /// Everything: for pages that show the whole model.
    pub(super) everything: u64,
    /// Each unit and what the site's indexes say about it.
    pub(super) nodes: Vec<u64>,
    pub(super) uses_model: bool,
}

impl Fingerprints {
    pub(super) fn new(
        model: &Model,
        config: &Config,
        templates: &Templates,
        site: &SiteData,
        units: &[u64],
    ) -> Fingerprints {
        let nodes = node_hashes(units, site);
        let global = global_hash(model, config, templates, site, &nodes);
        Fingerprints {
            everything: everything_hash(model, global, &nodes),
            global,
            nodes,
            uses_model: templates.uses_model,
        }
    }

    /// The fingerprint of `page`, rendered from the units `used` (or from
    /// everything).
    pub(super) fn of(&self, page: &Page, used: Option<&[usize]>) -> u64 {
        let mut hasher = hasher();
        page.path.hash(&mut hasher);
        if let PageKind::UnitJson(unit) = page.kind {
            // A unit's JSON is its unit's alone, whatever the templates;
            // the index is hashed as for any page, for the `used` kept.
            (unit, self.nodes.get(unit)).hash(&mut hasher);
            return hasher.finish();
        }
        match used {
            Some(used) if !self.uses_model => {
                self.global.hash(&mut hasher);
                match &page.kind {
                    PageKind::Alignment {
                        number,
                        count,
                        units,
                        ..
                    } => (number, count, units).hash(&mut hasher),
                    PageKind::Changes {
                        number,
                        count,
                        shown,
                        ..
                    } => (number, count, shown).hash(&mut hasher),
                    _ => {}
                }
                for &u in used {
                    (u, self.nodes.get(u)).hash(&mut hasher);
                }
            }
            _ => self.everything.hash(&mut hasher),
        }
        hasher.finish()
    }
}

/// What the index and dashboards are made from: everything.
fn everything_hash(model: &Model, global: u64, nodes: &[u64]) -> u64 {
    let mut hasher = hasher();
    global.hash(&mut hasher);
    nodes.hash(&mut hasher);
    // The index and dashboards also read the lints (stale check-ins).
    serde_json::to_string(&model.diagnostics)
        .unwrap_or_default()
        .hash(&mut hasher);
    hasher.finish()
}

//! Building the site again after a small change without rendering it all
//! again (`watch`, `serve`), with the same bytes a full build gives.
//!
//! - Units: a unit equal (`==`) to the one of the last build keeps its JSON
//!   (for `okrs.json`); only changed units are serialized again.
//! - Pages: each page remembers a fingerprint of what it was rendered from
//!   and a hash of its bytes — not the bytes: the site is on disk. A unit
//!   page's or an alignment page's inputs are the units its render used
//!   (every unit reaches templates through [`SiteData::unit_value`] or
//!   [`SiteData::unit_of`], which record the use) and the site-wide inputs
//!   (templates, settings, today, periods, every page's path, and for an
//!   alignment page which units it shows). The index and the dashboards
//!   count and rank every unit, so they depend on everything; so does every
//!   page when templates read `model`.
//! - A page whose fingerprint matches is neither rendered nor written; a
//!   page rendered again is written only if its bytes' hash changed.
//!   Unit pages are written first, `okrs.json` last.
//!
//! The first build writes a whole fresh site, like `okrc build`.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::io::Write;
use std::sync::Arc;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use rayon::prelude::*;

use super::data::recording_use;
use super::output::{OutputDir, OutputError};
use super::pages::{Page, PageKind};
use super::write::BuildError;
use super::{JSON_FILE, STYLESHEET, SiteRender, Templates};
use crate::config::Config;
use crate::model::{Model, Unit};
use crate::source::FilePath;
use fingerprint::{global_hash, hash_bytes, hasher, node_hashes};

mod fingerprint;

/// What the last build wrote, to build the next one from.
#[derive(Debug, Default)]
pub struct SiteCache {
    today: Option<NaiveDate>,
    /// The model of the last build, to tell which units changed.
    last: Option<Arc<Model>>,
    /// In the order of the last model's units: each unit's JSON.
    units: Vec<Arc<UnitJson>>,
    pages: HashMap<String, CachedPage>,
    /// The fingerprint of `okrs.json` and of the stylesheet as written.
    json: Option<u64>,
    stylesheet: Option<u64>,
    /// Whether the output folder holds what the cache describes.
    written: bool,
}

/// A unit's part of `okrs.json`.
#[derive(Debug)]
struct UnitJson {
    json: Vec<u8>,
    hash: u64,
}

#[derive(Debug, Clone)]
struct CachedPage {
    fingerprint: u64,
    /// The units its render used, when it depends on those only.
    used: Option<Vec<usize>>,
    /// A hash of its bytes.
    hash: u64,
}

/// A unit across builds: the same file, id and period.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct UnitIdentity {
    file: FilePath,
    id: String,
    period: Option<String>,
}

impl UnitIdentity {
    fn of(unit: &Unit) -> UnitIdentity {
        UnitIdentity {
            file: unit.file.clone(),
            id: unit.id.to_string(),
            period: unit.period.as_ref().map(|p| p.name.clone()),
        }
    }
}

/// What a build did.
#[derive(Debug, Clone, Default)]
pub struct CacheBuild {
    /// Files written, left as they were, and removed.
    pub written: usize,
    pub unchanged: usize,
    pub removed: usize,
    /// Pages rendered (the others came from the cache).
    pub rendered: usize,
    /// The page that took longest to render, and how long.
    pub slowest: Option<(String, Duration)>,
    /// Rendering and writing the pages.
    pub pages: Duration,
    /// Writing `okrs.json` and the stylesheet, removing gone pages.
    pub rest: Duration,
}

/// One page's result.
struct Done {
    path: String,
    page: CachedPage,
    rendered: Option<Duration>,
    written: bool,
}

impl SiteCache {
    /// Renders and writes the site for `model`: everything on the first
    /// build, then only the pages whose inputs changed, and of those only
    /// the files whose bytes changed. The output folder ends up byte for
    /// byte what `okrc build` writes. On an error the cache forgets what it
    /// knew, so the next build starts afresh.
    pub fn build(
        &mut self,
        model: Arc<Model>,
        config: &Config,
        templates: &Templates,
        output: &OutputDir,
    ) -> Result<CacheBuild, BuildError> {
        let result = self.try_build(model, config, templates, output);
        if result.is_err() {
            *self = SiteCache::default();
        }
        result
    }

    fn try_build(
        &mut self,
        model: Arc<Model>,
        config: &Config,
        templates: &Templates,
        output: &OutputDir,
    ) -> Result<CacheBuild, BuildError> {
        let started = Instant::now();
        if self.today != Some(model.today) {
            // Paces and histories are as of today.
            self.units.clear();
            self.pages.clear();
            self.today = Some(model.today);
        }
        let units = self.units_of(&model);
        let render = SiteRender::new(Arc::clone(&model), config);
        let site = &render.site;
        let nodes = node_hashes(&units, site);
        let global = global_hash(&model, config, templates, site, &nodes);
        let everything = everything_hash(&model, global, &nodes);
        let fingerprint = |page: &Page, used: Option<&[usize]>| -> u64 {
            let mut hasher = hasher();
            page.path.hash(&mut hasher);
            match used {
                Some(used) if !templates.uses_model => {
                    global.hash(&mut hasher);
                    if let PageKind::Alignment {
                        number,
                        count,
                        units,
                        ..
                    } = &page.kind
                    {
                        (number, count, units).hash(&mut hasher);
                    }
                    for &u in used {
                        (u, nodes.get(u)).hash(&mut hasher);
                    }
                }
                _ => everything.hash(&mut hasher),
            }
            hasher.finish()
        };
        let fresh = if self.written {
            output.reopen()?;
            None
        } else {
            self.pages.clear();
            Some(output.begin()?)
        };
        let slowest: Mutex<Option<(String, Duration)>> = Mutex::new(None);
        let all = render.pages();
        let current = |page: &Page| -> Option<&CachedPage> {
            let cached = self.pages.get(&page.path)?;
            (cached.fingerprint == fingerprint(page, cached.used.as_deref())
                && output.has(&page.path))
            .then_some(cached)
        };
        // The pages to render again: unit pages first, so that the page
        // someone just saved shows soonest, then the index, dashboards and
        // alignment maps, which read every unit and take longest.
        let kept: Vec<Option<&CachedPage>> = all.par_iter().map(current).collect();
        let mut todo: Vec<usize> = (0..all.len()).filter(|&i| kept[i].is_none()).collect();
        todo.sort_by_key(|&i| !matches!(all[i].kind, PageKind::Unit(_)));
        let render_one = |page: &Page| -> Result<Done, BuildError> {
            let cached = self.pages.get(&page.path);
            let took = Instant::now();
            let (html, used) = recording_use(|| render.render_page(templates, page));
            let html = html?;
            let took = took.elapsed();
            let hash = hash_bytes(html.as_bytes());
            let written = match &fresh {
                Some(fresh) => {
                    fresh.write(&page.path, html.as_bytes())?;
                    true
                }
                None if cached.is_none_or(|c| c.hash != hash) || !output.has(&page.path) => {
                    output.replace(&page.path, html.as_bytes())?;
                    true
                }
                None => false,
            };
            let mut slowest = slowest.lock().unwrap_or_else(|e| e.into_inner());
            if slowest.as_ref().is_none_or(|(_, most)| took > *most) {
                *slowest = Some((page.path.clone(), took));
            }
            let used = depends_on_used(&page.kind).then_some(used);
            Ok(Done {
                path: page.path.clone(),
                page: CachedPage {
                    fingerprint: fingerprint(page, used.as_deref()),
                    used,
                    hash,
                },
                rendered: Some(took),
                written,
            })
        };
        let mut results: Vec<(usize, Result<Done, BuildError>)> =
            todo.par_iter().map(|&i| (i, render_one(&all[i]))).collect();
        // The first error in page order, whichever thread met it first.
        results.sort_unstable_by_key(|(i, _)| *i);
        let mut summary = CacheBuild {
            pages: started.elapsed(),
            ..CacheBuild::default()
        };
        let rest = Instant::now();
        let mut pages = HashMap::with_capacity(all.len());
        for (page, kept) in all.iter().zip(kept) {
            if let Some(cached) = kept {
                summary.unchanged += 1;
                pages.insert(page.path.clone(), cached.clone());
            }
        }
        for (_, result) in results {
            let done = result?;
            summary.rendered += usize::from(done.rendered.is_some());
            if done.written {
                summary.written += 1;
            } else {
                summary.unchanged += 1;
            }
            pages.insert(done.path, done.page);
        }
        summary.slowest = slowest.into_inner().unwrap_or_else(|e| e.into_inner());

        // The stylesheet and okrs.json.
        let stylesheet = hash_bytes(templates.stylesheet().as_bytes());
        let json = json_fingerprint(&model, &units);
        match &fresh {
            Some(fresh) => {
                fresh.write(STYLESHEET, templates.stylesheet().as_bytes())?;
                let mut file = fresh.stream(JSON_FILE)?;
                write_json(&mut file, &model, &units).map_err(|source| OutputError::Io {
                    path: JSON_FILE.into(),
                    source,
                })?;
                file.finish()?;
                summary.written += 2;
            }
            None => {
                for (written, new, name) in [
                    (self.stylesheet, stylesheet, STYLESHEET),
                    (self.json, json, JSON_FILE),
                ] {
                    if written == Some(new) && output.has(name) {
                        summary.unchanged += 1;
                        continue;
                    }
                    if name == STYLESHEET {
                        output.replace(name, templates.stylesheet().as_bytes())?;
                    } else {
                        output.replace_with(name, |out| write_json(out, &model, &units))?;
                    }
                    summary.written += 1;
                }
            }
        }
        match fresh {
            Some(fresh) => fresh.commit()?,
            None => {
                for gone in self.pages.keys().filter(|p| !pages.contains_key(*p)) {
                    output.remove(gone)?;
                    summary.removed += 1;
                }
            }
        }
        summary.rest = rest.elapsed();
        self.pages = pages;
        self.stylesheet = Some(stylesheet);
        self.json = Some(json);
        self.units = units;
        if let Some(old) = self.last.replace(model) {
            drop_later(old);
        }
        self.written = true;
        Ok(summary)
    }

    /// The JSON of each unit of `model`: kept from the last build for units
    /// that did not change, made for the others (in parallel).
    fn units_of(&mut self, model: &Model) -> Vec<Arc<UnitJson>> {
        let old_units = std::mem::take(&mut self.units);
        let empty = Model {
            units: Vec::new(),
            periods: Vec::new(),
            diagnostics: Vec::new(),
            title: String::new(),
            language: String::new(),
            ..*model
        };
        let last: &Model = self.last.as_deref().unwrap_or(&empty);
        let kept_at = |i: usize, unit: &Unit| -> Option<Arc<UnitJson>> {
            (old_units.len() == last.units.len() && last.units.get(i) == Some(unit))
                .then(|| Arc::clone(&old_units[i]))
        };
        let same_place: Vec<Option<Arc<UnitJson>>> = model
            .units
            .par_iter()
            .enumerate()
            .map(|(i, unit)| kept_at(i, unit))
            .collect();
        // Units that moved (one was added or removed before them) are
        // found by file, id and period.
        let moved: HashMap<UnitIdentity, usize> =
            if same_place.iter().any(Option::is_none) && old_units.len() == last.units.len() {
                last.units
                    .iter()
                    .enumerate()
                    .map(|(i, unit)| (UnitIdentity::of(unit), i))
                    .collect()
            } else {
                HashMap::new()
            };
        model
            .units
            .par_iter()
            .zip(same_place)
            .map(|(unit, kept)| {
                kept.or_else(|| {
                    let i = *moved.get(&UnitIdentity::of(unit))?;
                    (last.units[i] == *unit).then(|| Arc::clone(&old_units[i]))
                })
                .unwrap_or_else(|| {
                    let json = serde_json::to_vec(unit).unwrap_or_default();
                    Arc::new(UnitJson {
                        hash: hash_bytes(&json),
                        json,
                    })
                })
            })
            .collect()
    }
}

/// Does a page of this kind depend only on the units its render used (and
/// site-wide inputs)? The index and dashboards rank and count every unit.
fn depends_on_used(kind: &PageKind) -> bool {
    matches!(
        kind,
        PageKind::Unit(_) | PageKind::Alignment { .. } | PageKind::Scorecard(_)
    )
}

/// What the index and dashboards are made from: everything.
fn everything_hash(model: &Model, global: u64, nodes: &[u64]) -> u64 {
    let mut hasher = hasher();
    global.hash(&mut hasher);
    nodes.hash(&mut hasher);
    // The index and dashboards also read the lints (stale check-ins).
    crate::render::json::to_string(&Model {
        units: Vec::new(),
        periods: Vec::new(),
        title: String::new(),
        language: String::new(),
        diagnostics: model.diagnostics.clone(),
        ..*model
    })
    .hash(&mut hasher);
    hasher.finish()
}

/// A fingerprint of `okrs.json`: the model without units, and each unit's
/// JSON.
fn json_fingerprint(model: &Model, units: &[Arc<UnitJson>]) -> u64 {
    let mut hasher = hasher();
    head_json(model).hash(&mut hasher);
    for unit in units {
        unit.hash.hash(&mut hasher);
    }
    hasher.finish()
}

/// The model's JSON without its units.
fn head_json(model: &Model) -> String {
    crate::render::json::to_string(&Model {
        units: Vec::new(),
        periods: model.periods.clone(),
        diagnostics: model.diagnostics.clone(),
        title: model.title.clone(),
        language: model.language.clone(),
        ..*model
    })
}

/// `okrs.json` (as `check --format json` writes it), with each unit's kept
/// JSON in place of the empty `units` list.
fn write_json(out: &mut dyn Write, model: &Model, units: &[Arc<UnitJson>]) -> std::io::Result<()> {
    const EMPTY: &str = "\"units\":[]";
    let head = head_json(model);
    // Every quote inside a JSON string is escaped, so the first unescaped
    // `"units":[]` is the top-level key.
    let at = head.find(EMPTY).unwrap_or(head.len());
    let mut out = std::io::BufWriter::with_capacity(1 << 16, out);
    out.write_all(&head.as_bytes()[..at])?;
    out.write_all(b"\"units\":[")?;
    for (i, unit) in units.iter().enumerate() {
        if i > 0 {
            out.write_all(b",")?;
        }
        out.write_all(&unit.json)?;
    }
    out.write_all(b"]")?;
    out.write_all(&head.as_bytes()[(at + EMPTY.len()).min(head.len())..])?;
    out.write_all(b"\n")?;
    out.flush()
}

/// Freeing a large model takes a while; do it off the rebuild's path.
fn drop_later(model: Arc<Model>) {
    if model.units.len() > 500 {
        std::thread::spawn(move || drop(model));
    }
}

#[cfg(test)]
mod tests;

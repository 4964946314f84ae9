//! Building the site, and building it again after a change without
//! rendering it all again, with the same bytes a full build gives. Every
//! build goes through here: `okrc build` (one build of a cache, resumed from
//! the manifest the last build left), and `watch` and `serve` (a cache kept
//! between rebuilds).
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
//! - The site keeps a manifest of the fingerprints (`manifest.rs`), so the
//!   next process (`okrc build`, or `watch` started again) can resume.
//!
//! `okrc build` is one build of a cache ([`SiteCache::one_shot`]); the
//! first build of a cache writes a whole fresh site and swaps it in.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::hash::{Hash, Hasher};
use std::io::{IoSlice, Write};
use std::sync::Arc;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use rayon::prelude::*;

use super::BuildError;
use super::data::{SiteData, recording_use};
use super::output::{Carried, MARKER, OutputDir, OutputError, Owned, Placed};
use super::pages::{Page, PageKind};
use super::{FAVICON, FAVICON_SVG, JSON_FILE, STYLESHEET, SiteRender, Templates};
use crate::config::Config;
use crate::model::{Model, Unit};
use crate::source::FilePath;
use fingerprint::{global_hash, hash_bytes, hasher, node_hashes};
use manifest::{MANIFEST, MANIFEST_LIMIT, Manifest, Recorded};

mod fingerprint;
mod manifest;

/// What the last build wrote, to build the next one from.
#[derive(Debug, Default)]
pub struct SiteCache {
    today: Option<NaiveDate>,
    /// The model of the last build, to tell which units changed.
    last: Option<Arc<Model>>,
    /// In the order of the last model's units: each unit's JSON.
    units: Vec<Arc<UnitJson>>,
    pages: HashMap<String, CachedPage>,
    /// The fingerprint and length of `okrs.json` and of the stylesheet as
    /// written.
    json: Option<Recorded>,
    stylesheet: Option<Recorded>,
    /// Whether the output folder holds what the cache describes.
    written: bool,
    /// A rebuild in place has left the site without a manifest; it is
    /// written when `watch` is idle ([`SiteCache::write_manifest`]).
    manifest_due: bool,
    /// Hash each unit's JSON without holding it, and write `okrs.json`
    /// straight from the model ([`SiteCache::one_shot`]).
    stream_json: bool,
    /// The files the last site holds besides pages, `okrs.json` and the
    /// stylesheet: the copies of `static/`.
    files: BTreeSet<String>,
    /// What okrc wrote of the site in the output folder, as its manifest
    /// lists it: a fresh site carries everything else over.
    owned: Owned,
}

/// A unit's part of `okrs.json`: its hash, and its bytes when the cache
/// holds them (see [`SiteCache::one_shot`]).
#[derive(Debug)]
struct UnitJson {
    json: Vec<u8>,
    hash: u64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct CachedPage {
    fingerprint: u64,
    /// The units its render used, when it depends on those only.
    used: Option<Vec<usize>>,
    /// A hash of its bytes, and how many there are.
    hash: u64,
    len: u64,
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
    /// Pages in the site, and the bytes of all its files.
    pub pages_count: usize,
    pub bytes: u64,
    /// Rendering and writing the pages (and, for a fresh site, okrs.json
    /// and the stylesheet at the same time).
    pub pages: Duration,
    /// Writing `okrs.json` and the stylesheet, removing gone pages.
    pub rest: Duration,
    /// Files of the last site that okrc did not write, carried into the
    /// new one.
    pub carried: Carried,
}

/// One page's result.
struct Done {
    path: String,
    page: CachedPage,
    rendered: Option<Duration>,
    written: bool,
}

impl SiteCache {
    /// For a single build (`okrc build`): each unit's JSON is hashed but not
    /// held, and `okrs.json` is written straight from the model, so memory
    /// stays at the model and a page per core.
    pub fn one_shot(mut self) -> SiteCache {
        self.stream_json = true;
        self
    }

    /// A cache that knows what the site in `output` was rendered from, as
    /// its manifest says, so that a build links the pages whose inputs did
    /// not change instead of rendering them. Empty when there is no site,
    /// no manifest, or one this okrc binary did not write.
    pub fn resume(output: &OutputDir) -> SiteCache {
        let path = output.path().join(MANIFEST);
        let text = match std::fs::symlink_metadata(&path) {
            // A manifest lists each page on one short line: anything larger
            // than this is not one okrc wrote, and is not read.
            Ok(meta) if meta.is_file() && meta.len() < MANIFEST_LIMIT && output.is_ours() => {
                std::fs::read_to_string(&path).ok()
            }
            _ => None,
        };
        // What okrc wrote is known from any okrc's manifest; fingerprints
        // only from this binary's.
        let owned = text
            .as_deref()
            .and_then(manifest::owned)
            .map_or(Owned::Unknown, Owned::Listed);
        match text.as_deref().and_then(Manifest::decode) {
            Some(manifest) => SiteCache {
                today: manifest.today,
                pages: manifest.pages,
                json: manifest.json,
                stylesheet: manifest.stylesheet,
                files: manifest.files,
                owned,
                ..SiteCache::default()
            },
            None => SiteCache {
                owned,
                ..SiteCache::default()
            },
        }
    }

    /// Renders and writes the site for `model`: everything on the first
    /// build, then only the pages whose inputs changed, and of those only
    /// the files whose bytes changed. `on_page` hears of each page done,
    /// with how many the site has. The output folder ends up byte for
    /// byte what `okrc build` writes. On an error the cache forgets what it
    /// knew, so the next build starts afresh.
    pub fn build(
        &mut self,
        model: Arc<Model>,
        config: &Config,
        templates: &Templates,
        output: &OutputDir,
        on_page: &(dyn Fn(usize) + Sync),
    ) -> Result<CacheBuild, BuildError> {
        let result = self.try_build(model, config, templates, output, on_page);
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
        on_page: &(dyn Fn(usize) + Sync),
    ) -> Result<CacheBuild, BuildError> {
        let started = Instant::now();
        if self.today != Some(model.today) {
            // Paces and histories are as of today.
            self.units.clear();
            self.pages.clear();
            self.today = Some(model.today);
        }
        // A single build with no last site to compare against needs the
        // fingerprints only for the manifest it leaves: the units' hashes
        // then come from writing okrs.json, not from serializing twice.
        let hash_later = self.stream_json && self.pages.is_empty() && !self.written;
        // Each unit's JSON (on all cores) and the site's paths and indexes.
        let for_render = Arc::clone(&model);
        let (units, render) = rayon::join(
            || (!hash_later).then(|| self.units_of(&model)),
            || SiteRender::new(for_render, config),
        );
        let prints = units
            .as_deref()
            .map(|units| Fingerprints::new(&model, config, templates, &render.site, units));
        let fingerprint = |page: &Page, used: Option<&[usize]>| -> u64 {
            prints.as_ref().map_or(0, |prints| prints.of(page, used))
        };
        let fresh = if self.written {
            output.reopen()?;
            // Until this rebuild is done the site is neither the last nor
            // the next: no manifest may vouch for it.
            output.remove(MANIFEST)?;
            None
        } else {
            // `pages` is empty here unless `resume` read them from the
            // last site's manifest.
            Some(output.begin()?)
        };
        let slowest: Mutex<Option<(String, Duration)>> = Mutex::new(None);
        let all = render.pages();
        // A page whose inputs did not change since the last build stays as
        // it is (rebuilding in place) or is linked from the last site (a
        // fresh site after `resume`), once it is found there.
        let unchanged = |page: &Page| -> Option<&CachedPage> {
            let cached = self.pages.get(&page.path)?;
            (cached.fingerprint == fingerprint(page, cached.used.as_deref())).then_some(cached)
        };
        let there = |page: &Page, cached: &CachedPage| -> bool {
            let there = match &fresh {
                Some(fresh) => fresh.keep(&page.path, cached.len).unwrap_or(false),
                None => output.has(&page.path),
            };
            if there {
                on_page(all.len());
            }
            there
        };
        let stylesheet = Recorded {
            fingerprint: hash_bytes(templates.stylesheet().as_bytes()),
            len: templates.stylesheet().len() as u64,
        };
        let json = units
            .as_deref()
            .map(|units| json_fingerprint(&model, units));
        let pages_done = || {
            // The pages to render again: unit pages first, so that the page
            // someone just saved shows soonest, then the index, dashboards
            // and alignment maps, which read every unit and take longest.
            let mut kept: Vec<Option<&CachedPage>> = all.par_iter().map(unchanged).collect();
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
                    Some(fresh) => fresh.write(&page.path, html.as_bytes())? == Placed::Written,
                    None if cached.is_none_or(|c| c.hash != hash) || !output.has(&page.path) => {
                        output.replace(&page.path, html.as_bytes())?;
                        true
                    }
                    None => false,
                };
                on_page(all.len());
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
                        len: html.len() as u64,
                    },
                    rendered: Some(took),
                    written,
                })
            };
            let mut results: Vec<(usize, Result<Done, BuildError>)> =
                todo.par_iter().map(|&i| (i, render_one(&all[i]))).collect();
            // Then the pages whose inputs did not change: looking for each
            // on disk takes longer than rendering the few that did. One
            // that is not there (deleted by hand, say) is rendered after all.
            let missing: Vec<usize> = kept
                .par_iter()
                .enumerate()
                .filter(|(i, cached)| cached.is_some_and(|cached| !there(&all[*i], cached)))
                .map(|(i, _)| i)
                .collect();
            for &i in &missing {
                kept[i] = None;
            }
            results.extend(
                missing
                    .par_iter()
                    .map(|&i| (i, render_one(&all[i])))
                    .collect::<Vec<_>>(),
            );
            // The first error in page order, whichever thread met it first.
            results.sort_unstable_by_key(|(i, _)| *i);
            (kept, results)
        };
        // The stylesheet and okrs.json: what did not change is kept.
        // Returns the files written and kept, and okrs.json's length.
        let others_done = || -> Result<OtherFiles, BuildError> {
            let (mut written, mut kept) = (0, 0);
            let mut hashes = None;
            let last_json = self.json.filter(|last| Some(last.fingerprint) == json);
            let mut json_len = last_json.map_or(0, |last| last.len);
            let same_stylesheet = self.stylesheet == Some(stylesheet);
            match &fresh {
                Some(fresh) => {
                    if same_stylesheet && fresh.keep(STYLESHEET, stylesheet.len)? {
                        kept += 1;
                    } else {
                        fresh.write(STYLESHEET, templates.stylesheet().as_bytes())?;
                        written += 1;
                    }
                    match fresh.write(FAVICON, FAVICON_SVG.as_bytes())? {
                        Placed::Written => written += 1,
                        Placed::Kept => kept += 1,
                    }
                    if last_json
                        .is_some_and(|last| fresh.keep(JSON_FILE, last.len).unwrap_or(false))
                    {
                        kept += 1;
                    } else {
                        let mut file = fresh.stream(JSON_FILE)?;
                        let result = match units.as_deref() {
                            Some(units) => write_json(&mut file, &model, units, self.stream_json),
                            None => write_json_hashing(&mut file, &model).map(|(len, of_units)| {
                                hashes = Some(of_units);
                                len
                            }),
                        };
                        json_len = result.map_err(|source| OutputError::Io {
                            path: JSON_FILE.into(),
                            source,
                        })?;
                        match file.finish()? {
                            Placed::Written => written += 1,
                            Placed::Kept => kept += 1,
                        }
                    }
                }
                None => {
                    if same_stylesheet && output.has(STYLESHEET) {
                        kept += 1;
                    } else {
                        output.replace(STYLESHEET, templates.stylesheet().as_bytes())?;
                        written += 1;
                    }
                    if output.has(FAVICON) {
                        kept += 1;
                    } else {
                        output.replace(FAVICON, FAVICON_SVG.as_bytes())?;
                        written += 1;
                    }
                    if last_json.is_some() && output.has(JSON_FILE) {
                        kept += 1;
                    } else {
                        // Rebuilding in place: this cache holds its units.
                        let units = units.as_deref().unwrap_or_default();
                        output.replace_with(JSON_FILE, |out| {
                            json_len = write_json(out, &model, units, self.stream_json)?;
                            Ok(())
                        })?;
                        written += 1;
                    }
                }
            }
            Ok(OtherFiles {
                written,
                kept,
                json_len,
                hashes,
            })
        };
        // A fresh site writes okrs.json (most of its bytes) on one core while
        // pages render on the others; a rebuild in place writes the pages
        // first, for the page someone just saved to show soonest.
        let ((kept, results), others) = if fresh.is_some() {
            rayon::join(pages_done, others_done)
        } else {
            let pages = pages_done();
            (pages, others_done())
        };
        let mut summary = CacheBuild {
            pages: started.elapsed(),
            ..CacheBuild::default()
        };
        let rest = Instant::now();
        let mut pages = HashMap::with_capacity(all.len());
        for (page, kept) in all.iter().zip(kept) {
            if let Some(cached) = kept {
                summary.unchanged += 1;
                summary.bytes += cached.len;
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
            summary.bytes += done.page.len;
            pages.insert(done.path, done.page);
        }
        summary.slowest = slowest.into_inner().unwrap_or_else(|e| e.into_inner());
        let OtherFiles {
            written,
            kept,
            json_len,
            hashes,
        } = others?;
        summary.written += written;
        summary.unchanged += kept;
        summary.bytes += stylesheet.len + json_len;
        summary.pages_count = all.len();
        // Fingerprints left for later: the units' hashes are known now.
        let units = match (units, hashes) {
            (Some(units), _) => units,
            (None, Some(hashes)) => {
                let units: Vec<Arc<UnitJson>> = hashes
                    .into_iter()
                    .map(|hash| {
                        Arc::new(UnitJson {
                            json: Vec::new(),
                            hash,
                        })
                    })
                    .collect();
                let prints = Fingerprints::new(&model, config, templates, &render.site, &units);
                for page in all {
                    if let Some(cached) = pages.get_mut(&page.path) {
                        cached.fingerprint = prints.of(page, cached.used.as_deref());
                    }
                }
                units
            }
            (None, None) => Vec::new(),
        };
        let json = Recorded {
            fingerprint: json_fingerprint(&model, &units),
            len: json_len,
        };
        match fresh {
            Some(fresh) => {
                let files = copy_statics(&fresh, templates, &pages)?;
                let text = manifest::encode(
                    Some(model.today),
                    Some(json),
                    Some(stylesheet),
                    &pages,
                    &files,
                );
                fresh.write(MANIFEST, text.as_bytes())?;
                summary.carried = fresh.commit(&self.owned)?;
                let mut owned: HashSet<String> = pages.keys().cloned().collect();
                owned.extend(files.iter().cloned());
                owned.extend([JSON_FILE, STYLESHEET, FAVICON].map(String::from));
                self.owned = Owned::Listed(owned);
                self.files = files;
            }
            None => {
                for gone in self.pages.keys().filter(|p| !pages.contains_key(*p)) {
                    output.remove(gone)?;
                    summary.removed += 1;
                }
                self.manifest_due = true;
            }
        }
        summary.rest = rest.elapsed();
        self.pages = pages;
        self.stylesheet = Some(stylesheet);
        self.json = Some(json);
        // A single build holds no unit JSON (`one_shot`): nothing to keep.
        self.units = units;
        if let Some(old) = self.last.replace(model) {
            drop_later(old);
        }
        self.written = true;
        Ok(summary)
    }

    /// After a rebuild in place, writes the manifest the next `okrc build`
    /// resumes from. `watch` calls this once the rebuild is reported and
    /// the browsers reloaded, so that a save does not wait for it.
    pub fn write_manifest(&mut self, output: &OutputDir) -> Result<(), OutputError> {
        if !std::mem::take(&mut self.manifest_due) {
            return Ok(());
        }
        let text = manifest::encode(
            self.today,
            self.json,
            self.stylesheet,
            &self.pages,
            &self.files,
        );
        output.replace(MANIFEST, text.as_bytes())
    }

    /// The JSON of each unit of `model`: kept from the last build for units
    /// that did not change, made for the others (in parallel).
    fn units_of(&mut self, model: &Model) -> Vec<Arc<UnitJson>> {
        let stream_json = self.stream_json;
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
                    if stream_json {
                        let mut hashed = HashWriter(hasher());
                        // Writing into a hasher cannot fail, nor can
                        // serializing the model.
                        let _ = serde_json::to_writer(&mut hashed, unit);
                        return Arc::new(UnitJson {
                            hash: hashed.0.finish(),
                            json: Vec::new(),
                        });
                    }
                    let json = serde_json::to_vec(unit).unwrap_or_default();
                    let mut hashed = HashWriter(hasher());
                    hashed.0.write(&json);
                    Arc::new(UnitJson {
                        hash: hashed.0.finish(),
                        json,
                    })
                })
            })
            .collect()
    }
}

/// How the stylesheet and `okrs.json` went: files written and kept, the
/// length of `okrs.json`, and its units' hashes when they were made while
/// writing it.
struct OtherFiles {
    written: usize,
    kept: usize,
    json_len: u64,
    hashes: Option<Vec<u64>>,
}

/// What every page's fingerprint is made from.
struct Fingerprints {
    /// Site-wide inputs.
    global: u64,
    /// Everything: for pages that show the whole model.
    everything: u64,
    /// Each unit and what the site's indexes say about it.
    nodes: Vec<u64>,
    uses_model: bool,
}

impl Fingerprints {
    fn new(
        model: &Model,
        config: &Config,
        templates: &Templates,
        site: &SiteData,
        units: &[Arc<UnitJson>],
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
    fn of(&self, page: &Page, used: Option<&[usize]>) -> u64 {
        let mut hasher = hasher();
        page.path.hash(&mut hasher);
        match used {
            Some(used) if !self.uses_model => {
                self.global.hash(&mut hasher);
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
                    (u, self.nodes.get(u)).hash(&mut hasher);
                }
            }
            _ => self.everything.hash(&mut hasher),
        }
        hasher.finish()
    }
}

/// `okrs.json` written straight from the model (on all cores), with each
/// unit's hash as [`SiteCache::units_of`] makes it.
fn write_json_hashing(out: &mut dyn Write, model: &Model) -> std::io::Result<(u64, Vec<u64>)> {
    let mut out = CountingWriter {
        inner: std::io::BufWriter::with_capacity(1 << 16, out),
        count: 0,
    };
    let hash = |bytes: &[u8]| {
        let mut hashed = hasher();
        hashed.write(bytes);
        hashed.finish()
    };
    let hashes = crate::render::json::write_hashed(&mut out, model, &hash)?;
    out.flush()?;
    Ok((out.count, hashes))
}

/// Does a page of this kind depend only on the units its render used (and
/// site-wide inputs)? The index and dashboards rank and count every unit.
fn depends_on_used(kind: &PageKind) -> bool {
    matches!(
        kind,
        PageKind::Unit(_)
            | PageKind::Alignment { .. }
            | PageKind::Scorecard(_)
            | PageKind::Person(_)
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
fn write_json(
    out: &mut dyn Write,
    model: &Model,
    units: &[Arc<UnitJson>],
    stream: bool,
) -> std::io::Result<u64> {
    if stream {
        let mut out = CountingWriter {
            inner: std::io::BufWriter::with_capacity(1 << 16, out),
            count: 0,
        };
        crate::render::json::write(&mut out, model)?;
        out.flush()?;
        return Ok(out.count);
    }
    const EMPTY: &str = "\"units\":[]";
    let head = head_json(model);
    // Every quote inside a JSON string is escaped, so the first unescaped
    // `"units":[]` is the top-level key.
    let at = head.find(EMPTY).unwrap_or(head.len());
    // Straight from each unit's bytes to the file, a thousand pieces a
    // call: copying 100 MB through a buffer first doubled the time.
    let mut slices: Vec<IoSlice<'_>> = Vec::with_capacity(units.len() * 2 + 4);
    slices.push(IoSlice::new(&head.as_bytes()[..at]));
    slices.push(IoSlice::new(b"\"units\":["));
    for (i, unit) in units.iter().enumerate() {
        if i > 0 {
            slices.push(IoSlice::new(b","));
        }
        slices.push(IoSlice::new(&unit.json));
    }
    slices.push(IoSlice::new(b"]"));
    slices.push(IoSlice::new(
        &head.as_bytes()[(at + EMPTY.len()).min(head.len())..],
    ));
    slices.push(IoSlice::new(b"\n"));
    let len = slices.iter().map(|s| s.len() as u64).sum();
    let mut rest: &mut [IoSlice<'_>] = &mut slices;
    IoSlice::advance_slices(&mut rest, 0);
    while !rest.is_empty() {
        let n = out.write_vectored(&rest[..rest.len().min(1024)])?;
        if n == 0 {
            return Err(std::io::ErrorKind::WriteZero.into());
        }
        IoSlice::advance_slices(&mut rest, n);
    }
    out.flush()?;
    Ok(len)
}

/// Feeds what is written to it to a hasher: the same bytes hash the same
/// however they are cut into writes.
struct HashWriter(std::collections::hash_map::DefaultHasher);

impl Write for HashWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.write(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Counts the bytes written through it.
struct CountingWriter<W> {
    inner: W,
    count: u64,
}

impl<W: Write> Write for CountingWriter<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.count += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// Freeing a large model takes a while; do it off the rebuild's path.
fn drop_later(model: Arc<Model>) {
    if model.units.len() > 500 {
        std::thread::spawn(move || drop(model));
    }
}

#[cfg(test)]
mod tests;

/// Copies the workspace's `static/` files into a fresh site, except where
/// okrc writes a file of that name itself; returns their site paths.
fn copy_statics(
    fresh: &super::output::FreshSite,
    templates: &Templates,
    pages: &HashMap<String, CachedPage>,
) -> Result<BTreeSet<String>, OutputError> {
    let wanted: Vec<&(String, std::path::PathBuf)> = templates
        .statics()
        .iter()
        .filter(|(name, _)| {
            !pages.contains_key(name)
                && ![JSON_FILE, STYLESHEET, FAVICON, MANIFEST].contains(&name.as_str())
                && !name.split('/').any(|part| part == MARKER)
        })
        .collect();
    wanted
        .par_iter()
        .try_for_each(|(name, path)| fresh.copy(name, path).map(|_| ()))?;
    Ok(wanted.into_iter().map(|(name, _)| name.clone()).collect())
}

//! Rendering the site again after a small change without rendering it all
//! again (`watch`, `serve`), with the same bytes a full render gives:
//! [`render_site`](super::render_site) is this code with an empty cache.
//!
//! - Units: a unit equal (`==`) to the one of the last render keeps its
//!   template value, its JSON and its history; only changed units are
//!   turned into values and JSON again.
//! - Pages: each page remembers a fingerprint of what it was rendered from.
//!   A unit page's inputs are the units its render used (every unit value
//!   reaches templates through [`SiteData::unit_value`] or
//!   [`SiteData::unit_of`], which record the use) and the site-wide inputs
//!   (templates, settings, today, periods, every page's path). The other
//!   pages (index, dashboards, alignment maps, scorecards) show the whole
//!   period, so they depend on everything. When templates read `model`,
//!   every page depends on everything.
//! - `okrs.json` is the model's JSON with each unit's JSON spliced in.
//!
//! A fingerprint that matches means the page would render to the same
//! bytes, so its bytes are reused; [`SiteCache::write`] then writes only
//! the files whose bytes differ from what is on disk.

use std::collections::{BTreeMap, HashMap};
use std::hash::{Hash, Hasher};
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use minijinja::Value;
use minijinja::value::Serde;
use rayon::prelude::*;

use super::data::{SiteData, recording_use, unit_history};
use super::markdown::MarkdownOptions;
use super::output::{OutputDir, OutputError, UpdateSummary};
use super::views::{self, PageKind};
use super::{
    STYLESHEET, Shared, SiteError, SiteFiles, Templates, labels, page_context, periods_value,
    strip_indentation,
};
use crate::config::Config;
use crate::model::{Model, Unit};
use crate::source::FilePath;
use fingerprint::{global_hash, hash_bytes, hasher, node_hashes};

mod fingerprint;

/// The name of the model's JSON in the output folder.
const JSON_FILE: &str = "okrs.json";

/// A rendered site: output path → bytes, shared with the cache.
pub type SharedFiles = BTreeMap<String, Bytes>;

/// A file's bytes, shared between the cache and the site: a page taken from
/// the cache compares equal to the last one by pointer, not byte by byte.
#[derive(Debug, Clone)]
pub struct Bytes(Arc<Vec<u8>>);

impl Bytes {
    fn new(bytes: Vec<u8>) -> Bytes {
        Bytes(Arc::new(bytes))
    }
}

impl AsRef<[u8]> for Bytes {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}

impl PartialEq for Bytes {
    fn eq(&self, other: &Bytes) -> bool {
        Arc::ptr_eq(&self.0, &other.0) || self.0 == other.0
    }
}

/// What the last render produced, to render the next one from.
#[derive(Debug, Default)]
pub struct SiteCache {
    today: Option<NaiveDate>,
    /// In the order of the last model's units.
    units: Vec<Arc<CachedUnit>>,
    pages: HashMap<String, CachedPage>,
    json: Option<(u64, Bytes)>,
    /// What is in the output folder since the last successful write.
    written: Option<SharedFiles>,
}

/// A unit across renders: the same file, id and period.
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
            id: unit.id.clone(),
            period: unit.period.as_ref().map(|p| p.name.clone()),
        }
    }
}

/// A unit as the last render saw it, and what was made from it.
#[derive(Debug)]
struct CachedUnit {
    unit: Unit,
    value: Value,
    json: Arc<Vec<u8>>,
    json_hash: u64,
    history: Vec<(NaiveDate, f64)>,
}

#[derive(Debug, Clone)]
struct CachedPage {
    fingerprint: u64,
    /// For a unit page: the units its render used.
    used: Vec<usize>,
    bytes: Bytes,
}

/// A rendered site, not yet written.
#[derive(Debug)]
pub struct Rendered {
    files: SharedFiles,
    /// How many pages were rendered (the others came from the cache).
    pub rendered: usize,
    /// The page that took longest to render, and how long.
    pub slowest: Option<(String, Duration)>,
}

impl Rendered {
    pub fn files(&self) -> &SharedFiles {
        &self.files
    }

    /// The files, owned.
    pub fn into_files(self) -> SiteFiles {
        self.files
            .into_iter()
            .map(|(name, bytes)| {
                let bytes = Arc::try_unwrap(bytes.0).unwrap_or_else(|shared| (*shared).clone());
                (name, bytes)
            })
            .collect()
    }
}

impl SiteCache {
    /// Renders the site for `model`, rendering again only the pages whose
    /// inputs changed since the last call. The result is byte for byte what
    /// a render with an empty cache gives.
    pub fn render(
        &mut self,
        model: &Model,
        config: &Config,
        templates: &Templates,
    ) -> Result<Rendered, SiteError> {
        if self.today != Some(model.today) {
            // Histories and paces are as of today.
            self.units.clear();
            self.today = Some(model.today);
        }
        let units = self.units_of(model);
        let markdown = MarkdownOptions {
            unsafe_html: config.unsafe_html,
        };
        let head = Model {
            units: Vec::new(),
            periods: model.periods.clone(),
            diagnostics: model.diagnostics.clone(),
            title: model.title.clone(),
            language: model.language.clone(),
            ..*model
        };
        let values: Vec<Value> = units.iter().map(|u| u.value.clone()).collect();
        let histories = units.iter().map(|u| u.history.clone()).collect();
        let site_value =
            Value::from_object(SiteData::from_parts(model, markdown, values, histories));
        let site = site_value
            .downcast_object::<SiteData>()
            .expect("the value was made from SiteData just above");
        let shared = Shared {
            t: labels::labels(site.language),
            periods: periods_value(model, &site),
            site: site_value,
        };

        let nodes = node_hashes(&units, &site);
        let global = global_hash(model, config, templates, &site, &nodes);
        let everything = {
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
        };
        let page_fingerprint = |path: &str, used: Option<&[usize]>| -> u64 {
            let mut hasher = hasher();
            path.hash(&mut hasher);
            match used {
                Some(used) if !templates.uses_model => {
                    global.hash(&mut hasher);
                    for &u in used {
                        (u, nodes.get(u)).hash(&mut hasher);
                    }
                }
                _ => everything.hash(&mut hasher),
            }
            hasher.finish()
        };

        let pages = views::pages(model, &site);
        let results: Vec<(String, CachedPage, Option<Duration>)> = pages
            .par_iter()
            .map(|page| {
                let is_unit = matches!(page.kind, PageKind::Unit(_));
                if let Some(cached) = self.pages.get(&page.path) {
                    let used = is_unit.then_some(cached.used.as_slice());
                    if cached.fingerprint == page_fingerprint(&page.path, used) {
                        return Ok((page.path.clone(), cached.clone(), None));
                    }
                }
                let started = Instant::now();
                let (html, used) = recording_use(|| {
                    let context = page_context(model, &site, &shared, page);
                    templates.render(page, context)
                });
                let html = strip_indentation(&html?);
                let used = if is_unit { used } else { Vec::new() };
                let fingerprint = page_fingerprint(&page.path, is_unit.then_some(&used));
                let cached = CachedPage {
                    fingerprint,
                    used,
                    bytes: Bytes::new(html.into_bytes()),
                };
                Ok((page.path.clone(), cached, Some(started.elapsed())))
            })
            .collect::<Result<_, SiteError>>()?;

        let mut files = SharedFiles::new();
        let mut rendered = 0;
        let mut slowest: Option<(String, Duration)> = None;
        self.pages.clear();
        for (path, page, took) in results {
            if let Some(took) = took {
                rendered += 1;
                if slowest.as_ref().is_none_or(|(_, most)| took > *most) {
                    slowest = Some((path.clone(), took));
                }
            }
            files.insert(path.clone(), page.bytes.clone());
            self.pages.insert(path, page);
        }
        files.insert(
            STYLESHEET.to_string(),
            Bytes::new(templates.stylesheet.clone().into_bytes()),
        );
        files.insert(JSON_FILE.to_string(), self.json(&head, &units));
        Ok(Rendered {
            files,
            rendered,
            slowest,
        })
    }

    /// Writes what differs from the output folder; remembers the site on
    /// success. The first write compares with the disk.
    pub fn write(
        &mut self,
        output: &OutputDir,
        rendered: Rendered,
    ) -> Result<UpdateSummary, OutputError> {
        let previous = self.written.take();
        let summary = output.update(previous.as_ref(), &rendered.files)?;
        self.written = Some(rendered.files);
        Ok(summary)
    }

    /// The units of `model` with their values, JSON and histories: kept
    /// from the last render for units that did not change, made for the
    /// others (in parallel).
    fn units_of(&mut self, model: &Model) -> Vec<Arc<CachedUnit>> {
        let old = std::mem::take(&mut self.units);
        // Usually the units are where they were; look further only if not.
        let mut by_identity: Option<HashMap<UnitIdentity, &Arc<CachedUnit>>> = None;
        let same_place: Vec<Option<Arc<CachedUnit>>> = model
            .units
            .par_iter()
            .enumerate()
            .map(|(i, unit)| old.get(i).filter(|cached| cached.unit == *unit).cloned())
            .collect();
        let kept: Vec<Option<Arc<CachedUnit>>> = same_place
            .into_iter()
            .zip(&model.units)
            .map(|(kept, unit)| {
                kept.or_else(|| {
                    let index = by_identity.get_or_insert_with(|| {
                        old.iter()
                            .map(|cached| (UnitIdentity::of(&cached.unit), cached))
                            .collect()
                    });
                    index
                        .get(&UnitIdentity::of(unit))
                        .filter(|cached| cached.unit == *unit)
                        .map(|cached| Arc::clone(cached))
                })
            })
            .collect();
        let today = model.today;
        let units: Vec<Arc<CachedUnit>> = kept
            .into_par_iter()
            .zip(&model.units)
            .map(|(kept, unit)| {
                kept.unwrap_or_else(|| {
                    let json = serde_json::to_vec(unit).unwrap_or_default();
                    Arc::new(CachedUnit {
                        value: Value::from(Serde(unit)),
                        json_hash: hash_bytes(&json),
                        json: Arc::new(json),
                        history: unit_history(unit, today),
                        unit: unit.clone(),
                    })
                })
            })
            .collect();
        self.units = units.clone();
        units
    }

    /// `okrs.json`: the model's JSON (as `check --format json` writes it)
    /// with each unit's kept JSON in place of the empty `units` list.
    fn json(&mut self, head: &Model, units: &[Arc<CachedUnit>]) -> Bytes {
        let head_json = crate::render::json::to_string(head);
        let fingerprint = {
            let mut hasher = hasher();
            head_json.hash(&mut hasher);
            for unit in units {
                unit.json_hash.hash(&mut hasher);
            }
            hasher.finish()
        };
        if let Some((old, bytes)) = &self.json {
            if *old == fingerprint {
                return bytes.clone();
            }
        }
        const EMPTY: &str = "\"units\":[]";
        // Every quote inside a JSON string is escaped, so the first
        // unescaped `"units":[]` is the top-level key.
        let at = head_json.find(EMPTY).unwrap_or(head_json.len());
        let size = head_json.len() + units.iter().map(|u| u.json.len() + 1).sum::<usize>() + 1;
        let mut out = Vec::with_capacity(size);
        out.extend_from_slice(&head_json.as_bytes()[..at]);
        out.extend_from_slice(b"\"units\":[");
        for (i, unit) in units.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            out.extend_from_slice(&unit.json);
        }
        out.push(b']');
        out.extend_from_slice(&head_json.as_bytes()[(at + EMPTY.len()).min(head_json.len())..]);
        out.push(b'\n');
        let bytes = Bytes::new(out);
        self.json = Some((fingerprint, bytes.clone()));
        bytes
    }
}

#[cfg(test)]
mod tests;

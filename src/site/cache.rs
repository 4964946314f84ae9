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

fn hasher() -> std::collections::hash_map::DefaultHasher {
    std::collections::hash_map::DefaultHasher::new()
}

fn hash_bytes(bytes: &[u8]) -> u64 {
    let mut hasher = hasher();
    bytes.hash(&mut hasher);
    hasher.finish()
}

/// For each unit: its JSON (everything templates see of it) and what the
/// site's indexes say about it (what it aligns to, what aligns to it).
fn node_hashes(units: &[Arc<CachedUnit>], site: &SiteData) -> Vec<u64> {
    let mut contributed = vec![0u64; units.len()];
    for (&(u, o, k), list) in &site.contributions {
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
            unit.json_hash.hash(&mut hasher);
            site.aligned_to.get(u).hash(&mut hasher);
            contributed[u].hash(&mut hasher);
            hasher.finish()
        })
        .collect()
}

/// Everything every page may show besides units: templates, settings,
/// today, the periods, and which unit is where (ids, periods and paths).
fn global_hash(
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
    for period in &model.periods {
        let paths = &site.paths;
        (
            paths.dashboard(&period.name),
            paths.alignment(&period.name),
            paths.scorecard(&period.name),
        )
            .hash(&mut hasher);
    }
    for (i, unit) in model.units.iter().enumerate() {
        (
            &unit.id,
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::period::parse_date;
    use crate::workspace::Workspace;
    use std::path::Path;

    fn copy_sample(to: &Path) {
        let from = Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-okrs");
        for entry in walkdir::WalkDir::new(&from) {
            let entry = entry.unwrap();
            let target = to.join(entry.path().strip_prefix(&from).unwrap());
            if entry.file_type().is_dir() {
                std::fs::create_dir_all(&target).unwrap();
            } else {
                std::fs::copy(entry.path(), &target).unwrap();
            }
        }
    }

    fn compile(root: &Path) -> (Model, Config) {
        let workspace = Workspace::load(root, None).unwrap();
        let today = parse_date("2026-11-27").unwrap();
        (crate::compile(&workspace, today), workspace.config)
    }

    fn edit(root: &Path, file: &str, from: &str, to: &str) {
        let path = root.join(file);
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains(from), "{file} has no `{from}`");
        std::fs::write(path, text.replacen(from, to, 1)).unwrap();
    }

    /// Each step changes the sample workspace; after each, a render with the
    /// kept cache must equal a render from scratch, byte for byte.
    #[test]
    fn a_kept_cache_renders_what_a_fresh_render_does_after_every_edit() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        copy_sample(root);
        let templates = Templates::builtin().unwrap();
        let mut cache = SiteCache::default();
        type Step = Box<dyn Fn(&Path)>;
        let steps: Vec<Step> = vec![
            Box::new(|_| {}),
            // A narrative: only its unit's page (and okrs.json) change.
            Box::new(|r| {
                edit(
                    r,
                    "teams/klantenservice.md",
                    "+++\n\n",
                    "+++\n\nA new first line.\n\n",
                )
            }),
            // A title a parent shows among its contributors.
            Box::new(|r| {
                edit(
                    r,
                    "teams/klantenservice.md",
                    "title = \"",
                    "title = \"Renamed: ",
                )
            }),
            // An alignment that moves to another objective.
            Box::new(|r| {
                edit(
                    r,
                    "teams/klantenservice.md",
                    "aligns_to = \"O2\"",
                    "aligns_to = \"O1\"",
                )
            }),
            // A new unit, and then it goes again.
            Box::new(|r| {
                let text = std::fs::read_to_string(r.join("teams/klantenservice.md")).unwrap();
                let text = text.replacen("id = \"klantenservice\"", "id = \"helpdesk\"", 1);
                std::fs::write(r.join("teams/helpdesk.md"), text).unwrap();
            }),
            Box::new(|r| std::fs::remove_file(r.join("teams/helpdesk.md")).unwrap()),
            // The settings.
            Box::new(|r| edit(r, "okrc.toml", "title = \"", "title = \"The ")),
        ];
        for (i, step) in steps.iter().enumerate() {
            step(root);
            let (model, config) = compile(root);
            let fresh = SiteCache::default()
                .render(&model, &config, &templates)
                .unwrap();
            let kept = cache.render(&model, &config, &templates).unwrap();
            let pages = fresh
                .files()
                .keys()
                .filter(|n| n.ends_with(".html"))
                .count();
            assert_eq!(fresh.rendered, pages, "step {i}: a fresh cache renders all");
            assert_eq!(
                kept.files().keys().collect::<Vec<_>>(),
                fresh.files().keys().collect::<Vec<_>>(),
                "step {i}"
            );
            for (name, bytes) in fresh.files() {
                assert!(kept.files()[name] == *bytes, "step {i}: {name} differs");
            }
            if i == 1 {
                // The unit page and the pages that show every unit.
                assert!(
                    kept.rendered < pages,
                    "step {i}: {} of {pages}",
                    kept.rendered
                );
            }
        }
    }

    #[test]
    fn okrs_json_is_the_document_of_check_format_json() {
        let dir = tempfile::tempdir().unwrap();
        copy_sample(dir.path());
        let (model, config) = compile(dir.path());
        let templates = Templates::builtin().unwrap();
        let rendered = SiteCache::default()
            .render(&model, &config, &templates)
            .unwrap();
        let mut expected = Vec::new();
        crate::render::json::write(&mut expected, &model).unwrap();
        assert!(rendered.files()[JSON_FILE].as_ref() == expected.as_slice());
    }

    #[test]
    fn nothing_is_rendered_again_when_nothing_changed() {
        let dir = tempfile::tempdir().unwrap();
        copy_sample(dir.path());
        let (model, config) = compile(dir.path());
        let templates = Templates::builtin().unwrap();
        let mut cache = SiteCache::default();
        cache.render(&model, &config, &templates).unwrap();
        let again = cache.render(&model, &config, &templates).unwrap();
        assert_eq!(again.rendered, 0);
    }

    #[test]
    fn pages_of_templates_that_read_model_follow_every_change() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        copy_sample(root);
        let replacements = BTreeMap::from([(
            "unit.html".to_string(),
            "{{ unit.name }}: {% for u in model.units %}{{ u.progress }} {% endfor %}".to_string(),
        )]);
        let templates = Templates::with_replacements(replacements).unwrap();
        assert!(templates.uses_model);
        let mut cache = SiteCache::default();
        let (model, config) = compile(root);
        cache.render(&model, &config, &templates).unwrap();
        edit(
            root,
            "teams/klantenservice.md",
            "+++\n\n",
            "+++\n\nNew body.\n\n",
        );
        edit(root, "teams/platform.md", "value = ", "value = 1");
        let (model, config) = compile(root);
        let fresh = SiteCache::default()
            .render(&model, &config, &templates)
            .unwrap();
        let kept = cache.render(&model, &config, &templates).unwrap();
        for (name, bytes) in fresh.files() {
            assert!(kept.files()[name] == *bytes, "{name} differs");
        }
    }
}

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
//!   (the page's [`RenderContext`](super::data::RenderContext) makes every
//!   unit value a template sees, and making one records the use) and the site-wide inputs
//!   (templates, settings, today, periods, every page's path, and for an
//!   alignment page which units it shows); the people page's, who owns
//!   what (it counts key results). The index and the dashboards
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
use std::hash::Hash;
use std::sync::Arc;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use rayon::prelude::*;

use super::BuildError;
use super::output::{Carried, OutputDir, OutputError, Owned, Stamp};
use super::pages::{Page, PageKind};
use super::{FAVICON, JSON_FILE, STYLESHEET, SiteRender, Templates};
use crate::config::Config;
use crate::link::Touched;
use crate::model::{Model, Unit};
use crate::source::FilePath;
use fingerprint::Fingerprints;
pub(crate) use fingerprint::{hasher, owner_lists, owners_hash};
use manifest::{MANIFEST, MANIFEST_LIMIT, Manifest, Recorded};

mod buffers;
mod build;
mod fingerprint;
mod manifest;
mod phases;
mod target;
mod units;
use buffers::Buffers;
use build::{Build, Done};
pub use phases::Phases;
use target::{Target, copy_statics};
use units::{both_same, unit_hashes, unit_hashes_after};

/// What the last build wrote, to build the next one from.
#[derive(Debug, Default)]
pub struct SiteCache {
    today: Option<NaiveDate>,
    /// The model of the last build, to tell which units changed.
    last: Option<Arc<Model>>,
    /// The last build's render, whose indexes the next one keeps where
    /// they did not change ([`SiteRender::after`]).
    render: Option<SiteRender>,
    /// Unit files just saved (`watch`): the next rebuild in place renders
    /// and writes their units' pages before anything else.
    first: BTreeSet<FilePath>,
    /// The model the next build's was linked into and the units that
    /// linking set (`watch`, [`SiteCache::changed_since`]).
    since: Option<(Arc<Model>, Touched)>,
    /// In the order of the last model's units: the hash of each unit's JSON.
    units: Vec<u64>,
    /// The site-wide inputs of the last build (`Fingerprints::global`),
    /// when known.
    global: Option<u64>,
    pages: Records,
    /// The pages of the site in the output folder when a new day made
    /// their records useless (every figure is as of today): a rebuild in
    /// place still removes those the new day's site does not list.
    earlier: Vec<String>,
    /// The fingerprint and length of `okrs.json` and of the stylesheet as
    /// written.
    json: Option<Recorded>,
    stylesheet: Option<Recorded>,
    /// Whether the output folder holds what the cache describes.
    written: bool,
    /// A rebuild in place has left the site without a manifest; it is
    /// written when `watch` is idle ([`SiteCache::write_manifest`]).
    manifest_due: bool,
    /// A single build ([`SiteCache::one_shot`]): the units' hashes may
    /// wait for their JSON files.
    single: bool,
    /// The files the last site holds besides pages, `okrs.json` and the
    /// stylesheet: the copies of `static/`.
    files: BTreeSet<String>,
    /// What okrc wrote of the site in the output folder, as its manifest
    /// lists it: a fresh site carries everything else over.
    owned: Owned,
    /// The buffers the largest pages were rendered into, kept for the next
    /// rebuild's: fresh memory of tens of megabytes is zeroed by the kernel
    /// page by page on every rebuild.
    buffers: Buffers,
    /// The folders of the site in which every page was there when `watch`
    /// last looked while idle ([`SiteCache::look_around`]), with their
    /// stamps then: a rebuild in place takes their pages for there while
    /// the folders are as they were, instead of reading them again.
    seen: HashMap<String, Stamp>,
}

/// Each page's record, by path: looked up 40,000 times a rebuild, so with
/// foldhash rather than SipHash.
type Records = HashMap<String, CachedPage, foldhash::fast::RandomState>;

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
    /// How long after the build began the pages of the units of the files
    /// just saved were written ([`SiteCache::paint_first`]).
    pub first: Option<Duration>,
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
    /// Pieces of the pages that show every unit made by this build; the
    /// others were kept from the last (`site/pieces.rs`).
    pub pieces: usize,
    /// Units compared with the last build's to know which changed: all of
    /// them, or only those linking set ([`SiteCache::changed_since`]).
    pub compared: usize,
    /// Where the time went, phase by phase (`OKRC_TIMINGS`).
    pub phases: Phases,
}

impl SiteCache {
    /// For a single build (`okrc build`): with no last site to compare
    /// against, each unit's hash for the manifest comes from its JSON file
    /// as it is written, so no unit is serialized twice. The cache builds
    /// once: it does not keep which files the new site holds, which only a
    /// next build would ask.
    pub fn one_shot(mut self) -> SiteCache {
        self.single = true;
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

    /// Says which unit files were just saved: the next rebuild in place
    /// renders and writes their units' pages (and JSON) first, before it
    /// works out which other pages changed, so the page someone is looking
    /// at shows the save soonest. The output is the same either way.
    pub fn paint_first(&mut self, files: impl IntoIterator<Item = FilePath>) {
        self.first = files.into_iter().collect();
    }

    /// Says what the next build's model was linked into and which units
    /// that set (the others are as they were): when it is the last build's
    /// model, the build compares only those units with it, not all of
    /// them. `None`: the next model is not known to be one. Set before
    /// every build by those that link in part (`watch`).
    pub fn changed_since(&mut self, since: Option<(Arc<Model>, Touched)>) {
        if let Some((model, _)) = std::mem::replace(&mut self.since, since) {
            let units = model.units.len();
            drop_later(model, units);
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
        let mut phases = Phases::start();
        if self.today != Some(model.today) {
            // Paces and histories are as of today.
            self.units.clear();
            self.earlier = std::mem::take(&mut self.pages).into_keys().collect();
            self.today = Some(model.today);
        }
        // A single build with no last site to compare against needs the
        // fingerprints only for the manifest it leaves: the units' hashes
        // then come from writing their JSON files, not from serializing
        // every unit twice.
        let hash_later = self.single && self.pages.is_empty() && !self.written;
        let first = std::mem::take(&mut self.first);
        // What linking set, when it linked into the last build's model.
        let touched = std::mem::take(&mut self.since).and_then(|(since, touched)| {
            let last = self.last.as_ref()?;
            let same = Arc::ptr_eq(&since, last) && since.units.len() == model.units.len();
            if same {
                // The last build's model holds it too.
                drop(since);
            } else {
                drop_later(since, model.units.len());
            }
            same.then_some(touched)
        });
        // The folders nothing came or went in since they were looked at,
        // before this build writes into them.
        let seen: HashSet<String> = std::mem::take(&mut self.seen)
            .into_iter()
            .filter(|(folder, stamp)| output.stamp(folder) == Some(*stamp))
            .map(|(folder, _)| folder)
            .collect();
        let target = Target::open(output, self.written, seen)?;
        phases.end("open");
        // The site's paths and indexes, kept from the last render where
        // they did not change.
        // `watch` keeps each unit's pieces of the every-unit pages too.
        // What linking set holds against the last render's model too: it
        // is the last build's.
        let last_render = self.render.as_ref();
        let touched_since_render = touched.as_ref().filter(|_| {
            last_render
                .zip(self.last.as_ref())
                .is_some_and(|(render, last)| Arc::ptr_eq(render.model(), last))
        });
        let render = SiteRender::after(
            Arc::clone(&model),
            config,
            last_render,
            !self.single,
            touched_since_render,
        );
        phases.end("indexes");
        // A save's units' pages first, while each unit's hash is made (on
        // the other cores). Their fingerprints wait for the hashes.
        let painted_at = Mutex::new(None);
        let (units, prints, global, mut painted, first_slowest) = {
            let first_build = Build {
                cache: self,
                render: &render,
                templates,
                target: &target,
                prints: None,
                on_page,
                slowest: Mutex::new(None),
            };
            let paint = || -> Vec<(Page, Result<Done, BuildError>)> {
                if target.is_fresh() || first.is_empty() {
                    return Vec::new();
                }
                let done: Vec<_> = (0..model.units.len())
                    .filter(|&u| first.contains(&model.units[u].file))
                    .flat_map(|u| render.unit_pages(u))
                    .map(|page| {
                        let done = first_build.page(&page);
                        (page, done)
                    })
                    .collect();
                *painted_at.lock().unwrap_or_else(|e| e.into_inner()) = Some(started.elapsed());
                done
            };
            let cache: &SiteCache = self;
            let (units, painted) = rayon::join(
                || {
                    let took = Instant::now();
                    let units = (!hash_later).then(|| {
                        unit_hashes_after(
                            cache.last.as_deref(),
                            &cache.units,
                            &model,
                            touched.as_ref(),
                        )
                    });
                    let hashing = took.elapsed();
                    let prints = units.as_ref().map(|(units, _, _)| {
                        Fingerprints::new(&model, config, templates, &render.site, units)
                    });
                    // The last render's pieces before the page list: it
                    // counts the changes of the week (so their pages), from
                    // each unit's week, kept or made.
                    let same = units.as_ref().map(|(_, same, _)| same.as_slice());
                    let global =
                        cache.keep_pieces(&render, &model, same, prints.as_ref(), touched.as_ref());
                    let keeping = took.elapsed() - hashing;
                    // The page list too, while the saved unit's page is
                    // made: every page after it needs the list.
                    render.pages();
                    let listing = took.elapsed() - hashing - keeping;
                    (units, prints, global, [hashing, keeping, listing])
                },
                paint,
            );
            let (units, prints, global, [hashing, keeping, listing]) = units;
            phases.beside("unit hashes", hashing);
            phases.beside("fingerprints and pieces kept", keeping);
            phases.beside("page list", listing);
            // The saved unit's page counts for the slowest page too.
            let slowest = first_build
                .slowest
                .into_inner()
                .unwrap_or_else(|e| e.into_inner());
            (units, prints, global, painted, slowest)
        };
        phases.end("hashes and first page");
        let (units, compared) = match units {
            Some((units, _, compared)) => (Some(units), compared),
            None => (None, 0),
        };
        self.global = global;
        if let Some(prints) = &prints {
            for (page, done) in painted.iter_mut() {
                if let Ok(done) = done {
                    done.page.fingerprint = prints.of(page, done.page.used.as_deref());
                }
            }
        }
        let build = Build {
            cache: self,
            render: &render,
            templates,
            target: &target,
            prints: prints.as_ref(),
            on_page,
            slowest: Mutex::new(first_slowest),
        };
        // A fresh site writes okrs.json and the stylesheet on one core while
        // pages render on the others; a rebuild in place writes the pages
        // first, and okrs.json after the pages it lists. (Beside the pages
        // in place too, once the saved unit's page was written, it made no
        // difference to a rebuild of 10,000 units: BENCHMARKS.md, hwatch.)
        let painted: Vec<(String, Result<Done, BuildError>)> = painted
            .into_iter()
            .map(|(page, done)| (page.path, done))
            .collect();
        let ((kept, results), others) = if target.is_fresh() {
            let mut unseen = Phases::default();
            let done = rayon::join(|| build.pages(painted, &mut unseen), || build.other_files());
            phases.end("pages and okrs.json");
            done
        } else {
            let pages = build.pages(painted, &mut phases);
            let others = build.other_files();
            phases.end("okrs.json");
            (pages, others)
        };
        let slowest = build
            .slowest
            .into_inner()
            .unwrap_or_else(|e| e.into_inner());
        let mut summary = CacheBuild {
            pages: started.elapsed(),
            first: painted_at.into_inner().unwrap_or_else(|e| e.into_inner()),
            slowest,
            ..CacheBuild::default()
        };
        let rest = Instant::now();
        let all = render.pages();
        // A rebuild in place of the same pages updates the last build's
        // records of the pages rendered again, rather than copying 40,000
        // records into a new map and looking for pages that went.
        let same_pages = !target.is_fresh() && self.has_records_of(all);
        let mut pages = Records::with_capacity_and_hasher(
            if same_pages { 0 } else { all.len() },
            Default::default(),
        );
        for (page, kept) in all.iter().zip(kept) {
            if let Some(cached) = kept {
                summary.unchanged += 1;
                summary.bytes += cached.len;
                if !same_pages {
                    pages.insert(page.path.clone(), cached.clone());
                }
            }
        }
        if same_pages {
            pages = std::mem::take(&mut self.pages);
        }
        for (_, result) in results {
            let done = result?;
            summary.rendered += 1;
            if done.written {
                summary.written += 1;
            } else {
                summary.unchanged += 1;
            }
            summary.bytes += done.page.len;
            pages.insert(done.path, done.page);
        }
        let others = others?;
        phases.end("records");
        summary.written += others.written;
        summary.unchanged += others.kept;
        summary.bytes += others.stylesheet.len + others.json.len;
        // Pages, not the units' JSON files beside them.
        summary.pages_count = all
            .iter()
            .filter(|page| !matches!(page.kind, PageKind::UnitJson(_)))
            .count();
        // Fingerprints left for later: the units' hashes are known now,
        // from their JSON files.
        let units = match units {
            Some(units) => units,
            None => {
                let units = unit_hashes(&model, all, &pages);
                let prints = Fingerprints::new(&model, config, templates, &render.site, &units);
                for page in all {
                    if let Some(cached) = pages.get_mut(&page.path) {
                        cached.fingerprint = prints.of(page, cached.used.as_deref());
                    }
                }
                units
            }
        };
        // A fresh site holds none of them.
        let earlier = std::mem::take(&mut self.earlier);
        match target {
            Target::Fresh(fresh) => {
                let files = copy_statics(&fresh, templates, &pages)?;
                let text = manifest::encode(
                    Some(model.today),
                    Some(others.json),
                    Some(others.stylesheet),
                    &pages,
                    &files,
                );
                fresh.write(MANIFEST, text.as_bytes())?;
                drop(text);
                summary.carried = fresh.commit(&self.owned)?;
                // What the next build may replace; a single build has none,
                // so it copies no 40,000 paths for one.
                if !self.single {
                    let mut owned: HashSet<String> = pages.keys().cloned().collect();
                    owned.extend(files.iter().cloned());
                    owned.extend([JSON_FILE, STYLESHEET, FAVICON].map(String::from));
                    self.owned = Owned::Listed(owned);
                }
                self.files = files;
            }
            Target::InPlace(output, _) => {
                // With `same_pages` the last build's records are `pages`.
                let listed = self.pages.keys().chain(&earlier);
                for gone in listed.filter(|p| !pages.contains_key(*p)) {
                    output.remove(gone)?;
                    summary.removed += 1;
                }
                self.manifest_due = true;
            }
        }
        // A fresh site: its static files, manifest and swap; in place: the
        // pages that went.
        phases.end("site finished");
        summary.rest = rest.elapsed();
        summary.pieces = render.site.pieces.made();
        summary.compared = compared;
        self.pages = pages;
        self.stylesheet = Some(others.stylesheet);
        self.json = Some(others.json);
        self.units = units;
        if let Some(old) = self.last.replace(model) {
            let units = old.units.len();
            drop_later(old, units);
        }
        if let Some(old) = self.render.replace(render) {
            let units = old.model().units.len();
            drop_later(old, units);
        }
        self.buffers.settle();
        self.written = true;
        phases.end("kept");
        summary.phases = phases;
        Ok(summary)
    }

    /// Gives `render` the last render's pieces of the units that did not
    /// change (`same`: unit by unit, as the unit hashes say), when nothing
    /// site-wide did (templates, settings, today, paths, people: the
    /// global fingerprint). Returns this build's global fingerprint.
    fn keep_pieces(
        &self,
        render: &SiteRender,
        model: &Model,
        same: Option<&[bool]>,
        prints: Option<&Fingerprints>,
        touched: Option<&Touched>,
    ) -> Option<u64> {
        let global = prints.map(|prints| prints.global);
        let same = same.filter(|_| global.is_some() && global == self.global);
        // The week-ago units linking set, when the last render's week-ago
        // standings are of the last model's units and this render's of
        // this model's (a render makes them from its model's, when it
        // keeps any: `SiteData::after`).
        let week_touched = touched
            .filter(|_| {
                let last_model = self.last.as_ref().and_then(|m| m.week_ago.as_ref());
                let last_render = self.render.as_ref();
                both_same(
                    last_model,
                    last_render.and_then(|r| r.site.model.week_ago.as_ref()),
                ) && both_same(model.week_ago.as_ref(), render.site.model.week_ago.as_ref())
            })
            .map(|touched| &touched.week_ago);
        render
            .site
            .pieces
            .settle(same, render.site.week_ago.as_ref(), week_touched);
        global
    }

    /// Whether the cache's page records are those of `all`, one each: the
    /// last render listed the same pages, in the same order, and every one
    /// of them has its record (a build records each page it lists).
    fn has_records_of(&self, all: &[Page]) -> bool {
        let Some(last) = &self.render else {
            return false;
        };
        let last = last.pages();
        self.pages.len() == all.len()
            && last.len() == all.len()
            && last.iter().zip(all).all(|(a, b)| a.path == b.path)
    }

    /// Looks, while `watch` is idle, for every page of the site in the
    /// output folder, one read of each folder, and remembers the folders
    /// where all were there with their stamps from before the read: the
    /// next rebuild reads only the folders that changed since (a page
    /// deleted by hand is rendered again) rather than all of them.
    pub fn look_around(&mut self, output: &OutputDir) {
        self.seen.clear();
        if !self.written {
            return;
        }
        let mut folders: HashMap<&str, Vec<&str>> = HashMap::new();
        for path in self.pages.keys() {
            let folder = path.rfind('/').map_or("", |at| &path[..at]);
            folders.entry(folder).or_default().push(path);
        }
        let seen: Vec<(String, Stamp)> = folders
            .into_par_iter()
            .filter_map(|(folder, pages)| {
                let stamp = output.stamp(folder)?;
                output
                    .has_all(&pages)
                    .into_iter()
                    .all(|there| there)
                    .then(|| (folder.to_string(), stamp))
            })
            .collect();
        self.seen = seen.into_iter().collect();
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
}

/// Frees `value` (a model, or what holds one, of `units` units) on another
/// thread when it is large: freeing takes a while, and a rebuild should not
/// wait for it.
pub(crate) fn drop_later<T: Send + 'static>(value: T, units: usize) {
    if units > 500 {
        std::thread::spawn(move || drop(value));
    }
}

#[cfg(test)]
mod paged_tests;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod touched_tests;

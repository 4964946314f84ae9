//! One build of a cache: each page rendered unless its record says it
//! need not be, and written unless its bytes are the same.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use rayon::prelude::*;

use super::fingerprint::{Fingerprints, hash_bytes};
use super::manifest::Recorded;
use super::phases::Phases;
use super::target::Target;
use super::{CachedPage, SiteCache};
use crate::site::pages::{Page, PageKind};
use crate::site::{BuildError, FAVICON, FAVICON_SVG, JSON_FILE, STYLESHEET, SiteRender, Templates};

/// One page's result.
pub(super) struct Done {
    pub(super) path: String,
    pub(super) page: CachedPage,
    pub(super) written: bool,
}

/// One build of a cache: what every output kind's method reads.
pub(super) struct Build<'b> {
    pub(super) cache: &'b SiteCache,
    pub(super) render: &'b SiteRender,
    pub(super) templates: &'b Templates,
    pub(super) target: &'b Target<'b>,
    /// `None` until the units' hashes are known (see `hash_later`).
    pub(super) prints: Option<&'b Fingerprints>,
    pub(super) on_page: &'b (dyn Fn(usize) + Sync),
    /// The page that took longest to render, and how long.
    pub(super) slowest: Mutex<Option<(String, Duration)>>,
}

impl<'b> Build<'b> {
    fn fingerprint(&self, page: &Page, used: Option<&[usize]>) -> u64 {
        self.prints.map_or(0, |prints| prints.of(page, used))
    }

    /// The last build's record of `page`, if its inputs did not change.
    fn unchanged(&self, page: &Page) -> Option<&'b CachedPage> {
        let cached: &'b CachedPage = self.cache.pages.get(&page.path)?;
        (cached.fingerprint == self.fingerprint(page, cached.used.as_deref())).then_some(cached)
    }

    /// [`Build::page`], then `on_page` hears of it (one of `total`).
    fn counted(&self, page: &Page, total: usize) -> Result<Done, BuildError> {
        let done = self.page(page);
        (self.on_page)(total);
        done
    }

    /// Renders one page (or a unit's JSON file) and writes it if its bytes
    /// changed. Not counted (`on_page`): a saved unit's page is made before
    /// the site's pages are listed, and the list is not waited for.
    pub(super) fn page(&self, page: &Page) -> Result<Done, BuildError> {
        let took = Instant::now();
        // About as long as last time: a page of every unit is tens of
        // megabytes, better not copied as it grows.
        let size = self.cache.pages.get(&page.path).map_or(0, |c| c.len);
        let size = usize::try_from(size + size / 64).unwrap_or(0);
        // A unit's JSON is made apart from any buffer.
        let buffer = if matches!(page.kind, PageKind::UnitJson(_)) {
            Vec::new()
        } else {
            self.cache.buffers.take(size)
        };
        let (bytes, used) = self.render.render_page_using(self.templates, page, buffer);
        let bytes = bytes?;
        let took = took.elapsed();
        let hash = hash_bytes(&bytes);
        let same = self
            .cache
            .pages
            .get(&page.path)
            .is_some_and(|c| c.hash == hash);
        let written = self.target.write(&page.path, &bytes, same);
        let len = bytes.len() as u64;
        if !self.cache.single {
            self.cache.buffers.give_back(bytes);
        }
        let written = written?;
        let mut slowest = self.slowest.lock().unwrap_or_else(|e| e.into_inner());
        if slowest.as_ref().is_none_or(|(_, most)| took > *most) {
            *slowest = Some((page.path.clone(), took));
        }
        let used = depends_on_used(&page.kind).then_some(used);
        Ok(Done {
            path: page.path.clone(),
            page: CachedPage {
                fingerprint: self.fingerprint(page, used.as_deref()),
                used,
                hash,
                len,
            },
            written,
        })
    }

    /// Every page: those whose inputs changed rendered again, unit pages
    /// first (the page someone just saved shows soonest), then their JSON,
    /// then the index, dashboards and maps, which read every unit. Returns
    /// the kept pages' records and the rendered pages' results, in page
    /// order.
    /// `painted`: the pages already rendered and written, by path
    /// ([`SiteCache::paint_first`]).
    pub(super) fn pages(
        &self,
        painted: Vec<(String, Result<Done, BuildError>)>,
        phases: &mut Phases,
    ) -> PagesDone<'b> {
        let all = self.render.pages();
        // Sorted by path, the painted pages are found by a binary search:
        // a saved unit's page and JSON cost a comparison or two a page
        // (hashing 40,000 paths cost more), and the thousands a `git
        // checkout` paints first are not looked at for each page.
        let mut painted = painted;
        painted.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        let painted_at = |page: &Page| {
            painted
                .binary_search_by(|(path, _)| path.as_str().cmp(&page.path))
                .ok()
        };
        let mut kept: Vec<Option<&'b CachedPage>> = all
            .par_iter()
            .map(|page| match painted_at(page) {
                Some(_) => None,
                None => self.unchanged(page),
            })
            .collect();
        phases.end("pages looked up");
        // The pages to render, and where each painted one is in the site.
        let (mut todo, mut at) = (Vec::new(), Vec::with_capacity(painted.len()));
        for (i, page) in all.iter().enumerate() {
            match painted_at(page) {
                Some(p) => at.push((i, p)),
                None if kept[i].is_none() => todo.push(i),
                None => {}
            }
        }
        let mut painted: Vec<Option<Result<Done, BuildError>>> =
            painted.into_iter().map(|(_, done)| Some(done)).collect();
        let mut first: Vec<(usize, Result<Done, BuildError>)> = Vec::with_capacity(at.len());
        for (i, p) in at {
            if let Some(done) = painted[p].take() {
                first.push((i, done));
                (self.on_page)(all.len());
            }
        }
        todo.sort_by_key(|&i| match all[i].kind {
            PageKind::Unit(_) => 0,
            PageKind::UnitJson(_) => 1,
            _ => 2,
        });
        let mut results: Vec<(usize, Result<Done, BuildError>)> = todo
            .par_iter()
            .map(|&i| (i, self.counted(&all[i], all.len())))
            .collect();
        results.extend(first);
        phases.end("pages rendered");
        // Then the pages whose inputs did not change: looking for each on
        // disk takes longer than rendering the few that did. One that is
        // not there is rendered after all.
        let unchanged: Vec<(usize, (&str, u64))> = kept
            .iter()
            .enumerate()
            .filter_map(|(i, cached)| Some((i, (all[i].path.as_str(), cached.as_ref()?.len))))
            .collect();
        let files: Vec<(&str, u64)> = unchanged.iter().map(|&(_, file)| file).collect();
        let there = self.target.keep_all(&files);
        let mut missing = Vec::new();
        for (&(i, _), there) in unchanged.iter().zip(there) {
            if there {
                (self.on_page)(all.len());
            } else {
                missing.push(i);
            }
        }
        for &i in &missing {
            kept[i] = None;
        }
        phases.end("pages there");
        results.extend(
            missing
                .par_iter()
                .map(|&i| (i, self.counted(&all[i], all.len())))
                .collect::<Vec<_>>(),
        );
        // The first error in page order, whichever thread met it first.
        results.sort_unstable_by_key(|(i, _)| *i);
        (kept, results)
    }

    /// The stylesheet, the icon and the `okrs.json` index: what did not
    /// change is kept.
    pub(super) fn other_files(&self) -> Result<OtherFiles, BuildError> {
        let mut done = OtherFiles::default();
        let mut count = |written: bool| {
            if written {
                done.written += 1;
            } else {
                done.kept += 1;
            }
        };
        let css = self.templates.stylesheet().as_bytes();
        let stylesheet = Recorded {
            fingerprint: hash_bytes(css),
            len: css.len() as u64,
        };
        count(
            self.target
                .put(STYLESHEET, css, self.cache.stylesheet == Some(stylesheet))?,
        );
        // The icon is the binary's own: kept in place, written afresh.
        count(
            self.target
                .put(FAVICON, FAVICON_SVG.as_bytes(), !self.target.is_fresh())?,
        );
        let index = self.render.index_json();
        let json = Recorded {
            fingerprint: hash_bytes(&index),
            len: index.len() as u64,
        };
        count(
            self.target
                .put(JSON_FILE, &index, self.cache.json == Some(json))?,
        );
        done.stylesheet = stylesheet;
        done.json = json;
        Ok(done)
    }
}

/// The kept pages' records (by page) and the rendered pages' results.
pub(super) type PagesDone<'c> = (
    Vec<Option<&'c CachedPage>>,
    Vec<(usize, Result<Done, BuildError>)>,
);

/// How the stylesheet, the icon and `okrs.json` went: files written and
/// kept, and what the manifest records of the stylesheet and the index.
#[derive(Default)]
pub(super) struct OtherFiles {
    pub(super) written: usize,
    pub(super) kept: usize,
    pub(super) stylesheet: Recorded,
    pub(super) json: Recorded,
}

/// Does a page of this kind depend only on the units its render used (and
/// site-wide inputs)? The index and dashboards rank and count every unit.
/// The people page lists everyone with how many key results they answer
/// for: the people and who owns what ([`owners_hash`]) are in the
/// site-wide fingerprint, so a new figure does not render it again. A
/// changes page shows its units' rows, and what it shows of their weeks
/// (which moved, then and now, in what order, how many in all) is in its
/// kind (`shown`): a save renders again only the pages its rows are on.
pub(super) fn depends_on_used(kind: &PageKind) -> bool {
    matches!(
        kind,
        PageKind::Unit(_)
            | PageKind::UnitJson(_)
            | PageKind::Alignment { .. }
            | PageKind::Changes { .. }
            | PageKind::Scorecard(_)
            | PageKind::Person(_)
            | PageKind::People
    )
}

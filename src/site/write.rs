//! `okrc build`'s render: every page rendered on all cores and written the
//! moment it is made, `okrs.json` streamed by the parallel JSON writer at
//! the same time, all into a fresh folder that is swapped in at the end.
//! Nothing holds the whole site: memory stays at the model plus a page per
//! core, however large the workspace.

use std::io::Write;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use rayon::prelude::*;
use thiserror::Error;

use super::output::{OutputDir, OutputError, Placed};
use super::{JSON_FILE, STYLESHEET, SiteError, SiteRender, Templates};
use crate::config::Config;
use crate::model::Model;

/// Why a build wrote no site.
#[derive(Debug, Error)]
pub enum BuildError {
    #[error(transparent)]
    Site(#[from] SiteError),
    #[error(transparent)]
    Output(#[from] OutputError),
}

/// What a build wrote.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BuildSummary {
    /// HTML pages.
    pub pages: usize,
    /// Every file, the stylesheet and `okrs.json` included.
    pub files: usize,
    pub bytes: u64,
    /// Files whose bytes equal the last site's, kept rather than written.
    pub kept: usize,
    /// How long the pages took (rendered and written, on all cores), how
    /// long `okrs.json` took (at the same time), and swapping the new site
    /// in for the last one.
    pub timings: BuildTimings,
}

/// Where a build's time went.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BuildTimings {
    pub pages: Duration,
    pub json: Duration,
    pub swap: Duration,
}

/// Renders the site of `model` into `output`, replacing what was there
/// only once every file is written. `on_page` is called after each page
/// (from any thread), for a progress display.
pub fn build_site(
    model: Arc<Model>,
    config: &Config,
    templates: &Templates,
    output: &OutputDir,
    on_page: &(dyn Fn() + Sync),
) -> Result<BuildSummary, BuildError> {
    let render = SiteRender::new(model, config);
    let site = output.begin()?;
    let bytes = AtomicU64::new(0);
    let kept = AtomicUsize::new(0);
    let count = |placed: Placed, size: usize| {
        bytes.fetch_add(size as u64, Ordering::Relaxed);
        if placed == Placed::Kept {
            kept.fetch_add(1, Ordering::Relaxed);
        }
    };
    let started = Instant::now();
    let (pages, json) = rayon::join(
        || {
            // Every page is tried, so that the error reported is the first
            // page's, whichever thread met it first.
            let results: Vec<Result<(), BuildError>> = render
                .pages()
                .par_iter()
                .map(|page| {
                    let html = render.render_page(templates, page)?;
                    let placed = site.write(&page.path, html.as_bytes())?;
                    count(placed, html.len());
                    on_page();
                    Ok(())
                })
                .collect();
            let done = started.elapsed();
            results
                .into_iter()
                .collect::<Result<(), BuildError>>()
                .map(|()| done)
        },
        || -> Result<Duration, BuildError> {
            let css = templates.stylesheet().as_bytes();
            count(site.write(STYLESHEET, css)?, css.len());
            let mut json = CountingWriter::new(std::io::BufWriter::with_capacity(
                1 << 16,
                site.stream(JSON_FILE)?,
            ));
            let written =
                crate::render::json::write(&mut json, render.model()).and_then(|()| json.flush());
            let size = json.count;
            let streamed = json.inner.into_inner().map_err(|err| err.into_error());
            let placed = written
                .and(streamed.map(|file| file.finish()))
                .map_err(|source| OutputError::Io {
                    path: JSON_FILE.into(),
                    source,
                })??;
            count(placed, size);
            Ok(started.elapsed())
        },
    );
    let timings_pages = pages?;
    let timings_json = json?;
    let swap = Instant::now();
    site.commit()?;
    let pages = render.pages().len();
    Ok(BuildSummary {
        pages,
        files: pages + 2,
        bytes: bytes.into_inner(),
        kept: kept.into_inner(),
        timings: BuildTimings {
            pages: timings_pages,
            json: timings_json,
            swap: swap.elapsed(),
        },
    })
}

/// Counts the bytes written through it.
struct CountingWriter<W> {
    inner: W,
    count: usize,
}

impl<W> CountingWriter<W> {
    fn new(inner: W) -> Self {
        CountingWriter { inner, count: 0 }
    }
}

impl<W: Write> Write for CountingWriter<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.count += n;
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

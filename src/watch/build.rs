//! One build from what a [`Session`] holds: link the kept parses (resolve
//! and analyse), print the diagnostics, and build with the session's
//! [`SiteCache`](crate::site::SiteCache): only the pages whose inputs
//! changed are rendered, and only the files whose bytes changed are
//! written, unit pages first and `okrs.json` last. A build with errors
//! writes nothing: the last good site stays.

use std::sync::Arc;
use std::time::{Duration, Instant};

use super::delta::Delta;
use super::failure::Failure;
use super::session::{Session, StartError};
use crate::build::{self, NotBuilt, Target};
use crate::diagnostic::{Level, Tally};
use crate::link::{Linked, Touched};
use crate::model::Model;
use crate::parse::ParsedFile;
use crate::site::cache::drop_later;
use crate::site::output::OutputError;

/// How long each stage of a rebuild took.
#[derive(Debug, Clone, Default)]
pub struct Timings {
    pub read: Duration,
    pub parse: Duration,
    /// Files parsed again.
    pub parsed: usize,
    pub link: Duration,
    /// Whether only the files parsed again were linked (`crate::link`),
    /// not the whole workspace.
    pub linked_in_part: bool,
    /// Rendering the pages that changed, and writing those whose bytes did.
    pub render: Duration,
    /// Pages rendered again (the others came from the cache).
    pub rendered: usize,
    /// From the start of the rebuild until the pages of the units of the
    /// saved files were written (they go first).
    pub first: Option<Duration>,
    /// The page that took longest to render.
    pub slowest: Option<(String, Duration)>,
    /// Pieces of the pages that show every unit made again (rows, a
    /// unit's week); the others were kept from the last rebuild.
    pub pieces: usize,
    /// Writing `okrs.json` and the stylesheet when they changed, removing
    /// pages that went.
    pub write: Duration,
    pub total: Duration,
    /// The site build's phases, printed on a line of their own.
    pub phases: crate::site::cache::Phases,
}

impl std::fmt::Display for Timings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let ms = crate::timings::Ms;
        write!(
            f,
            "read {} · parse {} ({} {}) · link {} · render {} ({} {}) · write {} · total {}",
            ms(self.read),
            ms(self.parse),
            self.parsed,
            if self.parsed == 1 { "file" } else { "files" },
            ms(self.link),
            ms(self.render),
            self.rendered,
            if self.rendered == 1 { "page" } else { "pages" },
            ms(self.write),
            ms(self.total),
        )?;
        if let Some(first) = self.first {
            write!(f, " · saved unit's page {}", ms(first))?;
        }
        if let Some((page, took)) = &self.slowest {
            write!(f, " · slowest page {page} {}", ms(*took))?;
        }
        if self.pieces > 0 {
            write!(f, " · {} pieces made", self.pieces)?;
        }
        if !self.phases.is_empty() {
            write!(f, "\n    site: {}", self.phases)?;
        }
        Ok(())
    }
}

/// How a build ended.
#[derive(Debug, Clone)]
pub enum Outcome {
    /// The site is up to date.
    Built {
        written: usize,
        unchanged: usize,
        removed: usize,
    },
    /// The input has errors, a template failed, or the output could not be
    /// written; the last good site was left as it was.
    Failed { failure: Failure },
}

/// One build: what it printed and how it ended.
#[derive(Debug, Clone)]
pub struct Build {
    pub outcome: Outcome,
    /// What to print above (first build) or below (rebuild) the build's
    /// line, with ANSI colours: after the first build every diagnostic and
    /// the summary line; after a rebuild only the diagnostics that are new.
    /// Under `--quiet`, errors only.
    pub report: Vec<u8>,
    /// How many errors and warnings the build has.
    pub tally: Tally,
    /// What is new and what went away since the previous build.
    pub delta: Delta,
    pub timings: Timings,
}

impl Session {
    /// A build that failed before it began: the workspace could not be read
    /// again, or the output folder was refused.
    pub fn failed_to_start(&self, error: &StartError) -> Build {
        let mut failure = Failure::default();
        failure.push_message(error.to_string());
        Build {
            outcome: Outcome::Failed { failure },
            report: format!("error: {error}\n").into_bytes(),
            tally: Tally {
                errors: 1,
                warnings: 0,
            },
            delta: Delta::default(),
            timings: Timings::default(),
        }
    }

    /// Renders some of `model`'s diagnostics, reading only the texts of
    /// their files.
    fn render<'d>(
        &self,
        diagnostics: impl IntoIterator<Item = &'d crate::diagnostic::Diagnostic> + Clone,
    ) -> std::io::Result<Vec<u8>> {
        let mut report = Vec::new();
        let texts = self
            .workspace
            .held_texts(diagnostics.clone().into_iter().map(|d| &*d.file));
        if texts.is_empty() {
            return Ok(report);
        }
        crate::render::human::write(&mut report, diagnostics, &texts, &self.options.root, true)?;
        Ok(report)
    }

    /// Builds the site from what the session holds: link, print, render,
    /// write. Errors leave the output as it was.
    pub fn build(&mut self, started: Instant, read: Duration) -> anyhow::Result<Build> {
        let (parsed, parse) = std::mem::take(&mut self.parsed_since);
        let mut timings = Timings {
            read: read.saturating_sub(parse),
            parse,
            parsed,
            ..Timings::default()
        };
        let today = self.options.today.date();
        let t = Instant::now();
        self.workspace.read_errors = self
            .walk_errors
            .iter()
            .chain(self.file_errors.values())
            .cloned()
            .collect();
        // A model linked in part into the last says which units it set:
        // the site compares only those with its last build's, when that
        // build was of the same last model.
        let mut since = None;
        let model = match self.relink(today) {
            Some((model, touched)) => {
                timings.linked_in_part = true;
                since = self.model.clone().map(|last| (last, touched));
                model
            }
            None => {
                let parsed = match self.spare.take() {
                    Some(spare) => spare,
                    None => self.kept.values().map(|k| k.parsed.clone()).collect(),
                };
                let (model, linked) = Linked::full(&self.workspace, parsed, today);
                self.linked = Some(linked);
                model
            }
        };
        // Their units' pages are rendered and written first.
        let saved = std::mem::take(&mut self.pending).files;
        // A copy of the last model is of no use any more.
        self.spare_model = None;
        let checked = build::Checked::judge(model, false);
        // Kept: the next edit is linked into it.
        if let Some(old) = self.model.replace(Arc::clone(&checked.model)) {
            let units = old.units.len();
            drop_later(old, units);
        }
        timings.link = t.elapsed();
        let model = &checked.model;

        use std::io::Write;
        let quiet = self.options.quiet;
        let shown = |d: &&crate::diagnostic::Diagnostic| !quiet || d.level == Level::Error;
        let delta = self.known.update(&model.diagnostics);
        let bold = anstyle::Style::new().bold();
        let report = if delta.first {
            let mut report = self.render(model.diagnostics.iter().filter(shown))?;
            writeln!(
                report,
                "{bold}{}{bold:#}",
                crate::render::human::summary(model)
            )?;
            report
        } else {
            self.render(
                delta
                    .new
                    .iter()
                    .map(|&at| &model.diagnostics[at])
                    .filter(shown),
            )?
        };
        let tally = Tally::of(&model.diagnostics);
        let t = Instant::now();
        self.cache.paint_first(saved);
        self.cache.changed_since(since);
        let built = checked.build(
            Target {
                root: &self.options.root,
                config: &self.workspace.config,
                output: &self.output,
                templates: &mut self.templates,
                cache: &mut self.cache,
            },
            &|_| {},
        );
        // What linking set holds for this build alone: one that stopped
        // before the site (errors, templates) must not leave it to the next.
        self.cache.changed_since(None);
        timings.total = started.elapsed();
        let (failure, extra) = match built {
            Ok(built) => {
                drop(checked);
                let mut report = report;
                if let Some(line) = built.carried.describe() {
                    report.extend_from_slice(format!("{line}\n").as_bytes());
                }
                timings.render = built.pages;
                timings.write = built.rest;
                timings.rendered = built.rendered;
                // The cache counts from the start of the site's build.
                timings.first = built.first.map(|first| t.duration_since(started) + first);
                timings.slowest = built.slowest.clone();
                timings.pieces = built.pieces;
                timings.phases = built.phases;
                timings.total = started.elapsed();
                return Ok(Build {
                    outcome: Outcome::Built {
                        written: built.written,
                        unchanged: built.unchanged,
                        removed: built.removed,
                    },
                    report,
                    tally,
                    delta,
                    timings,
                });
            }
            Err(NotBuilt::Checked(_)) => (self.failure(model), None),
            Err(err @ NotBuilt::Templates(_)) => (self.failure(model), Some(err.to_string())),
            // No errors from here on: a failure's overlay counts the
            // warnings and says what went wrong.
            Err(err @ (NotBuilt::Site(_) | NotBuilt::Output(_))) => {
                timings.render = t.elapsed();
                let warnings = Failure {
                    errors: Vec::new(),
                    warnings: tally.warnings,
                };
                (warnings, Some(err.to_string()))
            }
        };
        let units = checked.model.units.len();
        drop_later(checked.model, units);
        let mut report = report;
        let mut failure = failure;
        if let Some(extra) = extra {
            let _ = writeln!(report, "error: {extra}");
            failure.push_message(extra);
        }
        Ok(Build {
            outcome: Outcome::Failed { failure },
            report,
            tally,
            delta,
            timings,
        })
    }

    /// What a failed build shows over the page in `serve`: every error (not
    /// only the new ones) with its source line, and a count of the
    /// warnings. Errors are few, and looked at only on failure.
    fn failure(&self, model: &crate::model::Model) -> Failure {
        let errors = model.diagnostics.iter().filter(|d| d.level == Level::Error);
        let texts = self.workspace.held_texts(errors.map(|d| &*d.file));
        Failure::of(&model.diagnostics, &texts, &self.options.root)
    }

    /// Gets ready for the next rebuild while nothing happens: writes the
    /// site's manifest (for the next `okrc build`), copies the model an
    /// edit is linked into (or, when the next build links everything,
    /// clones the parses `link` will consume), and looks for the site's
    /// pages in the output folder (`SiteCache::look_around`), so a rebuild
    /// pays for none of it.
    pub fn prepare(&mut self) -> Result<(), OutputError> {
        let written = self.cache.write_manifest(&self.output);
        let partial = self.linked.as_ref().is_some_and(Linked::partial);
        match (&self.model, partial) {
            (Some(model), true) => {
                if self.spare_model.is_none() {
                    let mut spare = Model::clone(model);
                    // Its own week-ago units too, to link into.
                    spare.week_ago = spare.week_ago.map(|w| Arc::new(Vec::clone(&w)));
                    self.spare_model = Some(spare);
                }
                self.spare = None;
            }
            _ => {
                if self.spare.is_none() {
                    self.spare = Some(self.kept.values().map(|k| k.parsed.clone()).collect());
                }
            }
        }
        // Last: the folders' stamps must be older than the rebuild's writes.
        self.cache.look_around(&self.output);
        written
    }

    /// The model with only the files parsed again since the last build
    /// linked again (`crate::link`), when that is all that changed, and
    /// which of the last model's units that set; `None` when everything
    /// must be linked.
    fn relink(&mut self, today: chrono::NaiveDate) -> Option<(Model, Touched)> {
        let linked = self.linked.as_ref()?;
        if self.pending.whole || !linked.partial() {
            self.spare_model = None;
            return None;
        }
        let mut model = match self.spare_model.take() {
            Some(model) => model,
            None => Model::clone(self.model.as_deref()?),
        };
        let changed: Vec<ParsedFile> = self
            .pending
            .files
            .iter()
            .filter_map(|file| self.kept.get(file))
            .map(|kept| kept.parsed.clone())
            .collect();
        match linked.relink(&mut model, &self.workspace, changed, today) {
            Ok(touched) => Some((model, touched)),
            Err(_) => {
                // Untouched, but a copy of the last model: the whole link
                // that follows makes a new one.
                let units = model.units.len();
                drop_later(model, units);
                None
            }
        }
    }
}

//! One build from what a [`Session`] holds: link the kept parses (resolve
//! and analyse), print the diagnostics, and build with the session's
//! [`SiteCache`](crate::site::SiteCache): only the pages whose inputs
//! changed are rendered, and only the files whose bytes changed are
//! written, unit pages first and `okrs.json` last. A build with errors
//! writes nothing: the last good site stays.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::failure::Failure;
use super::session::{Session, StartError};
use crate::diagnostic::{Code, Tally};
use crate::site::Templates;
use crate::site::output::OutputError;

/// How long each stage of a rebuild took.
#[derive(Debug, Clone, Default)]
pub struct Timings {
    pub read: Duration,
    pub parse: Duration,
    /// Files parsed again.
    pub parsed: usize,
    pub link: Duration,
    /// Rendering the pages that changed, and writing those whose bytes did.
    pub render: Duration,
    /// Pages rendered again (the others came from the cache).
    pub rendered: usize,
    /// The page that took longest to render.
    pub slowest: Option<(String, Duration)>,
    /// Writing `okrs.json` and the stylesheet when they changed, removing
    /// pages that went.
    pub write: Duration,
    pub total: Duration,
}

impl std::fmt::Display for Timings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let ms = |d: Duration| format!("{:.1} ms", d.as_secs_f64() * 1000.0);
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
        if let Some((page, took)) = &self.slowest {
            write!(f, " · slowest page {page} {}", ms(*took))?;
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
    /// Diagnostics and the summary line, with ANSI colours.
    pub report: Vec<u8>,
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
            timings: Timings::default(),
        }
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
        let today = crate::cmd::today(self.options.today)?;
        let t = Instant::now();
        let parsed = match self.spare.take() {
            Some(spare) => spare,
            None => self.kept.values().map(|k| k.parsed.clone()).collect(),
        };
        self.workspace.read_errors = self
            .walk_errors
            .iter()
            .chain(self.file_errors.values())
            .cloned()
            .collect();
        let model = crate::link(&self.workspace, parsed, today);
        timings.link = t.elapsed();

        let mut report = Vec::new();
        let texts: HashMap<&str, &str> = crate::cmd::check::source_texts(&self.workspace);
        crate::render::human::write(
            &mut report,
            &model.diagnostics,
            &texts,
            &self.options.root,
            true,
        )?;
        let bold = anstyle::Style::new().bold();
        use std::io::Write;
        writeln!(
            report,
            "{bold}{}{bold:#}",
            crate::render::human::summary(&model)
        )?;
        let tally = Tally::of(&model.diagnostics);
        let unreadable = model.diagnostics.iter().any(|d| d.code == Code::IoError);
        let mut failure = Failure::of(&model.diagnostics, &texts, &self.options.root);
        drop(texts);
        let mut failed = |report: Vec<u8>, extra: Option<String>, timings: Timings| {
            let mut report = report;
            if let Some(extra) = extra {
                let _ = writeln!(report, "error: {extra}");
                failure.push_message(extra);
            }
            Build {
                outcome: Outcome::Failed {
                    failure: std::mem::take(&mut failure),
                },
                report,
                timings,
            }
        };
        if tally.errors > 0 || unreadable {
            timings.total = started.elapsed();
            self.drop_later(model);
            return Ok(failed(report, None, timings));
        }
        let t = Instant::now();
        if self.templates.is_none() {
            match Templates::load(&self.options.root) {
                Ok(templates) => self.templates = Some(templates),
                Err(err) => {
                    timings.total = started.elapsed();
                    self.drop_later(model);
                    return Ok(failed(report, Some(err.to_string()), timings));
                }
            }
        }
        let templates = self.templates.as_ref().expect("loaded just above");
        let model = Arc::new(model);
        let built = self.cache.build(
            Arc::clone(&model),
            &self.workspace.config,
            templates,
            &self.output,
            &|_| {},
        );
        drop(model);
        let built = match built {
            Ok(built) => built,
            Err(err) => {
                timings.render = t.elapsed();
                timings.total = started.elapsed();
                return Ok(failed(report, Some(err.to_string()), timings));
            }
        };
        timings.render = built.pages;
        timings.write = built.rest;
        timings.rendered = built.rendered;
        timings.slowest = built.slowest.clone();
        timings.total = started.elapsed();
        Ok(Build {
            outcome: Outcome::Built {
                written: built.written,
                unchanged: built.unchanged,
                removed: built.removed,
            },
            report,
            timings,
        })
    }

    /// Gets ready for the next rebuild while nothing happens: writes the
    /// site's manifest (for the next `okrc build`), and clones the parses
    /// `link` will consume, so a rebuild pays for neither.
    pub fn prepare(&mut self) -> Result<(), OutputError> {
        let written = self.cache.write_manifest(&self.output);
        if self.spare.is_none() {
            self.spare = Some(self.kept.values().map(|k| k.parsed.clone()).collect());
        }
        written
    }

    /// Freeing a large model takes a while; do it off the rebuild's path.
    fn drop_later(&self, model: crate::model::Model) {
        if model.units.len() > 500 {
            std::thread::spawn(move || drop(model));
        }
    }
}

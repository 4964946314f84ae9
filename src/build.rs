//! Check, then build: the one way from a read workspace to a site on disk,
//! as mdBook's `MDBook::build()` is. `okrc build`, `watch` and `serve` all
//! call it; they differ only in how they read the workspace (once, or kept
//! in step with the disk) and in how they report.
//!
//! ```text
//! check (link + verdict) ──► print the diagnostics (the caller) ──► build (render + write)
//! ```
//!
//! A check with errors builds nothing, so the last good site stays.

use std::path::Path;
use std::sync::Arc;

use chrono::NaiveDate;
use thiserror::Error;

use crate::analyse::changes;
use crate::config::Config;
use crate::diagnostic::{Code, Diagnostic, Tally};
use crate::model::Model;
use crate::parse::ParsedFile;
use crate::site::cache::CacheBuild;
use crate::site::output::{OutputDir, OutputError};
use crate::site::{BuildError, SiteCache, SiteError, Templates};
use crate::workspace::Workspace;

/// The date a build is for (README "How progress is computed"). The
/// command line decides it, since the clock is read only at the edge: a
/// fixed date, or the local date read again for every build of a
/// long-running `watch`.
#[derive(Debug, Clone, Copy)]
pub enum Today {
    /// `--today` or `SOURCE_DATE_EPOCH`.
    Fixed(NaiveDate),
    /// The clock the command line hands in, read once per build.
    Clock(fn() -> NaiveDate),
}

impl Today {
    /// The date of the build starting now.
    pub fn date(self) -> NaiveDate {
        match self {
            Today::Fixed(date) => date,
            Today::Clock(now) => now(),
        }
    }
}

/// What a check says of a model: whether its site may be built.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// No errors (and, when warnings are denied, no warnings).
    Clean,
    /// Errors, or warnings when they are denied.
    InputErrors,
    /// Files of the workspace could not be read.
    Unreadable,
}

impl Verdict {
    /// The verdict on `diagnostics`; `deny_warnings` counts warnings as
    /// errors (`--deny-warnings`).
    pub fn of(diagnostics: &[Diagnostic], deny_warnings: bool) -> Verdict {
        let tally = Tally::of(diagnostics);
        if diagnostics.iter().any(|d| d.code == Code::IoError) {
            Verdict::Unreadable
        } else if tally.errors > 0 || (deny_warnings && tally.warnings > 0) {
            Verdict::InputErrors
        } else {
            Verdict::Clean
        }
    }
}

/// A linked model and the verdict on it: what [`check`] returns, and what
/// [`Checked::build`] builds from when the verdict is clean.
#[derive(Debug)]
pub struct Checked {
    pub model: Arc<Model>,
    pub verdict: Verdict,
}

/// Checks the workspace for a build: links its parsed files (resolve,
/// analyse) as of `today` and judges the diagnostics. When the site will be
/// built, the model also gets where its key results stood a week ago
/// (`analyse::changes::standings_in_place`), made while the model is still
/// the caller's alone, so no copy of it is made for them.
pub fn check(
    workspace: &Workspace,
    parsed: Vec<ParsedFile>,
    today: NaiveDate,
    deny_warnings: bool,
) -> Checked {
    let mut model = crate::link(workspace, parsed, today);
    if Verdict::of(&model.diagnostics, deny_warnings) == Verdict::Clean
        && let Some(since) = changes::week_ago_date(&model)
    {
        let config = &workspace.config;
        let standings = changes::standings_in_place(&mut model.units, config, since, today);
        model.week_ago_standings = Some(Arc::new(standings));
    }
    Checked::judge(model, deny_warnings)
}

/// Where a site is built, and what a build carries over from the last one.
pub struct Target<'a> {
    /// The workspace folder: its `templates/` and `static/` folders.
    pub root: &'a Path,
    pub config: &'a Config,
    pub output: &'a OutputDir,
    /// Loaded by the first build that gets that far, then kept (`watch`
    /// loads them again only when they change).
    pub templates: &'a mut Option<Templates>,
    /// What the last site was rendered from: pages whose inputs did not
    /// change are carried over instead of rendered again.
    pub cache: &'a mut SiteCache,
}

/// Why a build wrote nothing; the last good site is as it was.
#[derive(Debug, Error)]
pub enum NotBuilt {
    /// The check did not pass.
    #[error("the workspace has errors")]
    Checked(Verdict),
    /// The workspace's templates or static files could not be read, or a
    /// template does not compile.
    #[error(transparent)]
    Templates(SiteError),
    /// A page could not be rendered.
    #[error(transparent)]
    Site(SiteError),
    /// The output folder could not be written.
    #[error(transparent)]
    Output(#[from] OutputError),
}

impl Checked {
    /// A linked model (by [`check`], or by `watch`'s incremental link) and
    /// the verdict on its diagnostics.
    pub fn judge(model: Model, deny_warnings: bool) -> Checked {
        Checked {
            verdict: Verdict::of(&model.diagnostics, deny_warnings),
            model: Arc::new(model),
        }
    }

    /// Builds the site into `target` when the check passed: renders the
    /// pages whose inputs changed and writes the files whose bytes did.
    /// `on_page` hears of every page rendered, with the number of pages.
    pub fn build(
        &self,
        target: Target<'_>,
        on_page: &(dyn Fn(usize) + Sync),
    ) -> Result<CacheBuild, NotBuilt> {
        if self.verdict != Verdict::Clean {
            return Err(NotBuilt::Checked(self.verdict));
        }
        let templates = match target.templates {
            Some(templates) => templates,
            slot => slot.insert(Templates::load(target.root).map_err(NotBuilt::Templates)?),
        };
        target
            .cache
            .build(
                Arc::clone(&self.model),
                target.config,
                templates,
                target.output,
                on_page,
            )
            .map_err(|err| match err {
                BuildError::Site(err) => NotBuilt::Site(err),
                BuildError::Output(err) => NotBuilt::Output(err),
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::{FilePath, Span};

    fn diagnostic(code: Code) -> Diagnostic {
        Diagnostic::new(code, &FilePath::from("a.md"), Span::FILE_START, "m")
    }

    #[test]
    fn a_verdict_counts_errors_and_denied_warnings_and_unreadable_files_first() {
        let warning = diagnostic(Code::StaleCheckin);
        let error = diagnostic(Code::UnknownParent);
        let unreadable = diagnostic(Code::IoError);
        assert_eq!(Verdict::of(&[], true), Verdict::Clean);
        assert_eq!(
            Verdict::of(std::slice::from_ref(&warning), false),
            Verdict::Clean
        );
        assert_eq!(
            Verdict::of(std::slice::from_ref(&warning), true),
            Verdict::InputErrors
        );
        assert_eq!(
            Verdict::of(std::slice::from_ref(&error), false),
            Verdict::InputErrors
        );
        assert_eq!(
            Verdict::of(&[error, unreadable, warning], false),
            Verdict::Unreadable
        );
    }

    #[test]
    fn a_fixed_today_is_that_date_and_a_clock_is_asked() {
        let date = NaiveDate::from_ymd_opt(2026, 11, 16).expect("a date");
        assert_eq!(Today::Fixed(date).date(), date);
        fn clock() -> NaiveDate {
            NaiveDate::from_ymd_opt(2027, 1, 1).expect("a date")
        }
        assert_eq!(Today::Clock(clock).date(), clock());
    }
}

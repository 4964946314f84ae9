//! The command line: one file per subcommand, each a thin layer that reads
//! the disk, calls the pipeline and prints. The wall clock and environment
//! are read here and nowhere else.

pub mod build;
pub mod check;
pub mod serve;
pub mod watch;

use std::process::ExitCode;

use anyhow::{Context, bail};
use chrono::NaiveDate;
use clap::{Parser, Subcommand};

use crate::diagnostic::{Code, Tally};
use crate::model::Model;
use crate::period::parse_date;

#[derive(Debug, Parser)]
#[command(
    name = "okrc",
    version,
    about = "A compiler for plain-text OKRs",
    long_about = "okrc checks Objectives and Key Results kept as Markdown files with TOML front matter \
                  (broken references, unaligned units, unmeasurable key results, stale check-ins) \
                  and builds a static progress site."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check a workspace and report every problem.
    Check(check::CheckArgs),
    /// Check a workspace and build its static progress site.
    Build(build::BuildArgs),
    /// Build the site, then rebuild it after every change.
    Watch(watch::WatchArgs),
    /// Rebuild on every change and serve the site with live reload.
    Serve(serve::ServeArgs),
}

/// How a command ended, as the process exit code says it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// 0: all good.
    Success,
    /// 1: the input has errors (or warnings under `--deny-warnings`).
    InputErrors,
    /// 2: a usage or I/O failure.
    Failure,
}

impl From<Outcome> for ExitCode {
    fn from(outcome: Outcome) -> ExitCode {
        ExitCode::from(match outcome {
            Outcome::Success => 0,
            Outcome::InputErrors => 1,
            Outcome::Failure => 2,
        })
    }
}

pub fn run(cli: Cli) -> anyhow::Result<Outcome> {
    match cli.command {
        Command::Check(args) => check::run(args),
        Command::Build(args) => build::run(args),
        Command::Watch(args) => watch::run_watch(args),
        Command::Serve(args) => serve::run_serve(args),
    }
}

/// The exit code a model earns: 2 when files could not be read, 1 for
/// errors (or warnings when they are denied), else 0.
pub fn outcome(model: &Model, deny_warnings: bool) -> Outcome {
    let tally = Tally::of(&model.diagnostics);
    if model.diagnostics.iter().any(|d| d.code == Code::IoError) {
        Outcome::Failure
    } else if tally.errors > 0 || (deny_warnings && tally.warnings > 0) {
        Outcome::InputErrors
    } else {
        Outcome::Success
    }
}

/// Parses `--today`.
pub fn parse_today_arg(text: &str) -> Result<NaiveDate, String> {
    parse_date(text).ok_or_else(|| format!("`{text}` is not a date; write YYYY-MM-DD"))
}

/// `today`: `--today`, else the UTC date of `SOURCE_DATE_EPOCH`, else the
/// local date.
pub fn today(flag: Option<NaiveDate>) -> anyhow::Result<NaiveDate> {
    if let Some(today) = flag {
        return Ok(today);
    }
    match std::env::var("SOURCE_DATE_EPOCH") {
        Ok(epoch) if !epoch.trim().is_empty() => {
            let seconds: i64 = epoch.trim().parse().with_context(|| {
                format!("SOURCE_DATE_EPOCH=`{epoch}` is not a number of seconds")
            })?;
            match chrono::DateTime::from_timestamp(seconds, 0) {
                Some(moment) => Ok(moment.date_naive()),
                None => bail!("SOURCE_DATE_EPOCH=`{epoch}` is out of range"),
            }
        }
        _ => Ok(chrono::Local::now().date_naive()),
    }
}

//! The command line: one file per subcommand, each a thin layer that reads
//! the disk, calls the pipeline and prints. The wall clock and environment
//! are read here and nowhere else.

pub mod build;
pub mod check;
pub mod checkin;
pub mod completions;
pub mod init;
pub mod lsp;
pub mod report;
pub mod schema;
pub mod serve;
pub mod status;
pub mod watch;

use std::process::ExitCode;

use anyhow::{Context, bail};
use chrono::NaiveDate;
use clap::{Parser, Subcommand};

use crate::build::{Today, Verdict};
use crate::diagnostic::did_you_mean;
use crate::model::Model;
use crate::period::{Period, parse_date};
use crate::render::status::default_period;

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
    /// Write a starter workspace: okrc.toml, a top unit, a team and a README.
    Init(init::InitArgs),
    /// Append a check-in to a key result, changing no other byte of the file.
    Checkin(checkin::CheckinArgs),
    /// Show the period's progress as a tree in the terminal.
    Status(status::StatusArgs),
    /// The weekly check-in digest: what moved, what needs attention, who owes a check-in.
    Report(report::ReportArgs),
    /// Print the JSON Schema of the front matter (or of okrc.toml), for editors.
    Schema(schema::SchemaArgs),
    /// Speak the Language Server Protocol on stdin/stdout, for editors.
    Lsp(lsp::LspArgs),
    /// Print a shell completion script.
    Completions(completions::CompletionsArgs),
    /// Print the man page, or write one per command into a folder.
    Man(completions::ManArgs),
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
        Command::Init(args) => init::run(args),
        Command::Checkin(args) => checkin::run(args),
        Command::Status(args) => status::run(args),
        Command::Report(args) => report::run(args),
        Command::Schema(args) => schema::run(args),
        Command::Lsp(args) => lsp::run(args),
        Command::Completions(args) => completions::run(args),
        Command::Man(args) => completions::run_man(args),
    }
}

/// What `main` prints for an error that stopped a command: the error and
/// each cause after it, `: ` between, as anyhow's `{:#}` does, except a
/// cause the text already ends with. okrc's own errors put their cause in
/// their message (so it shows wherever they are printed) and still say
/// what caused them, which `{:#}` printed twice ("No such file or directory
/// (os error 2): No such file or directory (os error 2)").
pub fn error_text(err: &anyhow::Error) -> String {
    let mut text = err.to_string();
    for cause in err.chain().skip(1) {
        let cause = cause.to_string();
        if !text.ends_with(&cause) {
            text.push_str(": ");
            text.push_str(&cause);
        }
    }
    text
}

/// The exit code a model earns: 2 when files could not be read, 1 for
/// errors (or warnings when they are denied), else 0.
pub fn outcome(model: &Model, deny_warnings: bool) -> Outcome {
    Verdict::of(&model.diagnostics, deny_warnings).into()
}

impl From<Verdict> for Outcome {
    fn from(verdict: Verdict) -> Outcome {
        match verdict {
            Verdict::Clean => Outcome::Success,
            Verdict::InputErrors => Outcome::InputErrors,
            Verdict::Unreadable => Outcome::Failure,
        }
    }
}

/// Whether to print how long each stage took: `--verbose`, or
/// `OKRC_TIMINGS` set to anything but empty or `0`.
pub fn timings_wanted(verbose: bool) -> bool {
    let env = std::env::var("OKRC_TIMINGS").is_ok_and(|v| !v.is_empty() && v != "0");
    verbose || env
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
        _ => Ok(local_date()),
    }
}

/// [`today`] for a command that builds again and again (`watch`, `serve`):
/// a fixed date when `--today` or `SOURCE_DATE_EPOCH` gives one, else the
/// local date, read again for every build.
pub fn today_for_builds(flag: Option<NaiveDate>) -> anyhow::Result<Today> {
    let fixed = flag.is_some()
        || std::env::var("SOURCE_DATE_EPOCH").is_ok_and(|epoch| !epoch.trim().is_empty());
    Ok(if fixed {
        Today::Fixed(today(flag)?)
    } else {
        Today::Clock(local_date)
    })
}

/// The wall clock's date, here in the time zone of the machine.
fn local_date() -> NaiveDate {
    chrono::Local::now().date_naive()
}

/// The period a command shows: `--period NAME` if given (a usage error,
/// exit 2, naming the closest known periods, when no unit has it), else
/// the default one; `Ok(None)` when the workspace has no periods at all.
pub fn chosen_period(model: &Model, name: Option<&str>) -> Result<Option<Period>, Outcome> {
    let Some(name) = name else {
        return Ok(default_period(model).cloned());
    };
    if let Some(period) = model.periods.iter().find(|p| p.name == name) {
        return Ok(Some(period.clone()));
    }
    let known: Vec<&str> = model.periods.iter().map(|p| p.name.as_str()).collect();
    let help = match did_you_mean(name, known.iter().copied()) {
        Some(close) => format!("did you mean `{close}`?"),
        None if known.is_empty() => "the workspace has no units yet".to_string(),
        None => format!("the periods with OKRs are: {}", known.join(", ")),
    };
    Err(usage_error(
        &format!("no unit has OKRs for period `{name}`"),
        Some(&help),
    ))
}

/// `--owner NAME`: the name as the workspace spells it, or a usage error
/// (exit 2) naming the closest owners when nobody is called that.
pub fn known_owner(model: &Model, name: &str) -> Result<String, Outcome> {
    let people = crate::people::everyone(model);
    if let Some(person) = people.iter().find(|p| crate::people::same_person(p, name)) {
        return Ok(person.clone());
    }
    let close = crate::people::closest(name, &people);
    let quoted = |names: &[&str]| {
        names
            .iter()
            .map(|n| format!("`{n}`"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let help = if !close.is_empty() {
        format!("did you mean {}?", quoted(&close))
    } else if people.is_empty() {
        "no unit, objective or key result names an owner yet: add `owner = \"...\"`".to_string()
    } else {
        let first: Vec<&str> = people.iter().take(8).map(String::as_str).collect();
        let more = people.len().saturating_sub(first.len());
        let more = if more > 0 {
            format!(" and {more} more")
        } else {
            String::new()
        };
        format!("the owners are: {}{more}", quoted(&first))
    };
    Err(usage_error(
        &format!("nobody called `{name}` owns anything"),
        Some(&help),
    ))
}

/// Prints a usage error (`error: …` and a `help:` line) to stderr and
/// returns the exit code for it, 2.
pub fn usage_error(message: &str, help: Option<&str>) -> Outcome {
    use std::io::Write;
    let error = anstyle::AnsiColor::Red.on_default().bold();
    let bold = anstyle::Style::new().bold();
    let mut err = anstream::stderr();
    let _ = writeln!(err, "{error}error{error:#}{bold}: {message}{bold:#}");
    if let Some(help) = help {
        let cyan = anstyle::AnsiColor::Cyan.on_default().bold();
        let _ = writeln!(err, "  {cyan}help{cyan:#}: {help}");
    }
    Outcome::Failure
}

/// Writes `bytes` to stdout (through anstream, which strips colours where
/// they do not belong). A reader that stops early (`okrc status | head`)
/// is not a failure.
pub fn print(bytes: &[u8]) -> anyhow::Result<()> {
    use std::io::Write;
    let mut out = anstream::stdout();
    ignore_broken_pipe(out.write_all(bytes).and_then(|()| out.flush()))
}

/// A reader that stops early (`okrc check | head`) is not a failure.
pub fn ignore_broken_pipe(written: std::io::Result<()>) -> anyhow::Result<()> {
    match written {
        Err(err) if err.kind() != std::io::ErrorKind::BrokenPipe => Err(err.into()),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod error_text_tests {
    use super::error_text;
    use crate::workspace::WorkspaceError;

    #[test]
    fn a_cause_the_message_already_says_is_not_repeated() {
        let io = || std::io::Error::new(std::io::ErrorKind::NotFound, "no such file");
        let open = WorkspaceError::Open {
            path: "/okrs".into(),
            source: io(),
        };
        let err = anyhow::Error::new(open).context("cannot check");
        assert_eq!(
            error_text(&err),
            "cannot check: cannot open workspace `/okrs`: no such file"
        );
        // A cause the message does not say is still printed.
        let err = anyhow::Error::new(io()).context("cannot read `okrc.toml`");
        assert_eq!(error_text(&err), "cannot read `okrc.toml`: no such file");
    }
}

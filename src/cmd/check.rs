//! `okrc check`: read the workspace, compile it, print every diagnostic in
//! the asked format, and exit 0, 1 or 2.

use std::io::{BufWriter, Write};
use std::path::PathBuf;
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use clap::{Args, ValueEnum};

use super::{Outcome, outcome, parse_today_arg, timings_wanted, today};
use crate::link::LinkTimings;
use crate::model::Model;
use crate::render;
use crate::workspace::{LoadTimings, Texts, Workspace};

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// The workspace folder.
    #[arg(default_value = ".")]
    pub dir: PathBuf,
    /// How to print the result.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// The date to check against (default: SOURCE_DATE_EPOCH's date, else the local date).
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_today_arg)]
    pub today: Option<NaiveDate>,
    /// Exit with 1 when there are warnings too.
    #[arg(long)]
    pub deny_warnings: bool,
    /// Print errors only; warnings are counted in the summary line.
    #[arg(short, long)]
    pub quiet: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// rustc-style diagnostics and a summary line.
    Human,
    /// One JSON document with every unit, figure and diagnostic.
    Json,
    /// GitHub Actions workflow commands (annotations on pull requests).
    Github,
}

pub fn run(args: CheckArgs) -> anyhow::Result<Outcome> {
    let started = Instant::now();
    let today = today(args.today)?;
    // Only the JSON shows the units' Markdown.
    let texts = match args.format {
        Format::Json => Texts::Keep,
        Format::Human | Format::Github => Texts::Drop,
    };
    let load = timings_wanted(false).then(LoadTimings::default);
    let (workspace, parsed) = Workspace::load_parsed_timed(&args.dir, None, texts, load.as_ref())?;
    let loaded = started.elapsed();
    let (model, link) = crate::link_timed(&workspace, parsed, today);
    let linked = started.elapsed();
    let reported = report(&args, &workspace, &model);
    if let Some(load) = load {
        let timings = CheckTimings {
            load,
            loaded,
            link,
            report: started.elapsed() - linked,
            total: started.elapsed(),
        };
        eprintln!("  {timings}");
    }
    // The process ends here: freeing a 10,000-unit model one allocation at a
    // time takes longer than the operating system reclaiming it.
    std::mem::forget(model);
    std::mem::forget(workspace);
    reported
}

/// How long each stage of `check` took (`OKRC_TIMINGS`), in the form
/// `build` and `watch` print theirs.
struct CheckTimings {
    load: LoadTimings,
    /// Until every file was read and parsed (the walk included).
    loaded: Duration,
    link: LinkTimings,
    /// Printing the diagnostics.
    report: Duration,
    total: Duration,
}

impl std::fmt::Display for CheckTimings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let ms = crate::timings::Ms;
        let files = self.load.files();
        write!(
            f,
            "walk {} · read and parse {} (the walk included; {} unit {}; the pool's threads read {} and parsed {}) · link {} (resolve {} · analyse {}) · report {} · total {}",
            ms(self.load.walk()),
            ms(self.loaded),
            files,
            if files == 1 { "file" } else { "files" },
            ms(self.load.read()),
            ms(self.load.parse()),
            ms(self.link.total),
            ms(self.link.resolve),
            ms(self.link.analyse),
            ms(self.report),
            ms(self.total),
        )
    }
}

/// Prints the model's diagnostics (or the whole model) in the asked format.
fn report(args: &CheckArgs, workspace: &Workspace, model: &Model) -> anyhow::Result<Outcome> {
    let written = match args.format {
        Format::Json => write_json(model),
        Format::Github => {
            let mut out = BufWriter::new(std::io::stdout().lock());
            render::github::write(&mut out, render::human::shown(model, args.quiet), &args.dir)
                .and_then(|()| writeln!(out, "{}", render::human::summary(model)))
                .and_then(|()| out.flush())
        }
        Format::Human => {
            // Render into memory, then let anstream strip the colours when
            // stdout is not a terminal or NO_COLOR is set.
            let text = render::human::report(workspace, model, &args.dir, args.quiet)?;
            return super::print(&text).map(|()| outcome(model, args.deny_warnings));
        }
    };
    super::ignore_broken_pipe(written)?;
    Ok(outcome(model, args.deny_warnings))
}

/// Streams the JSON document: at 10,000 units it is tens of megabytes, not
/// worth holding in memory.
fn write_json(model: &Model) -> std::io::Result<()> {
    let mut out = BufWriter::new(std::io::stdout().lock());
    render::json::write(&mut out, model).and_then(|()| out.flush())
}

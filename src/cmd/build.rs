//! `okrc build`: check the workspace like `okrc check` does, and when it has
//! no errors, render the site and swap it into the output folder. A failed
//! build (exit 1) leaves the last good site untouched; a refused or
//! unwritable output folder is exit 2. On a terminal, a build that takes
//! more than a second shows a progress line.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::sync::mpsc::{RecvTimeoutError, Sender, channel};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use anyhow::Context;
use chrono::NaiveDate;
use clap::Args;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use super::{Outcome, parse_today_arg, timings_wanted, today};
use crate::build::{self, NotBuilt, Target, Verdict};
use crate::render;
use crate::site::SiteCache;
use crate::site::output::OutputDir;
use crate::workspace::{Texts, Workspace};

#[derive(Debug, Args)]
pub struct BuildArgs {
    /// The workspace folder.
    #[arg(default_value = ".")]
    pub dir: PathBuf,
    /// The output folder, relative to the current folder (default: okrc.toml's
    /// `output`, relative to the workspace).
    #[arg(short, long, value_name = "OUT")]
    pub output: Option<PathBuf>,
    /// The date to build for (default: SOURCE_DATE_EPOCH's date, else the local date).
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_today_arg)]
    pub today: Option<NaiveDate>,
    /// Fail (exit 1, site untouched) when there are warnings too.
    #[arg(long)]
    pub deny_warnings: bool,
    /// Print errors only; warnings are counted in the summary line.
    #[arg(short, long)]
    pub quiet: bool,
}

pub fn run(args: BuildArgs) -> anyhow::Result<Outcome> {
    let started = Instant::now();
    let timings = timings_wanted(false);
    let today = today(args.today)?;
    let mut progress = Progress::start();
    progress.message("checking the workspace");
    let (workspace, parsed) =
        Workspace::load_parsed(&args.dir, args.output.as_deref(), Texts::Keep)?;
    let output_path = args
        .output
        .clone()
        .unwrap_or_else(|| workspace.output_dir());
    let output = match OutputDir::new(&args.dir, &output_path) {
        Ok(output) => output,
        Err(err) => {
            progress.clear();
            eprintln!("error: {err}");
            return Ok(Outcome::Failure);
        }
    };
    let loaded = started.elapsed();
    let checked = build::check(&workspace, parsed, today, args.deny_warnings);
    let compiled = started.elapsed();

    let report = render::human::report(&workspace, &checked.model, &args.dir, args.quiet)?;
    progress.suspend(|| {
        let mut stderr = anstream::AutoStream::auto(std::io::stderr().lock());
        stderr.write_all(&report)
    })?;

    // What the last site was rendered from: pages whose inputs did not
    // change are linked from it rather than rendered again.
    let mut cache = SiteCache::resume(&output).one_shot();
    if checked.verdict == Verdict::Clean {
        progress.pages();
    }
    let built = checked.build(
        Target {
            root: &args.dir,
            config: &workspace.config,
            output: &output,
            templates: &mut None,
            cache: &mut cache,
        },
        &|total| progress.page(total),
    );
    progress.clear();
    let unchanged = || {
        format!(
            "The site was not built; the last one in `{}` is unchanged.",
            output_path.display()
        )
    };
    let summary = match built {
        Ok(summary) => summary,
        Err(NotBuilt::Checked(verdict)) => {
            eprintln!("{}", unchanged());
            return Ok(verdict.into());
        }
        Err(err @ NotBuilt::Templates(_)) => {
            eprintln!("error: {err}");
            return Ok(Outcome::InputErrors);
        }
        Err(err @ NotBuilt::Site(_)) => {
            eprintln!("error: {err}");
            eprintln!("{}", unchanged());
            return Ok(Outcome::InputErrors);
        }
        Err(err @ NotBuilt::Output(_)) => {
            eprintln!("error: {err}");
            return Ok(Outcome::Failure);
        }
    };
    // Freeing a large model takes a while, and the process is done with it.
    std::mem::forget(checked);
    eprintln!(
        "Built {} ({}) into `{}`.",
        render::count(summary.pages_count, "page"),
        human_size(summary.bytes),
        output_path.display()
    );
    if let Some(line) = summary.carried.describe() {
        eprintln!("{line}.");
    }
    if timings {
        let ms = crate::timings::Ms;
        eprintln!(
            "  read and parse {} · link {} · render {} (pages {} · swap {}) · total {} · {} pages rendered, {} files kept, {} written",
            ms(loaded),
            ms(compiled - loaded),
            ms(started.elapsed() - compiled),
            ms(summary.pages),
            ms(summary.rest),
            ms(started.elapsed()),
            summary.rendered,
            summary.unchanged,
            summary.written,
        );
        if !summary.phases.is_empty() {
            eprintln!("  site: {}", summary.phases);
        }
    }
    // Freeing a large model and cache takes a while, and the process is
    // done with them.
    std::mem::forget(cache);
    std::io::stderr()
        .flush()
        .context("cannot write to stderr")?;
    Ok(Outcome::Success)
}

/// `1.2 MB`, `840 kB`, `512 B`.
fn human_size(bytes: u64) -> String {
    match bytes {
        b if b >= 1_000_000 => format!("{:.1} MB", b as f64 / 1e6),
        b if b >= 1_000 => format!("{} kB", b / 1_000),
        b => format!("{b} B"),
    }
}

/// How long a build runs before it shows a progress line.
const QUIET_FOR: Duration = Duration::from_secs(1);

/// [`QUIET_FOR`], or `OKRC_PROGRESS_AFTER_MS` milliseconds when that is
/// set: 0 shows the line from the start of any build, which is how the
/// tests see it without timing a build.
fn quiet_for() -> Duration {
    std::env::var("OKRC_PROGRESS_AFTER_MS")
        .ok()
        .and_then(|ms| ms.trim().parse().ok())
        .map_or(QUIET_FOR, Duration::from_millis)
}

/// A progress line on stderr that appears only when stderr is a terminal
/// and the build has taken more than [`quiet_for`]: a quick build prints
/// nothing more, and a piped one never prints it.
struct Progress {
    bar: ProgressBar,
    /// Tells the thread that would show the line that the build is over.
    done: Option<Sender<()>>,
    shower: Option<JoinHandle<()>>,
}

impl Progress {
    fn start() -> Progress {
        let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::hidden());
        bar.set_style(
            ProgressStyle::with_template("{spinner} {msg}")
                .unwrap_or_else(|_| ProgressStyle::default_spinner()),
        );
        if !std::io::stderr().is_terminal() {
            return Progress {
                bar,
                done: None,
                shower: None,
            };
        }
        let quiet_for = quiet_for();
        if quiet_for.is_zero() {
            show(&bar);
            return Progress {
                bar,
                done: None,
                shower: None,
            };
        }
        let (done, wait) = channel::<()>();
        let shown = bar.clone();
        let shower = std::thread::spawn(move || {
            if let Err(RecvTimeoutError::Timeout) = wait.recv_timeout(quiet_for) {
                show(&shown);
            }
        });
        Progress {
            bar,
            done: Some(done),
            shower: Some(shower),
        }
    }

    fn message(&self, text: &'static str) {
        self.bar.set_message(text);
    }

    /// From here on the line counts pages.
    fn pages(&self) {
        self.bar.set_position(0);
        self.bar.set_style(
            ProgressStyle::with_template("{spinner} rendering pages {bar:30} {pos}/{len}")
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
    }

    /// One more page of `total`.
    fn page(&self, total: usize) {
        if self.bar.length() != Some(total as u64) {
            self.bar.set_length(total as u64);
        }
        self.bar.inc(1);
    }

    /// Runs `f` (which prints) with the line out of the way.
    fn suspend<T>(&self, f: impl FnOnce() -> T) -> T {
        self.bar.suspend(f)
    }

    /// Removes the line, if it was shown, for good.
    fn clear(&mut self) {
        drop(self.done.take());
        if let Some(shower) = self.shower.take() {
            let _ = shower.join();
        }
        self.bar.finish_and_clear();
    }
}

/// Draws the line on stderr from now on.
fn show(bar: &ProgressBar) {
    bar.set_draw_target(ProgressDrawTarget::stderr_with_hz(10));
    bar.enable_steady_tick(Duration::from_millis(100));
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.clear();
    }
}

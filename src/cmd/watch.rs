//! `okrc watch`: build the site, then build it again after every change to a
//! unit file, `okrc.toml` or a template, until Ctrl-C (exit 0). A build with
//! errors prints them and leaves the last good site as it was.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, Sender, channel};

use anyhow::Context;
use chrono::NaiveDate;
use clap::Args;

use super::{Outcome, parse_today_arg, timings_wanted, today_for_builds};
use crate::watch::session::{Options, Session};
use crate::watch::watcher::Watcher;
use crate::watch::{Message, Report, run};

#[derive(Debug, Args)]
pub struct WatchArgs {
    /// The workspace folder.
    #[arg(default_value = ".")]
    pub dir: PathBuf,
    /// The output folder, relative to the current folder (default: okrc.toml's
    /// `output`, relative to the workspace).
    #[arg(short, long, value_name = "OUT")]
    pub output: Option<PathBuf>,
    /// Poll the files instead of waiting for change events: for file systems
    /// whose events are unreliable (WSL, Docker bind mounts, network shares).
    #[arg(long)]
    pub poll: bool,
    /// The date to build for (default: SOURCE_DATE_EPOCH's date, else the local date).
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_today_arg)]
    pub today: Option<NaiveDate>,
    /// Print how long each stage of every build took (also: OKRC_TIMINGS=1).
    #[arg(short, long)]
    pub verbose: bool,
    /// Print errors only; warnings are counted.
    #[arg(short, long)]
    pub quiet: bool,
}

pub fn run_watch(args: WatchArgs) -> anyhow::Result<Outcome> {
    let Some(mut started) =
        Started::new(&args.dir, args.output, args.today, args.poll, args.quiet)?
    else {
        return Ok(Outcome::Failure);
    };
    eprintln!(
        "Watching `{}` for changes (Ctrl-C to stop).",
        args.dir.display()
    );
    let report = report(args.verbose);
    run(
        &mut started.session,
        &mut started.watcher,
        &started.messages,
        report,
        &mut |_| {},
    )?;
    Ok(Outcome::Success)
}

/// How builds are reported: `--verbose` or `OKRC_TIMINGS` adds the timings.
pub fn report(verbose: bool) -> Report {
    Report {
        timings: timings_wanted(verbose),
    }
}

/// A session, its watcher and the channel they talk over, with Ctrl-C wired
/// to stop the loop.
pub struct Started {
    pub session: Session,
    pub watcher: Watcher,
    pub messages: Receiver<Message>,
    pub sender: Sender<Message>,
}

impl Started {
    /// `None` when the workspace or output folder is refused (the reason is
    /// printed): exit 2.
    pub fn new(
        dir: &std::path::Path,
        output: Option<PathBuf>,
        today: Option<NaiveDate>,
        poll: bool,
        quiet: bool,
    ) -> anyhow::Result<Option<Started>> {
        let session = match Session::open(Options {
            root: dir.to_path_buf(),
            output,
            today: today_for_builds(today)?,
            quiet,
        }) {
            Ok(session) => session,
            Err(err) => {
                eprintln!("error: {err}");
                return Ok(None);
            }
        };
        let (sender, messages) = channel();
        let stop = sender.clone();
        let pressed = AtomicBool::new(false);
        ctrlc::set_handler(move || {
            // The first Ctrl-C stops once the build under way (if any) is
            // written; a second one does not wait.
            if pressed.swap(true, Ordering::SeqCst) {
                std::process::exit(0);
            }
            let _ = stop.send(Message::Stop);
        })
        .context("cannot catch Ctrl-C")?;
        let watcher =
            Watcher::new(poll, sender.clone()).context("cannot start the file watcher")?;
        Ok(Some(Started {
            session,
            watcher,
            messages,
            sender,
        }))
    }
}

//! `okrc watch`: build, then build again after every change (README, "okrc
//! watch and okrc serve").
//!
//! ```text
//! notify ──► debouncer ──► batches ──► filter ──► Session::apply ──► Session::build
//! (events)   (5 ms per    (merged     (pure:      (re-read what     (link, render
//!             path)        while a     what        changed)          what changed,
//!                          build runs) matters)                      write what
//!                                                                    changed)
//! ```
//!
//! [`filter`] decides which events matter; [`burst`] merges the batches of
//! one burst into one rebuild; [`session`] keeps the workspace and the site
//! between builds; [`watcher`] wraps notify. [`run`] is the
//! loop, and `serve` runs the same loop with a hook that tells browsers.

pub mod build;
pub mod burst;
pub mod delta;
pub mod failure;
pub mod filter;
pub mod session;
pub mod watcher;

use std::io::Write;
use std::sync::mpsc::Receiver;
use std::time::{Duration, Instant};

use notify_debouncer_full::DebouncedEvent;

use build::{Build, Outcome};
use filter::Changes;
use session::Session;
use watcher::Watcher;

/// What the watch loop waits for.
#[derive(Debug)]
pub enum Message {
    /// A batch of debounced file system events.
    Events(Vec<DebouncedEvent>),
    /// The watcher failed (for instance: out of inotify watches).
    Errors(Vec<notify::Error>),
    /// Ctrl-C (or SIGTERM): stop.
    Stop,
    /// The workspace folder went away or came back (see [`watcher`]).
    Root(RootEvent),
}

/// What happened to the workspace folder itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RootEvent {
    /// Deleted or renamed away.
    Gone,
    /// There again: made anew, or another folder renamed into its place.
    Back,
}

/// How the loop reports.
#[derive(Debug, Clone, Copy, Default)]
pub struct Report {
    /// Print each build's timings per stage.
    pub timings: bool,
}

/// Builds once, then after every change until `Message::Stop` arrives.
/// `on_build` sees every build once its files are written (or it failed).
pub fn run(
    session: &mut Session,
    watcher: &mut Watcher,
    messages: &Receiver<Message>,
    report: Report,
    on_build: &mut dyn FnMut(&Build),
) -> anyhow::Result<()> {
    for problem in watcher.refresh(&session.scope()) {
        warn(&problem);
    }
    // The folder okrc was started in, by path: if it is the workspace and
    // the workspace is replaced, `.` must mean the new folder.
    let start_folder = std::env::current_dir().ok();
    let mut root_gone = false;
    let started = Instant::now();
    let build = session.build(started, Duration::ZERO)?;
    print_build(session, &build, report, None);
    on_build(&build);
    if let Err(err) = session.prepare() {
        warn(&format!(
            "the site's manifest was not written ({err}); the next `okrc build` renders every page"
        ));
    }
    loop {
        let Some(changes) = next_changes(messages, session)? else {
            return Ok(());
        };
        let root = session.scope().root;
        if (changes.root_gone && !changes.root_back) || !root.is_dir() {
            // Nothing to build from; and building would make the folder
            // again around the output folder.
            if !std::mem::replace(&mut root_gone, true) {
                warn(&format!(
                    "the workspace folder `{}` is gone (deleted or renamed away); okrc rebuilds when it is back",
                    root.display()
                ));
            }
            continue;
        }
        if changes.root_back {
            root_gone = false;
            warn(&format!(
                "the workspace folder `{}` was replaced; watching the new one and building it",
                root.display()
            ));
            if let Some(folder) = &start_folder {
                let _ = std::env::set_current_dir(folder);
            }
            for problem in watcher.rewatch(&session.scope()) {
                warn(&problem);
            }
        }
        if changes.tree {
            for problem in watcher.refresh(&session.scope()) {
                warn(&problem);
            }
        }
        let started = Instant::now();
        let changed = match session.apply(&changes) {
            Ok(changed) if changed.is_empty() => continue,
            Ok(changed) => changed,
            Err(err) => {
                let build = session.failed_to_start(&err);
                print_build(session, &build, report, Some("reading the workspace"));
                on_build(&build);
                continue;
            }
        };
        let read = started.elapsed();
        if changes.config {
            // The output folder may have moved.
            for problem in watcher.refresh(&session.scope()) {
                warn(&problem);
            }
        }
        let build = session.build(started, read)?;
        print_build(session, &build, report, Some(&describe(&changed)));
        on_build(&build);
        if let Err(err) = session.prepare() {
            warn(&format!(
                "the site's manifest was not written ({err}); the next `okrc build` renders every page"
            ));
        }
    }
}

/// Waits for the next batch of events that matters, merging the batches
/// that follow it closely ([`burst`]). `None` means stop.
fn next_changes(
    messages: &Receiver<Message>,
    session: &Session,
) -> anyhow::Result<Option<Changes>> {
    let mut inbox = messages;
    Ok(burst::next_changes(
        &mut inbox,
        burst::QUIET,
        &session.scope(),
        &|path| path.is_dir(),
        &mut |error| warn(&format!("the file watcher failed: {error} (try `--poll`)")),
    ))
}

/// `a.md, b.md, c.md and 197 more`.
fn describe(changed: &[String]) -> String {
    let mut text = changed
        .iter()
        .take(3)
        .cloned()
        .collect::<Vec<_>>()
        .join(", ");
    if changed.len() > 3 {
        text.push_str(&format!(" and {} more", changed.len() - 3));
    }
    text
}

fn stderr() -> anstream::AutoStream<std::io::StderrLock<'static>> {
    anstream::AutoStream::auto(std::io::stderr().lock())
}

fn warn(text: &str) {
    let style = anstyle::AnsiColor::Yellow.on_default().bold();
    let mut out = stderr();
    let _ = writeln!(out, "{style}warning{style:#}: {text}");
}

/// A build, reported. The first: its whole report, then a line saying how
/// it ended. A rebuild: one line (the time, what changed, how it ended, the
/// error and warning counts, how many diagnostics are new and how many went
/// away), then only the diagnostics that are new.
fn print_build(session: &Session, build: &Build, report: Report, change: Option<&str>) {
    let mut out = stderr();
    let first = change.is_none();
    if first {
        let _ = out.write_all(&build.report);
    }
    let _ = writeln!(
        out,
        "{}",
        build_line(session.output_path(), build, change, &local_time())
    );
    if !first {
        let _ = out.write_all(&build.report);
    }
    if report.timings {
        let _ = writeln!(out, "  {}", build.timings);
    }
}

/// The wall clock, `14:03:12`: when a rebuild happened, read at the edge.
fn local_time() -> String {
    chrono::Local::now().format("%H:%M:%S").to_string()
}

/// `Rebuilt in 41 ms at 14:03:12 (teams/a.md): 3 files written to `public`;
/// 1 error, 79 warnings (1 new, 2 gone).` The first build's line leaves out
/// the counts: its summary line above says them.
fn build_line(output: &std::path::Path, build: &Build, change: Option<&str>, time: &str) -> String {
    let took = format_duration(build.timings.total);
    let changed = change.map(|c| format!(" ({c})")).unwrap_or_default();
    let counts = match change {
        None => String::new(),
        Some(_) => format!("; {}", counts(build)),
    };
    match &build.outcome {
        Outcome::Built {
            written,
            unchanged,
            removed,
        } => {
            let style = anstyle::AnsiColor::Green.on_default().bold();
            let verb = if change.is_some() { "Rebuilt" } else { "Built" };
            let mut what = match (written, removed) {
                (0, 0) => "the site is unchanged".to_string(),
                (w, 0) => format!("{} written", crate::render::count(*w, "file")),
                (0, r) => format!("{} removed", crate::render::count(*r, "file")),
                (w, r) => format!("{} written, {r} removed", crate::render::count(*w, "file")),
            };
            if *unchanged > 0 && (*written > 0 || *removed > 0) {
                what.push_str(&format!(", {unchanged} unchanged"));
            }
            format!(
                "{style}{verb}{style:#} in {took} at {time}{changed}: {what} (`{}`){counts}.",
                output.display()
            )
        }
        Outcome::Failed { .. } => {
            let style = anstyle::AnsiColor::Red.on_default().bold();
            format!(
                "{style}Build failed{style:#} in {took} at {time}{changed}{counts}; the site in `{}` was left as it was.",
                output.display()
            )
        }
    }
}

/// `1 error, 79 warnings (1 new, 2 gone)`.
fn counts(build: &Build) -> String {
    use crate::render::count;
    let tally = build.tally;
    let mut text = match (tally.errors, tally.warnings) {
        (0, 0) => "no problems".to_string(),
        (e, w) => format!("{}, {}", count(e, "error"), count(w, "warning")),
    };
    let delta = &build.delta;
    let mut changes = Vec::new();
    if !delta.new.is_empty() {
        changes.push(format!("{} new", delta.new.len()));
    }
    if delta.gone > 0 {
        changes.push(format!("{} gone", delta.gone));
    }
    if !changes.is_empty() {
        text.push_str(&format!(" ({})", changes.join(", ")));
    }
    text
}

/// `41 ms`, `1.3 s`.
pub fn format_duration(duration: Duration) -> String {
    let ms = duration.as_secs_f64() * 1000.0;
    if ms < 1000.0 {
        format!("{ms:.0} ms")
    } else {
        format!("{:.1} s", ms / 1000.0)
    }
}

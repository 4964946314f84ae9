//! `okrc watch`: build, then build again after every change (README, "okrc
//! watch and okrc serve").
//!
//! ```text
//! notify ──► debouncer ──► batches ──► filter ──► Session::apply ──► Session::build
//! (events)   (25 ms per   (merged     (pure:      (re-read what     (link, render
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
    let started = Instant::now();
    let build = session.build(started, Duration::ZERO)?;
    print_build(session, &build, report, "Built");
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
                print_build(session, &build, report, "Rebuilt");
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
        print_line(&format!("Change: {}", describe(&changed)));
        let build = session.build(started, read)?;
        print_build(session, &build, report, "Rebuilt");
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

fn print_line(text: &str) {
    let mut out = stderr();
    let _ = writeln!(out, "{text}");
}

fn warn(text: &str) {
    let style = anstyle::AnsiColor::Yellow.on_default().bold();
    let mut out = stderr();
    let _ = writeln!(out, "{style}warning{style:#}: {text}");
}

/// The diagnostics of a build and a line saying how it ended.
fn print_build(session: &Session, build: &Build, report: Report, verb: &str) {
    let mut out = stderr();
    let _ = out.write_all(&build.report);
    let took = format_duration(build.timings.total);
    let line = match &build.outcome {
        Outcome::Built {
            written,
            unchanged,
            removed,
        } => {
            let style = anstyle::AnsiColor::Green.on_default().bold();
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
                "{style}{verb}{style:#} in {took}: {what} (`{}`).",
                session.output_path().display()
            )
        }
        Outcome::Failed { .. } => {
            let style = anstyle::AnsiColor::Red.on_default().bold();
            format!(
                "{style}Build failed{style:#} in {took}; the site in `{}` was left as it was.",
                session.output_path().display()
            )
        }
    };
    let _ = writeln!(out, "{line}");
    if report.timings {
        let _ = writeln!(out, "  {}", build.timings);
    }
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

//! A burst of changes (a `git checkout`, a search-and-replace over 200
//! files) is one rebuild: after a batch of events that matters arrives,
//! every batch that follows within [`QUIET`] joins it. The debouncer hands
//! a burst out tick by tick, so this is what keeps it whole.
//!
//! [`next_changes`] reads its messages through [`Inbox`], so the tests drive
//! it with a script of timed messages and a clock of their own instead of
//! a watcher and the wall clock.

use std::path::Path;
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::Duration;

use super::filter::{Changes, Scope, classify};
use super::{Message, RootEvent};

/// After a batch arrives, more batches within this time join it. Longer
/// than the debouncer's tick ([`super::watcher::TICK`]; here more than six
/// ticks, because on a busy machine the debouncer's thread and this loop
/// are not scheduled every tick: at 8 ms the 200-file burst test of
/// `tests/watch.rs` failed once at load 13), so the batches of one burst,
/// handed out a tick apart, join.
pub const QUIET: Duration = Duration::from_millis(20);

/// What waiting for a message gave.
#[derive(Debug)]
pub enum Received {
    Message(Message),
    /// Nothing came within the time.
    TimedOut,
    /// Nothing will come any more.
    Closed,
}

/// Where the watch loop's messages come from: the watcher's channel, or a
/// script in the tests.
pub trait Inbox {
    /// The next message, waiting at most `timeout` (`None`: as long as it
    /// takes).
    fn receive(&mut self, timeout: Option<Duration>) -> Received;
}

impl Inbox for &Receiver<Message> {
    fn receive(&mut self, timeout: Option<Duration>) -> Received {
        match timeout {
            None => self.recv().map_or(Received::Closed, Received::Message),
            Some(timeout) => match self.recv_timeout(timeout) {
                Ok(message) => Received::Message(message),
                Err(RecvTimeoutError::Timeout) => Received::TimedOut,
                Err(RecvTimeoutError::Disconnected) => Received::Closed,
            },
        }
    }
}

/// Waits for the next batch of events that matters, and merges into it the
/// batches that follow it closely (each within `quiet` of the one before).
/// `None` means stop: Ctrl-C, or the watcher is gone. `is_dir` tells
/// whether a path is a folder now; `on_error` hears of each failure of the
/// watcher (which also asks for everything to be read again).
pub fn next_changes(
    inbox: &mut impl Inbox,
    quiet: Duration,
    scope: &Scope,
    is_dir: &dyn Fn(&Path) -> bool,
    on_error: &mut dyn FnMut(&notify::Error),
) -> Option<Changes> {
    loop {
        let mut changes = Changes::default();
        let Received::Message(first) = inbox.receive(None) else {
            return None;
        };
        let mut next = Some(first);
        while let Some(message) = next.take() {
            match message {
                Message::Stop => return None,
                Message::Root(RootEvent::Gone) => changes.root_gone = true,
                Message::Root(RootEvent::Back) => {
                    changes.root_back = true;
                    changes.rescan = true;
                    changes.tree = true;
                }
                Message::Errors(errors) => {
                    for error in &errors {
                        on_error(error);
                    }
                    changes.rescan = true;
                }
                Message::Events(events) => {
                    for event in events {
                        if event.need_rescan() {
                            changes.rescan = true;
                        }
                        for path in &event.paths {
                            if let Some(change) = classify(&event.kind, path, is_dir(path), scope) {
                                changes.add(change);
                            }
                        }
                    }
                }
            }
            next = match inbox.receive(Some(quiet)) {
                Received::Message(message) => Some(message),
                Received::TimedOut => None,
                Received::Closed => return None,
            };
        }
        if !changes.is_empty() {
            return Some(changes);
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::VecDeque;
    use std::path::PathBuf;
    use std::time::Instant;

    use notify::event::{CreateKind, DataChange, Flag, ModifyKind};
    use notify::{Event, EventKind};
    use notify_debouncer_full::DebouncedEvent;

    use super::*;

    /// A scripted stream of messages, each arriving at its time on a clock
    /// that moves only when the loop waits.
    struct Script {
        now: Duration,
        messages: VecDeque<(Duration, Message)>,
        /// How long the loop waited in all.
        waited: Duration,
    }

    impl Script {
        fn new(messages: Vec<(u64, Message)>) -> Script {
            Script {
                now: Duration::ZERO,
                messages: messages
                    .into_iter()
                    .map(|(ms, message)| (Duration::from_millis(ms), message))
                    .collect(),
                waited: Duration::ZERO,
            }
        }
    }

    impl Inbox for Script {
        fn receive(&mut self, timeout: Option<Duration>) -> Received {
            // After the last message the watcher is quiet for ever: a wait
            // with a timeout times out, one without ends the script.
            let at = match (self.messages.front(), timeout) {
                (Some((at, _)), _) => (*at).max(self.now),
                (None, Some(_)) => Duration::MAX,
                (None, None) => return Received::Closed,
            };
            match timeout {
                Some(timeout) if at > self.now.saturating_add(timeout) => {
                    self.now += timeout;
                    self.waited += timeout;
                    Received::TimedOut
                }
                _ => {
                    self.waited += at - self.now;
                    self.now = at;
                    let (_, message) = self.messages.pop_front().expect("a message");
                    Received::Message(message)
                }
            }
        }
    }

    fn scope() -> Scope {
        Scope {
            root: PathBuf::from("/ws"),
            output: Some(PathBuf::from("/ws/public")),
        }
    }

    fn event(kind: EventKind, path: &str) -> DebouncedEvent {
        DebouncedEvent::new(
            Event::new(kind).add_path(PathBuf::from(path)),
            Instant::now(),
        )
    }

    fn edit(path: &str) -> DebouncedEvent {
        event(
            EventKind::Modify(ModifyKind::Data(DataChange::Content)),
            path,
        )
    }

    fn batch(paths: &[&str]) -> Message {
        Message::Events(paths.iter().map(|path| edit(path)).collect())
    }

    /// Runs the loop once, with no folders on the (absent) disk.
    fn next(script: &mut Script) -> (Option<Changes>, usize) {
        let mut errors = 0;
        let changes = next_changes(script, QUIET, &scope(), &|_| false, &mut |_| errors += 1);
        (changes, errors)
    }

    fn paths(changes: &Changes) -> Vec<String> {
        changes
            .paths
            .iter()
            .map(|path| path.display().to_string())
            .collect()
    }

    #[test]
    fn a_burst_handed_out_tick_by_tick_is_one_batch_of_changes() {
        // 200 files, 4 per batch, a batch every tick: 49 ticks in all.
        let tick = super::super::watcher::TICK.as_millis() as u64;
        assert!(Duration::from_millis(tick) < QUIET);
        let names: Vec<String> = (0..200).map(|i| format!("/ws/teams/t{i:03}.md")).collect();
        let batches: Vec<(u64, Message)> = names
            .chunks(4)
            .enumerate()
            .map(|(i, chunk)| {
                let chunk: Vec<&str> = chunk.iter().map(String::as_str).collect();
                (100 + tick * i as u64, batch(&chunk))
            })
            .collect();
        let mut script = Script::new(batches);
        // And a later edit, after a pause: a rebuild of its own.
        script
            .messages
            .push_back((Duration::from_millis(700), batch(&["/ws/company.md"])));
        let (changes, _) = next(&mut script);
        let changes = changes.expect("changes");
        assert_eq!(paths(&changes), names);
        // The first batch came at 100 ms, the last 49 ticks later; the
        // loop stopped waiting one quiet period after it.
        assert_eq!(script.now, Duration::from_millis(100 + 49 * tick) + QUIET);
        let (changes, _) = next(&mut script);
        assert_eq!(paths(&changes.expect("changes")), ["/ws/company.md"]);
        assert!(next(&mut script).0.is_none(), "the watcher is gone");
    }

    #[test]
    fn a_batch_after_a_quiet_period_starts_the_next_rebuild() {
        let gap = QUIET.as_millis() as u64;
        let mut script = Script::new(vec![
            (0, batch(&["/ws/a.md"])),
            (gap, batch(&["/ws/b.md"])),
            (2 * gap + 1, batch(&["/ws/c.md"])),
        ]);
        let (first, _) = next(&mut script);
        assert_eq!(paths(&first.expect("changes")), ["/ws/a.md", "/ws/b.md"]);
        let (second, _) = next(&mut script);
        assert_eq!(paths(&second.expect("changes")), ["/ws/c.md"]);
    }

    #[test]
    fn batches_that_do_not_matter_neither_rebuild_nor_end_the_wait() {
        let mut script = Script::new(vec![
            (
                0,
                batch(&[
                    "/ws/teams/.a.md.swp",
                    "/ws/public/index.md",
                    "/ws/notes.txt",
                ]),
            ),
            (500, batch(&["/ws/teams/4913"])),
            (1000, batch(&["/ws/teams/a.md"])),
        ]);
        let (changes, _) = next(&mut script);
        assert_eq!(paths(&changes.expect("changes")), ["/ws/teams/a.md"]);
        assert_eq!(script.now, Duration::from_millis(1000) + QUIET);
    }

    #[test]
    fn stop_ends_the_loop_even_in_the_middle_of_a_burst() {
        let mut script = Script::new(vec![
            (0, batch(&["/ws/a.md"])),
            (5, Message::Stop),
            (10, batch(&["/ws/b.md"])),
        ]);
        assert!(next(&mut script).0.is_none());
    }

    #[test]
    fn a_failing_watcher_is_reported_and_asks_for_everything_again() {
        let lost = Event::new(EventKind::Other)
            .add_path(PathBuf::from("/ws"))
            .set_flag(Flag::Rescan);
        let lost = DebouncedEvent::new(lost, Instant::now());
        let mut script = Script::new(vec![
            (
                0,
                Message::Errors(vec![notify::Error::generic("no more watches")]),
            ),
            // After the quiet time: a second batch of changes.
            (QUIET.as_millis() as u64 + 5, Message::Events(vec![lost])),
        ]);
        let (changes, errors) = next(&mut script);
        let changes = changes.expect("changes");
        assert!(changes.rescan && changes.paths.is_empty(), "{changes:?}");
        assert_eq!(errors, 1);
        let (changes, _) = next(&mut script);
        assert!(changes.expect("changes").rescan);
    }

    #[test]
    fn a_new_folder_asks_for_a_new_walk() {
        let mut script = Script::new(vec![(
            0,
            Message::Events(vec![event(
                EventKind::Create(CreateKind::Folder),
                "/ws/teams",
            )]),
        )]);
        let (changes, _) = next(&mut script);
        assert!(changes.expect("changes").tree);
        assert!(script.waited >= QUIET, "it waited for more");
    }
}

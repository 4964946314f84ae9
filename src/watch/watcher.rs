//! The file system watcher: notify (native events, or polling with
//! `--poll`) behind notify-debouncer-full, watching only what can hold
//! input.
//!
//! The root is watched on its own and each folder below it recursively,
//! except hidden folders (`.git` alone can produce thousands of events per
//! `git checkout`), the folders the workspace walk skips and the output
//! folder: okrc's own writes never come back as events, and large
//! `node_modules/` or `target/` folders cost no watches.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::mpsc::Sender;
use std::time::Duration;

use notify::{PollWatcher, RecommendedWatcher, RecursiveMode};
use notify_debouncer_full::{DebounceEventResult, Debouncer, NoCache, new_debouncer_opt};

use super::filter::Scope;
use super::{Message, RootEvent};
use crate::site::TEMPLATES_FOLDER;
use crate::workspace::is_skipped;

/// How long the debouncer waits after a path's last event before passing
/// it on: long enough to merge an editor's write-rename-chmod (which come
/// within a millisecond or two), short enough that a save does not wait:
/// a single save is rebuilt after this, a tick and [`super::burst::QUIET`],
/// 28 ms at most (it was 25 + 10 + 15 ms).
pub const DEBOUNCE: Duration = Duration::from_millis(5);

/// How often the debouncer looks for events that are due.
pub const TICK: Duration = Duration::from_millis(3);

/// How often `--poll` looks at every watched file.
pub const POLL_INTERVAL: Duration = Duration::from_millis(400);

/// How often the workspace folder itself is looked at: events are about
/// what is inside a folder, and a folder deleted and made again, or
/// swapped by a rename, is a new folder that nothing watches yet.
pub const ROOT_CHECK: Duration = Duration::from_millis(200);

enum Backend {
    Native(Debouncer<RecommendedWatcher, NoCache>),
    Poll(Debouncer<PollWatcher, NoCache>),
}

/// The watcher and what it watches.
pub struct Watcher {
    backend: Backend,
    watched: BTreeMap<PathBuf, RecursiveMode>,
    /// Where to report the workspace folder going and coming back; taken
    /// by the thread that looks, once the root is known.
    root_messages: Option<Sender<Message>>,
}

impl Watcher {
    /// Starts a watcher that sends its batches of events to `messages`.
    pub fn new(poll: bool, messages: Sender<Message>) -> notify::Result<Watcher> {
        let root_messages = Some(messages.clone());
        let handler = move |result: DebounceEventResult| {
            let message = match result {
                Ok(events) => Message::Events(events),
                Err(errors) => Message::Errors(errors),
            };
            let _ = messages.send(message);
        };
        let config = notify::Config::default().with_follow_symlinks(false);
        let backend = if poll {
            // Modification times are compared in whole seconds: compare the
            // contents too, or a second save within a second goes unseen.
            let config = config
                .with_poll_interval(POLL_INTERVAL)
                .with_compare_contents(true);
            Backend::Poll(new_debouncer_opt(
                DEBOUNCE,
                Some(TICK),
                handler,
                NoCache,
                config,
            )?)
        } else {
            Backend::Native(new_debouncer_opt(
                DEBOUNCE,
                Some(TICK),
                handler,
                NoCache,
                config,
            )?)
        };
        Ok(Watcher {
            backend,
            watched: BTreeMap::new(),
            root_messages,
        })
    }

    /// Drops every watch and watches `scope` anew: after the workspace
    /// folder was replaced, the same paths name new folders.
    pub fn rewatch(&mut self, scope: &Scope) -> Vec<String> {
        for path in std::mem::take(&mut self.watched).into_keys() {
            let _ = match &mut self.backend {
                Backend::Native(d) => d.unwatch(&path),
                Backend::Poll(d) => d.unwatch(&path),
            };
        }
        self.refresh(scope)
    }

    /// Watches what `scope` holds now: the root, and each folder in it that
    /// can hold input. Returns the problems met (a folder that could not
    /// be watched), to show as warnings.
    pub fn refresh(&mut self, scope: &Scope) -> Vec<String> {
        if let Some(messages) = self.root_messages.take() {
            let root = scope.root.clone();
            std::thread::spawn(move || look_at_root(&root, &messages));
        }
        let wanted = watch_set(scope);
        let mut problems = Vec::new();
        let gone: Vec<PathBuf> = self
            .watched
            .iter()
            .filter(|(path, mode)| wanted.get(*path) != Some(mode))
            .map(|(path, _)| path.clone())
            .collect();
        for path in gone {
            // A folder that no longer exists is no longer watched anyway.
            let _ = match &mut self.backend {
                Backend::Native(d) => d.unwatch(&path),
                Backend::Poll(d) => d.unwatch(&path),
            };
            self.watched.remove(&path);
        }
        for (path, mode) in wanted {
            if self.watched.contains_key(&path) {
                continue;
            }
            let result = match &mut self.backend {
                Backend::Native(d) => d.watch(&path, mode),
                Backend::Poll(d) => d.watch(&path, mode),
            };
            match result {
                Ok(()) => {
                    self.watched.insert(path, mode);
                }
                Err(err) if !path.exists() => drop(err),
                Err(err) => problems.push(format!("cannot watch `{}`: {err}", path.display())),
            }
        }
        problems
    }
}

/// Looks at the workspace folder every [`ROOT_CHECK`] and reports when it
/// goes away or is another folder than before; ends when the watch loop
/// is gone.
fn look_at_root(root: &Path, messages: &Sender<Message>) {
    let mut last = folder_identity(root);
    loop {
        std::thread::sleep(ROOT_CHECK);
        let now = folder_identity(root);
        if now == last {
            continue;
        }
        let event = if now.is_some() {
            RootEvent::Back
        } else {
            RootEvent::Gone
        };
        if messages.send(Message::Root(event)).is_err() {
            return;
        }
        last = now;
    }
}

/// Which folder `path` names now (device and inode), if any.
fn folder_identity(path: &Path) -> Option<(u64, u64)> {
    let meta = std::fs::symlink_metadata(path)
        .ok()
        .filter(|m| m.is_dir())?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        Some((meta.dev(), meta.ino()))
    }
    #[cfg(not(unix))]
    {
        let created = meta.created().ok()?;
        let nanos = created
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos() as u64);
        Some((0, nanos))
    }
}

/// The root (on its own) and the folders directly in it that can hold
/// input (recursively).
fn watch_set(scope: &Scope) -> BTreeMap<PathBuf, RecursiveMode> {
    let mut set = BTreeMap::from([(scope.root.clone(), RecursiveMode::NonRecursive)]);
    let Ok(entries) = std::fs::read_dir(&scope.root) else {
        return set;
    };
    for entry in entries.flatten() {
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        if !kind.is_dir() {
            continue;
        }
        let name = entry.file_name().to_string_lossy().into_owned();
        let path = entry.path();
        let skipped = is_skipped(&name, true) && name != TEMPLATES_FOLDER;
        if skipped || is_output(scope, &path) {
            continue;
        }
        set.insert(path, RecursiveMode::Recursive);
    }
    set
}

fn is_output(scope: &Scope, path: &Path) -> bool {
    scope.output.as_deref() == Some(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_output_hidden_and_skipped_folders_are_not_watched() {
        let dir = tempfile::tempdir().unwrap();
        let root = std::fs::canonicalize(dir.path()).unwrap();
        for folder in [
            "teams",
            "templates",
            "public",
            ".git",
            "node_modules",
            "target",
        ] {
            std::fs::create_dir(root.join(folder)).unwrap();
        }
        std::fs::write(root.join("company.md"), "+++\n+++\n").unwrap();
        let scope = Scope {
            root: root.clone(),
            output: Some(root.join("public")),
        };
        let set = watch_set(&scope);
        let expected = BTreeMap::from([
            (root.clone(), RecursiveMode::NonRecursive),
            (root.join("teams"), RecursiveMode::Recursive),
            (root.join("templates"), RecursiveMode::Recursive),
        ]);
        assert_eq!(set, expected);
    }
}

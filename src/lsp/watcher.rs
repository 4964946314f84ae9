//! Our own watcher, for editors that do not watch files for the server
//! (`workspace/didChangeWatchedFiles`): a `git pull` changes files nobody
//! has open, and the diagnostics must follow.

use std::path::{Path, PathBuf};

use crossbeam_channel::Receiver;
use notify::{RecommendedWatcher, RecursiveMode, Watcher};

/// Watches the workspace while it lives.
pub struct DiskWatcher {
    _watcher: RecommendedWatcher,
}

impl DiskWatcher {
    /// Starts watching `root`; each batch of changed paths arrives on the
    /// receiver. Which of them are unit files the session decides.
    pub fn start(root: &Path) -> notify::Result<(DiskWatcher, Receiver<Vec<PathBuf>>)> {
        let (sender, receiver) = crossbeam_channel::unbounded();
        let mut watcher =
            notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
                if let Ok(event) = event {
                    if !event.kind.is_access() && !event.paths.is_empty() {
                        let _ = sender.send(event.paths);
                    }
                }
            })?;
        watcher.watch(root, RecursiveMode::Recursive)?;
        Ok((DiskWatcher { _watcher: watcher }, receiver))
    }
}

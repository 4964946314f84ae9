//! How long a one-shot run spent finding, reading and parsing the unit
//! files, for `OKRC_TIMINGS`. The walk runs on the calling thread while the
//! pool reads and parses the files it found, so the pool's reading and
//! parsing are its threads' time summed, not a stretch of the wall clock.

use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::Duration;

/// Filled in by [`Workspace::load_parsed_timed`](super::Workspace::load_parsed_timed)
/// from the pool's threads.
#[derive(Debug, Default)]
pub struct LoadTimings {
    /// From opening the workspace until the walk had found every file.
    walk: Mutex<Duration>,
    /// Nanoseconds the pool's threads spent reading unit files, summed.
    read: AtomicU64,
    /// Nanoseconds the pool's threads spent parsing them, summed.
    parse: AtomicU64,
    /// Unit files read and parsed.
    files: AtomicUsize,
}

impl LoadTimings {
    pub(super) fn walked(&self, took: Duration) {
        *self
            .walk
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = took;
    }

    /// One unit file took `read` to read and `parse` to parse.
    pub(super) fn file(&self, read: Duration, parse: Duration) {
        self.read.fetch_add(nanos(read), Ordering::Relaxed);
        self.parse.fetch_add(nanos(parse), Ordering::Relaxed);
        self.files.fetch_add(1, Ordering::Relaxed);
    }

    pub fn walk(&self) -> Duration {
        *self
            .walk
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The pool's threads' time reading unit files, summed.
    pub fn read(&self) -> Duration {
        Duration::from_nanos(self.read.load(Ordering::Relaxed))
    }

    /// The pool's threads' time parsing unit files, summed.
    pub fn parse(&self) -> Duration {
        Duration::from_nanos(self.parse.load(Ordering::Relaxed))
    }

    /// How many unit files were read and parsed.
    pub fn files(&self) -> usize {
        self.files.load(Ordering::Relaxed)
    }
}

fn nanos(took: Duration) -> u64 {
    u64::try_from(took.as_nanos()).unwrap_or(u64::MAX)
}

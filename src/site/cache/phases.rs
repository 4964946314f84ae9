//! Where a build's time went, phase by phase, for `OKRC_TIMINGS`: a
//! rebuild's stage timings say "render" for everything the cache does, and
//! most of that is not rendering pages.

use std::fmt;
use std::time::{Duration, Instant};

/// The phases of one build, in order, each with how long it took.
#[derive(Debug, Clone, Default)]
pub struct Phases {
    list: Vec<(&'static str, Duration)>,
    since: Option<Instant>,
}

impl Phases {
    /// Starts the clock for the first phase.
    pub(super) fn start() -> Phases {
        Phases {
            list: Vec::new(),
            since: Some(Instant::now()),
        }
    }

    /// Ends the phase called `name` now and starts the next.
    pub(super) fn end(&mut self, name: &'static str) {
        let now = Instant::now();
        if let Some(since) = self.since.replace(now) {
            self.list.push((name, now.duration_since(since)));
        }
    }

    /// Notes `took` of work done beside the phase that is running (on
    /// another thread), without ending it.
    pub(super) fn beside(&mut self, name: &'static str, took: Duration) {
        self.list.push((name, took));
    }

    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }
}

impl fmt::Display for Phases {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (at, (name, took)) in self.list.iter().enumerate() {
            let sep = if at == 0 { "" } else { " · " };
            write!(f, "{sep}{name} {}", crate::timings::Ms(*took))?;
        }
        Ok(())
    }
}

//! What changed in the diagnostics from one build to the next, so that a
//! rebuild shows only what is new and counts what went away (README "okrc watch and okrc
//! serve").
//!
//! Diagnostics are compared by identity (level, code, file, line, column,
//! message: [`Diagnostic::identity`]) before anything is rendered: at 10,000
//! units with hundreds of warnings, a rebuild formats only the few that are
//! new, never the unchanged rest.

use std::collections::HashSet;

use crate::diagnostic::Diagnostic;

/// The identities of the last build's diagnostics; none before the first.
#[derive(Debug, Default)]
pub struct Known {
    last: Option<HashSet<u64>>,
}

/// The diagnostics of a build set against the previous build's.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Delta {
    /// The first build: everything is reported, nothing is "new".
    pub first: bool,
    /// Positions (in the build's diagnostics) of those the previous build
    /// did not have.
    pub new: Vec<usize>,
    /// How many of the previous build's diagnostics this one no longer has.
    pub gone: usize,
}

impl Known {
    /// Compares `diagnostics` with the last build's and remembers them for
    /// the next.
    pub fn update(&mut self, diagnostics: &[Diagnostic]) -> Delta {
        let now: HashSet<u64> = diagnostics.iter().map(Diagnostic::identity).collect();
        let delta = match &self.last {
            None => Delta {
                first: true,
                new: Vec::new(),
                gone: 0,
            },
            Some(last) => Delta {
                first: false,
                new: diagnostics
                    .iter()
                    .enumerate()
                    .filter(|(_, d)| !last.contains(&d.identity()))
                    .map(|(at, _)| at)
                    .collect(),
                gone: last.difference(&now).count(),
            },
        };
        self.last = Some(now);
        delta
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Code;
    use crate::source::{FilePath, Span};

    fn at(file: &str, line: u32, message: &str) -> Diagnostic {
        let file: FilePath = file.into();
        let span = Span {
            line,
            column: 3,
            ..Span::FILE_START
        };
        Diagnostic::new(Code::StaleCheckin, &file, span, message)
    }

    #[test]
    fn the_first_build_has_nothing_new_and_nothing_gone() {
        let mut known = Known::default();
        let delta = known.update(&[at("a.md", 1, "x")]);
        assert!(delta.first);
        assert_eq!((delta.new, delta.gone), (vec![], 0));
    }

    #[test]
    fn a_rebuild_reports_what_appeared_and_counts_what_went() {
        let mut known = Known::default();
        known.update(&[at("a.md", 1, "x"), at("a.md", 5, "y"), at("b.md", 2, "z")]);
        let delta = known.update(&[at("a.md", 1, "x"), at("a.md", 6, "y"), at("c.md", 1, "w")]);
        assert!(!delta.first);
        // The moved one (line 5 → 6) is new; so is c.md's.
        assert_eq!(delta.new, vec![1, 2]);
        assert_eq!(delta.gone, 2);
        // Nothing changed since: nothing new, nothing gone.
        let again = known.update(&[at("a.md", 1, "x"), at("a.md", 6, "y"), at("c.md", 1, "w")]);
        assert_eq!((again.new, again.gone), (vec![], 0));
    }

    #[test]
    fn a_changed_message_or_level_is_a_new_diagnostic() {
        let mut known = Known::default();
        known.update(&[at("a.md", 1, "x")]);
        let delta = known.update(&[at("a.md", 1, "x2")]);
        assert_eq!((delta.new, delta.gone), (vec![0], 1));
        let mut denied = at("a.md", 1, "x2");
        denied.level = crate::diagnostic::Level::Error;
        let delta = known.update(&[denied]);
        assert_eq!((delta.new, delta.gone), (vec![0], 1));
    }
}

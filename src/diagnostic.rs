//! Diagnostics are values: every stage collects them and carries on, so one
//! broken file never hides the problems of the next. How a diagnostic is shown
//! (rustc-style, JSON, GitHub annotations) lives in `render`.

use serde::Serialize;

use crate::source::{FilePath, Span};

/// How serious a diagnostic is once `[rules.levels]` has been applied.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Error,
    Warning,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Error => "error",
            Level::Warning => "warning",
        }
    }
}

macro_rules! codes {
    (
        errors { $($err:ident => $err_name:literal: $err_doc:literal,)* }
        lints { $($lint:ident => $lint_name:literal: $lint_doc:literal,)* }
    ) => {
        /// A diagnostic's stable name, the one users look up and silence.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Code {
            $(#[doc = $err_doc] $err,)*
            $(#[doc = $lint_doc] $lint,)*
        }

        impl Code {
            /// Every code, errors first, in the order of README "Diagnostics".
            pub const ALL: &'static [Code] = &[$(Code::$err,)* $(Code::$lint,)*];
            /// The codes whose level `[rules.levels]` may set.
            pub const LINTS: &'static [Code] = &[$(Code::$lint,)*];

            pub fn as_str(self) -> &'static str {
                match self {
                    $(Code::$err => $err_name,)*
                    $(Code::$lint => $lint_name,)*
                }
            }

            /// One sentence on what the code means, for `--help` texts and docs.
            pub fn summary(self) -> &'static str {
                match self {
                    $(Code::$err => $err_doc,)*
                    $(Code::$lint => $lint_doc,)*
                }
            }

            pub fn is_lint(self) -> bool {
                matches!(self, $(Code::$lint)|*)
            }

            pub fn from_name(name: &str) -> Option<Code> {
                Code::ALL.iter().copied().find(|code| code.as_str() == name)
            }
        }
    };
}

codes! {
    errors {
        ParseError => "parse-error": "The front matter is not valid TOML, is not closed, or the file is not UTF-8.",
        IoError => "io-error": "A file of the workspace could not be read.",
        FileTooLarge => "file-too-large": "A file larger than 8 MiB, the most okrc reads from one file.",
        UnknownField => "unknown-field": "A key that okrc does not know, usually a typo.",
        InvalidValue => "invalid-value": "A value of the wrong type or outside its range.",
        MissingTitle => "missing-title": "An objective or key result without a title.",
        DuplicateUnit => "duplicate-unit": "Two files define the same unit id for the same period.",
        DuplicateId => "duplicate-id": "Two objectives of a unit, or two key results of an objective, share an id.",
        UnknownPeriod => "unknown-period": "A period name that is neither built in nor defined in okrc.toml.",
        UnknownParent => "unknown-parent": "`parent` names no unit of a period containing this unit's period.",
        ParentCycle => "parent-cycle": "Units whose parents lead back to themselves.",
        BrokenAlignment => "broken-alignment": "`aligns_to` names an objective or key result that does not exist.",
        ZeroRange => "zero-range": "A metric key result whose start and target are equal.",
    }
    lints {
        Unaligned => "unaligned": "An objective of a unit with a parent aligns to nothing.",
        SkipLevel => "skip-level": "An objective aligns to a unit above its parent.",
        CrossAlignment => "cross-alignment": "An objective aligns to a unit that is not one of its ancestors.",
        TooManyObjectives => "too-many-objectives": "A unit has more objectives than `rules.max_objectives`.",
        TooManyKeyResults => "too-many-key-results": "An objective has more key results than `rules.max_key_results`.",
        NoKeyResults => "no-key-results": "An objective without key results.",
        Unmeasurable => "unmeasurable": "A key result that is neither a metric, a milestone nor a roll-up.",
        StaleCheckin => "stale-checkin": "A running key result without a check-in for more than `rules.stale_after_days`.",
        Uncovered => "uncovered": "A key result that no objective of a child unit aligns to.",
        OutsidePeriod => "outside-period": "A `by` date or check-in date outside the unit's period.",
        FutureCheckin => "future-checkin": "A check-in dated after today.",
        DuplicateCheckin => "duplicate-checkin": "Two check-ins of one key result on the same date.",
        ImplausibleValue => "implausible-value": "A metric check-in value far outside the key result's range, probably a typo.",
    }
}

impl Serialize for Code {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One problem found in the workspace.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Diagnostic {
    pub level: Level,
    pub code: Code,
    pub message: String,
    /// The file, relative to the workspace root, `/`-separated.
    pub file: FilePath,
    /// 1-based line and column, from the span.
    pub line: u32,
    pub column: u32,
    /// How to fix it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
    /// What the caret under the source line says.
    #[serde(skip)]
    pub label: Option<String>,
    /// The offending bytes of the file.
    #[serde(skip)]
    pub span: Span,
}

impl Diagnostic {
    /// A new diagnostic at its code's default level: errors are errors, lints
    /// start as warnings until `[rules.levels]` says otherwise.
    pub fn new(code: Code, file: &FilePath, span: Span, message: impl Into<String>) -> Self {
        Diagnostic {
            level: if code.is_lint() {
                Level::Warning
            } else {
                Level::Error
            },
            code,
            message: message.into(),
            file: file.clone(),
            line: span.line,
            column: span.column,
            help: None,
            label: None,
            span,
        }
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn with_label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }

    /// What makes two diagnostics of two builds "the same one" for `watch`:
    /// level, code, file, line, column and message, hashed. A rebuild
    /// compares these before rendering anything, so unchanged diagnostics
    /// are never formatted again.
    pub fn identity(&self) -> u64 {
        use std::hash::{Hash, Hasher};
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        (
            self.level,
            self.code,
            &*self.file,
            self.line,
            self.column,
            &self.message,
        )
            .hash(&mut hasher);
        hasher.finish()
    }

    /// The order diagnostics are reported in: by file, line and column.
    pub fn sort_key(&self) -> impl Ord + '_ {
        (
            &*self.file,
            self.line,
            self.column,
            self.code,
            &self.message,
        )
    }
}

/// Counts of what a run found, for summary lines and exit codes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    pub errors: usize,
    pub warnings: usize,
}

impl Tally {
    pub fn of<'d>(diagnostics: impl IntoIterator<Item = &'d Diagnostic>) -> Tally {
        let mut tally = Tally::default();
        for d in diagnostics {
            match d.level {
                Level::Error => tally.errors += 1,
                Level::Warning => tally.warnings += 1,
            }
        }
        tally
    }

    pub fn total(&self) -> usize {
        self.errors + self.warnings
    }
}

/// How many diagnostics of one level each code has, most frequent first
/// (then by name): the summary line's `52 stale-checkin, 27 uncovered`.
pub fn counts_by_code<'d>(
    diagnostics: impl IntoIterator<Item = &'d Diagnostic>,
    level: Level,
) -> Vec<(Code, usize)> {
    let mut counts = std::collections::BTreeMap::new();
    for d in diagnostics {
        if d.level == level {
            *counts.entry(d.code).or_insert(0) += 1;
        }
    }
    let mut counts: Vec<(Code, usize)> = counts.into_iter().collect();
    counts.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.as_str().cmp(b.0.as_str())));
    counts
}

/// The closest of `candidates` to a misspelt `word`, if it is within two edits
/// (a swap of two neighbouring letters counts as one).
pub fn did_you_mean<'c>(
    word: &str,
    candidates: impl IntoIterator<Item = &'c str>,
) -> Option<&'c str> {
    candidates
        .into_iter()
        .map(|candidate| (strsim::osa_distance(word, candidate), candidate))
        .filter(|&(distance, _)| distance <= 2)
        .min_by_key(|&(distance, _)| distance)
        .map(|(_, candidate)| candidate)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn did_you_mean_counts_a_swap_as_one_edit() {
        let keys = ["id", "title", "kind", "aligns_to"];
        assert_eq!(did_you_mean("titel", keys), Some("title"));
        assert_eq!(did_you_mean("tilte", keys), Some("title"));
        assert_eq!(did_you_mean("align_to", keys), Some("aligns_to"));
        assert_eq!(did_you_mean("banana", keys), None);
    }

    #[test]
    fn codes_round_trip_through_their_names() {
        for &code in Code::ALL {
            assert_eq!(Code::from_name(code.as_str()), Some(code));
        }
        assert!(Code::StaleCheckin.is_lint());
        assert!(!Code::ZeroRange.is_lint());
    }
}

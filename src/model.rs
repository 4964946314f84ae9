//! The one model everything downstream reads: `check --format json`,
//! `okrs.json`, the site templates and `okrc status` all see these types,
//! serialized the same way (README "okrc check").
//!
//! Parsing fills in what the files say; `resolve` links units, periods and
//! alignments; `analyse` computes progress, pace, confidence and score. The
//! `#[serde(skip)]` parts are where each value came from, for diagnostics.
//! Units compare with `==` so that `watch` can tell which ones changed.

use chrono::NaiveDate;
use serde::{Serialize, Serializer};

use crate::diagnostic::Diagnostic;
use crate::number::NumberStyle;
use crate::period::Period;
use crate::source::{FilePath, PackedSpan, Span};

/// The version of the JSON document; bumped only when a listed key changes
/// meaning.
pub const JSON_VERSION: u32 = 1;

/// A checked workspace.
#[derive(Debug, Clone, Serialize)]
pub struct Model {
    pub version: u32,
    pub today: NaiveDate,
    /// The site title from `okrc.toml`.
    pub title: String,
    /// The site's UI language from `okrc.toml`: `en` or `nl`.
    pub language: String,
    /// The periods the units use, in chronological order.
    pub periods: Vec<Period>,
    /// Sorted by period, then id.
    pub units: Vec<Unit>,
    /// Sorted by file, line, column.
    pub diagnostics: Vec<Diagnostic>,
    /// The units as they stood a week before `today`
    /// (`analyse::changes::week_ago`), when `watch` keeps them up to date as
    /// it links (`crate::link`); the site's changes pages read their
    /// standings. `None`: only the standings are made, by `okrc build`
    /// (`week_ago_standings`) or else by the site when it needs them
    /// (`analyse::changes::standings_as_of`). Not part of the JSON.
    #[serde(skip)]
    pub week_ago: Option<std::sync::Arc<Vec<Unit>>>,
    /// Where each key result stood a week before `today`, made by `okrc
    /// build` before it shares the model (`build::check`,
    /// `analyse::changes::standings_in_place`). `None` with `week_ago` or
    /// when nothing made them. Not part of the JSON.
    #[serde(skip)]
    pub week_ago_standings: Option<std::sync::Arc<Vec<crate::analyse::changes::UnitStandings>>>,
}

/// One unit's OKRs for one period: one file.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Unit {
    pub id: String,
    pub name: String,
    #[serde(serialize_with = "period_name")]
    pub period: Option<Period>,
    pub file: FilePath,
    /// The parent unit's id as written.
    pub parent: Option<String>,
    /// The period of the parent unit `parent` resolved to.
    pub parent_period: Option<String>,
    pub owners: Vec<String>,
    pub draft: bool,
    #[serde(serialize_with = "number")]
    pub progress: f64,
    /// The mean expected progress of the objectives (0 without any).
    #[serde(serialize_with = "number")]
    pub expected: f64,
    /// The pace of the unit's progress against its expected progress, by
    /// the objectives' rule; `None` without objectives or a period.
    pub pace: Option<Pace>,
    /// The mean score of the objectives, once they all have one.
    #[serde(serialize_with = "optional_number")]
    pub score: Option<f64>,
    pub mission: Option<String>,
    pub vision: Option<String>,
    pub strategy: Option<String>,
    pub objectives: Vec<Objective>,
    pub reflection: Option<Reflection>,
    /// The units whose parent resolves to this one.
    pub children: Vec<UnitKey>,
    /// The Markdown below the front matter.
    pub body: String,
    /// The 1-based line of the file the body starts on.
    pub body_line: u32,
    #[serde(skip)]
    pub origin: UnitOrigin,
    /// Index into `Model::units` of the resolved parent.
    #[serde(skip)]
    pub parent_index: Option<usize>,
}

/// A unit is known by its id and period.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct UnitKey {
    pub id: String,
    pub period: String,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct UnitOrigin {
    /// `None` when the id is the file name.
    pub id: Option<Span>,
    pub parent: Option<Span>,
    pub period_name: Option<(String, Span)>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Reflection {
    pub retrospective: Option<String>,
    pub futurespective: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ObjectiveKind {
    /// Expected to reach 1.0.
    Committed,
    /// 0.7 is success.
    Aspirational,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Objective {
    pub id: Box<str>,
    pub title: Box<str>,
    pub kind: ObjectiveKind,
    /// Written out in full: `unit#O2.KR1`.
    pub aligns_to: Vec<String>,
    pub owners: Vec<String>,
    pub description: Option<String>,
    #[serde(serialize_with = "number")]
    pub progress: f64,
    #[serde(serialize_with = "number")]
    pub expected: f64,
    pub pace: Option<Pace>,
    #[serde(serialize_with = "optional_number")]
    pub score: Option<f64>,
    /// The score's colour: red, yellow or green.
    pub colour: Option<Colour>,
    /// The latest deadline of its key results.
    pub by: Option<NaiveDate>,
    pub key_results: Vec<KeyResult>,
    /// Objectives aligned to this objective as a whole (`unit#O1`).
    pub contributors: Vec<String>,
    #[serde(skip)]
    pub origin: ObjectiveOrigin,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct ObjectiveOrigin {
    /// `None` when the id is the default `O<n>`.
    pub id: Option<Span>,
    /// The `title` key, or the table when there is none.
    pub span: Span,
    /// `aligns_to` entries as written, with what they resolved to.
    pub alignments: Vec<Alignment>,
}

/// One `aligns_to` entry.
#[derive(Debug, Clone, PartialEq)]
pub struct Alignment {
    pub written: String,
    pub span: Span,
    pub target: Option<AlignmentTarget>,
}

/// Indices into the model of what an `aligns_to` entry names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AlignmentTarget {
    pub unit: usize,
    pub objective: usize,
    pub key_result: Option<usize>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum KeyResultType {
    Metric,
    Milestone,
    Rollup,
    Unmeasurable,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct KeyResult {
    pub id: Box<str>,
    pub title: Box<str>,
    #[serde(rename = "type")]
    pub kind: KeyResultType,
    #[serde(serialize_with = "optional_number")]
    pub from: Option<f64>,
    #[serde(serialize_with = "optional_number")]
    pub to: Option<f64>,
    pub unit: Option<Box<str>>,
    /// The deadline: as written, else the end of the period.
    pub by: Option<NaiveDate>,
    /// A metric's latest value.
    #[serde(serialize_with = "optional_number")]
    pub current: Option<f64>,
    /// Whether a milestone is done.
    pub done: Option<bool>,
    #[serde(serialize_with = "number")]
    pub weight: f64,
    #[serde(serialize_with = "number")]
    pub progress: f64,
    #[serde(serialize_with = "number")]
    pub expected: f64,
    pub pace: Option<Pace>,
    pub confidence: Option<ConfidenceLevel>,
    #[serde(serialize_with = "optional_number")]
    pub score: Option<f64>,
    /// How its numbers are written and read: `en` (`1,250.5`) or `nl`
    /// (`1.250,5`).
    pub number_style: NumberStyle,
    /// Who owns this key result; see [`KeyResult::owners_in`] for who
    /// answers for it when it names none.
    pub owners: Vec<String>,
    /// http(s) links to what is behind it: an issue, an epic, a dashboard.
    pub links: Vec<String>,
    /// Markdown.
    pub description: Option<Box<str>>,
    /// Due a check-in today (the `stale-checkin` rule, README "Diagnostics"); set by
    /// `analyse` whatever level the lint is reported at.
    #[serde(skip)]
    pub stale: bool,
    pub checkins: Vec<Checkin>,
    /// Objectives aligned to this key result (`unit#O1`).
    pub contributors: Vec<String>,
    #[serde(skip)]
    pub origin: KeyResultOrigin,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct KeyResultOrigin {
    /// `None` when the id is the default `KR<n>`. Packed: with it a key
    /// result is 336 bytes, and three fit the allocator's 1,024-byte class.
    pub id: Option<PackedSpan>,
    /// The one-line string, or the table's `title` / `kr` key.
    pub span: Span,
    /// The deadline as written and where.
    pub by: Option<(NaiveDate, Span)>,
    /// The grade given at the reflection.
    pub score: Option<f64>,
    /// A milestone's `done` (or `[x]`) as the file states it, before any
    /// check-in: done on every date, since the file does not say since when.
    pub done: bool,
    /// Whether the one-line form is Dutch (`van … naar`), which makes the
    /// key result's number style Dutch.
    pub dutch: bool,
}

/// One check-in. Its value and confidence are read through
/// [`Checkin::value`] and [`Checkin::confidence`]: each is held in 8 bytes
/// ([`PackedNumber`], [`PackedConfidence`]) rather than an `Option`'s 16, so
/// a check-in is 64 bytes (a 10,000-unit workspace has 630,000).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Checkin {
    pub date: NaiveDate,
    #[serde(serialize_with = "packed_number")]
    value: PackedNumber,
    pub done: Option<bool>,
    /// As written: a number in [0, 1] or a level.
    #[serde(serialize_with = "packed_confidence")]
    confidence: PackedConfidence,
    pub note: Option<Box<str>>,
    /// Where the date is written ([`Checkin::date_span`]).
    #[serde(skip)]
    pub date_span: PackedSpan,
    /// Where `value` is written, the date's span when there is none
    /// ([`Checkin::value_span`]).
    #[serde(skip)]
    pub value_span: PackedSpan,
}

impl Checkin {
    /// A check-in at the start of no file (both spans [`Span::FILE_START`]).
    pub fn new(
        date: NaiveDate,
        value: Option<f64>,
        done: Option<bool>,
        confidence: Option<Confidence>,
        note: Option<Box<str>>,
    ) -> Checkin {
        Checkin {
            date,
            value: PackedNumber::new(value),
            done,
            confidence: PackedConfidence::new(confidence),
            note,
            date_span: PackedSpan::default(),
            value_span: PackedSpan::default(),
        }
    }

    /// The same check-in without its note, for a copy that keeps only the
    /// figures (`analyse::changes`).
    pub fn without_note(&self) -> Checkin {
        Checkin {
            note: None,
            ..*self
        }
    }

    /// A metric's value on that day.
    pub fn value(&self) -> Option<f64> {
        self.value.get()
    }

    /// The confidence as written.
    pub fn confidence(&self) -> Option<Confidence> {
        self.confidence.get()
    }

    /// Where the date is written.
    pub fn date_span(&self) -> Span {
        self.date_span.get()
    }

    /// Where `value` is written (the date's span when there is none).
    pub fn value_span(&self) -> Span {
        self.value_span.get()
    }
}

/// The bits of a NaN no arithmetic or parse makes (a signalling NaN with a
/// payload): what [`PackedNumber`] and [`PackedConfidence`] hold for
/// "none", and, with the level added, for a confidence level. A NaN that
/// is a value is held as the one quiet NaN, `f64::NAN`.
const NONE_BITS: u64 = 0x7ff4_0000_0000_0000;

/// An `Option<f64>` in 8 bytes.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct PackedNumber(u64);

impl PackedNumber {
    pub fn new(value: Option<f64>) -> Self {
        PackedNumber(match value {
            None => NONE_BITS,
            Some(value) if value.is_nan() => f64::NAN.to_bits(),
            Some(value) => value.to_bits(),
        })
    }

    pub fn get(self) -> Option<f64> {
        (self.0 != NONE_BITS).then(|| f64::from_bits(self.0))
    }
}

impl std::fmt::Debug for PackedNumber {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.get().fmt(f)
    }
}

/// An `Option<Confidence>` in 8 bytes: a number as itself, a level and
/// none as NaNs no number is held as.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct PackedConfidence(u64);

impl PackedConfidence {
    pub fn new(confidence: Option<Confidence>) -> Self {
        PackedConfidence(match confidence {
            None => NONE_BITS,
            Some(Confidence::Level(level)) => NONE_BITS + 1 + level as u64,
            Some(Confidence::Number(n)) => PackedNumber::new(Some(n)).0,
        })
    }

    pub fn get(self) -> Option<Confidence> {
        if self.0 == NONE_BITS {
            return None;
        }
        let level = usize::try_from(self.0.wrapping_sub(NONE_BITS + 1))
            .ok()
            .and_then(|level| ConfidenceLevel::ALL.get(level));
        Some(match level {
            Some(&level) => Confidence::Level(level),
            None => Confidence::Number(f64::from_bits(self.0)),
        })
    }
}

impl std::fmt::Debug for PackedConfidence {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.get().fmt(f)
    }
}

fn packed_number<S: Serializer>(value: &PackedNumber, serializer: S) -> Result<S::Ok, S::Error> {
    optional_number(&value.get(), serializer)
}

fn packed_confidence<S: Serializer>(
    confidence: &PackedConfidence,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    confidence.get().serialize(serializer)
}

/// A check-in's confidence as written.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Confidence {
    #[serde(serialize_with = "number")]
    Number(f64),
    Level(ConfidenceLevel),
}

impl Confidence {
    pub fn level(self) -> ConfidenceLevel {
        match self {
            Confidence::Level(level) => level,
            Confidence::Number(c) if c >= 0.7 => ConfidenceLevel::OnTrack,
            Confidence::Number(c) if c >= 0.4 => ConfidenceLevel::AtRisk,
            Confidence::Number(_) => ConfidenceLevel::OffTrack,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ConfidenceLevel {
    OnTrack,
    AtRisk,
    OffTrack,
}

impl ConfidenceLevel {
    pub const NAMES: &'static [&'static str] = &["on-track", "at-risk", "off-track"];
    /// Every level, in the order of the enum (and of `as usize`).
    pub const ALL: [ConfidenceLevel; 3] = [
        ConfidenceLevel::OnTrack,
        ConfidenceLevel::AtRisk,
        ConfidenceLevel::OffTrack,
    ];

    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "on-track" => Some(Self::OnTrack),
            "at-risk" => Some(Self::AtRisk),
            "off-track" => Some(Self::OffTrack),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        Self::NAMES[self as usize]
    }
}

/// Where a key result or objective stands against the time that has passed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Pace {
    Done,
    NotStarted,
    Missed,
    OnTrack,
    AtRisk,
    OffTrack,
    /// A milestone not due yet that nothing says is in trouble; counts as
    /// on track in every summary.
    Pending,
}

impl Pace {
    /// Every pace, in the order of the enum (and of `as usize`).
    pub const ALL: [Pace; 7] = [
        Pace::Done,
        Pace::NotStarted,
        Pace::Missed,
        Pace::OnTrack,
        Pace::AtRisk,
        Pace::OffTrack,
        Pace::Pending,
    ];

    /// Whether summaries count this pace as on track: `pending` does.
    pub fn counts_as_on_track(self) -> bool {
        matches!(self, Pace::OnTrack | Pace::Pending)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Pace::Done => "done",
            Pace::NotStarted => "not-started",
            Pace::Missed => "missed",
            Pace::OnTrack => "on-track",
            Pace::AtRisk => "at-risk",
            Pace::OffTrack => "off-track",
            Pace::Pending => "pending",
        }
    }
}

/// The colour of a score, Google-style.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Colour {
    Red,
    Yellow,
    Green,
}

/// A number that serializes as the model's numbers do: `92`, not `92.0`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct PlainNumber(#[serde(serialize_with = "number")] pub f64);

/// Numbers are written as plain JSON numbers: `92`, not `92.0`.
fn number<S: Serializer>(value: &f64, serializer: S) -> Result<S::Ok, S::Error> {
    let value = *value;
    match crate::number::as_whole(value) {
        _ if !value.is_finite() => serializer.serialize_none(),
        Some(whole) => serializer.serialize_i64(whole),
        None => serializer.serialize_f64(value),
    }
}

fn optional_number<S: Serializer>(value: &Option<f64>, serializer: S) -> Result<S::Ok, S::Error> {
    match value {
        Some(value) => number(value, serializer),
        None => serializer.serialize_none(),
    }
}

fn period_name<S: Serializer>(period: &Option<Period>, serializer: S) -> Result<S::Ok, S::Error> {
    match period {
        Some(period) => serializer.serialize_str(&period.name),
        None => serializer.serialize_none(),
    }
}

impl KeyResult {
    /// Who answers for this key result (README "How progress is computed"): its owners,
    /// else its
    /// objective's, else its unit's.
    pub fn owners_in<'a>(&'a self, objective: &'a Objective, unit: &'a Unit) -> &'a [String] {
        [&self.owners, &objective.owners, &unit.owners]
            .into_iter()
            .find(|owners| !owners.is_empty())
            .map_or(&[], |owners| owners.as_slice())
    }
}

impl Unit {
    /// The unit without the Markdown no diagnostic reads (the body, the
    /// objectives' and key results' descriptions, the check-ins' notes):
    /// what a parse with `Texts::Drop` makes, which the tests compare it
    /// with.
    #[cfg(test)]
    pub fn drop_texts(&mut self) {
        self.body = String::new();
        for objective in &mut self.objectives {
            objective.description = None;
            for kr in &mut objective.key_results {
                kr.description = None;
                for checkin in &mut kr.checkins {
                    checkin.note = None;
                }
            }
        }
    }

    pub fn key(&self) -> Option<UnitKey> {
        Some(UnitKey {
            id: self.id.clone(),
            period: self.period.as_ref()?.name.clone(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A 10,000-unit workspace holds 630,000 check-ins: their size is most
    /// of the model's (README "Performance").
    #[test]
    fn a_checkin_is_at_most_64_bytes() {
        assert!(std::mem::size_of::<Checkin>() <= 64);
    }

    #[test]
    fn a_packed_number_is_the_option_it_was_made_of() {
        for value in [
            None,
            Some(0.0),
            Some(-0.0),
            Some(1.5),
            Some(-2e300),
            Some(f64::INFINITY),
        ] {
            let packed = PackedNumber::new(value);
            assert_eq!(packed.get().map(f64::to_bits), value.map(f64::to_bits));
        }
        // Any NaN, even one with the bits that mean "none", is a NaN.
        for nan in [
            f64::NAN,
            -f64::NAN,
            f64::from_bits(NONE_BITS),
            f64::from_bits(NONE_BITS + 1),
        ] {
            assert!(PackedNumber::new(Some(nan)).get().is_some_and(f64::is_nan));
        }
    }

    #[test]
    fn a_packed_confidence_is_the_option_it_was_made_of() {
        let mut all = vec![
            None,
            Some(Confidence::Number(0.0)),
            Some(Confidence::Number(0.8)),
        ];
        all.extend(ConfidenceLevel::ALL.map(|level| Some(Confidence::Level(level))));
        for confidence in all {
            assert_eq!(PackedConfidence::new(confidence).get(), confidence);
        }
        for nan in [
            f64::from_bits(NONE_BITS),
            f64::from_bits(NONE_BITS + 1),
            f64::NAN,
        ] {
            let packed = PackedConfidence::new(Some(Confidence::Number(nan)));
            assert!(matches!(packed.get(), Some(Confidence::Number(n)) if n.is_nan()));
        }
    }

    #[test]
    fn a_checkin_serializes_as_its_fields() {
        let checkin = Checkin::new(
            NaiveDate::from_ymd_opt(2026, 11, 2).unwrap_or_default(),
            Some(42.0),
            None,
            Some(Confidence::Level(ConfidenceLevel::AtRisk)),
            None,
        );
        let json = serde_json::to_string(&checkin).unwrap_or_default();
        assert_eq!(
            json,
            r#"{"date":"2026-11-02","value":42,"done":null,"confidence":"at-risk","note":null}"#
        );
        let checkin = Checkin::new(
            NaiveDate::from_ymd_opt(2026, 11, 9).unwrap_or_default(),
            None,
            Some(true),
            Some(Confidence::Number(0.75)),
            Some("shipped".into()),
        );
        let json = serde_json::to_string(&checkin).unwrap_or_default();
        assert_eq!(
            json,
            r#"{"date":"2026-11-09","value":null,"done":true,"confidence":0.75,"note":"shipped"}"#
        );
    }

    /// An objective's key results are one allocation, most often of three:
    /// 3 × 336 fits mimalloc's 1,024-byte size class, 3 × 376 took 1,280.
    #[test]
    fn three_key_results_fit_in_1024_bytes() {
        assert!(3 * std::mem::size_of::<KeyResult>() <= 1024);
    }

    /// Likewise a unit's objectives: 3 × 256 is a size class of its own,
    /// 3 × 272 took 896 bytes.
    #[test]
    fn three_objectives_fit_in_768_bytes() {
        assert!(3 * std::mem::size_of::<Objective>() <= 768);
    }

    #[test]
    fn a_checkin_gives_back_its_spans() {
        let date = Span {
            start: 120,
            end: 130,
            line: 9,
            column: 14,
        };
        let value = Span {
            start: 140,
            end: 143,
            line: 9,
            column: 34,
        };
        let mut checkin = Checkin::new(
            NaiveDate::from_ymd_opt(2026, 11, 2).unwrap_or_default(),
            Some(42.0),
            None,
            None,
            Some("on plan".into()),
        );
        checkin.date_span = date.into();
        checkin.value_span = value.into();
        assert_eq!((checkin.date_span(), checkin.value_span()), (date, value));
    }
}

//! The known keys of every table okrc reads: a unit file's front matter and
//! `okrc.toml`. The readers validate against these and `okrc schema` is
//! generated from them, so the documentation here is what editors show.

use super::fields::{FieldSpec, Shape, TableSpec};

const fn field(name: &'static str, shape: Shape, doc: &'static str) -> FieldSpec {
    FieldSpec { name, shape, doc }
}

pub const CONFIDENCE_LEVELS: &[&str] = &["on-track", "at-risk", "off-track"];
pub const OBJECTIVE_KINDS: &[&str] = &["committed", "aspirational"];
pub const LINT_LEVELS: &[&str] = &["allow", "warn", "deny"];
pub const LANGUAGES: &[&str] = &["en", "nl"];

pub static UNIT: TableSpec = TableSpec {
    name: "unit",
    doc: "One unit's Objectives and Key Results for one period.",
    fields: &[
        field(
            "id",
            Shape::String,
            "The unit's id, used by `parent` and `aligns_to`. Default: the file name without `.md`.",
        ),
        field("name", Shape::String, "Display name. Default: the id."),
        field(
            "parent",
            Shape::String,
            "The id of the unit one level higher. Omit for a top unit.",
        ),
        field(
            "period",
            Shape::String,
            "The period these OKRs are for: `2026`, `2026-H2`, `2026-Q4`, `2026-11` or a custom period from okrc.toml. Default: okrc.toml's `period`.",
        ),
        field(
            "owner",
            Shape::StringOrStrings,
            "Who owns these OKRs: a name or a list of names.",
        ),
        field(
            "draft",
            Shape::Bool,
            "True while the OKRs are still being set: no stale check-in warnings.",
        ),
        field(
            "mission",
            Shape::Markdown,
            "Why the organisation exists (Markdown); usually only on a top unit.",
        ),
        field("vision", Shape::Markdown, "A dream with a plan (Markdown)."),
        field(
            "strategy",
            Shape::Markdown,
            "How the vision will be reached (Markdown).",
        ),
        field(
            "objectives",
            Shape::ArrayOfTables(&OBJECTIVE),
            "The objectives, each as an `[[objectives]]` table. Keep them few: focus means saying no.",
        ),
        field(
            "reflection",
            Shape::Table(&REFLECTION),
            "Written at the end of the period.",
        ),
    ],
};

pub static OBJECTIVE: TableSpec = TableSpec {
    name: "objective",
    doc: "What the unit wants to achieve, measured by its key results.",
    fields: &[
        field("id", Shape::String, "Default: O1, O2, ... by position."),
        field("title", Shape::String, "What the unit wants to achieve."),
        field(
            "kind",
            Shape::Enum(OBJECTIVE_KINDS),
            "`committed` (expected to reach 1.0) or `aspirational` (0.7 is success; the default).",
        ),
        field(
            "aligns_to",
            Shape::StringOrStrings,
            "The objective or key result one level up this one contributes to: `O2`, `O2.KR1` (in the parent unit), `unit#O2` or `unit#O2.KR1`.",
        ),
        field("owner", Shape::StringOrStrings, "Who owns this objective."),
        field("description", Shape::Markdown, "The why, in Markdown."),
        field(
            "key_results",
            Shape::StringsOrTables(&KEY_RESULT),
            "How progress is measured: one-line strings (`NPS from 30 to 45 by 2026-12-01`, `[ ] Ship it`) or tables.",
        ),
    ],
};

pub static KEY_RESULT: TableSpec = TableSpec {
    name: "key result",
    doc: "A measurable result: a metric (`from`, `to`), a milestone (`done`) or a roll-up (`rollup = true`).",
    fields: &[
        field(
            "id",
            Shape::String,
            "Default: KR1, KR2, ... by position in the objective.",
        ),
        field("title", Shape::String, "What is measured."),
        field(
            "kr",
            Shape::String,
            "The one-line form, in place of `title`/`from`/`to`/`done`: `NPS from 30 to 45 by 2026-12-01`.",
        ),
        field("from", Shape::Number, "A metric's start value."),
        field(
            "to",
            Shape::Number,
            "A metric's target value; lower than `from` for a decreasing metric.",
        ),
        field(
            "unit",
            Shape::String,
            "The metric's unit: `%`, `€`, `ms`, `users`.",
        ),
        field(
            "by",
            Shape::Date,
            "The deadline. Default: the end of the period.",
        ),
        field(
            "weight",
            Shape::Positive,
            "The weight in the objective's progress. Default: 1.",
        ),
        field(
            "score",
            Shape::Fraction,
            "The grade given at the reflection, from 0 to 1.",
        ),
        field(
            "done",
            Shape::Bool,
            "Makes this a milestone: whether it is done.",
        ),
        field(
            "rollup",
            Shape::Bool,
            "True: progress comes from the child objectives aligned to this key result.",
        ),
        field(
            "owner",
            Shape::StringOrStrings,
            "Who owns this key result: a name or a list of names. Default: the objective's owners, else the unit's.",
        ),
        field(
            "links",
            Shape::Links,
            "http(s) links to what is behind the key result: the issue, epic or dashboard.",
        ),
        field(
            "description",
            Shape::Markdown,
            "What the key result means and how it is measured, in Markdown.",
        ),
        field(
            "checkins",
            Shape::ArrayOfTables(&CHECKIN),
            "The weekly check-ins: `{ date = 2026-10-05, value = 118000, confidence = 0.8, note = \"...\" }`.",
        ),
    ],
};

pub static CHECKIN: TableSpec = TableSpec {
    name: "check-in",
    doc: "One weekly check-in of a key result.",
    fields: &[
        field("date", Shape::Date, "The day of the check-in."),
        field("value", Shape::Number, "A metric's value on that day."),
        field(
            "done",
            Shape::Bool,
            "Whether a milestone is done on that day.",
        ),
        field(
            "confidence",
            Shape::Confidence,
            "How confident the owner is: a number from 0 to 1, or `on-track`, `at-risk`, `off-track`.",
        ),
        field("note", Shape::String, "What happened this week."),
    ],
};

pub static REFLECTION: TableSpec = TableSpec {
    name: "reflection",
    doc: "The reflection at the end of the period.",
    fields: &[
        field(
            "retrospective",
            Shape::Markdown,
            "Looking back: what worked, what did not (Markdown).",
        ),
        field(
            "futurespective",
            Shape::Markdown,
            "Looking ahead: what to do differently next period (Markdown).",
        ),
    ],
};

pub static CONFIG: TableSpec = TableSpec {
    name: "okrc.toml",
    doc: "Workspace settings for okrc.",
    fields: &[
        field("title", Shape::String, "The site title. Default: \"OKRs\"."),
        field(
            "language",
            Shape::Enum(LANGUAGES),
            "The site's UI language: `en` or `nl`. Default: `en`.",
        ),
        field(
            "output",
            Shape::String,
            "The output folder, relative to the workspace. Default: `public`.",
        ),
        field(
            "base_url",
            Shape::String,
            "Where the site is published (`https://okrs.example.org/`): `okrc report` links to its pages.",
        ),
        field(
            "period",
            Shape::String,
            "The period of files that name none.",
        ),
        field(
            "unsafe_html",
            Shape::Bool,
            "Let raw HTML in Markdown through. Default: false (escaped).",
        ),
        field(
            "periods",
            Shape::MapOfTables(&CUSTOM_PERIOD),
            "Custom periods besides the built-in ones: `\"FY27-H1\" = { start = 2026-07-01, end = 2026-12-31 }`.",
        ),
        field("rules", Shape::Table(&RULES), "Lint thresholds and levels."),
    ],
};

pub static CUSTOM_PERIOD: TableSpec = TableSpec {
    name: "period",
    doc: "A custom period with inclusive start and end dates.",
    fields: &[
        field("start", Shape::Date, "The first day of the period."),
        field("end", Shape::Date, "The last day of the period."),
    ],
};

pub static RULES: TableSpec = TableSpec {
    name: "rules table",
    doc: "Lint thresholds and levels.",
    fields: &[
        field(
            "max_objectives",
            Shape::Integer { min: 1 },
            "More objectives than this in a unit is `too-many-objectives`. Default: 5.",
        ),
        field(
            "max_key_results",
            Shape::Integer { min: 1 },
            "More key results than this in an objective is `too-many-key-results`. Default: 5.",
        ),
        field(
            "stale_after_days",
            Shape::Integer { min: 0 },
            "A key result without a check-in for more days than this is `stale-checkin`. Default: 14.",
        ),
        field(
            "due_soon_days",
            Shape::Integer { min: 0 },
            "A milestone not done this many days or fewer before its `by` date is at risk. Default: 14.",
        ),
        field(
            "levels",
            Shape::LintLevels,
            "Per-lint level: `allow`, `warn` or `deny`.",
        ),
    ],
};

/// Every table okrc reads, for tests that go through them all.
#[cfg(test)]
pub(crate) const ALL: [&TableSpec; 8] = [
    &UNIT,
    &OBJECTIVE,
    &KEY_RESULT,
    &CHECKIN,
    &REFLECTION,
    &CONFIG,
    &CUSTOM_PERIOD,
    &RULES,
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::fields::MAX_FIELDS;

    #[test]
    fn every_table_fits_a_table_reader() {
        for spec in ALL {
            assert!(spec.fields.len() <= MAX_FIELDS, "{}", spec.name);
        }
    }
}

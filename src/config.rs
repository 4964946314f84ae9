//! `okrc.toml`: the workspace's settings. Optional; every key has a default,
//! and a broken file is reported like any other without stopping the check.

use std::collections::BTreeMap;

use crate::diagnostic::{Code, Diagnostic, Level, did_you_mean};
use crate::parse::fields::{Cx, TableReader, type_name};
use crate::parse::specs::{self, LANGUAGES, LINT_LEVELS};
use crate::parse::toml::{self, Table, ValueKind};
use crate::period::{Period, PeriodCatalog, period_name_help};
use crate::source::SourceFile;

/// The file name of the workspace settings, at the workspace root.
pub const CONFIG_FILE: &str = "okrc.toml";

/// What `[rules.levels]` can set a lint to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LintLevel {
    Allow,
    Warn,
    Deny,
}

impl LintLevel {
    /// The level a lint is reported at, or `None` when it is allowed.
    pub fn level(self) -> Option<Level> {
        match self {
            LintLevel::Allow => None,
            LintLevel::Warn => Some(Level::Warning),
            LintLevel::Deny => Some(Level::Error),
        }
    }
}

/// Lint thresholds and levels.
#[derive(Debug, Clone)]
pub struct Rules {
    pub max_objectives: usize,
    pub max_key_results: usize,
    pub stale_after_days: i64,
    /// A milestone this many days or fewer before its deadline, not done,
    /// is at risk.
    pub due_soon_days: i64,
    pub levels: BTreeMap<Code, LintLevel>,
}

impl Default for Rules {
    fn default() -> Self {
        Rules {
            max_objectives: 5,
            max_key_results: 5,
            stale_after_days: 14,
            due_soon_days: 14,
            levels: BTreeMap::new(),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Config {
    pub title: String,
    /// `en` or `nl`.
    pub language: String,
    /// The output folder, relative to the workspace root.
    pub output: String,
    /// Where the site is published, ending in `/`: `okrc report` links to
    /// its pages.
    pub base_url: Option<String>,
    /// The period of unit files that name none.
    pub period: Option<Period>,
    pub unsafe_html: bool,
    pub catalog: PeriodCatalog,
    pub rules: Rules,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            title: "OKRs".into(),
            language: "en".into(),
            output: "public".into(),
            base_url: None,
            period: None,
            unsafe_html: false,
            catalog: PeriodCatalog::default(),
            rules: Rules::default(),
        }
    }
}

/// Reads `okrc.toml`, or the defaults when there is none. Diagnostics come
/// back without lines and columns, like every stage's.
pub fn parse_config(file: Option<&SourceFile>) -> (Config, Vec<Diagnostic>) {
    let mut config = Config::default();
    let Some(file) = file else {
        return (config, Vec::new());
    };
    let mut cx = Cx::new(&file.path, &file.text, 0);
    if file.utf8_error.is_some() {
        cx.report(Code::ParseError, 0..0, "okrc.toml is not valid UTF-8")
            .help = Some("save the file with UTF-8 encoding".into());
        return (config, cx.diagnostics);
    }
    let document = toml::parse(&file.text);
    if let Some(error) = document.first_error() {
        cx.report(
            Code::ParseError,
            error.span.clone(),
            format!("invalid TOML: {}", error.message),
        )
        .help = Some("fix the TOML syntax of okrc.toml (https://toml.io)".into());
        return (config, cx.diagnostics);
    }
    read_config(&mut cx, document.root(), &mut config);
    (config, cx.diagnostics)
}

fn read_config(cx: &mut Cx, table: Table<'_>, config: &mut Config) {
    let root = TableReader::new(cx, table, 0..0, &specs::CONFIG);
    if let Some((title, _)) = root.string(cx, "title") {
        config.title = title;
    }
    if let Some((language, span)) = root.string(cx, "language") {
        if LANGUAGES.contains(&language.as_str()) {
            config.language = language;
        } else {
            cx.invalid(
                span,
                format!("`{language}` is not a language okrc's site speaks"),
                format!("`language` is one of: {}", LANGUAGES.join(", ")),
            );
        }
    }
    if let Some((output, span)) = root.string(cx, "output") {
        if output.trim().is_empty() || output.trim() == "." {
            cx.invalid(
                span,
                "`output` cannot be the workspace itself",
                "name a folder inside the workspace, such as \"public\"",
            );
        } else {
            config.output = output;
        }
    }
    if let Some((base_url, span)) = root.string(cx, "base_url") {
        let trimmed = base_url.trim();
        let scheme = trimmed
            .split_once("://")
            .map(|(s, _)| s.to_ascii_lowercase());
        let host = trimmed.split_once("://").map_or("", |(_, rest)| rest);
        if matches!(scheme.as_deref(), Some("http" | "https"))
            && !host.is_empty()
            && !trimmed.chars().any(|c| c.is_whitespace() || c.is_control())
        {
            let slash = if trimmed.ends_with('/') { "" } else { "/" };
            config.base_url = Some(format!("{trimmed}{slash}"));
        } else {
            cx.invalid(
                span,
                format!("`{base_url}` is not an http or https address"),
                "give the address the site is published at, such as \"https://okrs.example.org/\"",
            );
        }
    }
    if let Some((unsafe_html, _)) = root.boolean(cx, "unsafe_html") {
        config.unsafe_html = unsafe_html;
    }
    if let Some(periods) = root.raw_table(cx, "periods") {
        config.catalog = PeriodCatalog::new(read_periods(cx, periods));
    }
    if let Some((name, span)) = root.string(cx, "period") {
        config.period = config.catalog.lookup(&name);
        if config.period.is_none() {
            cx.report(
                Code::UnknownPeriod,
                span,
                format!("unknown period `{name}`"),
            )
            .help = Some(period_name_help(&config.catalog));
        }
    }
    if let Some(rules) = root.table(cx, "rules") {
        read_rules(cx, &rules, &mut config.rules);
    }
}

fn read_periods(cx: &mut Cx, table: Table<'_>) -> Vec<Period> {
    let mut periods = Vec::new();
    for (name, value) in table.iter() {
        let ValueKind::Table(dates) = value.kind() else {
            cx.invalid(
                value.span(),
                format!(
                    "period `{}` must be a table, not {}",
                    name.as_str(),
                    type_name(value)
                ),
                "write `\"FY27-H1\" = { start = 2026-07-01, end = 2026-12-31 }`",
            );
            continue;
        };
        let reader = TableReader::new(cx, dates, value.span(), &specs::CUSTOM_PERIOD);
        let start = reader.date(cx, "start");
        let end = reader.date(cx, "end");
        for key in ["start", "end"] {
            if !reader.has(key) {
                cx.invalid(
                    value.span(),
                    format!("period `{}` has no `{key}` date", name.as_str()),
                    format!("add `{key} = YYYY-MM-DD`"),
                );
            }
        }
        let (Some((start, _)), Some((end, end_span))) = (start, end) else {
            continue;
        };
        if end < start {
            cx.invalid(
                end_span,
                format!("period `{}` ends before it starts", name.as_str()),
                "make `end` the same day as `start` or later",
            );
            continue;
        }
        let period = Period {
            name: name.as_str().to_string(),
            start,
            end,
        };
        if let Some(builtin) = Period::builtin(&period.name) {
            if builtin != period {
                cx.invalid(
                    name.span(),
                    format!("`{}` is a built-in period with other dates", period.name),
                    "give the custom period a name of its own, such as \"FY27-H1\"",
                );
                continue;
            }
        }
        periods.push(period);
    }
    periods
}

fn read_rules(cx: &mut Cx, rules: &TableReader<'_>, into: &mut Rules) {
    let integer = |cx: &mut Cx, name: &str, min: i64| -> Option<i64> {
        let (value, span) = rules.number(cx, name)?;
        if value.fract() != 0.0 || value < min as f64 || value > 1e9 {
            cx.invalid(
                span,
                format!("`{name}` must be a whole number of at least {min}"),
                "such as 5",
            );
            return None;
        }
        Some(value as i64)
    };
    if let Some(n) = integer(cx, "max_objectives", 1) {
        into.max_objectives = n as usize;
    }
    if let Some(n) = integer(cx, "max_key_results", 1) {
        into.max_key_results = n as usize;
    }
    if let Some(n) = integer(cx, "stale_after_days", 0) {
        into.stale_after_days = n;
    }
    if let Some(n) = integer(cx, "due_soon_days", 0) {
        into.due_soon_days = n;
    }
    let Some(levels) = rules.raw_table(cx, "levels") else {
        return;
    };
    let lint_names = || Code::LINTS.iter().map(|code| code.as_str());
    for (name, value) in levels.iter() {
        let lint = Code::from_name(name.as_str()).filter(|code| code.is_lint());
        let Some(lint) = lint else {
            let help = match (
                did_you_mean(name.as_str(), lint_names()),
                Code::from_name(name.as_str()),
            ) {
                (_, Some(_)) => {
                    "errors cannot be allowed or warned about; only lints have levels".to_string()
                }
                (Some(known), None) => format!("did you mean `{known}`?"),
                (None, None) => format!(
                    "the lints are: {}",
                    lint_names().collect::<Vec<_>>().join(", ")
                ),
            };
            cx.report(
                Code::UnknownField,
                name.span(),
                format!("`{}` is not a lint", name.as_str()),
            )
            .help = Some(help);
            continue;
        };
        let level = match value.kind() {
            ValueKind::String(level) => match level {
                "allow" => Some(LintLevel::Allow),
                "warn" => Some(LintLevel::Warn),
                "deny" => Some(LintLevel::Deny),
                _ => None,
            },
            _ => None,
        };
        match level {
            Some(level) => {
                into.levels.insert(lint, level);
            }
            None => cx.invalid(
                value.span(),
                format!(
                    "the level of `{lint}` must be one of: {}",
                    LINT_LEVELS.join(", ")
                ),
                format!("write `{lint} = \"deny\"`"),
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> (Config, Vec<Diagnostic>) {
        parse_config(Some(&SourceFile::from_text(CONFIG_FILE, text)))
    }

    #[test]
    fn every_key_is_read() {
        let (config, diagnostics) = parse(
            r#"
title = "Northwind Bank"
language = "nl"
output = "site"
period = "FY27-H1"
unsafe_html = true
[periods]
"FY27-H1" = { start = 2026-07-01, end = 2026-12-31 }
[rules]
max_objectives = 3
max_key_results = 4
stale_after_days = 7
due_soon_days = 10
[rules.levels]
unaligned = "deny"
uncovered = "allow"
"#,
        );
        assert_eq!(diagnostics, vec![]);
        assert_eq!(config.title, "Northwind Bank");
        assert_eq!(config.language, "nl");
        assert_eq!(config.output, "site");
        assert_eq!(config.period.unwrap().name, "FY27-H1");
        assert!(config.unsafe_html);
        assert_eq!(config.rules.max_objectives, 3);
        assert_eq!(config.rules.max_key_results, 4);
        assert_eq!(config.rules.stale_after_days, 7);
        assert_eq!(config.rules.due_soon_days, 10);
        assert_eq!(config.rules.levels[&Code::Unaligned], LintLevel::Deny);
        assert_eq!(config.rules.levels[&Code::Uncovered], LintLevel::Allow);
    }

    #[test]
    fn unknown_keys_and_bad_values_are_reported_and_the_rest_is_read() {
        let (config, diagnostics) = parse(
            "titel = \"x\"\nlanguage = \"fr\"\n[rules]\nmax_objectives = 0\n[rules.levels]\nunaligend = \"deny\"\nstale-checkin = \"loud\"\n",
        );
        let codes: Vec<_> = diagnostics
            .iter()
            .map(|d| (d.code, d.help.clone()))
            .collect();
        assert_eq!(codes.len(), 5, "{codes:?}");
        assert_eq!(
            codes[0],
            (Code::UnknownField, Some("did you mean `title`?".into()))
        );
        assert_eq!(config.language, "en");
        assert_eq!(config.rules.max_objectives, 5);
        assert!(
            diagnostics
                .iter()
                .any(|d| d.help.as_deref() == Some("did you mean `unaligned`?"))
        );
    }
}

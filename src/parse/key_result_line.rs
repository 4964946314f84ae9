//! The one-line form of a key result, in English or Dutch:
//!
//! - `TITLE from VALUE to VALUE [by DATE]`
//! - `TITLE van VALUE naar VALUE [voor|tegen|uiterlijk DATE]`
//! - `[x] TITLE` / `[ ] TITLE`, a milestone
//! - anything else: unmeasurable, the whole line is the title.

use chrono::NaiveDate;

use super::quantity::{Quantity, looks_numeric, parse_quantity};
use crate::number::{self, NumberStyle};
use crate::period::parse_date;

/// What a one-line key result says.
#[derive(Debug, Clone, PartialEq)]
pub enum KeyResultLine {
    Metric {
        title: String,
        from: f64,
        to: f64,
        unit: Option<String>,
        by: Option<NaiveDate>,
        /// The language the line is written in: its number style.
        language: NumberStyle,
    },
    Milestone {
        title: String,
        done: bool,
    },
    Unmeasurable {
        title: String,
    },
}

/// A line shaped like a metric whose numbers or date cannot be read.
#[derive(Debug, Clone, PartialEq)]
pub struct LineError {
    pub message: String,
    pub help: String,
}

struct Keywords {
    language: NumberStyle,
    from: &'static str,
    to: &'static str,
    /// Deadline keywords, and whether one always starts a date (`by`) or only
    /// when a digit follows (`voor` is also plain Dutch for "for").
    by: &'static [(&'static str, bool)],
}

const ENGLISH: Keywords = Keywords {
    language: NumberStyle::English,
    from: " from ",
    to: " to ",
    by: &[(" by ", true)],
};

const DUTCH: Keywords = Keywords {
    language: NumberStyle::Dutch,
    from: " van ",
    to: " naar ",
    by: &[(" voor ", false), (" tegen ", true), (" uiterlijk ", true)],
};

/// Reads a one-line key result.
pub fn parse_key_result_line(line: &str) -> Result<KeyResultLine, LineError> {
    let line = line.trim();
    if let Some((done, title)) = checkbox(line) {
        return Ok(KeyResultLine::Milestone {
            title: clean_title(title).to_string(),
            done,
        });
    }
    // A leading space lets a line that starts with `from` match ` from `.
    let padded = format!(" {line}");
    let english = find_pair(&padded, &ENGLISH);
    let dutch = find_pair(&padded, &DUTCH);
    let (keywords, from_at, to_at) = match (english, dutch) {
        (Some((f, _)), Some((df, dt))) if df > f => (&DUTCH, df, dt),
        (Some((f, t)), _) => (&ENGLISH, f, t),
        (None, Some((f, t))) => (&DUTCH, f, t),
        (None, None) => return Ok(unmeasurable(line)),
    };
    let title = clean_title(&padded[..from_at]);
    let from_text = &padded[from_at + keywords.from.len()..to_at];
    let rest = &padded[to_at + keywords.to.len()..];
    let (to_text, date_text) = split_deadline(rest, keywords);
    if !looks_numeric(from_text) || !looks_numeric(to_text) {
        return Ok(unmeasurable(line));
    }
    let language = keywords.language;
    let value = |text: &str, keyword: &str| -> Result<Quantity, LineError> {
        parse_quantity(text, language).map_err(|message| LineError {
            message: format!(
                "the value after `{}` cannot be read: {message}",
                keyword.trim()
            ),
            help: number_help(language),
        })
    };
    let from = value(from_text, keywords.from)?;
    let to = value(to_text, keywords.to)?;
    let by = match date_text {
        Some((keyword, text)) => Some(parse_date(text).ok_or_else(|| {
            LineError {
                message: format!("`{text}` after `{}` is not a date", keyword.trim()),
                help:
                    "write the deadline as YYYY-MM-DD, or leave it out to use the end of the period"
                        .to_string(),
            }
        })?),
        None => None,
    };
    let unit = to
        .currency
        .or(from.currency)
        .map(String::from)
        .or(to.unit)
        .or(from.unit);
    Ok(KeyResultLine::Metric {
        title: title.to_string(),
        from: from.value,
        to: to.value,
        unit,
        by,
        language,
    })
}

fn unmeasurable(line: &str) -> KeyResultLine {
    KeyResultLine::Unmeasurable {
        title: clean_title(line).to_string(),
    }
}

/// A title without the separator a person typed before ` from ` or at the
/// end of an item copied from a list written on one line ("Raise NPS, from
/// 30 to 45", "[ ] Retire the build farm,"): no trailing `,` `;` `:` or
/// dash, no surrounding blanks.
fn clean_title(title: &str) -> &str {
    let mut title = title.trim();
    loop {
        let trimmed = title.trim_end_matches([',', ';', ':', '–', '—']).trim_end();
        let trimmed = trimmed.strip_suffix(" -").unwrap_or(trimmed).trim_end();
        if trimmed == title {
            return title;
        }
        title = trimmed;
    }
}

fn checkbox(line: &str) -> Option<(bool, &str)> {
    let (done, rest) = if let Some(rest) = line.strip_prefix("[ ]") {
        (false, rest)
    } else if let Some(rest) = line
        .strip_prefix("[x]")
        .or_else(|| line.strip_prefix("[X]"))
    {
        (true, rest)
    } else {
        return None;
    };
    (rest.is_empty() || rest.starts_with(char::is_whitespace)).then_some((done, rest))
}

/// The byte offsets of the last `from` that has a `to` after it, and of that
/// `to`.
fn find_pair(text: &str, keywords: &Keywords) -> Option<(usize, usize)> {
    rmatch_starts(text, keywords.from).find_map(|from_at| {
        let after = from_at + keywords.from.len();
        match_starts(&text[after..], keywords.to)
            .next()
            .map(|to_at| (from_at, after + to_at))
    })
}

// Every key result line is searched for up to seven of the eight keywords
// (`to` only after a `from`): `str`'s searcher
// sets up a two-way matcher for each (a fifth of reading a line), where
// these look only at the bytes that equal the keyword's first.

/// Where `needle` starts in `text`, from the left, matches not
/// overlapping: what `str::match_indices` finds for a needle that is not
/// empty (every keyword).
fn match_starts<'t>(text: &'t str, needle: &'t str) -> impl Iterator<Item = usize> + 't {
    debug_assert!(!needle.is_empty(), "a keyword");
    let (text, needle) = (text.as_bytes(), needle.as_bytes());
    let first = needle.first().copied().unwrap_or_default();
    let mut free = 0;
    memchr::memchr_iter(first, text).filter(move |&at| {
        let found = at >= free && text[at..].starts_with(needle);
        if found {
            free = at + needle.len();
        }
        found
    })
}

/// Where `needle` starts in `text`, from the right, matches not
/// overlapping: what `str::rmatch_indices` finds for a needle that is not
/// empty (every keyword).
fn rmatch_starts<'t>(text: &'t str, needle: &'t str) -> impl Iterator<Item = usize> + 't {
    debug_assert!(!needle.is_empty(), "a keyword");
    let (text, needle) = (text.as_bytes(), needle.as_bytes());
    let first = needle.first().copied().unwrap_or_default();
    let mut free = text.len();
    memchr::memrchr_iter(first, text).filter(move |&at| {
        let found = at + needle.len() <= free && text[at..].starts_with(needle);
        if found {
            free = at;
        }
        found
    })
}

/// Splits what follows `to` into the target value and the deadline, if any.
fn split_deadline<'t>(
    rest: &'t str,
    keywords: &Keywords,
) -> (&'t str, Option<(&'static str, &'t str)>) {
    let deadline = keywords
        .by
        .iter()
        .flat_map(|&(keyword, always)| {
            match_starts(rest, keyword)
                .filter(move |&at| {
                    always
                        || rest[at + keyword.len()..]
                            .trim_start()
                            .starts_with(|c: char| c.is_ascii_digit())
                })
                .map(move |at| (at, keyword))
        })
        .max_by_key(|&(at, _)| at);
    match deadline {
        Some((at, keyword)) => (
            &rest[..at],
            Some((keyword, rest[at + keyword.len()..].trim())),
        ),
        None => (rest, None),
    }
}

fn number_help(style: NumberStyle) -> String {
    let (group, point) = style.separators();
    let mut example = String::new();
    number::push_number(&mut example, 1250.5, 1, style);
    format!(
        "in {} key results `{group}` groups thousands and `{point}` is the decimal point ({example}); an optional currency sign goes before the number and k, M or B directly after it",
        style.name()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(s: &str) -> Option<NaiveDate> {
        Some(parse_date(s).unwrap())
    }

    fn metric(line: &str) -> (String, f64, f64, Option<String>, Option<NaiveDate>) {
        match parse_key_result_line(line) {
            Ok(KeyResultLine::Metric {
                title,
                from,
                to,
                unit,
                by,
                ..
            }) => (title, from, to, unit, by),
            other => panic!("{line}: expected a metric, got {other:?}"),
        }
    }

    #[test]
    fn spec_examples_in_english() {
        assert_eq!(
            metric("Raise NPS from 30 to 45 points by 2026-12-01"),
            (
                "Raise NPS".into(),
                30.0,
                45.0,
                Some("points".into()),
                date("2026-12-01")
            )
        );
        assert_eq!(
            metric("Grow ARR from $900k to $2M"),
            (
                "Grow ARR".into(),
                900_000.0,
                2_000_000.0,
                Some("$".into()),
                None
            )
        );
        assert_eq!(
            metric("Cut p95 latency from 800ms to 250ms"),
            (
                "Cut p95 latency".into(),
                800.0,
                250.0,
                Some("ms".into()),
                None
            )
        );
        assert_eq!(
            metric("Deploy success rate from 92% to 99.5% by 2026-12-15"),
            (
                "Deploy success rate".into(),
                92.0,
                99.5,
                Some("%".into()),
                date("2026-12-15")
            )
        );
    }

    #[test]
    fn titles_keep_no_separator_from_a_one_line_list() {
        assert_eq!(metric("Raise NPS, from 30 to 45").0, "Raise NPS");
        assert_eq!(metric("Raise NPS - from 30 to 45").0, "Raise NPS");
        assert_eq!(
            metric("Klanttevredenheid: van 7 naar 8").0,
            "Klanttevredenheid"
        );
        assert_eq!(
            parse_key_result_line("[ ] Retire the build farm,").ok(),
            Some(KeyResultLine::Milestone {
                title: "Retire the build farm".into(),
                done: false
            })
        );
        assert_eq!(
            parse_key_result_line("Be loved by customers;").ok(),
            Some(KeyResultLine::Unmeasurable {
                title: "Be loved by customers".into()
            })
        );
        // Inside the title, punctuation stays.
        assert_eq!(metric("Cost, per user, from 3 to 2").0, "Cost, per user");
        assert_eq!(clean_title("E-mail -"), "E-mail");
    }

    #[test]
    fn spec_example_in_dutch() {
        assert_eq!(
            metric("Klanttevredenheid van 7,2 naar 8,5 tegen 2026-12-31"),
            (
                "Klanttevredenheid".into(),
                7.2,
                8.5,
                None,
                date("2026-12-31")
            )
        );
        assert_eq!(
            metric("Omzet van €1.200.000 naar €1,5M uiterlijk 2026-11-30").1,
            1_200_000.0
        );
        assert_eq!(
            metric("Omzet van €1.200.000 naar €1,5M voor 2026-11-30").2,
            1_500_000.0
        );
        // `voor` followed by words is "for", part of the unit.
        assert_eq!(
            metric("Wachttijd van 40 naar 10 minuten voor klanten").3,
            Some("minuten voor klanten".into())
        );
    }

    #[test]
    fn the_last_from_to_pair_counts() {
        let (title, from, to, ..) =
            metric("Move builds from Jenkins to GitHub Actions from 0% to 100% by 2026-12-01");
        assert_eq!(title, "Move builds from Jenkins to GitHub Actions");
        assert_eq!((from, to), (0.0, 100.0));
        // The last `from` without a `to` after it does not count.
        assert_eq!(metric("Grow users from 10 to 20 from the EU").1, 10.0);
    }

    #[test]
    fn unit_prefers_currency_then_target_then_start() {
        assert_eq!(metric("Spend from 120k € to 90k").3, Some("€".into()));
        assert_eq!(metric("Spend from €120k to 90k").3, Some("€".into()));
        assert_eq!(metric("Users from 10 to 20 users").3, Some("users".into()));
        assert_eq!(metric("Users from 10 users to 20").3, Some("users".into()));
        assert_eq!(metric("Users from 10 to 20").3, None);
    }

    #[test]
    fn milestones() {
        assert_eq!(
            parse_key_result_line("[ ] Retire the legacy build farm"),
            Ok(KeyResultLine::Milestone {
                title: "Retire the legacy build farm".into(),
                done: false
            })
        );
        assert_eq!(
            parse_key_result_line("[x] Move from A to B from 1 to 2"),
            Ok(KeyResultLine::Milestone {
                title: "Move from A to B from 1 to 2".into(),
                done: true
            })
        );
        assert!(matches!(
            parse_key_result_line("[X] Done"),
            Ok(KeyResultLine::Milestone { done: true, .. })
        ));
        assert!(matches!(
            parse_key_result_line("[x]"),
            Ok(KeyResultLine::Milestone { done: true, ref title }) if title.is_empty()
        ));
        assert!(matches!(
            parse_key_result_line("[x]Done"),
            Ok(KeyResultLine::Unmeasurable { .. })
        ));
    }

    #[test]
    fn anything_else_is_unmeasurable() {
        for line in [
            "Make customers happy",
            "Migrate from Jenkins to GitHub Actions",
            "Improve NPS from 30",
            "Consolidate from 3 data centres to one",
            "",
        ] {
            assert_eq!(
                parse_key_result_line(line),
                Ok(KeyResultLine::Unmeasurable {
                    title: line.to_string()
                }),
                "{line}"
            );
        }
    }

    #[test]
    fn keywords_are_found_where_str_finds_them() {
        // Overlapping candidates (` by by `) and repeats must be skipped the
        // way `str::match_indices` and `rmatch_indices` skip them.
        for text in [
            " a by by 2026-01-01",
            " from from 1 to to 2 to ",
            "  from  from ",
            " voor voor voor 3",
            "€ from € to €",
            "",
            " ",
        ] {
            for needle in [" by ", " from ", " to ", " voor ", " "] {
                let left: Vec<usize> = text.match_indices(needle).map(|(at, _)| at).collect();
                let right: Vec<usize> = text.rmatch_indices(needle).map(|(at, _)| at).collect();
                assert_eq!(
                    match_starts(text, needle).collect::<Vec<_>>(),
                    left,
                    "{text:?} {needle:?}"
                );
                assert_eq!(
                    rmatch_starts(text, needle).collect::<Vec<_>>(),
                    right,
                    "{text:?} {needle:?}"
                );
            }
        }
        // The second ` by ` overlaps the first, so the deadline is `by 2026-12-01`.
        assert!(parse_key_result_line("Uptime from 1 to 2 by by 2026-12-01").is_err());
    }

    #[test]
    fn a_line_starting_with_from_has_an_empty_title() {
        assert_eq!(metric("from 1 to 2").0, "");
    }

    #[test]
    fn unreadable_numbers_and_dates_are_errors() {
        let err = parse_key_result_line("NPS from 7,2 to 8,5").unwrap_err();
        assert!(err.message.contains("`7,2`"), "{}", err.message);
        assert!(err.help.contains("English"));
        let err = parse_key_result_line("NPS from 30 to 45 by 2026-13-01").unwrap_err();
        assert!(err.message.contains("2026-13-01"));
        let err = parse_key_result_line("NPS from 30 to 45 by Friday").unwrap_err();
        assert!(err.message.contains("Friday"));
        assert!(parse_key_result_line("Score van 2.5 naar 3").is_err());
    }

    #[test]
    fn the_rightmost_language_wins() {
        let (title, from, to, ..) = metric("Omzet from webshop van 1.000 naar 2.000");
        assert_eq!(title, "Omzet from webshop");
        assert_eq!((from, to), (1000.0, 2000.0));
    }
}

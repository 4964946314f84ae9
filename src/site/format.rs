//! Numbers, percentages, quantities and dates as a reader of the site's
//! language writes them: `1,234.5` and `5 Oct 2026` in English, `1.234,5`
//! and `5 okt 2026` in Dutch.
//!
//! Two languages with fixed conventions do not justify an ICU dependency;
//! these few rules are written out and tested here.

use chrono::{Datelike, NaiveDate};

use crate::number::{self, NumberStyle};

/// The languages the site's UI speaks (`language` in `okrc.toml`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Language {
    #[default]
    English,
    Dutch,
}

impl Language {
    /// `en` or `nl`; anything else is English (the config stage already
    /// reported it).
    pub fn from_code(code: &str) -> Language {
        match code {
            "nl" => Language::Dutch,
            _ => Language::English,
        }
    }

    /// The BCP 47 tag for `<html lang>`.
    pub fn code(self) -> &'static str {
        match self {
            Language::English => "en",
            Language::Dutch => "nl",
        }
    }
}

impl From<Language> for NumberStyle {
    /// The number style of the site's language, for numbers that belong to
    /// no key result (weights, scores, counts).
    fn from(language: Language) -> NumberStyle {
        match language {
            Language::English => NumberStyle::English,
            Language::Dutch => NumberStyle::Dutch,
        }
    }
}

/// Appends `n`.
pub fn push_int(out: &mut String, n: i64) {
    out.push_str(itoa::Buffer::new().format(n));
}

/// Appends a number in the site's language; see [`crate::number::push_number`].
pub fn push_number_with(out: &mut String, value: f64, decimals: usize, language: Language) {
    number::push_number(out, value, decimals, language.into());
}

/// A number in the site's language; see [`crate::number::push_number`].
pub fn number_with(value: f64, decimals: usize, language: Language) -> String {
    number::number_with(value, decimals, language.into())
}

/// A number in the site's language with up to two decimals.
pub fn number(value: f64, language: Language) -> String {
    number::number(value, language.into())
}

/// Appends a fraction in [0, 1] as a whole percentage, the same in every
/// language; see [`crate::number::push_percent`].
pub fn push_percent(out: &mut String, fraction: f64, language: Language) {
    let _ = language;
    number::push_percent(out, fraction);
}

/// A fraction in [0, 1] as a whole percentage; see [`crate::number::push_percent`].
pub fn percent(fraction: f64, language: Language) -> String {
    let _ = language;
    number::percent(fraction)
}

const MONTHS_EN: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];
const MONTHS_NL: [&str; 12] = [
    "jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec",
];

/// Appends a date as people read it: `5 Oct 2026` / `5 okt 2026`.
pub fn push_date(out: &mut String, date: NaiveDate, language: Language) {
    push_short_date(out, date, language);
    out.push(' ');
    push_int(out, i64::from(date.year()));
}

/// A date as people read it: `5 Oct 2026` / `5 okt 2026`.
pub fn date(date: NaiveDate, language: Language) -> String {
    let mut out = String::with_capacity(12);
    push_date(&mut out, date, language);
    out
}

/// Appends a date within a known year: `5 Oct` / `5 okt`.
pub fn push_short_date(out: &mut String, date: NaiveDate, language: Language) {
    let months = match language {
        Language::English => &MONTHS_EN,
        Language::Dutch => &MONTHS_NL,
    };
    push_int(out, i64::from(date.day()));
    out.push('\u{a0}');
    out.push_str(months[date.month0() as usize]);
}

/// A date within a known year: `5 Oct` / `5 okt`.
pub fn short_date(date: NaiveDate, language: Language) -> String {
    let mut out = String::with_capacity(8);
    push_short_date(&mut out, date, language);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::period::parse_date;

    const EN: Language = Language::English;
    const NL: Language = Language::Dutch;

    #[test]
    fn percentages_never_round_to_done_or_to_nothing() {
        assert_eq!(percent(0.5333, EN), "53%");
        assert_eq!(percent(1.0, NL), "100%");
        assert_eq!(percent(0.996, EN), "99%");
        assert_eq!(percent(0.004, EN), "1%");
        assert_eq!(percent(0.0, EN), "0%");
    }

    #[test]
    fn dates_use_the_language_month_names() {
        let d = parse_date("2026-10-05").unwrap();
        assert_eq!(date(d, EN), "5\u{a0}Oct 2026");
        assert_eq!(date(d, NL), "5\u{a0}okt 2026");
        let d = parse_date("2026-03-31").unwrap();
        assert_eq!(short_date(d, NL), "31\u{a0}mrt");
    }
}

//! Numbers, percentages, quantities and dates as a reader of the site's
//! language writes them: `1,234.5` and `5 Oct 2026` in English, `1.234,5`
//! and `5 okt 2026` in Dutch.
//!
//! Two languages with fixed conventions do not justify an ICU dependency;
//! these few rules are written out and tested here.

use chrono::{Datelike, NaiveDate};

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

    fn separators(self) -> (char, char) {
        match self {
            Language::English => (',', '.'),
            Language::Dutch => ('.', ','),
        }
    }
}

const CURRENCY_SIGNS: [&str; 4] = ["$", "€", "£", "¥"];

/// A number with at most `decimals` decimals, trailing zeros dropped, and
/// thousands grouped: `120,000`, `99.5`, `-0.25`.
pub fn number_with(value: f64, decimals: usize, language: Language) -> String {
    if !value.is_finite() {
        return "–".to_string();
    }
    let (group, point) = language.separators();
    let text = format!("{:.*}", decimals, value.abs());
    let (whole, fraction) = match text.split_once('.') {
        Some((whole, fraction)) => (whole, fraction.trim_end_matches('0')),
        None => (text.as_str(), ""),
    };
    let mut out = String::with_capacity(text.len() + 4);
    let negative = value < 0.0 && (whole != "0" || !fraction.is_empty());
    if negative {
        out.push('−');
    }
    let digits = whole.len();
    for (i, digit) in whole.chars().enumerate() {
        if i > 0 && (digits - i) % 3 == 0 {
            out.push(group);
        }
        out.push(digit);
    }
    if !fraction.is_empty() {
        out.push(point);
        out.push_str(fraction);
    }
    out
}

/// A number as key results show it: up to two decimals.
pub fn number(value: f64, language: Language) -> String {
    number_with(value, 2, language)
}

/// A fraction in [0, 1] as a whole percentage. Only complete progress reads
/// `100%`, and only none reads `0%`, so a nearly done key result never looks
/// done.
pub fn percent(fraction: f64, language: Language) -> String {
    let _ = language;
    if !fraction.is_finite() {
        return "–".to_string();
    }
    let mut whole = (fraction * 100.0).round();
    if whole >= 100.0 && fraction < 1.0 - 1e-9 {
        whole = 99.0;
    } else if whole <= 0.0 && fraction > 1e-9 {
        whole = 1.0;
    }
    format!("{}%", whole as i64)
}

/// A value with its key result's unit: `€120,000`, `99.5%`, `45 points`;
/// in Dutch `€ 120.000`, `99,5%`.
pub fn quantity(value: f64, unit: Option<&str>, language: Language) -> String {
    let shown = number(value, language);
    match unit.map(str::trim) {
        None | Some("") => shown,
        Some("%") => format!("{shown}%"),
        Some(sign) if CURRENCY_SIGNS.contains(&sign) => match language {
            Language::English => format!("{sign}{shown}"),
            Language::Dutch => format!("{sign}\u{a0}{shown}"),
        },
        Some(word) => format!("{shown}\u{a0}{word}"),
    }
}

const MONTHS_EN: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];
const MONTHS_NL: [&str; 12] = [
    "jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec",
];

/// A date as people read it: `5 Oct 2026` / `5 okt 2026`.
pub fn date(date: NaiveDate, language: Language) -> String {
    format!("{} {}", short_date(date, language), date.year())
}

/// A date within a known year: `5 Oct` / `5 okt`.
pub fn short_date(date: NaiveDate, language: Language) -> String {
    let months = match language {
        Language::English => &MONTHS_EN,
        Language::Dutch => &MONTHS_NL,
    };
    format!("{}\u{a0}{}", date.day(), months[date.month0() as usize])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::period::parse_date;

    const EN: Language = Language::English;
    const NL: Language = Language::Dutch;

    #[test]
    fn numbers_group_thousands_and_use_the_language_decimal_mark() {
        assert_eq!(number(120_000.0, EN), "120,000");
        assert_eq!(number(120_000.0, NL), "120.000");
        assert_eq!(number(1_234_567.891, EN), "1,234,567.89");
        assert_eq!(number(1_234_567.891, NL), "1.234.567,89");
        assert_eq!(number(99.5, EN), "99.5");
        assert_eq!(number(99.5, NL), "99,5");
        assert_eq!(number(7.25, NL), "7,25");
        assert_eq!(number(92.0, EN), "92");
    }

    #[test]
    fn thousands_are_grouped_from_four_digits() {
        assert_eq!(number(1500.0, EN), "1,500");
        assert_eq!(number(1500.0, NL), "1.500");
        assert_eq!(number(999.0, NL), "999");
    }

    #[test]
    fn negative_numbers_use_a_minus_sign_and_negative_zero_does_not() {
        assert_eq!(number(-1500.5, EN), "−1,500.5");
        assert_eq!(number(-0.001, EN), "0");
        assert_eq!(number(f64::NAN, EN), "–");
    }

    #[test]
    fn percentages_never_round_to_done_or_to_nothing() {
        assert_eq!(percent(0.5333, EN), "53%");
        assert_eq!(percent(1.0, NL), "100%");
        assert_eq!(percent(0.996, EN), "99%");
        assert_eq!(percent(0.004, EN), "1%");
        assert_eq!(percent(0.0, EN), "0%");
    }

    #[test]
    fn quantities_place_currency_signs_and_units_per_language() {
        assert_eq!(quantity(120_000.0, Some("€"), EN), "€120,000");
        assert_eq!(quantity(120_000.0, Some("€"), NL), "€\u{a0}120.000");
        assert_eq!(quantity(99.5, Some("%"), NL), "99,5%");
        assert_eq!(quantity(45.0, Some("points"), EN), "45\u{a0}points");
        assert_eq!(quantity(7.2, None, NL), "7,2");
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

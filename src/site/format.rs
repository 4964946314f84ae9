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

/// Appends `n`.
pub fn push_int(out: &mut String, n: i64) {
    out.push_str(itoa::Buffer::new().format(n));
}

/// Appends `value` (not negative) with exactly `decimals` decimals, as
/// `format!("{:.*}")` writes it. Integer arithmetic where the result is
/// certain (the common case, many times per page); the formatter (exact,
/// but slow) for values near a rounding tie or too large for it.
fn push_fixed(out: &mut String, value: f64, decimals: usize) {
    let Some((whole, fraction)) = exact_parts(value, decimals) else {
        use std::fmt::Write;
        let _ = write!(out, "{:.*}", decimals, value);
        return;
    };
    out.push_str(itoa::Buffer::new().format(whole));
    if decimals > 0 {
        let mut buffer = itoa::Buffer::new();
        let digits = buffer.format(fraction);
        out.push('.');
        for _ in digits.len()..decimals {
            out.push('0');
        }
        out.push_str(digits);
    }
}

#[cfg(test)]
fn fixed(value: f64, decimals: usize) -> String {
    let mut out = String::new();
    push_fixed(&mut out, value, decimals);
    out
}

/// Appends a number with at most `decimals` decimals, trailing zeros
/// dropped, and thousands grouped: `120,000`, `99.5`, `−0.25`.
pub fn push_number_with(out: &mut String, value: f64, decimals: usize, language: Language) {
    if !value.is_finite() {
        out.push('–');
        return;
    }
    let (group, point) = language.separators();
    let mut buffer = String::new();
    let text: &str = match exact_parts(value.abs(), decimals) {
        Some((whole, fraction)) => {
            buffer.push_str(itoa::Buffer::new().format(whole));
            if fraction > 0 {
                buffer.push('.');
                let mut digits = itoa::Buffer::new();
                let digits = digits.format(fraction);
                for _ in digits.len()..decimals {
                    buffer.push('0');
                }
                buffer.push_str(digits);
            }
            &buffer
        }
        None => {
            push_fixed(&mut buffer, value.abs(), decimals);
            &buffer
        }
    };
    let (whole, fraction) = match text.split_once('.') {
        Some((whole, fraction)) => (whole, fraction.trim_end_matches('0')),
        None => (text, ""),
    };
    let negative = value < 0.0 && (whole != "0" || !fraction.is_empty());
    if negative {
        out.push('−');
    }
    let digits = whole.len();
    for (i, digit) in whole.bytes().enumerate() {
        if i > 0 && (digits - i) % 3 == 0 {
            out.push(group);
        }
        out.push(char::from(digit));
    }
    if !fraction.is_empty() {
        out.push(point);
        out.push_str(fraction);
    }
}

/// `value` (not negative) rounded to `decimals` decimals as whole and
/// fraction digits, when integer arithmetic gives what the formatter would.
fn exact_parts(value: f64, decimals: usize) -> Option<(u64, u64)> {
    const POWERS: [f64; 4] = [1.0, 10.0, 100.0, 1000.0];
    let scaled = value * POWERS.get(decimals)?;
    let tie = (scaled - scaled.floor() - 0.5).abs() < 1e-6;
    if !(0.0..1e15).contains(&scaled) || tie {
        return None;
    }
    let scaled = scaled.round() as u64;
    let unit = 10u64.pow(decimals as u32);
    Some((scaled / unit, scaled % unit))
}

/// A number with at most `decimals` decimals, trailing zeros dropped, and
/// thousands grouped: `120,000`, `99.5`, `−0.25`.
pub fn number_with(value: f64, decimals: usize, language: Language) -> String {
    let mut out = String::new();
    push_number_with(&mut out, value, decimals, language);
    out
}

/// A number as key results show it: up to two decimals.
pub fn number(value: f64, language: Language) -> String {
    number_with(value, 2, language)
}

/// Appends a fraction in [0, 1] as a whole percentage. Only complete
/// progress reads `100%`, and only none reads `0%`, so a nearly done key
/// result never looks done.
pub fn push_percent(out: &mut String, fraction: f64, language: Language) {
    let _ = language;
    if !fraction.is_finite() {
        out.push('–');
        return;
    }
    let mut whole = (fraction * 100.0).round();
    if whole >= 100.0 && fraction < 1.0 - 1e-9 {
        whole = 99.0;
    } else if whole <= 0.0 && fraction > 1e-9 {
        whole = 1.0;
    }
    push_int(out, whole as i64);
    out.push('%');
}

/// A fraction in [0, 1] as a whole percentage; see [`push_percent`].
pub fn percent(fraction: f64, language: Language) -> String {
    let mut out = String::with_capacity(4);
    push_percent(&mut out, fraction, language);
    out
}

/// Appends a value with its key result's unit: `€120,000`, `99.5%`,
/// `45 points`; in Dutch `€ 120.000`, `99,5%`.
pub fn push_quantity(out: &mut String, value: f64, unit: Option<&str>, language: Language) {
    match unit.map(str::trim) {
        None | Some("") => push_number_with(out, value, 2, language),
        Some("%") => {
            push_number_with(out, value, 2, language);
            out.push('%');
        }
        Some(sign) if CURRENCY_SIGNS.contains(&sign) => {
            out.push_str(sign);
            if language == Language::Dutch {
                out.push('\u{a0}');
            }
            push_number_with(out, value, 2, language);
        }
        Some(word) => {
            push_number_with(out, value, 2, language);
            out.push('\u{a0}');
            out.push_str(word);
        }
    }
}

/// A value with its key result's unit; see [`push_quantity`].
pub fn quantity(value: f64, unit: Option<&str>, language: Language) -> String {
    let mut out = String::with_capacity(16);
    push_quantity(&mut out, value, unit, language);
    out
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
    fn fixed_decimals_match_the_standard_formatter() {
        for value in [
            0.0,
            0.004,
            0.005,
            0.015,
            0.125,
            1.005,
            2.675,
            7.25,
            99.5,
            99.999,
            123456.785,
            1e14,
            3e15,
            0.1 + 0.2,
        ] {
            for decimals in 0..4 {
                assert_eq!(
                    fixed(value, decimals),
                    format!("{value:.decimals$}"),
                    "{value}"
                );
            }
        }
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

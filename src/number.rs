//! Numbers as a key result writes them: its number style (English `1,250.5`
//! or Dutch `1.250,5`), read from what a person types and written back the
//! same way everywhere — the site, its charts, `okrc status` and `okrc
//! checkin`'s echo. Huge and tiny values are written in scientific notation
//! (`1e308`, `2.5e-7`) rather than as 300 digits or a bare `0`.
//!
//! Two styles with fixed conventions do not justify an ICU dependency; these
//! few rules are written out and tested here.

use crate::model::KeyResult;
use crate::parse::quantity::{Quantity, parse_quantity};

/// How a key result's numbers are written: which of `,` and `.` groups
/// thousands and which is the decimal point.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, serde::Serialize)]
pub enum NumberStyle {
    #[default]
    #[serde(rename = "en")]
    English,
    #[serde(rename = "nl")]
    Dutch,
}

impl NumberStyle {
    /// The style of a workspace `language` (`nl` → Dutch, else English).
    pub fn of_language(code: &str) -> NumberStyle {
        match code {
            "nl" => NumberStyle::Dutch,
            _ => NumberStyle::English,
        }
    }

    /// A key result's style: Dutch if its one-line form is Dutch (`van …
    /// naar`), else `workspace`, the style of the workspace's `language`.
    pub fn of(kr: &KeyResult, workspace: NumberStyle) -> NumberStyle {
        if kr.origin.dutch {
            NumberStyle::Dutch
        } else {
            workspace
        }
    }

    /// `en` or `nl`, as in `okrc.toml`'s `language`.
    pub fn code(self) -> &'static str {
        match self {
            NumberStyle::English => "en",
            NumberStyle::Dutch => "nl",
        }
    }

    /// `(thousands separator, decimal point)`.
    pub fn separators(self) -> (char, char) {
        match self {
            NumberStyle::English => (',', '.'),
            NumberStyle::Dutch => ('.', ','),
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            NumberStyle::English => "English",
            NumberStyle::Dutch => "Dutch",
        }
    }
}

/// Powers of ten an f64 holds exactly (10^22 is the last).
const EXACT_POWERS: [f64; 23] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
];

/// The float `str::parse` gives for the decimal `integer.fraction` times
/// 10^`shift`, when one operation makes it: at most 15 digits in all (an
/// integer below 2^53) scaled by a power of ten an f64 holds exactly, so a
/// single multiplication or division rounds once, as the general parser
/// rounds the exact value. `None` for anything else (a byte that is not a
/// digit, more digits); the caller's general parser reads those. The one
/// home of this shortcut: TOML's plain floats and key result values use it.
/// (It assumes IEEE double arithmetic, as on x86-64 and AArch64; the x87
/// unit of 32-bit x86 without SSE2 could round twice.)
pub fn exact_decimal(integer: &[u8], fraction: &[u8], shift: u8) -> Option<f64> {
    if integer.len() + fraction.len() > 15 {
        return None;
    }
    let mut mantissa = 0u64;
    for &b in integer.iter().chain(fraction) {
        if !b.is_ascii_digit() {
            return None;
        }
        mantissa = mantissa * 10 + u64::from(b - b'0');
    }
    let mantissa = mantissa as f64;
    let shift = usize::from(shift);
    Some(if shift >= fraction.len() {
        mantissa * EXACT_POWERS.get(shift - fraction.len())?
    } else {
        mantissa / EXACT_POWERS[fraction.len() - shift]
    })
}

/// Reads a number a person typed for a key result in `style`, with an
/// optional currency sign, multiplier (`k`, `M`, `B`) and unit. The error
/// is a sentence saying what is wrong.
pub fn read(text: &str, style: NumberStyle) -> Result<Quantity, String> {
    parse_quantity(text, style)
}

/// A stored number as an integer when it is a whole one that fits exactly
/// (`92`, not `92.0`): the one rule for the plain numbers okrc writes, in
/// JSON and in a check-in it appends to a file.
pub fn as_whole(value: f64) -> Option<i64> {
    (value.is_finite() && value.fract() == 0.0 && value.abs() < 9.0e15).then_some(value as i64)
}

/// Appends a fraction in [0, 1] (progress, expected progress) as a whole
/// percentage, the one way every output writes one: the site, `okrc
/// status`, `okrc report`, `okrc checkin` and the editor. Only complete
/// progress reads `100%`, and only none reads `0%`, so a nearly done key
/// result never looks done; `–` for a value that is not a number.
pub fn push_percent(out: &mut String, fraction: f64) {
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
    out.push_str(itoa::Buffer::new().format(whole as i64));
    out.push('%');
}

/// A fraction as a whole percentage; see [`push_percent`].
pub fn percent(fraction: f64) -> String {
    let mut out = String::with_capacity(4);
    push_percent(&mut out, fraction);
    out
}

/// The currency signs written before a number, in a key result and where
/// okrc writes one.
pub const CURRENCY_SIGNS: [char; 4] = ['$', '€', '£', '¥'];

/// Is a key result's `unit` a currency sign, written before the number?
pub fn is_currency_sign(unit: &str) -> bool {
    let mut chars = unit.chars();
    matches!((chars.next(), chars.next()), (Some(c), None) if CURRENCY_SIGNS.contains(&c))
}

/// Values this large, and non-zero ones this small, are written in
/// scientific notation.
const LARGE: f64 = 1e15;

/// Appends `value` with at most `decimals` decimals (up to 3), trailing
/// zeros dropped, thousands grouped: `120,000`, `99.5`, `−0.25`; `1e308`
/// and `2.5e-7` for values too large or too small to show that way; `–` for
/// a value that is not a number.
pub fn push_number(out: &mut String, value: f64, decimals: usize, style: NumberStyle) {
    let decimals = decimals.min(3);
    if !value.is_finite() {
        out.push('–');
        return;
    }
    let (group, point) = style.separators();
    let magnitude = value.abs();
    let smallest = 0.5 * 10f64.powi(-(decimals as i32));
    if magnitude >= LARGE || (magnitude > 0.0 && magnitude < smallest) {
        push_scientific(out, value, point);
        return;
    }
    let mut buffer = String::new();
    match exact_parts(magnitude, decimals) {
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
        }
        None => {
            use std::fmt::Write;
            let _ = write!(buffer, "{magnitude:.decimals$}");
        }
    }
    let (whole, fraction) = match buffer.split_once('.') {
        Some((whole, fraction)) => (whole, fraction.trim_end_matches('0')),
        None => (buffer.as_str(), ""),
    };
    if value < 0.0 && (whole != "0" || !fraction.is_empty()) {
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
/// fraction digits, when integer arithmetic gives what the standard
/// formatter would (the common case, many times per page); `None` near a
/// rounding tie or for values too large for it, which the (exact, slower)
/// formatter then writes.
pub fn exact_parts(value: f64, decimals: usize) -> Option<(u64, u64)> {
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

/// `1.23e308`, `−2.5e-7`: three significant digits at most.
fn push_scientific(out: &mut String, value: f64, point: char) {
    let text = format!("{:.2e}", value.abs());
    let (mantissa, exponent) = text.split_once('e').unwrap_or((&text, "0"));
    let mantissa = mantissa.trim_end_matches('0').trim_end_matches('.');
    if value < 0.0 {
        out.push('−');
    }
    out.extend(mantissa.chars().map(|c| if c == '.' { point } else { c }));
    out.push('e');
    out.push_str(exponent);
}

/// A number with at most `decimals` decimals; see [`push_number`].
pub fn number_with(value: f64, decimals: usize, style: NumberStyle) -> String {
    let mut out = String::new();
    push_number(&mut out, value, decimals, style);
    out
}

/// A number as key results show it: up to two decimals.
pub fn number(value: f64, style: NumberStyle) -> String {
    number_with(value, 2, style)
}

/// Appends a value with its key result's unit: `€120,000`, `99.5%`,
/// `45 points` (a no-break space before a word); in Dutch `€ 120.000`,
/// `99,5%`, `1,25 dagen`.
pub fn push_quantity(out: &mut String, value: f64, unit: Option<&str>, style: NumberStyle) {
    match unit.map(str::trim) {
        None | Some("") => push_number(out, value, 2, style),
        Some("%") => {
            push_number(out, value, 2, style);
            out.push('%');
        }
        Some(sign) if is_currency_sign(sign) => {
            out.push_str(sign);
            if style == NumberStyle::Dutch {
                out.push('\u{a0}');
            }
            push_number(out, value, 2, style);
        }
        Some(word) => {
            push_number(out, value, 2, style);
            out.push('\u{a0}');
            out.push_str(word);
        }
    }
}

/// A value with its key result's unit; see [`push_quantity`].
pub fn quantity(value: f64, unit: Option<&str>, style: NumberStyle) -> String {
    let mut out = String::with_capacity(16);
    push_quantity(&mut out, value, unit, style);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const EN: NumberStyle = NumberStyle::English;
    const NL: NumberStyle = NumberStyle::Dutch;

    #[test]
    fn numbers_group_thousands_and_use_the_style_decimal_mark() {
        assert_eq!(number(120_000.0, EN), "120,000");
        assert_eq!(number(120_000.0, NL), "120.000");
        assert_eq!(number(1_234_567.891, EN), "1,234,567.89");
        assert_eq!(number(1_234_567.891, NL), "1.234.567,89");
        assert_eq!(number(99.5, EN), "99.5");
        assert_eq!(number(1.25, NL), "1,25");
        assert_eq!(number(92.0, EN), "92");
        assert_eq!(number(1500.0, NL), "1.500");
        assert_eq!(number(999.0, NL), "999");
    }

    #[test]
    fn rounding_matches_the_standard_formatter() {
        assert_eq!(number(2.675, EN), format!("{:.2}", 2.675_f64));
        assert_eq!(number(0.125, EN), format!("{:.2}", 0.125_f64));
        assert_eq!(number(99.999, EN), "100");
        assert_eq!(number_with(1.0006, 3, EN), "1.001");
    }

    #[test]
    fn negative_numbers_use_a_minus_sign_and_negative_zero_does_not() {
        assert_eq!(number(-1500.5, EN), "−1,500.5");
        assert_eq!(number(-0.0, EN), "0");
        assert_eq!(number(f64::NAN, EN), "–");
        assert_eq!(number(f64::INFINITY, EN), "–");
    }

    #[test]
    fn huge_and_tiny_numbers_are_scientific() {
        assert_eq!(number(1e308, EN), "1e308");
        assert_eq!(number(f64::MAX, EN), "1.8e308");
        assert_eq!(number(-1.234e20, NL), "−1,23e20");
        assert_eq!(number(999_999_999_999_999.0, EN), "999,999,999,999,999");
        assert_eq!(number(1e15, EN), "1e15");
        assert_eq!(number(2.5e-7, EN), "2.5e-7");
        assert_eq!(number(-0.001, EN), "−1e-3");
        assert_eq!(number(0.005, EN), "0.01");
        assert_eq!(number(0.0049, EN), "4.9e-3");
        assert_eq!(number(5e-324, EN), "4.94e-324");
        assert_eq!(number(0.0, EN), "0");
    }

    #[test]
    fn quantities_place_currency_signs_and_units_per_style() {
        assert_eq!(quantity(120_000.0, Some("€"), EN), "€120,000");
        assert_eq!(quantity(120_000.0, Some("€"), NL), "€\u{a0}120.000");
        assert_eq!(quantity(99.5, Some("%"), NL), "99,5%");
        assert_eq!(quantity(45.0, Some("points"), EN), "45\u{a0}points");
        assert_eq!(quantity(1.25, Some("dagen"), NL), "1,25\u{a0}dagen");
        assert_eq!(quantity(7.2, None, NL), "7,2");
        assert_eq!(quantity(1e308, Some("$"), EN), "$1e308");
    }

    #[test]
    fn typed_values_are_read_in_the_key_results_style() {
        assert_eq!(read("1.400", NL).unwrap().value, 1400.0);
        assert_eq!(read("2,125", NL).unwrap().value, 2.125);
        assert_eq!(read("1,400", EN).unwrap().value, 1400.0);
        assert_eq!(read("1.4", EN).unwrap().value, 1.4);
        assert_eq!(read("€ 1.250,50", NL).unwrap().value, 1250.5);
        assert!(
            read("1.4", NL).is_err(),
            "a lone full stop groups thousands in Dutch"
        );
        assert!(read("2,5", EN).is_err());
        let dagen = read("1,25 dagen", NL).unwrap();
        assert_eq!((dagen.value, dagen.unit.as_deref()), (1.25, Some("dagen")));
    }
}

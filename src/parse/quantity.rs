//! The VALUE of a one-line key result: `$900k`, `99.5%`, `7,2`, `250ms`,
//! `1.200.000 klanten`. Pure, so it is tested without files.

use crate::number::{CURRENCY_SIGNS, NumberStyle};

/// A number with what was written around it.
#[derive(Debug, Clone, PartialEq)]
pub struct Quantity {
    pub value: f64,
    pub currency: Option<char>,
    /// The unit written after the number (`%`, `ms`, `points`), if any.
    pub unit: Option<String>,
}

fn is_sign(c: char) -> bool {
    matches!(c, '-' | '+' | '−')
}

/// Does `text` start like a number (after an optional sign and currency)?
/// Text that does not is a word, and the key result is not a metric.
pub fn looks_numeric(text: &str) -> bool {
    let text = text.trim_start();
    let text = text.strip_prefix(is_sign).unwrap_or(text);
    let text = match text.strip_prefix(CURRENCY_SIGNS) {
        Some(rest) => rest.trim_start(),
        None => text,
    };
    let text = text.strip_prefix(is_sign).unwrap_or(text);
    text.starts_with(|c: char| c.is_ascii_digit())
}

/// Parses a VALUE. The error is a sentence saying what is wrong with it.
pub fn parse_quantity(text: &str, style: NumberStyle) -> Result<Quantity, String> {
    let original = text.trim();
    let mut rest = original;
    let mut negative = false;
    let mut currency = None;
    if let Some(after) = rest.strip_prefix(is_sign) {
        negative = rest.starts_with(['-', '−']);
        rest = after;
    }
    if let Some(c) = rest.chars().next().filter(|c| CURRENCY_SIGNS.contains(c)) {
        currency = Some(c);
        rest = rest[c.len_utf8()..].trim_start();
        if let Some(after) = rest.strip_prefix(is_sign) {
            negative ^= rest.starts_with(['-', '−']);
            rest = after;
        }
    }
    let number_len = scan_number(rest);
    if number_len == 0 {
        return Err(format!("`{original}` is not a number"));
    }
    let (number, after) = rest.split_at(number_len);
    let (exponent, after) = multiplier(after);
    let magnitude = match exact_value(number, style, exponent) {
        Some(magnitude) => magnitude,
        None => general_value(original, number, style, exponent)?,
    };
    if !magnitude.is_finite() {
        return Err(format!("`{original}` is too large"));
    }
    let unit = after.trim();
    Ok(Quantity {
        value: if negative { -magnitude } else { magnitude },
        currency,
        unit: (!unit.is_empty()).then(|| unit.to_string()),
    })
}

/// A multiplier (`k`, `M`, `B`) right after the digits, as a power of ten,
/// and the text after it; a letter after it makes it part of the unit.
fn multiplier(after: &str) -> (u8, &str) {
    let mut chars = after.chars();
    match (chars.next(), chars.next()) {
        (Some(m @ ('k' | 'K' | 'M' | 'B')), next) if !next.is_some_and(char::is_alphabetic) => {
            let exponent = match m {
                'k' | 'K' => 3,
                'M' => 6,
                _ => 9,
            };
            (exponent, &after[1..])
        }
        _ => (0, after),
    }
}

/// The usual value, `30` or `99.5` (no thousands separator, at most 15
/// digits), without the copies and the general parser that
/// [`general_value`] uses; the same float, or `None` to leave it to that.
fn exact_value(number: &str, style: NumberStyle, exponent: u8) -> Option<f64> {
    let (_, decimal) = style.separators();
    let (integer, fraction) = number.split_once(decimal).unwrap_or((number, ""));
    crate::number::exact_decimal(integer.as_bytes(), fraction.as_bytes(), exponent)
}

/// Any value [`scan_number`] found, through [`normalise_number`]'s rules
/// and `str::parse`.
fn general_value(
    original: &str,
    number: &str,
    style: NumberStyle,
    exponent: u8,
) -> Result<f64, String> {
    let mut digits = normalise_number(number, style).ok_or_else(|| {
        let (group, decimal) = style.separators();
        format!(
            "`{number}` is not a number in a{} {} key result, where `{group}` groups thousands and `{decimal}` is the decimal point",
            if style == NumberStyle::English { "n" } else { "" },
            style.name(),
        )
    })?;
    // The multiplier as an exponent of the text, so `1.1k` is read as
    // exactly 1100 (multiplying after would round); one digit, no `format!`.
    digits.push('e');
    digits.push(char::from(b'0' + exponent));
    digits
        .parse()
        .map_err(|_| format!("`{original}` is not a number"))
}

/// The length of the leading run of digits and separators; a separator only
/// counts when a digit follows it, so `45.` ends before the full stop.
fn scan_number(text: &str) -> usize {
    let bytes = text.as_bytes();
    if !bytes.first().is_some_and(u8::is_ascii_digit) {
        return 0;
    }
    let mut end = 0;
    while end < bytes.len() {
        match bytes[end] {
            b'0'..=b'9' => end += 1,
            b'.' | b',' if bytes.get(end + 1).is_some_and(u8::is_ascii_digit) => end += 1,
            _ => break,
        }
    }
    end
}

/// Turns `1,234.5` (English) or `1.234,5` (Dutch) into `1234.5`, or `None`
/// when the separators are not used the way the style uses them.
fn normalise_number(number: &str, style: NumberStyle) -> Option<String> {
    let (group, decimal) = style.separators();
    let (integer, fraction) = match number.split_once(decimal) {
        Some((integer, fraction)) => (integer, Some(fraction)),
        None => (number, None),
    };
    if fraction.is_some_and(|f| f.contains([group, decimal])) {
        return None;
    }
    let mut groups = integer.split(group);
    let first = groups.next()?;
    let grouped = integer.contains(group);
    if grouped && !(1..=3).contains(&first.len()) {
        return None;
    }
    let mut digits = first.to_string();
    for rest in groups {
        if rest.len() != 3 {
            return None;
        }
        digits.push_str(rest);
    }
    if let Some(fraction) = fraction {
        digits.push('.');
        digits.push_str(fraction);
    }
    Some(digits)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::number::NumberStyle::{Dutch, English};

    fn q(text: &str, style: NumberStyle) -> (f64, Option<char>, Option<String>) {
        let q = parse_quantity(text, style).unwrap();
        (q.value, q.currency, q.unit)
    }

    #[test]
    fn english_numbers_group_with_commas() {
        assert_eq!(q("30", English), (30.0, None, None));
        assert_eq!(q("99.5%", English), (99.5, None, Some("%".into())));
        assert_eq!(q("1,234,567.25", English).0, 1_234_567.25);
        assert_eq!(q("120000", English).0, 120_000.0);
        assert!(parse_quantity("7,2", English).is_err());
        assert!(parse_quantity("1,23,456", English).is_err());
        assert!(parse_quantity("1.2.3", English).is_err());
    }

    #[test]
    fn dutch_numbers_group_with_full_stops() {
        assert_eq!(q("7,2", Dutch).0, 7.2);
        assert_eq!(q("1.200.000", Dutch).0, 1_200_000.0);
        assert_eq!(q("€ 1.250,50", Dutch), (1250.5, Some('€'), None));
        let err = parse_quantity("2.5", Dutch).unwrap_err();
        assert!(err.contains("Dutch"), "{err}");
    }

    #[test]
    fn multipliers_follow_the_digits_directly() {
        assert_eq!(q("$900k", English), (900_000.0, Some('$'), None));
        assert_eq!(q("$2M", English), (2_000_000.0, Some('$'), None));
        assert_eq!(q("1.5B", English).0, 1_500_000_000.0);
        assert_eq!(
            q("2.3M users", English),
            (2_300_000.0, None, Some("users".into()))
        );
        assert_eq!(q("10K", English).0, 10_000.0);
        // A letter after the would-be multiplier makes it part of the unit.
        assert_eq!(q("5MB", English), (5.0, None, Some("MB".into())));
        assert_eq!(q("900kg", English), (900.0, None, Some("kg".into())));
        assert_eq!(q("250ms", English), (250.0, None, Some("ms".into())));
    }

    #[test]
    fn units_and_signs() {
        assert_eq!(q("45 points", English), (45.0, None, Some("points".into())));
        assert_eq!(q("-5", English).0, -5.0);
        assert_eq!(q("−5 °C", English), (-5.0, None, Some("°C".into())));
        assert_eq!(q("-$5k", English).0, -5000.0);
        assert_eq!(q("45.", English), (45.0, None, Some(".".into())));
    }

    #[test]
    fn the_exact_shortcut_reads_what_the_general_parser_reads() {
        // Digit strings of 1–17 digits, with and without a decimal point,
        // times every multiplier: where the shortcut answers (15 digits or
        // fewer, no thousands separator), its float is the general one.
        let mut seed = 0x2545_f491_4f6c_dd1d_u64;
        let mut answered = 0;
        for _ in 0..40_000 {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let digits = format!("{seed}");
            let len = 1 + (seed % 17) as usize;
            let mut text = digits[..len.min(digits.len())].to_string();
            let point = (seed >> 20) as usize % (text.len() + 1);
            if point > 0 && point < text.len() {
                text.insert(point, '.');
            }
            for style in [English, Dutch] {
                let number = match style {
                    English => text.clone(),
                    Dutch => text.replace('.', ","),
                };
                for exponent in [0, 3, 6, 9] {
                    let general = general_value(&number, &number, style, exponent).unwrap();
                    if let Some(exact) = exact_value(&number, style, exponent) {
                        answered += 1;
                        assert_eq!(exact.to_bits(), general.to_bits(), "{number}e{exponent}");
                    }
                }
            }
        }
        assert!(answered > 100_000, "{answered}");
        // Thousands separators, and the other style's point, are left to
        // the general rules (and their errors).
        assert_eq!(exact_value("1,234", English, 0), None);
        assert_eq!(exact_value("7,2", English, 0), None);
        assert_eq!(exact_value("2.5", Dutch, 0), None);
        assert_eq!(exact_value("1.234.567", Dutch, 3), None);
        assert_eq!(exact_value("1234567890123456", English, 0), None);
        assert_eq!(exact_value("0.30000000000000004", English, 0), None);
        assert_eq!(exact_value("1.1", English, 3), Some(1100.0));
        assert_eq!(exact_value("7,25", Dutch, 0), Some(7.25));
    }

    #[test]
    fn words_do_not_look_numeric() {
        assert!(looks_numeric(" $ 900k"));
        assert!(looks_numeric("-3"));
        assert!(!looks_numeric("Jenkins"));
        assert!(!looks_numeric("k8s"));
        assert!(!looks_numeric(""));
        assert!(parse_quantity("$", English).is_err());
    }
}

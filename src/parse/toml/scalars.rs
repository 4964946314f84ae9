//! Unquoted values: booleans, integers (decimal, hexadecimal, octal,
//! binary), floats, date-times, and the bare words that are none of these.

use std::borrow::Cow;

use super::datetime::{looks_like_datetime, parse_datetime};
use super::error::{Error, ErrorKind, Parsed};
use super::parser::{Parser, is_value_delimiter};
use super::tree::{Extent, Node, Payload};

/// Why an unquoted value was refused.
enum Problem {
    Syntax(Cow<'static, str>),
    /// Well-formed but impossible: only this value is lost.
    Value(ErrorKind, Cow<'static, str>),
}

fn syntax(message: impl Into<Cow<'static, str>>) -> Problem {
    Problem::Syntax(message.into())
}

impl Parser<'_> {
    /// An unquoted value, from here to the next delimiter.
    pub(super) fn scalar(&mut self) -> Parsed<u32> {
        let start = self.pos;
        let end = self.unquoted_end();
        if end == start {
            return Err(Error::at("missing value, expected value", start));
        }
        self.pos = end;
        let payload = match classify(&self.text[start..end]) {
            Ok(payload) => payload,
            Err(Problem::Syntax(message)) => return Err(Error::syntax(message, start..end)),
            Err(Problem::Value(kind, message)) => {
                self.doc.value_errors.push(Error {
                    kind,
                    message,
                    span: start..end,
                });
                Payload::Invalid
            }
        };
        let span = Extent::new(start, end);
        Ok(self.doc.push(Node::new(payload, span, 0)))
    }

    /// Where the unquoted value at `pos` ends. A date and a time may be
    /// separated by a space (`1979-05-27 07:32:00`), so, like the `toml`
    /// crate, a word after spaces is joined on and the whole is judged.
    fn unquoted_end(&self) -> usize {
        let bytes = self.bytes;
        let mut end = self.pos;
        loop {
            while end < bytes.len() && !is_value_delimiter(bytes[end]) {
                end += 1;
            }
            let mut next = end;
            while let Some(b' ' | b'\t') = bytes.get(next) {
                next += 1;
            }
            match bytes.get(next) {
                Some(&b)
                    if next > end
                        && !is_value_delimiter(b)
                        && !matches!(b, b'"' | b'\'' | b'.') =>
                {
                    end = next;
                }
                _ => return end,
            }
        }
    }
}

fn classify(text: &str) -> Result<Payload, Problem> {
    let raw = text.as_bytes();
    // The common case first: a small decimal integer.
    if raw.len() <= 18 && raw.iter().all(u8::is_ascii_digit) && (raw.len() == 1 || raw[0] != b'0') {
        let value = raw.iter().fold(0i64, |n, &d| n * 10 + i64::from(d - b'0'));
        return Ok(Payload::Integer(value));
    }
    if let Some(value) = plain_fraction(raw) {
        return Ok(Payload::Float(value));
    }
    match raw {
        b"true" => return Ok(Payload::Boolean(true)),
        b"false" => return Ok(Payload::Boolean(false)),
        b"inf" | b"+inf" => return Ok(Payload::Float(f64::INFINITY)),
        b"-inf" => return Ok(Payload::Float(f64::NEG_INFINITY)),
        b"nan" | b"+nan" => return Ok(Payload::Float(f64::NAN)),
        b"-nan" => return Ok(Payload::Float(-f64::NAN)),
        _ => {}
    }
    if looks_like_datetime(raw) {
        return parse_datetime(raw)
            .map(Payload::Datetime)
            .map_err(|message| Problem::Value(ErrorKind::InvalidDatetime, message.into()));
    }
    let unsigned = raw
        .strip_prefix(b"+")
        .or(raw.strip_prefix(b"-"))
        .unwrap_or(raw);
    match unsigned.first() {
        Some(b'0'..=b'9' | b'.' | b'_') => number(text),
        _ if raw.eq_ignore_ascii_case(b"true") => Err(syntax("invalid boolean, expected `true`")),
        _ if raw.eq_ignore_ascii_case(b"false") => Err(syntax("invalid boolean, expected `false`")),
        _ if unsigned.eq_ignore_ascii_case(b"inf") => Err(syntax("invalid float, expected `inf`")),
        _ if unsigned.eq_ignore_ascii_case(b"nan") => Err(syntax("invalid float, expected `nan`")),
        _ => Err(syntax(
            "string values must be quoted, expected literal string",
        )),
    }
}

/// The common float, `0.8` or `12.25`: unsigned, digits on both sides of the
/// point, no leading zero, no underscore, no exponent, at most 15 digits, so
/// [`crate::number::exact_decimal`] makes the float `str::parse` gives
/// (its own fast path); skipping the grammar's checks and the general
/// parser saves most of a float's cost. Anything else returns `None`, and
/// [`number`]'s grammar, the home of these rules (a leading zero among
/// them), reads it and says what is wrong.
fn plain_fraction(raw: &[u8]) -> Option<f64> {
    let point = raw.iter().position(|&b| b == b'.')?;
    let (integer, fraction) = (&raw[..point], &raw[point + 1..]);
    let leading_zero = integer.len() > 1 && integer[0] == b'0';
    if integer.is_empty() || fraction.is_empty() || leading_zero {
        return None;
    }
    crate::number::exact_decimal(integer, fraction, 0)
}

/// Why a run of digits is not one.
enum Digits {
    Missing,
    /// An `_` not between two digits.
    Underscore,
}

impl Digits {
    fn describe(self, what: &str) -> Problem {
        match self {
            Digits::Missing => syntax(format!("{what}, expected digits")),
            Digits::Underscore => syntax("`_` may only go between digits"),
        }
    }
}

/// Digits of `radix` from `start`, with single underscores between them;
/// returns where they end.
fn digit_run(s: &[u8], start: usize, radix: u32) -> Result<usize, Digits> {
    let is_digit = |b: u8| (b as char).is_digit(radix);
    let mut i = start;
    while let Some(&b) = s.get(i) {
        if b == b'_' {
            let between =
                i > start && is_digit(s[i - 1]) && s.get(i + 1).is_some_and(|&next| is_digit(next));
            if !between {
                return Err(Digits::Underscore);
            }
        } else if !is_digit(b) {
            break;
        }
        i += 1;
    }
    if i == start {
        Err(Digits::Missing)
    } else {
        Ok(i)
    }
}

/// The value of digits of `radix` (underscores skipped), if it fits a u64.
fn accumulate(digits: &[u8], radix: u32) -> Option<u64> {
    digits
        .iter()
        .filter(|&&b| b != b'_')
        .try_fold(0u64, |n, &b| {
            let digit = (b as char).to_digit(radix)?;
            n.checked_mul(u64::from(radix))?
                .checked_add(u64::from(digit))
        })
}

fn out_of_range() -> Problem {
    Problem::Value(
        ErrorKind::IntegerOutOfRange,
        "invalid integer, expected a number from -9223372036854775808 to 9223372036854775807"
            .into(),
    )
}

fn number(text: &str) -> Result<Payload, Problem> {
    let raw = text.as_bytes();
    let (negative, signed, body) = match raw.first() {
        Some(b'+') => (false, true, &raw[1..]),
        Some(b'-') => (true, true, &raw[1..]),
        _ => (false, false, raw),
    };
    if let [
        b'0',
        prefix @ (b'x' | b'o' | b'b' | b'X' | b'O' | b'B'),
        digits @ ..,
    ] = body
    {
        let lower = prefix.to_ascii_lowercase();
        if prefix.is_ascii_uppercase() {
            return Err(syntax(format!(
                "radix must be lowercase, expected `0{}`",
                lower as char
            )));
        }
        if signed {
            return Err(syntax("integers with a radix cannot be signed"));
        }
        let (radix, what) = match lower {
            b'x' => (16, "invalid hexadecimal number"),
            b'o' => (8, "invalid octal number"),
            _ => (2, "invalid binary number"),
        };
        let end = digit_run(digits, 0, radix).map_err(|e| e.describe(what))?;
        if end != digits.len() {
            return Err(syntax(what));
        }
        return match accumulate(digits, radix) {
            Some(n) if n <= i64::MAX as u64 => Ok(Payload::Integer(n as i64)),
            _ => Err(out_of_range()),
        };
    }
    let int_end = digit_run(body, 0, 10).map_err(|e| e.describe("invalid integer number"))?;
    if body[0] == b'0' && int_end > 1 {
        return Err(syntax("unexpected leading zero"));
    }
    let mut end = int_end;
    let mut float = false;
    if body.get(end) == Some(&b'.') {
        float = true;
        end = digit_run(body, end + 1, 10).map_err(|e| e.describe("invalid fraction"))?;
    }
    if let Some(b'e' | b'E') = body.get(end) {
        float = true;
        end += 1;
        if let Some(b'+' | b'-') = body.get(end) {
            end += 1;
        }
        end = digit_run(body, end, 10).map_err(|e| e.describe("invalid exponent"))?;
    }
    if end != body.len() {
        return Err(syntax(if float {
            "invalid float"
        } else {
            "invalid integer number"
        }));
    }
    if float {
        return parse_float(text);
    }
    let limit = i64::MAX as u64 + u64::from(negative);
    match accumulate(body, 10) {
        Some(n) if n <= limit => Ok(Payload::Integer(if negative {
            (n as i64).wrapping_neg()
        } else {
            n as i64
        })),
        _ => Err(out_of_range()),
    }
}

/// A float already checked against TOML's grammar. One too large for an
/// f64 becomes infinity, as the `toml` crate leaves it; okrc asks for
/// finite numbers where it reads them.
fn parse_float(text: &str) -> Result<Payload, Problem> {
    let text: Cow<'_, str> = if text.contains('_') {
        text.replace('_', "").into()
    } else {
        text.into()
    };
    text.parse::<f64>()
        .map(Payload::Float)
        .map_err(|_| syntax("invalid float"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn value(raw: &str) -> String {
        match classify(raw) {
            Ok(Payload::Integer(i)) => format!("integer {i}"),
            Ok(Payload::Float(f)) => format!("float {f:?}"),
            Ok(Payload::Boolean(b)) => format!("boolean {b}"),
            Ok(Payload::Datetime(dt)) => format!("datetime {dt}"),
            Ok(_) => "other".into(),
            Err(Problem::Syntax(message)) => format!("syntax: {message}"),
            Err(Problem::Value(_, message)) => format!("value: {message}"),
        }
    }

    #[test]
    fn integers_in_every_radix() {
        assert_eq!(value("42"), "integer 42");
        assert_eq!(value("+1_000"), "integer 1000");
        assert_eq!(value("-17"), "integer -17");
        assert_eq!(value("0"), "integer 0");
        assert_eq!(value("-0"), "integer 0");
        assert_eq!(value("0xDEAD_beef"), "integer 3735928559");
        assert_eq!(value("0o755"), "integer 493");
        assert_eq!(value("0b1101"), "integer 13");
        assert_eq!(
            value("-9223372036854775808"),
            "integer -9223372036854775808"
        );
        assert_eq!(value("9223372036854775807"), "integer 9223372036854775807");
    }

    #[test]
    fn integers_that_toml_forbids() {
        assert_eq!(value("012"), "syntax: unexpected leading zero");
        assert_eq!(value("1__0"), "syntax: `_` may only go between digits");
        assert_eq!(value("1_"), "syntax: `_` may only go between digits");
        assert_eq!(value("_1"), "syntax: `_` may only go between digits");
        assert_eq!(
            value("+0x1"),
            "syntax: integers with a radix cannot be signed"
        );
        assert_eq!(
            value("0X1"),
            "syntax: radix must be lowercase, expected `0x`"
        );
        assert_eq!(value("0b102"), "syntax: invalid binary number");
        assert!(value("9223372036854775808").starts_with("value: invalid integer"));
        assert!(value("0xffffffffffffffff").starts_with("value: invalid integer"));
    }

    #[test]
    fn floats_and_their_forbidden_forms() {
        assert_eq!(value("3.14"), "float 3.14");
        assert_eq!(value("-0.0"), "float -0.0");
        assert_eq!(value("5e+22"), "float 5e22");
        assert_eq!(value("1E06"), "float 1000000.0");
        assert_eq!(value("6.626e-34"), "float 6.626e-34");
        assert_eq!(value("9_224_617.445_991"), "float 9224617.445991");
        assert_eq!(value("-inf"), "float -inf");
        assert_eq!(value("nan"), "float NaN");
        assert_eq!(value("1."), "syntax: invalid fraction, expected digits");
        assert_eq!(
            value(".5"),
            "syntax: invalid integer number, expected digits"
        );
        assert_eq!(value("1e"), "syntax: invalid exponent, expected digits");
        assert_eq!(value("01.5"), "syntax: unexpected leading zero");
        assert_eq!(value("1.5x"), "syntax: invalid float");
    }

    #[test]
    fn plain_fractions_read_as_the_general_parser_reads_them() {
        for text in [
            "0.8",
            "12.25",
            "0.1",
            "0.3",
            "1.0",
            "99.5",
            "123456789.012345",
            "0.00000000000001",
            "900719925.474099",
            "4.35",
            "0.12345678901234",
            "999999999999.999",
        ] {
            let expected: f64 = text.parse().unwrap();
            assert_eq!(
                plain_fraction(text.as_bytes()).map(f64::to_bits),
                Some(expected.to_bits()),
                "{text}"
            );
            assert_eq!(value(text), format!("float {expected:?}"));
        }
        // Beyond 15 digits, or not plain: left to the full grammar.
        for text in [
            // 16 digits can pass 2^53: no longer one exact division.
            "1.234567890123456",
            "0.1234567890123456",
            "01.5",
            "1.",
            ".5",
            "1.5e3",
            "1_0.5",
            "-0.5",
            "1.2.3",
            "1.x",
        ] {
            assert_eq!(plain_fraction(text.as_bytes()), None, "{text}");
        }
        assert_eq!(value("0.12345678901234567"), "float 0.12345678901234566");
        assert_eq!(value("1.2.3"), "syntax: invalid float");
    }

    #[test]
    fn bare_words_must_be_quoted() {
        assert_eq!(value("true"), "boolean true");
        assert_eq!(value("True"), "syntax: invalid boolean, expected `true`");
        assert_eq!(value("Inf"), "syntax: invalid float, expected `inf`");
        assert_eq!(
            value("team"),
            "syntax: string values must be quoted, expected literal string"
        );
        assert_eq!(
            value("2026-02-30"),
            "value: invalid date, expected day between 01 and 28"
        );
    }
}

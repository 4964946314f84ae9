//! The four TOML date-time forms: offset date-time, local date-time, local
//! date and local time, validated down to the day of the month.
//!
//! TOML 1.1 makes the seconds optional (`07:32`) and lets a space or a
//! lowercase `t` stand for the `T`. Fractions beyond nanoseconds are
//! truncated, as the specification asks. Messages follow `toml_datetime`'s
//! ("invalid date, expected day between 01 and 28"), which okrc shows users.

use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    pub year: u16,
    pub month: u8,
    pub day: u8,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Time {
    pub hour: u8,
    pub minute: u8,
    /// `None` when the seconds were left out (TOML 1.1).
    pub second: Option<u8>,
    /// `None` when there was no fraction.
    pub nanosecond: Option<u32>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Offset {
    /// `Z`: UTC.
    Z,
    /// `+HH:MM` or `-HH:MM`, in minutes east of UTC.
    Minutes(i16),
}

/// A TOML date-time value; which parts are present tells the form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Datetime {
    pub date: Option<Date>,
    pub time: Option<Time>,
    /// Only with both a date and a time.
    pub offset: Option<Offset>,
}

/// Why a date-time is invalid, as the user will read it.
pub(super) type Invalid = &'static str;

/// Could `raw` (an unquoted value) be meant as a date-time? True when digits
/// are followed by `-` or `:`, the way the `toml` crate tells: such a value
/// is then judged as a date-time, so `2026-02-30` is an invalid date rather
/// than a bad number.
pub(super) fn looks_like_datetime(raw: &[u8]) -> bool {
    let raw = raw
        .strip_prefix(b"+")
        .or(raw.strip_prefix(b"-"))
        .unwrap_or(raw);
    let digits = raw.iter().take_while(|b| b.is_ascii_digit()).count();
    digits > 0 && matches!(raw.get(digits), Some(b'-' | b':'))
}

/// Parses and validates a date-time.
pub(super) fn parse_datetime(raw: &[u8]) -> Result<Datetime, Invalid> {
    let mut cursor = Cursor { raw, pos: 0 };
    let first = cursor.digits();
    if first.is_empty() {
        return Err("invalid datetime, expected year or hour");
    }
    let (date, has_time) = match cursor.peek() {
        Some(b'-') => {
            let date = cursor.date(first)?;
            match cursor.peek() {
                Some(b'T' | b't' | b' ') => {
                    cursor.pos += 1;
                    (Some(date), true)
                }
                None => (Some(date), false),
                Some(_) => return Err("invalid date-time, expected `T` between date and time"),
            }
        }
        Some(b':') => {
            cursor.pos = 0;
            (None, true)
        }
        _ => return Err("invalid datetime, expected `-` (YYYY-MM) or `:` (HH:MM)"),
    };
    let time = if has_time { Some(cursor.time()?) } else { None };
    let offset = match (date, time) {
        (Some(_), Some(_)) => cursor.offset()?,
        _ => None,
    };
    if cursor.pos != raw.len() {
        return Err("invalid datetime");
    }
    Ok(Datetime { date, time, offset })
}

struct Cursor<'r> {
    raw: &'r [u8],
    pos: usize,
}

impl<'r> Cursor<'r> {
    fn peek(&self) -> Option<u8> {
        self.raw.get(self.pos).copied()
    }

    /// A run of digits (possibly empty), as written.
    fn digits(&mut self) -> &'r [u8] {
        let start = self.pos;
        while self.peek().is_some_and(|b| b.is_ascii_digit()) {
            self.pos += 1;
        }
        &self.raw[start..self.pos]
    }

    fn expect(&mut self, byte: u8, invalid: Invalid) -> Result<(), Invalid> {
        if self.peek() == Some(byte) {
            self.pos += 1;
            Ok(())
        } else {
            Err(invalid)
        }
    }

    /// `YYYY-MM-DD`, with `year` already read and the cursor on the `-`.
    fn date(&mut self, year: &[u8]) -> Result<Date, Invalid> {
        self.expect(b'-', "invalid date, expected `-` (YYYY-MM)")?;
        let month = self.digits();
        if month.is_empty() {
            return Err("invalid date, expected month");
        }
        self.expect(b'-', "invalid date, expected `-` (MM-DD)")?;
        let day = self.digits();
        if day.is_empty() {
            return Err("invalid date, expected day");
        }
        if year.len() != 4 {
            return Err("invalid date, expected a four-digit year (YYYY)");
        }
        if month.len() != 2 {
            return Err("invalid date, expected a two-digit month (MM)");
        }
        if day.len() != 2 {
            return Err("invalid date, expected a two-digit day (DD)");
        }
        let year = number(year) as u16;
        let (month, day) = (number(month) as u8, number(day) as u8);
        if !(1..=12).contains(&month) {
            return Err("invalid date, expected month between 01 and 12");
        }
        let leap =
            year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400));
        let (last, invalid) = match month {
            2 if leap => (29, "invalid date, expected day between 01 and 29"),
            2 => (28, "invalid date, expected day between 01 and 28"),
            4 | 6 | 9 | 11 => (30, "invalid date, expected day between 01 and 30"),
            _ => (31, "invalid date, expected day between 01 and 31"),
        };
        if !(1..=last).contains(&day) {
            return Err(invalid);
        }
        Ok(Date { year, month, day })
    }

    /// `HH:MM[:SS[.fraction]]`.
    fn time(&mut self) -> Result<Time, Invalid> {
        let hour = self.digits();
        if hour.is_empty() {
            return Err("invalid time, expected hour");
        }
        self.expect(b':', "invalid time, expected `:` (HH:MM)")?;
        let minute = self.digits();
        if minute.is_empty() {
            return Err("invalid time, expected minute");
        }
        let mut second = None;
        let mut nanosecond = None;
        if self.peek() == Some(b':') {
            self.pos += 1;
            let digits = self.digits();
            if digits.is_empty() {
                return Err("invalid time, expected second");
            }
            second = Some(digits);
            if self.peek() == Some(b'.') {
                self.pos += 1;
                let fraction = self.digits();
                if fraction.is_empty() {
                    return Err("invalid time, expected nanosecond");
                }
                nanosecond = Some(nanoseconds(fraction));
            }
        }
        if hour.len() != 2 {
            return Err("invalid time, expected a two-digit hour (HH)");
        }
        if minute.len() != 2 {
            return Err("invalid time, expected a two-digit minute (MM)");
        }
        if second.as_ref().is_some_and(|s| s.len() != 2) {
            return Err("invalid time, expected a two-digit second (SS)");
        }
        let (hour, minute) = (number(hour) as u8, number(minute) as u8);
        let second = second.map(|s| number(s) as u8);
        if hour > 23 {
            return Err("invalid time, expected hour between 00 and 23");
        }
        if minute > 59 {
            return Err("invalid time, expected minute between 00 and 59");
        }
        if second.is_some_and(|s| s > 60) {
            return Err("invalid time, expected second between 00 and 60");
        }
        Ok(Time {
            hour,
            minute,
            second,
            nanosecond,
        })
    }

    /// `Z`, `+HH:MM`, `-HH:MM` or nothing.
    fn offset(&mut self) -> Result<Option<Offset>, Invalid> {
        let sign = match self.peek() {
            None => return Ok(None),
            Some(b'Z' | b'z') => {
                self.pos += 1;
                return Ok(Some(Offset::Z));
            }
            Some(b'+') => 1,
            Some(b'-') => -1,
            Some(_) => return Err("invalid offset, expected `Z`, +OFFSET, -OFFSET"),
        };
        self.pos += 1;
        let hours = self.digits();
        if hours.is_empty() {
            return Err("invalid offset, expected hour");
        }
        self.expect(b':', "invalid offset, expected `:` (HH:MM)")?;
        let minutes = self.digits();
        if minutes.is_empty() {
            return Err("invalid offset, expected minute");
        }
        if hours.len() != 2 {
            return Err("invalid offset, expected a two-digit hour (HH)");
        }
        if minutes.len() != 2 {
            return Err("invalid offset, expected a two-digit minute (MM)");
        }
        let (hours, minutes) = (number(hours) as i16, number(minutes) as i16);
        if hours > 23 {
            return Err("invalid offset, expected hours between 00 and 23");
        }
        if minutes > 59 {
            return Err("invalid offset, expected minutes between 00 and 59");
        }
        Ok(Some(Offset::Minutes(sign * (hours * 60 + minutes))))
    }
}

/// The value of at most four ASCII digits.
fn number(digits: &[u8]) -> u32 {
    digits.iter().fold(0, |n, d| n * 10 + u32::from(d - b'0'))
}

/// A fraction of a second in nanoseconds, truncated past the ninth digit.
fn nanoseconds(fraction: &[u8]) -> u32 {
    (0..9).fold(0, |n, i| {
        n * 10 + fraction.get(i).map_or(0, |d| u32::from(d - b'0'))
    })
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl fmt::Display for Time {
    /// Always with seconds, the way RFC 3339 (and toml-test) writes them.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let second = self.second.unwrap_or(0);
        write!(f, "{:02}:{:02}:{second:02}", self.hour, self.minute)?;
        if let Some(nanosecond) = self.nanosecond {
            let digits = format!("{nanosecond:09}");
            write!(f, ".{}", digits.trim_end_matches('0').max("0"))?;
        }
        Ok(())
    }
}

impl fmt::Display for Datetime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(date) = &self.date {
            write!(f, "{date}")?;
        }
        if let Some(time) = &self.time {
            if self.date.is_some() {
                f.write_str("T")?;
            }
            write!(f, "{time}")?;
        }
        match self.offset {
            Some(Offset::Z) => f.write_str("Z"),
            Some(Offset::Minutes(minutes)) => {
                let sign = if minutes < 0 { '-' } else { '+' };
                let minutes = minutes.unsigned_abs();
                write!(f, "{sign}{:02}:{:02}", minutes / 60, minutes % 60)
            }
            None => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(raw: &str) -> Result<String, Invalid> {
        parse_datetime(raw.as_bytes()).map(|dt| dt.to_string())
    }

    #[test]
    fn the_four_forms_round_trip() {
        assert_eq!(
            parse("1979-05-27T07:32:00Z").as_deref(),
            Ok("1979-05-27T07:32:00Z")
        );
        assert_eq!(
            parse("1979-05-27 00:32:00.999999-07:00").as_deref(),
            Ok("1979-05-27T00:32:00.999999-07:00")
        );
        assert_eq!(
            parse("1979-05-27t07:32:00").as_deref(),
            Ok("1979-05-27T07:32:00")
        );
        assert_eq!(parse("2026-12-31").as_deref(), Ok("2026-12-31"));
        assert_eq!(parse("07:32").as_deref(), Ok("07:32:00"));
        assert_eq!(
            parse("07:32:00.1234567891").as_deref(),
            Ok("07:32:00.123456789")
        );
    }

    #[test]
    fn impossible_dates_say_what_was_expected() {
        assert_eq!(
            parse("2026-02-30"),
            Err("invalid date, expected day between 01 and 28")
        );
        assert_eq!(parse("2024-02-29").as_deref(), Ok("2024-02-29"));
        assert_eq!(
            parse("1900-02-29").map(|_| ()),
            Err("invalid date, expected day between 01 and 28")
        );
        assert_eq!(
            parse("2026-13-01"),
            Err("invalid date, expected month between 01 and 12")
        );
        assert_eq!(
            parse("2026-1-01"),
            Err("invalid date, expected a two-digit month (MM)")
        );
        assert_eq!(
            parse("24:00:00"),
            Err("invalid time, expected hour between 00 and 23")
        );
        assert_eq!(
            parse("2026-01-01T00:00:00+24:00"),
            Err("invalid offset, expected hours between 00 and 23")
        );
        assert!(parse("2026-01-01T").is_err());
        assert!(parse("2026-01-01 x").is_err());
        assert!(parse("07:32:00Z").is_err());
        assert!(parse("2026-01-01T07:32:00.").is_err());
    }

    #[test]
    fn only_digits_then_a_dash_or_colon_look_like_a_datetime() {
        assert!(looks_like_datetime(b"2026-01-01"));
        assert!(looks_like_datetime(b"07:32"));
        assert!(!looks_like_datetime(b"-2026"));
        assert!(looks_like_datetime(b"-2026-01-01"));
        assert!(!looks_like_datetime(b"1e-5"));
        assert!(!looks_like_datetime(b"12"));
    }
}

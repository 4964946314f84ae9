//! Periods: the named spans of time OKRs are set for (`2026`, `2026-Q4`,
//! `2026-11`, or a custom `FY27-H1` from `okrc.toml`), and their arithmetic.

use std::cmp::Reverse;
use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use serde::Serialize;

/// A named period with inclusive start and end dates.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Period {
    pub name: String,
    pub start: NaiveDate,
    pub end: NaiveDate,
}

impl Period {
    /// Parses a built-in period name: `YYYY`, `YYYY-H1`, `YYYY-Q3`, `YYYY-MM`.
    pub fn builtin(name: &str) -> Option<Period> {
        let year: i32 = match name.get(..4) {
            Some(digits) if digits.bytes().all(|b| b.is_ascii_digit()) => digits.parse().ok()?,
            _ => return None,
        };
        let (first_month, months) = match &name[4..] {
            "" => (1, 12),
            "-H1" => (1, 6),
            "-H2" => (7, 6),
            rest => match rest.strip_prefix("-Q") {
                Some(q @ ("1" | "2" | "3" | "4")) => ((q.parse::<u32>().ok()? - 1) * 3 + 1, 3),
                Some(_) => return None,
                None => {
                    let month = rest.strip_prefix('-')?;
                    if month.len() != 2 || !month.bytes().all(|b| b.is_ascii_digit()) {
                        return None;
                    }
                    match month.parse::<u32>().ok()? {
                        month @ 1..=12 => (month, 1),
                        _ => return None,
                    }
                }
            },
        };
        let start = NaiveDate::from_ymd_opt(year, first_month, 1)?;
        let end = start
            .checked_add_months(chrono::Months::new(months))?
            .pred_opt()?;
        Some(Period {
            name: name.to_string(),
            start,
            end,
        })
    }

    /// Does this period contain `other`? A period contains itself.
    pub fn contains(&self, other: &Period) -> bool {
        self.start <= other.start && other.end <= self.end
    }

    pub fn contains_date(&self, date: NaiveDate) -> bool {
        self.start <= date && date <= self.end
    }

    /// The length in days, both ends included.
    pub fn days(&self) -> i64 {
        (self.end - self.start).num_days() + 1
    }

    pub fn has_ended(&self, today: NaiveDate) -> bool {
        today > self.end
    }

    /// Chronological order: earlier start first, and of two periods starting
    /// together the longer (containing) one first.
    pub fn order_key(&self) -> (NaiveDate, Reverse<NaiveDate>, &str) {
        (self.start, Reverse(self.end), &self.name)
    }
}

/// The period a reader means by "now" (the site's overview, `okrc status`
/// without `--period`): of the periods containing `today`, the shortest (the
/// quarter rather than the year); else the latest, the one ending last.
/// Ties go to the period starting later, then to the name first in
/// alphabetical order, so the answer never depends on the order given.
pub fn current_period(periods: &[Period], today: NaiveDate) -> Option<&Period> {
    let newest_first = |p: &&Period| (Reverse(p.start), p.name.clone());
    let containing = periods
        .iter()
        .filter(|p| p.contains_date(today))
        .min_by_key(|p| (p.days(), newest_first(p)));
    containing.or_else(|| {
        periods
            .iter()
            .min_by_key(|p| (Reverse(p.end), newest_first(p)))
    })
}

/// Every period a workspace can name: the built-in ones plus `[periods]`.
#[derive(Debug, Clone, Default)]
pub struct PeriodCatalog {
    custom: BTreeMap<String, Period>,
}

impl PeriodCatalog {
    pub fn new(custom: impl IntoIterator<Item = Period>) -> Self {
        PeriodCatalog {
            custom: custom.into_iter().map(|p| (p.name.clone(), p)).collect(),
        }
    }

    pub fn lookup(&self, name: &str) -> Option<Period> {
        self.custom
            .get(name)
            .cloned()
            .or_else(|| Period::builtin(name))
    }

    pub fn custom_names(&self) -> impl Iterator<Item = &str> {
        self.custom.keys().map(String::as_str)
    }
}

/// The help line for a period name that does not resolve.
pub fn period_name_help(catalog: &PeriodCatalog) -> String {
    let mut help = String::from(
        "use a built-in period (`2026`, `2026-H2`, `2026-Q4`, `2026-11`) or define it under [periods] in okrc.toml",
    );
    let custom: Vec<_> = catalog.custom_names().collect();
    if !custom.is_empty() {
        help.push_str("; custom periods: ");
        help.push_str(&custom.join(", "));
    }
    help
}

/// Whole days from `from` to `to` (negative when `to` is earlier).
pub fn days_between(from: NaiveDate, to: NaiveDate) -> i64 {
    (to - from).num_days()
}

/// The date as `YYYY-MM-DD`, the only form okrc reads and writes.
pub fn format_date(date: NaiveDate) -> String {
    format!("{:04}-{:02}-{:02}", date.year(), date.month(), date.day())
}

/// Parses a strict `YYYY-MM-DD` date.
pub fn parse_date(text: &str) -> Option<NaiveDate> {
    let bytes = text.as_bytes();
    let shape_ok = bytes.len() == 10
        && bytes[4] == b'-'
        && bytes[7] == b'-'
        && bytes
            .iter()
            .enumerate()
            .all(|(i, b)| i == 4 || i == 7 || b.is_ascii_digit());
    if !shape_ok {
        return None;
    }
    NaiveDate::from_ymd_opt(
        text[..4].parse().ok()?,
        text[5..7].parse().ok()?,
        text[8..].parse().ok()?,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(s: &str) -> NaiveDate {
        parse_date(s).unwrap()
    }

    fn span(name: &str) -> (String, String) {
        let p = Period::builtin(name).unwrap();
        (format_date(p.start), format_date(p.end))
    }

    #[test]
    fn builtin_periods_cover_their_calendar_span() {
        assert_eq!(span("2026"), ("2026-01-01".into(), "2026-12-31".into()));
        assert_eq!(span("2026-H1"), ("2026-01-01".into(), "2026-06-30".into()));
        assert_eq!(span("2026-H2"), ("2026-07-01".into(), "2026-12-31".into()));
        assert_eq!(span("2026-Q1"), ("2026-01-01".into(), "2026-03-31".into()));
        assert_eq!(span("2026-Q3"), ("2026-07-01".into(), "2026-09-30".into()));
        assert_eq!(span("2026-Q4"), ("2026-10-01".into(), "2026-12-31".into()));
        assert_eq!(span("2024-02"), ("2024-02-01".into(), "2024-02-29".into()));
        assert_eq!(span("2026-12"), ("2026-12-01".into(), "2026-12-31".into()));
    }

    #[test]
    fn malformed_period_names_are_not_builtin() {
        for name in [
            "",
            "26",
            "2026-Q5",
            "2026-Q0",
            "2026-H3",
            "2026-13",
            "2026-00",
            "2026-1",
            "2026-q4",
            "2026-Q4x",
            "20a6",
            "2026-",
            "2026-M1",
            "２０２６",
        ] {
            assert_eq!(Period::builtin(name), None, "{name}");
        }
    }

    #[test]
    fn containment_is_inclusive_and_reflexive() {
        let year = Period::builtin("2026").unwrap();
        let q4 = Period::builtin("2026-Q4").unwrap();
        let nov = Period::builtin("2026-11").unwrap();
        assert!(year.contains(&q4));
        assert!(q4.contains(&nov));
        assert!(q4.contains(&q4));
        assert!(!q4.contains(&year));
        assert!(!Period::builtin("2026-Q3").unwrap().contains(&nov));
        assert!(q4.contains_date(date("2026-10-01")));
        assert!(q4.contains_date(date("2026-12-31")));
        assert!(!q4.contains_date(date("2027-01-01")));
        assert_eq!(q4.days(), 92);
        assert_eq!(year.days(), 365);
    }

    #[test]
    fn custom_periods_are_found_before_builtin_ones() {
        let fy = Period {
            name: "FY27-H1".into(),
            start: date("2026-07-01"),
            end: date("2026-12-31"),
        };
        let catalog = PeriodCatalog::new([fy.clone()]);
        assert_eq!(catalog.lookup("FY27-H1"), Some(fy));
        assert!(catalog.lookup("2026-Q4").is_some());
        assert_eq!(catalog.lookup("FY28"), None);
    }

    #[test]
    fn chronological_order_puts_containers_first() {
        let mut periods: Vec<Period> = ["2026-Q4", "2026-Q3", "2026", "2026-H2"]
            .iter()
            .map(|n| Period::builtin(n).unwrap())
            .collect();
        periods.sort_by(|a, b| a.order_key().cmp(&b.order_key()));
        let names: Vec<_> = periods.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["2026", "2026-H2", "2026-Q3", "2026-Q4"]);
    }

    fn custom(name: &str, start: &str, end: &str) -> Period {
        Period {
            name: name.into(),
            start: date(start),
            end: date(end),
        }
    }

    #[test]
    fn the_current_period_is_the_shortest_containing_today_else_the_latest() {
        let periods = vec![
            Period::builtin("2026").unwrap(),
            Period::builtin("2026-Q3").unwrap(),
            Period::builtin("2026-Q4").unwrap(),
        ];
        let name = |today: &str| current_period(&periods, date(today)).map(|p| p.name.clone());
        assert_eq!(name("2026-11-27").as_deref(), Some("2026-Q4"));
        // The first and last day of a period are in it.
        assert_eq!(name("2026-10-01").as_deref(), Some("2026-Q4"));
        assert_eq!(name("2026-09-30").as_deref(), Some("2026-Q3"));
        assert_eq!(name("2026-03-01").as_deref(), Some("2026"));
        // Outside every period: the one ending last, the shorter of two.
        assert_eq!(name("2027-03-01").as_deref(), Some("2026-Q4"));
        assert_eq!(name("2025-01-01").as_deref(), Some("2026-Q4"));
        assert!(current_period(&[], date("2026-11-27")).is_none());
    }

    #[test]
    fn the_current_period_breaks_ties_by_later_start_then_name() {
        let a = custom("Sprint-A", "2026-11-01", "2026-11-14");
        let b = custom("Sprint-B", "2026-11-08", "2026-11-21");
        for periods in [vec![a.clone(), b.clone()], vec![b.clone(), a.clone()]] {
            let now = current_period(&periods, date("2026-11-10")).unwrap();
            assert_eq!(now.name, "Sprint-B");
        }
        let c = custom("C", "2026-11-01", "2026-11-14");
        for periods in [vec![a.clone(), c.clone()], vec![c.clone(), a.clone()]] {
            assert_eq!(
                current_period(&periods, date("2026-11-10")).unwrap().name,
                "C"
            );
        }
        // After both: the one ending last, although it started earlier.
        let late = custom("Late", "2026-07-01", "2026-09-30");
        let short = custom("Short", "2026-08-01", "2026-09-15");
        for periods in [
            vec![late.clone(), short.clone()],
            vec![short.clone(), late.clone()],
        ] {
            assert_eq!(
                current_period(&periods, date("2027-01-01")).unwrap().name,
                "Late"
            );
        }
    }

    #[test]
    fn dates_are_strict_iso() {
        assert_eq!(parse_date("2026-02-28"), Some(date("2026-02-28")));
        for bad in [
            "2026-02-30",
            "2026-2-3",
            "26-02-03",
            "2026/02/03",
            "2026-02-03x",
            "",
        ] {
            assert_eq!(parse_date(bad), None, "{bad}");
        }
        assert_eq!(days_between(date("2026-10-01"), date("2026-11-27")), 57);
    }
}

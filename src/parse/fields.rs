//! Reading typed fields out of a spanned TOML table, one key at a time.
//!
//! serde would stop at the first wrong value; a compiler must report all of
//! them. So each table is described by a [`TableSpec`] (its known keys, their
//! shapes and docs), the reader checks every key against it, and a wrong value
//! becomes a diagnostic while the rest of the table is still read. `okrc
//! schema` is generated from the same specs, so the two cannot drift.

use std::ops::Range;

use chrono::NaiveDate;

use super::Texts;
use super::toml::{Array, Key, Table, Value, ValueKind, same_key};
use crate::diagnostic::{Code, Diagnostic, did_you_mean};
use crate::period::parse_date;
use crate::source::{FilePath, LineIndex, Span};

/// What a key holds, for validation messages and the JSON Schema.
#[derive(Debug, Clone, Copy)]
pub enum Shape {
    String,
    /// A string of Markdown.
    Markdown,
    Bool,
    /// A whole number, at least `min`.
    Integer {
        min: i64,
    },
    /// A number greater than zero.
    Positive,
    Number,
    /// A number from 0 to 1.
    Fraction,
    Date,
    Enum(&'static [&'static str]),
    StringOrStrings,
    /// An http(s) URL or an array of them.
    Links,
    /// A number from 0 to 1 or one of the confidence levels.
    Confidence,
    Table(&'static TableSpec),
    ArrayOfTables(&'static TableSpec),
    /// An array whose items are one-line strings or tables.
    StringsOrTables(&'static TableSpec),
    /// A table whose keys are names and whose values are `TableSpec` tables.
    MapOfTables(&'static TableSpec),
    /// A table whose keys are lint codes and whose values are levels.
    LintLevels,
}

#[derive(Debug)]
pub struct FieldSpec {
    pub name: &'static str,
    pub shape: Shape,
    pub doc: &'static str,
}

/// The known keys of one kind of table.
#[derive(Debug)]
pub struct TableSpec {
    /// What the table is, in messages: "objective", "key result".
    pub name: &'static str,
    pub doc: &'static str,
    pub fields: &'static [FieldSpec],
}

/// The most keys a [`TableSpec`] may have: a table reader keeps its slots
/// on the stack (one allocation per check-in table adds up).
pub const MAX_FIELDS: usize = 16;

impl TableSpec {
    /// The field `name`, with its position: [`TableSpec::position_from`]
    /// from the first.
    pub fn field(&self, name: &str) -> Option<(usize, &'static FieldSpec)> {
        let at = self.position_from(name.as_bytes(), 0)?;
        Some((at, &self.fields[at]))
    }

    /// The position of the field `name`, tried first at `likely`: keys are
    /// mostly written in the spec's order (a check-in's `date`, `value`,
    /// `note`), so the field after the last one found is usually the next.
    fn position_from(&self, name: &[u8], likely: usize) -> Option<usize> {
        // Called for every key of every table and by every accessor: a call
        // to `memcmp` per field was a visible part of reading a workspace
        // (`same_key` compares the bytes itself).
        match self.fields.get(likely) {
            Some(field) if same_key(field.name.as_bytes(), name) => Some(likely),
            _ => self
                .fields
                .iter()
                .position(|field| same_key(field.name.as_bytes(), name)),
        }
    }
}

/// Where diagnostics go while one file is read.
pub struct Cx<'a> {
    pub file: &'a FilePath,
    /// Offset of the TOML text within the file.
    pub base: usize,
    /// The front matter's lines, to locate every span made: every span
    /// the parse makes lies in the front matter ([`Cx::span`] checks it in
    /// debug builds).
    lines: LineIndex<'a>,
    pub diagnostics: Vec<Diagnostic>,
    /// Whether the unit keeps its Markdown (see [`Texts`]).
    pub texts: Texts,
}

impl<'a> Cx<'a> {
    /// A context for the TOML text that starts at byte `base` of `text`.
    pub fn new(file: &'a FilePath, text: &'a str, base: usize) -> Self {
        Cx {
            file,
            base,
            lines: LineIndex::new(text),
            diagnostics: Vec::new(),
            texts: Texts::Keep,
        }
    }

    /// A text of the unit that no diagnostic reads (a description, a
    /// note), once its type is checked: `None` when the texts are dropped.
    pub fn text(&mut self, value: Option<Value<'_>>, name: &str) -> Option<String> {
        let text = expect_str(self, value?, name)?;
        (self.texts == Texts::Keep).then(|| text.to_string())
    }

    /// How many lines the front matter has, up to the body's first.
    pub fn front_matter_lines(&self) -> usize {
        self.lines.lines()
    }

    /// A span of the TOML text as a located span of the file.
    pub fn span(&self, range: Range<usize>) -> Span {
        debug_assert!(
            self.lines.covers(range.start + self.base),
            "a span beyond the front matter would be located at its end"
        );
        Span::located(range.start + self.base, range.end + self.base, &self.lines)
    }

    pub fn report(
        &mut self,
        code: Code,
        range: Range<usize>,
        message: impl Into<String>,
    ) -> &mut Diagnostic {
        let diagnostic = Diagnostic::new(code, self.file, self.span(range), message);
        self.diagnostics.push(diagnostic);
        let last = self.diagnostics.len() - 1;
        &mut self.diagnostics[last]
    }

    pub fn invalid(
        &mut self,
        range: Range<usize>,
        message: impl Into<String>,
        help: impl Into<String>,
    ) {
        let diagnostic = self.report(Code::InvalidValue, range, message);
        diagnostic.help = Some(help.into());
    }
}

/// The keys of one table, sorted into the slots of its spec.
pub struct TableReader<'d> {
    pub spec: &'static TableSpec,
    /// The table read: its document holds the values the slots point at.
    table: Table<'d>,
    /// The place ([`Value::place`]) of each field's value, by the field's
    /// position in the spec; [`EMPTY`] for a field not given. Four bytes a
    /// slot instead of an `Option<Value>`'s sixteen: a reader is made for
    /// each of the 630,000 check-ins of a large workspace, and filling and
    /// moving 256 bytes of slots was a third of making one.
    slots: [u32; MAX_FIELDS],
    /// The table's own span: its `[header]` or `{`.
    pub span: Range<usize>,
    /// Known keys that an unknown key of this table was reported as a typo of.
    misspelt: Vec<&'static str>,
}

/// A slot of a [`TableReader`] whose field is not given.
const EMPTY: u32 = u32::MAX;

impl<'d> TableReader<'d> {
    /// Sorts the keys into slots and reports every key the spec does not know.
    pub fn new(
        cx: &mut Cx,
        table: Table<'d>,
        span: Range<usize>,
        spec: &'static TableSpec,
    ) -> Self {
        debug_assert!(
            spec.fields.len() <= MAX_FIELDS,
            "{} has too many keys",
            spec.name
        );
        let mut slots = [EMPTY; MAX_FIELDS];
        let mut misspelt = Vec::new();
        let mut likely = 0;
        for (key, value) in table.iter() {
            match spec.position_from(key.as_bytes(), likely) {
                Some(index) if index < MAX_FIELDS => {
                    slots[index] = value.place();
                    likely = index + 1;
                }
                _ => misspelt.extend(unknown_field(cx, key, spec)),
            }
        }
        TableReader {
            spec,
            table,
            slots,
            span,
            misspelt,
        }
    }

    /// Is `name` missing, and not merely misspelt (which is already reported)?
    pub fn lacks(&self, name: &str) -> bool {
        !self.has(name) && !self.misspelt.contains(&name)
    }

    fn entry(&self, name: &str) -> Option<Value<'d>> {
        let (index, _) = self.spec.field(name)?;
        let place = *self.slots.get(index)?;
        (place != EMPTY).then(|| self.table.value_at(place))
    }

    pub fn has(&self, name: &str) -> bool {
        debug_assert!(
            self.spec.field(name).is_some(),
            "`{name}` is not in {}",
            self.spec.name
        );
        self.entry(name).is_some()
    }

    pub fn key_span(&self, name: &str) -> Option<Range<usize>> {
        self.entry(name).map(|value| value.key().span())
    }

    pub fn value(&self, name: &str) -> Option<Value<'d>> {
        debug_assert!(
            self.spec.field(name).is_some(),
            "`{name}` is not in {}",
            self.spec.name
        );
        self.entry(name)
    }

    pub fn string(&self, cx: &mut Cx, name: &str) -> Option<(String, Range<usize>)> {
        let value = self.value(name)?;
        Some((expect_string(cx, value, name)?, value.span()))
    }

    pub fn boolean(&self, cx: &mut Cx, name: &str) -> Option<(bool, Range<usize>)> {
        let value = self.value(name)?;
        Some((expect_bool(cx, value, name)?, value.span()))
    }

    pub fn number(&self, cx: &mut Cx, name: &str) -> Option<(f64, Range<usize>)> {
        let value = self.value(name)?;
        Some((expect_number(cx, value, name)?, value.span()))
    }

    pub fn date(&self, cx: &mut Cx, name: &str) -> Option<(NaiveDate, Range<usize>)> {
        let value = self.value(name)?;
        Some((expect_date(cx, value, name)?, value.span()))
    }

    /// A string or an array of strings, as `owner` and `aligns_to` take.
    pub fn strings(&self, cx: &mut Cx, name: &str) -> Vec<(String, Range<usize>)> {
        let Some(value) = self.value(name) else {
            return Vec::new();
        };
        match value.kind() {
            ValueKind::String(s) => vec![(s.to_string(), value.span())],
            ValueKind::Array(items) => items
                .iter()
                .filter_map(|item| Some((expect_string(cx, item, name)?, item.span())))
                .collect(),
            _ => {
                wrong_type(cx, value, name, "a string or an array of strings");
                Vec::new()
            }
        }
    }

    /// A nested table; an array of tables is not accepted.
    pub fn table(&self, cx: &mut Cx, name: &str) -> Option<TableReader<'d>> {
        let value = self.value(name)?;
        let (_, field) = self.spec.field(name)?;
        let (Shape::Table(spec) | Shape::MapOfTables(spec)) = field.shape else {
            return None;
        };
        match value.kind() {
            ValueKind::Table(table) => Some(TableReader::new(cx, table, value.span(), spec)),
            _ => {
                wrong_type(cx, value, name, "a table");
                None
            }
        }
    }

    /// The raw value of a table-valued key, for maps with free-form keys.
    pub fn raw_table(&self, cx: &mut Cx, name: &str) -> Option<Table<'d>> {
        let value = self.value(name)?;
        match value.kind() {
            ValueKind::Table(table) => Some(table),
            _ => {
                wrong_type(cx, value, name, "a table");
                None
            }
        }
    }

    pub fn array(&self, cx: &mut Cx, name: &str) -> Option<Array<'d>> {
        let value = self.value(name)?;
        match value.kind() {
            ValueKind::Array(items) => Some(items),
            _ => {
                let expected = match self.spec.field(name).map(|(_, f)| f.shape) {
                    Some(Shape::ArrayOfTables(_)) => "an array of tables (write `[[...]]` headers)",
                    _ => "an array",
                };
                wrong_type(cx, value, name, expected);
                None
            }
        }
    }
}

/// Reports an unknown key; returns the known key it is probably a typo of.
fn unknown_field(cx: &mut Cx, key: Key<'_>, spec: &'static TableSpec) -> Option<&'static str> {
    let name = key.as_str();
    let suggestion = did_you_mean(name, spec.fields.iter().map(|f| f.name));
    let help = match suggestion {
        Some(known) => format!("did you mean `{known}`?"),
        None => format!(
            "the keys of {} {} are: {}",
            article(spec.name),
            spec.name,
            spec.fields
                .iter()
                .map(|f| f.name)
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    let diagnostic = cx.report(
        Code::UnknownField,
        key.span(),
        format!(
            "unknown field `{name}` in {} {}",
            article(spec.name),
            spec.name
        ),
    );
    diagnostic.help = Some(help);
    diagnostic.label = Some("unknown field".into());
    suggestion
}

fn article(noun: &str) -> &'static str {
    // "a unit", "an objective", "an okrc.toml".
    if noun.starts_with(['a', 'e', 'i', 'o']) {
        "an"
    } else {
        "a"
    }
}

/// Describes a TOML value's type for a message.
pub fn type_name(value: Value<'_>) -> &'static str {
    match value.kind() {
        ValueKind::String(_) => "a string",
        ValueKind::Integer(_) => "an integer",
        ValueKind::Float(_) => "a float",
        ValueKind::Boolean(_) => "a boolean",
        ValueKind::Datetime(_) => "a date-time",
        ValueKind::Array(_) => "an array",
        ValueKind::Table(_) => "a table",
        ValueKind::Invalid => "an invalid value",
    }
}

/// Reports a value of the wrong type. A value the TOML parser already
/// reported as invalid (a bad date) is not reported again.
pub fn wrong_type(cx: &mut Cx, value: Value<'_>, name: &str, expected: &str) {
    if value.is_invalid() {
        return;
    }
    cx.report(
        Code::InvalidValue,
        value.span(),
        format!("`{name}` must be {expected}, not {}", type_name(value)),
    )
    .label = Some(format!("expected {expected}"));
}

pub fn expect_string(cx: &mut Cx, value: Value<'_>, name: &str) -> Option<String> {
    expect_str(cx, value, name).map(str::to_string)
}

/// A string value, borrowed from the document.
pub fn expect_str<'d>(cx: &mut Cx, value: Value<'d>, name: &str) -> Option<&'d str> {
    match value.kind() {
        ValueKind::String(s) => Some(s),
        _ => {
            wrong_type(cx, value, name, "a string");
            None
        }
    }
}

/// A quoted number (`"10,400"`, `"2,5"`) as a TOML number (`10_400`,
/// `2.5`), read the English way, else the Dutch way; `None` for text that
/// is not a plain number.
fn quoted_number(text: &str) -> Option<String> {
    use crate::number::{NumberStyle, read};
    let quantity = read(text, NumberStyle::English)
        .or_else(|_| read(text, NumberStyle::Dutch))
        .ok()
        .filter(|q| q.unit.is_none() && q.currency.is_none())?;
    let value = quantity.value;
    match crate::number::as_whole(value) {
        Some(whole) => {
            let digits = whole.unsigned_abs().to_string();
            let mut grouped = String::new();
            for (i, digit) in digits.chars().enumerate() {
                if i > 0 && (digits.len() - i) % 3 == 0 && digits.len() > 4 {
                    grouped.push('_');
                }
                grouped.push(digit);
            }
            Some(format!("{}{grouped}", if whole < 0 { "-" } else { "" }))
        }
        None => Some(format!("{value:?}")),
    }
}

/// A boolean (`true` or `false`), else a wrong-type diagnostic.
pub fn expect_bool(cx: &mut Cx, value: Value<'_>, name: &str) -> Option<bool> {
    match value.kind() {
        ValueKind::Boolean(b) => Some(b),
        _ => {
            wrong_type(cx, value, name, "true or false");
            None
        }
    }
}

/// A finite number, integer or float.
pub fn expect_number(cx: &mut Cx, value: Value<'_>, name: &str) -> Option<f64> {
    let number = match value.kind() {
        ValueKind::Integer(i) => Some(i as f64),
        ValueKind::Float(f) => Some(f),
        ValueKind::String(text) if !value.is_invalid() => {
            let help = match quoted_number(text) {
                Some(toml) => {
                    format!("write the number without quotes, as TOML writes it: `{name} = {toml}`")
                }
                None => format!("write a number without quotes, such as `{name} = 42`"),
            };
            let diagnostic = cx.report(
                Code::InvalidValue,
                value.span(),
                format!("`{name}` must be a number, not {}", type_name(value)),
            );
            diagnostic.label = Some("expected a number".into());
            diagnostic.help = Some(help);
            return None;
        }
        _ => {
            wrong_type(cx, value, name, "a number");
            return None;
        }
    };
    match number {
        Some(n) if n.is_finite() => Some(n),
        _ => {
            cx.invalid(
                value.span(),
                format!("`{name}` must be a finite number"),
                "write a plain number such as 42 or 99.5",
            );
            None
        }
    }
}

/// A date: a TOML local date (`2026-12-31`), or a string holding one.
pub fn expect_date(cx: &mut Cx, value: Value<'_>, name: &str) -> Option<NaiveDate> {
    let help = "write a date as YYYY-MM-DD without quotes, such as 2026-12-31";
    match value.kind() {
        ValueKind::Datetime(dt) => match (dt.date, dt.time, dt.offset) {
            (Some(d), None, None) => {
                NaiveDate::from_ymd_opt(d.year.into(), d.month.into(), d.day.into()).or_else(|| {
                    cx.invalid(value.span(), format!("`{name}` is not a valid date"), help);
                    None
                })
            }
            _ => {
                cx.invalid(
                    value.span(),
                    format!("`{name}` must be a date without a time of day"),
                    help,
                );
                None
            }
        },
        ValueKind::String(s) => parse_date(s).or_else(|| {
            cx.invalid(value.span(), format!("`{name}` is not a date: `{s}`"), help);
            None
        }),
        _ => {
            wrong_type(cx, value, name, "a date");
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::quoted_number;

    /// Whichever field is tried first, a name is found where the spec has
    /// it, and a name it lacks (a typo, another table's key) nowhere.
    #[test]
    fn a_field_is_found_whichever_is_tried_first() {
        for spec in crate::parse::specs::ALL {
            for likely in 0..spec.fields.len() + 2 {
                for (index, field) in spec.fields.iter().enumerate() {
                    let found = spec.position_from(field.name.as_bytes(), likely);
                    assert_eq!(found, Some(index), "{} from {likely}", field.name);
                }
                for name in ["dat", "dates", "Date", "", "checkins_", "xxxx"] {
                    assert_eq!(spec.position_from(name.as_bytes(), likely), None, "{name}");
                }
            }
        }
    }

    #[test]
    fn a_quoted_number_is_shown_as_toml_writes_it() {
        assert_eq!(quoted_number("10,400").as_deref(), Some("10_400"));
        assert_eq!(quoted_number("1250").as_deref(), Some("1250"));
        assert_eq!(quoted_number("2,5").as_deref(), Some("2.5"));
        assert_eq!(quoted_number("-1,200,000").as_deref(), Some("-1_200_000"));
        assert_eq!(quoted_number("99.5").as_deref(), Some("99.5"));
        assert_eq!(quoted_number("lots"), None);
        assert_eq!(quoted_number("5 ms"), None);
    }
}

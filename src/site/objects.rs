//! The model as templates see it: lazy minijinja objects over the one
//! [`Model`], with the keys and values of `okrs.json`.
//!
//! A template reads a handful of fields of the units a page shows; turning
//! the whole model into template values first (10,000 units are 100 MB of
//! JSON) cost more than rendering the pages. These objects answer each
//! lookup from the model itself: `unit.objectives[0].key_results` is an
//! index path into [`Model::units`], and only the value asked for is made.
//!
//! Numbers follow the JSON rules (a whole number is an integer, a number
//! that is not finite is `none`), dates are `YYYY-MM-DD` strings and enums
//! their JSON names, so a template sees exactly what `okrs.json` holds; a
//! test serializes every object and compares it with serde's JSON.

use std::sync::Arc;

use minijinja::Value;
use minijinja::value::{Enumerator, Object, ObjectRepr};

use super::data::RenderContext;
use crate::model::{
    Checkin, Colour, Confidence, KeyResult, KeyResultType, Model, Objective, ObjectiveKind, Unit,
};

/// The JSON name of a key result's type.
pub fn key_result_type(kind: KeyResultType) -> &'static str {
    match kind {
        KeyResultType::Metric => "metric",
        KeyResultType::Milestone => "milestone",
        KeyResultType::Rollup => "rollup",
        KeyResultType::Unmeasurable => "unmeasurable",
    }
}

/// A number as `okrs.json` writes it.
pub fn number(value: f64) -> Value {
    if !value.is_finite() {
        Value::from(())
    } else if value.fract() == 0.0 && value.abs() < 9.0e15 {
        Value::from(value as i64)
    } else {
        Value::from(value)
    }
}

fn optional_number(value: Option<f64>) -> Value {
    value.map_or(Value::from(()), number)
}

fn optional_str(value: Option<&str>) -> Value {
    value.map_or(Value::from(()), Value::from)
}

fn strings<S: AsRef<str>>(list: &[S]) -> Value {
    Value::from_iter(list.iter().map(|s| Value::from(s.as_ref())))
}

/// `YYYY-MM-DD` without going through chrono's formatter.
pub fn date_value(date: chrono::NaiveDate) -> Value {
    let mut buffer = [0u8; 10];
    Value::from(iso_date(date, &mut buffer))
}

/// Writes `date` as `YYYY-MM-DD` into `buffer`.
pub fn iso_date(date: chrono::NaiveDate, buffer: &mut [u8; 10]) -> &str {
    use chrono::Datelike;
    let year = date.year();
    if !(0..=9999).contains(&year) {
        // Outside what four digits hold: let chrono write it (not into the buffer).
        return "";
    }
    let (year, month, day) = (year as u32, date.month(), date.day());
    let digits = [
        year / 1000,
        year / 100 % 10,
        year / 10 % 10,
        year % 10,
        10,
        month / 10,
        month % 10,
        10,
        day / 10,
        day % 10,
    ];
    for (slot, digit) in buffer.iter_mut().zip(digits) {
        *slot = if digit == 10 {
            b'-'
        } else {
            b'0' + digit as u8
        };
    }
    std::str::from_utf8(buffer).unwrap_or_default()
}

fn optional_date(date: Option<chrono::NaiveDate>) -> Value {
    match date {
        Some(date) => {
            let value = date_value(date);
            if value.as_str() == Some("") {
                Value::from(crate::period::format_date(date))
            } else {
                value
            }
        }
        None => Value::from(()),
    }
}

fn serialized<T: serde::Serialize>(value: &T) -> Value {
    Value::from(minijinja::value::Serde(value))
}

/// Where an object sits in the model: unit, objective, key result, check-in
/// (indices). Every object holds the page's [`RenderContext`] and its path.
#[derive(Clone)]
pub struct Node {
    site: Arc<RenderContext>,
    unit: usize,
    objective: usize,
    key_result: usize,
    checkin: usize,
}

impl Node {
    fn model(&self) -> &Model {
        &self.site.model
    }

    pub fn site(&self) -> &Arc<RenderContext> {
        &self.site
    }

    /// Index into [`Model::units`].
    pub fn unit_index(&self) -> usize {
        self.unit
    }

    pub fn objective_index(&self) -> usize {
        self.objective
    }

    pub fn key_result_index(&self) -> usize {
        self.key_result
    }

    pub fn unit(&self) -> &Unit {
        &self.model().units[self.unit]
    }

    pub fn objective(&self) -> &Objective {
        &self.unit().objectives[self.objective]
    }

    pub fn key_result(&self) -> &KeyResult {
        &self.objective().key_results[self.key_result]
    }

    fn checkin(&self) -> &Checkin {
        &self.key_result().checkins[self.checkin]
    }

    fn with(&self, objective: usize, key_result: usize, checkin: usize) -> Node {
        Node {
            site: Arc::clone(&self.site),
            unit: self.unit,
            objective,
            key_result,
            checkin,
        }
    }
}

/// A unit, with the keys of a unit in `okrs.json`.
pub struct UnitObject(pub Node);

/// An objective of a unit.
pub struct ObjectiveObject(pub Node);

/// A key result of an objective.
pub struct KeyResultObject(pub Node);

/// A check-in of a key result.
pub struct CheckinObject(Node);

/// `unit.objectives`, `objective.key_results` or `key_result.checkins`.
struct List {
    node: Node,
    kind: ListKind,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum ListKind {
    Objectives,
    KeyResults,
    Checkins,
}

/// The unit at `index` of the model, as a template value.
pub fn unit_value(site: &Arc<RenderContext>, index: usize) -> Value {
    Value::from_object(UnitObject(Node {
        site: Arc::clone(site),
        unit: index,
        objective: 0,
        key_result: 0,
        checkin: 0,
    }))
}

/// An objective (`key_result: None`) or a key result, as a template value.
pub fn okr_value(
    site: &Arc<RenderContext>,
    unit: usize,
    objective: usize,
    key_result: Option<usize>,
) -> Value {
    let node = Node {
        site: Arc::clone(site),
        unit,
        objective,
        key_result: key_result.unwrap_or(0),
        checkin: 0,
    };
    match key_result {
        Some(_) => Value::from_object(KeyResultObject(node)),
        None => Value::from_object(ObjectiveObject(node)),
    }
}

/// A check-in, as a template value.
pub fn checkin_value(site: &Arc<RenderContext>, path: (usize, usize, usize, usize)) -> Value {
    Value::from_object(CheckinObject(Node {
        site: Arc::clone(site),
        unit: path.0,
        objective: path.1,
        key_result: path.2,
        checkin: path.3,
    }))
}

const UNIT_KEYS: &[&str] = &[
    "id",
    "name",
    "period",
    "file",
    "parent",
    "parent_period",
    "owners",
    "draft",
    "progress",
    "expected",
    "pace",
    "score",
    "mission",
    "vision",
    "strategy",
    "objectives",
    "reflection",
    "children",
    "body",
    "body_line",
];

const OBJECTIVE_KEYS: &[&str] = &[
    "id",
    "title",
    "kind",
    "aligns_to",
    "owners",
    "description",
    "progress",
    "expected",
    "pace",
    "score",
    "colour",
    "by",
    "key_results",
    "contributors",
];

const KEY_RESULT_KEYS: &[&str] = &[
    "id",
    "title",
    "type",
    "from",
    "to",
    "unit",
    "by",
    "current",
    "done",
    "weight",
    "progress",
    "expected",
    "pace",
    "confidence",
    "score",
    "number_style",
    "owners",
    "links",
    "description",
    "checkins",
    "contributors",
];

const CHECKIN_KEYS: &[&str] = &["date", "value", "done", "confidence", "note"];

impl std::fmt::Debug for UnitObject {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "<unit {}>", self.0.unit().id)
    }
}

impl std::fmt::Debug for ObjectiveObject {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "<objective {}>", self.0.objective().id)
    }
}

impl std::fmt::Debug for KeyResultObject {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "<key result {}>", self.0.key_result().id)
    }
}

impl std::fmt::Debug for CheckinObject {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "<check-in {}>",
            crate::period::format_date(self.0.checkin().date)
        )
    }
}

impl std::fmt::Debug for List {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("<list>")
    }
}

impl Object for UnitObject {
    fn repr(self: &Arc<Self>) -> ObjectRepr {
        ObjectRepr::Map
    }

    fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
        self.get_value_by_str(key.as_str()?)
    }

    fn get_value_by_str(self: &Arc<Self>, key: &str) -> Option<Value> {
        let unit = self.0.unit();
        Some(match key {
            "id" => Value::from(&*unit.id),
            "name" => Value::from(&*unit.name),
            "period" => optional_str(unit.period.as_ref().map(|p| &*p.name)),
            "file" => Value::from(&*unit.file),
            "parent" => optional_str(unit.parent.as_deref()),
            "parent_period" => optional_str(unit.parent_period.as_deref()),
            "owners" => strings(&unit.owners),
            "draft" => Value::from(unit.draft),
            "progress" => number(unit.progress),
            "expected" => number(unit.expected),
            "pace" => optional_str(unit.pace.map(|p| p.as_str())),
            "score" => optional_number(unit.score),
            "mission" => optional_str(unit.mission.as_deref()),
            "vision" => optional_str(unit.vision.as_deref()),
            "strategy" => optional_str(unit.strategy.as_deref()),
            "objectives" => Value::from_object(List {
                node: self.0.clone(),
                kind: ListKind::Objectives,
            }),
            "reflection" => serialized(&unit.reflection),
            "children" => serialized(&unit.children),
            "body" => Value::from(&*unit.body),
            "body_line" => Value::from(unit.body_line),
            _ => return None,
        })
    }

    fn enumerate(self: &Arc<Self>) -> Enumerator {
        Enumerator::Str(UNIT_KEYS)
    }
}

impl Object for ObjectiveObject {
    fn repr(self: &Arc<Self>) -> ObjectRepr {
        ObjectRepr::Map
    }

    fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
        self.get_value_by_str(key.as_str()?)
    }

    fn get_value_by_str(self: &Arc<Self>, key: &str) -> Option<Value> {
        let objective = self.0.objective();
        Some(match key {
            "id" => Value::from(&*objective.id),
            "title" => Value::from(&*objective.title),
            "kind" => Value::from(match objective.kind {
                ObjectiveKind::Committed => "committed",
                ObjectiveKind::Aspirational => "aspirational",
            }),
            "aligns_to" => strings(&objective.aligns_to),
            "owners" => strings(&objective.owners),
            "description" => optional_str(objective.description.as_deref()),
            "progress" => number(objective.progress),
            "expected" => number(objective.expected),
            "pace" => optional_str(objective.pace.map(|p| p.as_str())),
            "score" => optional_number(objective.score),
            "colour" => optional_str(objective.colour.map(|c| match c {
                Colour::Red => "red",
                Colour::Yellow => "yellow",
                Colour::Green => "green",
            })),
            "by" => optional_date(objective.by),
            "key_results" => Value::from_object(List {
                node: self.0.clone(),
                kind: ListKind::KeyResults,
            }),
            "contributors" => strings(&objective.contributors),
            _ => return None,
        })
    }

    fn enumerate(self: &Arc<Self>) -> Enumerator {
        Enumerator::Str(OBJECTIVE_KEYS)
    }
}

impl Object for KeyResultObject {
    fn repr(self: &Arc<Self>) -> ObjectRepr {
        ObjectRepr::Map
    }

    fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
        self.get_value_by_str(key.as_str()?)
    }

    fn get_value_by_str(self: &Arc<Self>, key: &str) -> Option<Value> {
        let kr = self.0.key_result();
        Some(match key {
            "id" => Value::from(&*kr.id),
            "title" => Value::from(&*kr.title),
            "type" => Value::from(key_result_type(kr.kind)),
            "from" => optional_number(kr.from),
            "to" => optional_number(kr.to),
            "unit" => optional_str(kr.unit.as_deref()),
            "by" => optional_date(kr.by),
            "current" => optional_number(kr.current),
            "done" => kr.done.map_or(Value::from(()), Value::from),
            "weight" => number(kr.weight),
            "progress" => number(kr.progress),
            "expected" => number(kr.expected),
            "pace" => optional_str(kr.pace.map(|p| p.as_str())),
            "confidence" => optional_str(kr.confidence.map(|c| c.as_str())),
            "score" => optional_number(kr.score),
            "number_style" => Value::from(kr.number_style.code()),
            "owners" => strings(&kr.owners),
            "links" => strings(&kr.links),
            "description" => optional_str(kr.description.as_deref()),
            // Not in the JSON: due a check-in today.
            "stale" => Value::from(kr.stale),
            "checkins" => Value::from_object(List {
                node: self.0.clone(),
                kind: ListKind::Checkins,
            }),
            "contributors" => strings(&kr.contributors),
            _ => return None,
        })
    }

    fn enumerate(self: &Arc<Self>) -> Enumerator {
        Enumerator::Str(KEY_RESULT_KEYS)
    }
}

impl Object for CheckinObject {
    fn repr(self: &Arc<Self>) -> ObjectRepr {
        ObjectRepr::Map
    }

    fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
        self.get_value_by_str(key.as_str()?)
    }

    fn get_value_by_str(self: &Arc<Self>, key: &str) -> Option<Value> {
        let checkin = self.0.checkin();
        Some(match key {
            "date" => optional_date(Some(checkin.date)),
            "value" => optional_number(checkin.value()),
            "done" => checkin.done.map_or(Value::from(()), Value::from),
            "confidence" => match checkin.confidence() {
                Some(Confidence::Number(n)) => number(n),
                Some(Confidence::Level(level)) => Value::from(level.as_str()),
                None => Value::from(()),
            },
            "note" => optional_str(checkin.note.as_deref()),
            _ => return None,
        })
    }

    fn enumerate(self: &Arc<Self>) -> Enumerator {
        Enumerator::Str(CHECKIN_KEYS)
    }
}

impl List {
    fn len(&self) -> usize {
        match self.kind {
            ListKind::Objectives => self.node.unit().objectives.len(),
            ListKind::KeyResults => self.node.objective().key_results.len(),
            ListKind::Checkins => self.node.key_result().checkins.len(),
        }
    }
}

impl Object for List {
    fn repr(self: &Arc<Self>) -> ObjectRepr {
        ObjectRepr::Seq
    }

    fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
        let index = key.as_usize()?;
        if index >= self.len() {
            return None;
        }
        let node = &self.node;
        Some(match self.kind {
            ListKind::Objectives => Value::from_object(ObjectiveObject(node.with(index, 0, 0))),
            ListKind::KeyResults => {
                Value::from_object(KeyResultObject(node.with(node.objective, index, 0)))
            }
            ListKind::Checkins => Value::from_object(CheckinObject(node.with(
                node.objective,
                node.key_result,
                index,
            ))),
        })
    }

    fn enumerate(self: &Arc<Self>) -> Enumerator {
        Enumerator::Seq(self.len())
    }
}

/// The `model` variable: the whole model, as `okrs.json` has it, made
/// value by value as a template reads it.
pub struct ModelObject(pub Arc<RenderContext>);

/// `model.units`.
struct UnitList(Arc<RenderContext>);

impl std::fmt::Debug for ModelObject {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("<model>")
    }
}

impl std::fmt::Debug for UnitList {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("<units>")
    }
}

const MODEL_KEYS: &[&str] = &[
    "version",
    "today",
    "title",
    "language",
    "periods",
    "units",
    "diagnostics",
];

impl Object for ModelObject {
    fn repr(self: &Arc<Self>) -> ObjectRepr {
        ObjectRepr::Map
    }

    fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
        self.get_value_by_str(key.as_str()?)
    }

    fn get_value_by_str(self: &Arc<Self>, key: &str) -> Option<Value> {
        let model = &self.0.model;
        Some(match key {
            "version" => Value::from(model.version),
            "today" => date_value(model.today),
            "title" => Value::from(&*model.title),
            "language" => Value::from(&*model.language),
            "periods" => serialized(&model.periods),
            "units" => Value::from_object(UnitList(Arc::clone(&self.0))),
            "diagnostics" => serialized(&model.diagnostics),
            _ => return None,
        })
    }

    fn enumerate(self: &Arc<Self>) -> Enumerator {
        Enumerator::Str(MODEL_KEYS)
    }
}

impl Object for UnitList {
    fn repr(self: &Arc<Self>) -> ObjectRepr {
        ObjectRepr::Seq
    }

    fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
        let index = key.as_usize()?;
        (index < self.0.model.units.len()).then(|| self.0.unit_value(index))
    }

    fn enumerate(self: &Arc<Self>) -> Enumerator {
        Enumerator::Seq(self.0.model.units.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::period::parse_date;

    fn site(fixture: &str) -> Arc<RenderContext> {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(fixture);
        let workspace = crate::workspace::Workspace::load(&root, None).unwrap();
        let model = crate::compile(&workspace, parse_date("2026-11-27").unwrap());
        RenderContext::new(&super::super::data::SiteData::after(
            Arc::new(model),
            super::super::markdown::MarkdownOptions { unsafe_html: false },
            &crate::config::Config::default(),
            None,
            false,
            None,
        ))
    }

    #[test]
    fn the_model_object_is_the_json_model_key_for_key() {
        for fixture in [
            "sample-okrs",
            "tests/fixtures/site-basic",
            "tests/fixtures/site-hostile",
        ] {
            let site = site(fixture);
            let json: serde_json::Value = serde_json::to_value(&*site.model).unwrap();
            let value = Value::from_object(ModelObject(Arc::clone(&site)));
            let from_object: serde_json::Value = serde_json::to_value(&value).unwrap();
            assert_eq!(json, from_object, "{fixture}");
        }
    }

    #[test]
    fn making_a_unit_value_records_that_the_page_used_the_unit() {
        let render = site("sample-okrs");
        assert!(render.used().is_empty());
        let model = Value::from_object(ModelObject(Arc::clone(&render)));
        let units = model.get_attr("units").unwrap();
        let third = units.get_item(&Value::from(2)).unwrap();
        assert!(!third.is_undefined());
        let _ = render.okr_value(5, 0, None);
        let _ = units.get_item(&Value::from(2)).unwrap();
        assert_eq!(render.used(), vec![2, 5]);
        // Another page's render starts from nothing.
        assert!(render.used().is_empty());
    }

    /// The list a page's record keeps has no room for the repeats.
    #[test]
    fn the_units_a_page_used_are_held_without_room_for_repeats() {
        let render = site("sample-okrs");
        for _ in 0..10 {
            let _ = render.unit_value(3);
            let _ = render.okr_value(1, 0, None);
        }
        let used = render.used();
        assert_eq!(used, vec![1, 3]);
        assert_eq!(used.capacity(), used.len());
    }

    #[test]
    fn dates_are_written_as_iso_dates() {
        let mut buffer = [0u8; 10];
        let date = parse_date("2026-03-05").unwrap();
        assert_eq!(iso_date(date, &mut buffer), "2026-03-05");
        assert_eq!(date_value(date).as_str(), Some("2026-03-05"));
    }

    #[test]
    fn whole_numbers_are_integers_and_others_floats_as_in_json() {
        assert_eq!(number(92.0).to_string(), "92");
        assert_eq!(number(99.5).to_string(), "99.5");
        assert!(number(f64::NAN).is_none());
    }
}

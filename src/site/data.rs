//! What one render of the site knows beyond the model itself: page paths, the
//! model as template values (serialized once), indexes from keys to units,
//! alignment links both ways, and each unit's progress over time. Built once
//! per render and shared by every page (it is the `site` template variable,
//! and the Rust filters and functions find it there).

use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use chrono::NaiveDate;
use minijinja::Value;
use minijinja::value::{Object, Serde};

use super::format::Language;
use super::markdown::MarkdownOptions;
use super::paths::SitePaths;
use crate::analyse::progress::{mean, metric_progress, weighted_mean};
use crate::model::{KeyResult, KeyResultType, Model, Unit};
use crate::period::{Period, format_date};

/// An objective (and maybe one of its key results) of a unit, by indices
/// into `Model::units`.
pub type ObjectiveRef = (usize, usize);

/// What an `aligns_to` entry resolved to: unit, objective, and key result
/// (none for the whole objective), by indices.
pub type Target = (usize, usize, Option<usize>);

/// Everything a render shares between pages.
#[derive(Debug)]
pub struct SiteData {
    pub title: String,
    pub language: Language,
    pub today: NaiveDate,
    pub markdown: MarkdownOptions,
    pub paths: SitePaths,
    /// The period `index.html` shows.
    pub current_period: Option<String>,
    pub periods: BTreeMap<String, Period>,
    /// `(id, period)` → index into `Model::units`.
    pub unit_index: HashMap<(String, String), usize>,
    /// The model's units as template values, the same ones `model.units`
    /// holds. Handed out by [`SiteData::unit_value`], which records the use.
    units: Vec<Value>,
    /// The model as the template variable `model`.
    pub model: Value,
    /// For each unit, for each objective: what it aligns to (unit, objective, key result).
    pub aligned_to: Vec<Vec<Vec<Target>>>,
    /// What aligns to an objective (key result `None`) or one key result.
    pub contributions: HashMap<Target, Vec<ObjectiveRef>>,
    /// Each unit's progress after each of its check-ins.
    pub histories: Vec<Vec<(NaiveDate, f64)>>,
}

impl SiteData {
    /// Indexes `model` and turns it into template values, the units in
    /// parallel. (Renders go through a [`super::cache::SiteCache`], which
    /// keeps the values of units that did not change.)
    #[cfg(test)]
    pub fn new(model: &Model, markdown: MarkdownOptions) -> SiteData {
        use rayon::prelude::*;
        // Serialized once, the units in parallel: every page shares these.
        let units: Vec<Value> = model
            .units
            .par_iter()
            .map(|unit| Value::from(Serde(unit)))
            .collect();
        let histories = model
            .units
            .par_iter()
            .map(|unit| unit_history(unit, model.today))
            .collect();
        SiteData::from_parts(model, markdown, units, histories)
    }

    /// Indexes `model`, given its units' template values and histories,
    /// which a [`super::cache::SiteCache`] keeps for the units that did not
    /// change.
    pub fn from_parts(
        model: &Model,
        markdown: MarkdownOptions,
        units: Vec<Value>,
        histories: Vec<Vec<(NaiveDate, f64)>>,
    ) -> SiteData {
        let model_value = model_value(model, &units);
        let unit_index = model
            .units
            .iter()
            .enumerate()
            .filter_map(|(i, u)| Some(((u.id.clone(), u.period.as_ref()?.name.clone()), i)))
            .collect();
        let (aligned_to, contributions) = alignments(model);
        SiteData {
            title: model.title.clone(),
            language: Language::from_code(&model.language),
            today: model.today,
            markdown,
            paths: SitePaths::new(model),
            current_period: current_period(&model.periods, model.today).map(|p| p.name.clone()),
            periods: model
                .periods
                .iter()
                .map(|p| (p.name.clone(), p.clone()))
                .collect(),
            unit_index,
            units,
            model: model_value,
            aligned_to,
            contributions,
            histories,
        }
    }

    /// The template value of a unit, by index into `Model::units`. Every
    /// unit a page shows comes through here (or [`SiteData::unit_of`]), so
    /// the page's render records which units it depends on.
    pub fn unit_value(&self, index: usize) -> Value {
        record_use(index);
        self.units.get(index).cloned().unwrap_or_default()
    }

    /// The index of a unit given as a template value (anything with `id`
    /// and `period`).
    pub fn unit_of(&self, unit: &Value) -> Option<usize> {
        let id = unit.get_attr("id").ok()?;
        let period = unit.get_attr("period").ok()?;
        let index = self
            .unit_index
            .get(&(id.as_str()?.to_string(), period.as_str()?.to_string()))
            .copied()?;
        record_use(index);
        Some(index)
    }

    /// A unit's page, relative to the output folder.
    pub fn unit_path(&self, index: usize) -> Option<&str> {
        self.paths.unit(index)
    }
}

impl Object for SiteData {
    fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
        Some(match key.as_str()? {
            "title" => Value::from(self.title.as_str()),
            "language" => Value::from(self.language.code()),
            "today" => Value::from(format_date(self.today)),
            "current_period" => Value::from(self.current_period.clone()),
            "generator" => Value::from(concat!("okrc ", env!("CARGO_PKG_VERSION"))),
            _ => return None,
        })
    }
}

thread_local! {
    /// The units the page being rendered on this thread used, when a
    /// [`SiteCache`](super::cache::SiteCache) asked to know.
    static USED: RefCell<Option<Vec<usize>>> = const { RefCell::new(None) };
}

fn record_use(index: usize) {
    USED.with(|used| {
        if let Some(used) = used.borrow_mut().as_mut() {
            used.push(index);
        }
    });
}

/// Runs `f` (the render of one page) and returns the indices of the units
/// whose values it used, sorted, each once.
pub fn recording_use<T>(f: impl FnOnce() -> T) -> (T, Vec<usize>) {
    USED.with(|used| *used.borrow_mut() = Some(Vec::new()));
    let result = f();
    let mut used = USED
        .with(|used| used.borrow_mut().take())
        .unwrap_or_default();
    used.sort_unstable();
    used.dedup();
    (result, used)
}

/// The model as the template variable `model`: the keys of `okrs.json`,
/// with the units already serialized.
fn model_value(model: &Model, units: &[Value]) -> Value {
    let head = ModelHead {
        version: model.version,
        today: model.today,
        title: &model.title,
        language: &model.language,
        periods: &model.periods,
        diagnostics: &model.diagnostics,
    };
    minijinja::context! {
        units => Value::from(units.to_vec()),
        ..Value::from(Serde(head))
    }
}

/// Every key of [`Model`] but `units` (a test keeps the two in step).
#[derive(serde::Serialize)]
struct ModelHead<'m> {
    version: u32,
    today: NaiveDate,
    title: &'m str,
    language: &'m str,
    periods: &'m [Period],
    diagnostics: &'m [crate::diagnostic::Diagnostic],
}

/// The period `index.html` shows: the shortest one containing today (the
/// quarter rather than the year), else the latest.
pub fn current_period(periods: &[Period], today: NaiveDate) -> Option<&Period> {
    periods
        .iter()
        .filter(|p| p.contains_date(today))
        .min_by_key(|p| (p.days(), std::cmp::Reverse(p.start)))
        .or_else(|| periods.iter().max_by_key(|p| (p.end, p.start)))
}

type Alignments = (Vec<Vec<Vec<Target>>>, HashMap<Target, Vec<ObjectiveRef>>);

/// Resolved `aligns_to` targets of every objective, and the reverse.
fn alignments(model: &Model) -> Alignments {
    let mut contributions: HashMap<Target, Vec<ObjectiveRef>> = HashMap::new();
    let aligned_to = model
        .units
        .iter()
        .enumerate()
        .map(|(u, unit)| {
            unit.objectives
                .iter()
                .enumerate()
                .map(|(o, objective)| {
                    objective
                        .origin
                        .alignments
                        .iter()
                        .filter_map(|a| a.target)
                        .map(|t| {
                            let target = (t.unit, t.objective, t.key_result);
                            let list = contributions.entry(target).or_default();
                            if !list.contains(&(u, o)) {
                                list.push((u, o));
                            }
                            target
                        })
                        .collect()
                })
                .collect()
        })
        .collect();
    (aligned_to, contributions)
}

/// A unit's progress over its period: at the period start and after each
/// check-in up to today, as the progress rules compute it from the values
/// known on that day.
pub fn unit_history(unit: &Unit, today: NaiveDate) -> Vec<(NaiveDate, f64)> {
    let Some(period) = &unit.period else {
        return Vec::new();
    };
    let mut dates: Vec<NaiveDate> = unit
        .objectives
        .iter()
        .flat_map(|o| &o.key_results)
        .flat_map(|kr| &kr.checkins)
        .map(|c| c.date)
        .filter(|&d| d <= today)
        .collect();
    dates.push(period.start.min(today));
    dates.sort_unstable();
    dates.dedup();
    dates
        .into_iter()
        .map(|date| {
            let progress = mean(unit.objectives.iter().map(|o| {
                weighted_mean(
                    o.key_results
                        .iter()
                        .map(|kr| (progress_on(kr, date), kr.weight)),
                )
                .unwrap_or(0.0)
            }))
            .unwrap_or(0.0);
            (date, progress)
        })
        .collect()
}

/// A key result's progress as it stood on `date`.
pub fn progress_on(kr: &KeyResult, date: NaiveDate) -> f64 {
    let latest = |has: fn(&crate::model::Checkin) -> bool| {
        crate::analyse::latest_checkin(kr.checkins.iter().filter(|c| has(c) && c.date <= date))
    };
    match kr.kind {
        KeyResultType::Metric => match (kr.from, kr.to) {
            (Some(from), Some(to)) => {
                let value = latest(|c| c.value.is_some())
                    .and_then(|c| c.value)
                    .unwrap_or(from);
                metric_progress(from, to, value)
            }
            _ => 0.0,
        },
        KeyResultType::Milestone | KeyResultType::Unmeasurable => {
            if kr.checkins.iter().any(|c| c.done.is_some()) {
                match latest(|c| c.done.is_some()).and_then(|c| c.done) {
                    Some(true) => 1.0,
                    _ => 0.0,
                }
            } else {
                kr.progress
            }
        }
        KeyResultType::Rollup => kr.progress,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::period::parse_date;

    fn period(name: &str) -> Period {
        Period::builtin(name).unwrap()
    }

    #[test]
    fn the_model_value_has_every_key_of_the_json_model() {
        let model = crate::compile(
            &crate::workspace::Workspace::load(
                std::path::Path::new(concat!(
                    env!("CARGO_MANIFEST_DIR"),
                    "/tests/fixtures/site-basic"
                )),
                None,
            )
            .unwrap(),
            parse_date("2026-11-27").unwrap(),
        );
        let data = SiteData::new(&model, MarkdownOptions { unsafe_html: false });
        let json: serde_json::Value = serde_json::to_value(&model).unwrap();
        let from_value: serde_json::Value = serde_json::to_value(&data.model).unwrap();
        assert_eq!(json, from_value);
    }

    #[test]
    fn the_current_period_is_the_shortest_containing_today_else_the_latest() {
        let periods = vec![period("2026"), period("2026-Q3"), period("2026-Q4")];
        let today = parse_date("2026-11-27").unwrap();
        assert_eq!(current_period(&periods, today).unwrap().name, "2026-Q4");
        let later = parse_date("2027-03-01").unwrap();
        assert_eq!(current_period(&periods, later).unwrap().name, "2026-Q4");
        let earlier = parse_date("2025-01-01").unwrap();
        assert_eq!(current_period(&periods, earlier).unwrap().name, "2026-Q4");
        assert!(current_period(&[], today).is_none());
    }
}

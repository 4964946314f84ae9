//! The pages of a site, and the variables each one's template sees: the
//! ones every page shares (`site`, `model`, `t`, `lang`, `periods`) and the
//! page's own (`root`, `page`, `period`, and what its kind shows).

use std::sync::Arc;

use minijinja::value::{Enumerator, Object, ObjectRepr};
use minijinja::{Value, context};

use super::alignment;
use super::data::{RenderContext, SiteData};
use super::labels;
use super::lists;
use super::objects::ModelObject;
use super::paths::{path_value, root_prefix};
use super::weekly;
use crate::model::Model;

/// One page to render.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page {
    /// Relative to the output folder, `/`-separated.
    pub path: String,
    pub kind: PageKind,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PageKind {
    /// `index.html`: the current period, with mission, vision and strategy.
    Index,
    Dashboard(String),
    /// Page `number` of `count` of a period's alignment map, showing these
    /// parent units.
    Alignment {
        period: String,
        number: usize,
        count: usize,
        units: Vec<usize>,
    },
    /// Only for periods that have ended.
    Scorecard(String),
    /// By index into `Model::units`.
    Unit(usize),
    /// A unit's JSON object beside its page (not a template's output).
    UnitJson(usize),
    /// Page `number` of `count` of what moved in a running period over
    /// the last 7 days; `shown`: a hash of what the page shows of the
    /// week ([`weekly::changes_page_hashes`]).
    Changes {
        period: String,
        number: usize,
        count: usize,
        shown: u64,
    },
    /// Everyone named as an owner.
    People,
    /// One person, by index into `SiteData::people`.
    Person(usize),
}

impl PageKind {
    /// The template that renders this kind of page.
    pub fn template(&self) -> &'static str {
        match self {
            PageKind::Index => "index.html",
            PageKind::Dashboard(_) => "period.html",
            PageKind::Alignment { .. } => "alignment.html",
            PageKind::Scorecard(_) => "scorecard.html",
            PageKind::Unit(_) => "unit.html",
            PageKind::UnitJson(_) => "",
            PageKind::Changes { .. } => "changes.html",
            PageKind::People => "people.html",
            PageKind::Person(_) => "person.html",
        }
    }

    /// The `page.kind` template variable.
    pub fn name(&self) -> &'static str {
        match self {
            PageKind::Index => "index",
            PageKind::Dashboard(_) => "dashboard",
            PageKind::Alignment { .. } => "alignment",
            PageKind::Scorecard(_) => "scorecard",
            PageKind::Unit(_) => "unit",
            PageKind::UnitJson(_) => "unit-json",
            PageKind::Changes { .. } => "changes",
            PageKind::People => "people",
            PageKind::Person(_) => "person",
        }
    }
}

/// Every page of the site, in a fixed order: the unit pages first (the
/// pages people look at while they edit), then the period-wide ones.
///
/// The list is held for the whole render, so it is made with room for its
/// pages (and no more, but for units without a period, which have none): at
/// 10,000 units it grew from room for the units to room for 80,000 pages,
/// twice the 40,000 it holds (3.9 MB of a build's peak).
pub fn pages(site: &SiteData) -> Vec<Page> {
    let model = &site.model;
    let periods = period_pages(site);
    let people = match site.people.len() {
        0 => 0,
        n => n + 1,
    };
    let mut pages = Vec::with_capacity(2 * model.units.len() + 1 + periods.len() + people);
    for i in 0..model.units.len() {
        if let Some(path) = site.unit_path(i) {
            pages.push(Page {
                path: path.to_string(),
                kind: PageKind::Unit(i),
            });
        }
    }
    for i in 0..model.units.len() {
        if let Some(path) = site.paths.unit_json(i) {
            pages.push(Page {
                path: path.to_string(),
                kind: PageKind::UnitJson(i),
            });
        }
    }
    pages.push(Page {
        path: "index.html".into(),
        kind: PageKind::Index,
    });
    pages.extend(periods);
    if !site.people.is_empty() {
        pages.push(Page {
            path: site.paths.people().to_string(),
            kind: PageKind::People,
        });
        for (i, (_, slug)) in site.people.iter().enumerate() {
            pages.push(Page {
                path: site.paths.person(slug),
                kind: PageKind::Person(i),
            });
        }
    }
    pages
}

/// The pages of each period in turn: its dashboard, alignment map,
/// scorecard once it ended and changes while it runs.
fn period_pages(site: &SiteData) -> Vec<Page> {
    let model = &site.model;
    let mut pages = Vec::new();
    for period in &model.periods {
        let name = &period.name;
        let paths = &site.paths;
        if let Some(path) = paths.dashboard(name) {
            pages.push(Page {
                path,
                kind: PageKind::Dashboard(name.clone()),
            });
        }
        let map = site.alignment_map(name);
        let count = map.len();
        for (i, units) in map.iter().enumerate() {
            if let Some(path) = paths.alignment_page(name, i + 1) {
                pages.push(Page {
                    path,
                    kind: PageKind::Alignment {
                        period: name.clone(),
                        number: i + 1,
                        count,
                        units: units.clone(),
                    },
                });
            }
        }
        if period.has_ended(model.today) {
            if let Some(path) = paths.scorecard(name) {
                pages.push(Page {
                    path,
                    kind: PageKind::Scorecard(name.clone()),
                });
            }
        }
        if period.contains_date(model.today) {
            let shown = weekly::changes_page_hashes(site, name);
            let count = shown.len();
            for (number, shown) in (1..=count).zip(shown) {
                if let Some(path) = paths.changes_page(name, number) {
                    pages.push(Page {
                        path,
                        kind: PageKind::Changes {
                            period: name.clone(),
                            number,
                            count,
                            shown,
                        },
                    });
                }
            }
        }
    }
    pages
}

/// The variables every page of one render shares (`site` and `model` are
/// the page's own: they hold its [`RenderContext`]).
pub struct Shared {
    t: Value,
    lang: Value,
    periods: Value,
}

impl Shared {
    pub fn new(site: &Arc<SiteData>) -> Shared {
        Shared {
            t: labels::labels(site.language),
            lang: Value::from(site.language.code()),
            periods: periods_value(site),
        }
    }

    /// The `period` variable of a page about `name`.
    fn period(&self, name: &str) -> Value {
        self.periods
            .try_iter()
            .ok()
            .and_then(|mut periods| {
                periods.find(|p| p.get_attr("name").is_ok_and(|n| n.as_str() == Some(name)))
            })
            .unwrap_or_default()
    }
}

/// Every period with its pages and state, for navigation.
fn periods_value(site: &SiteData) -> Value {
    let model = &site.model;
    let today = model.today;
    model
        .periods
        .iter()
        .map(|period| {
            let status = if period.has_ended(today) {
                "ended"
            } else if today < period.start {
                "upcoming"
            } else {
                "running"
            };
            let paths = &site.paths;
            context! {
                name => period.name.clone(),
                start => crate::period::format_date(period.start),
                end => crate::period::format_date(period.end),
                status => status,
                current => site.current_period.as_deref() == Some(period.name.as_str()),
                href => path_value(paths.dashboard(&period.name).as_deref()),
                alignment_href => path_value(paths.alignment(&period.name).as_deref()),
                scorecard_href => path_value(period.has_ended(today).then(|| paths.scorecard(&period.name)).flatten().as_deref()),
                changes_href => path_value(period.contains_date(today).then(|| paths.changes(&period.name)).flatten().as_deref()),
                units => model.units.iter().filter(|u| u.period.as_ref() == Some(period)).count(),
            }
        })
        .collect()
}

/// The variables of one page, looked up by name as the template asks for
/// them: the shared ones, `root`, `page`, `period`, and its kind's own.
pub struct PageContext {
    shared: Arc<Shared>,
    site: Value,
    model: Value,
    root: Value,
    page: Value,
    period: Value,
    own: Vec<(&'static str, Value)>,
}

impl std::fmt::Debug for PageContext {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("<page context>")
    }
}

const SHARED_KEYS: [&str; 8] = [
    "site", "model", "t", "lang", "periods", "root", "page", "period",
];

impl Object for PageContext {
    fn repr(self: &Arc<Self>) -> ObjectRepr {
        ObjectRepr::Map
    }

    fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
        self.get_value_by_str(key.as_str()?)
    }

    fn get_value_by_str(self: &Arc<Self>, key: &str) -> Option<Value> {
        Some(match key {
            "site" => self.site.clone(),
            "model" => self.model.clone(),
            "t" => self.shared.t.clone(),
            "lang" => self.shared.lang.clone(),
            "periods" => self.shared.periods.clone(),
            "root" => self.root.clone(),
            "page" => self.page.clone(),
            "period" => self.period.clone(),
            _ => {
                return self
                    .own
                    .iter()
                    .find(|(k, _)| *k == key)
                    .map(|(_, v)| v.clone());
            }
        })
    }

    fn enumerate(self: &Arc<Self>) -> Enumerator {
        let keys = SHARED_KEYS
            .iter()
            .copied()
            .chain(self.own.iter().map(|(k, _)| *k))
            .map(Value::from);
        Enumerator::Values(keys.collect())
    }
}

/// The variables of `page`.
pub fn page_context(site: &Arc<RenderContext>, shared: &Arc<Shared>, page: &Page) -> Value {
    let model: &Model = &site.model;
    let period_name = match &page.kind {
        PageKind::Index => site.current_period.clone(),
        PageKind::Dashboard(p) | PageKind::Scorecard(p) => Some(p.clone()),
        PageKind::Alignment { period, .. } | PageKind::Changes { period, .. } => {
            Some(period.clone())
        }
        PageKind::Unit(u) => model.units[*u].period.as_ref().map(|p| p.name.clone()),
        PageKind::UnitJson(_) | PageKind::People | PageKind::Person(_) => None,
    };
    let own: Vec<(&'static str, Value)> = match &page.kind {
        PageKind::Index | PageKind::Dashboard(_) => match &period_name {
            None => Vec::new(),
            Some(name) => period_variables(site, name, page.kind == PageKind::Index),
        },
        PageKind::Unit(u) => {
            let (parent, children, ancestors) = lists::unit_relations(site, *u);
            vec![
                ("unit", site.unit_value(*u)),
                ("parent", parent),
                ("children", Value::from(children)),
                ("ancestors", Value::from(ancestors)),
            ]
        }
        PageKind::Alignment {
            period,
            number,
            count,
            units,
        } => vec![
            (
                "groups",
                Value::from(alignment::groups(site, period, units)),
            ),
            (
                "pager",
                super::pager::pager(*number, *count, |n| site.paths.alignment_page(period, n)),
            ),
        ],
        PageKind::Scorecard(name) => {
            vec![("units", Value::from(lists::period_unit_links(site, name)))]
        }
        PageKind::Changes {
            period,
            number,
            count,
            ..
        } => {
            let (changes, moved) = weekly::changes_list(site, period, *number);
            let pager =
                super::pager::pager(*number, *count, |n| site.paths.changes_page(period, n));
            vec![
                ("changes", changes),
                ("moved", Value::from(moved)),
                ("pager", pager),
            ]
        }
        PageKind::UnitJson(_) => Vec::new(),
        PageKind::People => vec![("people", Value::from(weekly::people_list(site)))],
        PageKind::Person(i) => weekly::person_variables(site, *i),
    };
    Value::from_object(PageContext {
        site: Value::from_dyn_object(Arc::clone(site)),
        model: Value::from_object(ModelObject(Arc::clone(site))),
        root: Value::from_safe_string(root_prefix(&page.path)),
        page: context! { kind => page.kind.name(), path => path_value(Some(&page.path)) },
        period: period_name
            .as_deref()
            .map(|name| shared.period(name))
            .unwrap_or_default(),
        shared: Arc::clone(shared),
        own,
    })
}

/// What the index and a dashboard show of a period: the whole unit tree, what needs attention, the latest check-ins, statements and figures.
fn period_variables(
    site: &Arc<RenderContext>,
    name: &str,
    index: bool,
) -> Vec<(&'static str, Value)> {
    let shape = site.tree_shape(name);
    let units = &shape.units;
    // Enough to act on; a list of thousands helps no one.
    let (attention_limit, checkins) = if index {
        (12, 10)
    } else {
        (50, lists::LATEST_KEPT)
    };
    let (attention_total, attention) = lists::attention(site, units, name, attention_limit);
    let running = site
        .periods
        .get(name)
        .is_some_and(|p| p.contains_date(site.today()));
    let week = if index && running {
        weekly::this_week(site, units, name)
    } else {
        Value::from(())
    };
    vec![
        ("this_week", week),
        ("tree", lists::tree(site, Arc::clone(&shape), name)),
        ("attention", Value::from(attention)),
        ("attention_total", Value::from(attention_total)),
        (
            "checkins",
            Value::from(lists::latest_checkins(site, units, name, checkins)),
        ),
        ("statements", Value::from(lists::statements(site, units))),
        ("summary", lists::summary(site, units, name)),
    ]
}

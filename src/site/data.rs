//! What one render of the site knows beyond the model itself: page paths,
//! indexes from keys to units, and alignment links both ways. Built once per
//! render and shared by every page (it is the `site` template variable, and
//! the Rust filters and functions find it there). It holds the model, which
//! templates read through the lazy objects of [`super::objects`].

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex, OnceLock};

use chrono::NaiveDate;
use minijinja::Value;
use minijinja::value::Object;

use super::format::Language;
use super::markdown::MarkdownOptions;
use super::objects;
use super::paths::SitePaths;
use super::pieces::{Pieces, lock};
use super::rows::TreeShape;
use crate::analyse::attention::Attention;
use crate::analyse::changes::{UnitStandings, standings_as_of, week_ago_date};
use crate::link::Touched;
use crate::model::{Model, Unit};
use crate::period::{Period, current_period, format_date};

/// An objective of a unit, by indices into `Model::units`.
pub type ObjectiveRef = (usize, usize);

/// What an `aligns_to` entry resolved to: unit, objective, and key result
/// (none for the whole objective), by indices.
pub type Target = (usize, usize, Option<usize>);

/// Everything a render shares between pages.
pub struct SiteData {
    pub model: Arc<Model>,
    pub language: Language,
    pub markdown: MarkdownOptions,
    pub paths: Arc<SitePaths>,
    /// The period `index.html` shows.
    pub current_period: Option<String>,
    pub periods: BTreeMap<String, Period>,
    /// `(id, period)` → index into `Model::units`, made when first asked.
    unit_index: OnceLock<Arc<HashMap<(String, String), usize>>>,
    /// For each unit, for each objective: what it aligns to (unit, objective, key result).
    pub aligned_to: Arc<Vec<Vec<Vec<Target>>>>,
    /// What aligns to an objective (key result `None`) or one key result.
    pub contributions: Arc<HashMap<Target, Vec<ObjectiveRef>>>,
    /// Everyone named as an owner, sorted, with the slug of their page.
    pub people: Arc<Vec<(String, String)>>,
    /// Who owns what, as one hash (`cache::owners_hash`): the people are
    /// kept from the last render when it is the same.
    pub owners: u64,
    /// Where every key result stood 7 days ago
    /// (`analyse::changes::standings_as_of`), for the changes pages; `None`
    /// when no period is running.
    pub week_ago: Option<Arc<Vec<UnitStandings>>>,
    /// Who is named where, made when first asked (or kept from the last
    /// render when who owns what and where every unit is did not change).
    people_index: OnceLock<Arc<super::people_index::PeopleIndex>>,
    /// The per-unit pieces of the pages that show every unit, some taken
    /// from the last render (`pieces.rs`).
    pub pieces: Pieces,
    /// Every period's alignment map in pages, made when first asked (or
    /// kept from the last render when nothing a map reads changed).
    pub(super) alignment_maps: OnceLock<super::alignment::Maps>,
    /// What the overview and a period's dashboard both show of each
    /// period, made once per render for both.
    period_lists: Mutex<HashMap<String, Arc<PeriodLists>>>,
    /// Each period's unit tree, made when first asked (or kept from the
    /// last render when no unit changed its name, id, period or parent).
    tree_shapes: Mutex<HashMap<String, TreeShapeOf>>,
    /// The last render's latest check-ins, when this render's can be made
    /// from them: the same day, the same units in each period's tree, and
    /// linking said which units it set.
    latest_kept: Option<LatestKept>,
}

/// A period's unit tree, made by the first page of the render that asks.
type TreeShapeOf = Arc<OnceLock<Arc<TreeShape>>>;

/// What needs attention, as [`crate::analyse::attention::needs_attention`] ranks it.
type Attentions = Arc<Vec<Attention>>;

/// The lists of a period the overview and its dashboard share: each walks
/// every key result (or check-in) of the period's units, so a render makes
/// it once, for whichever of the two pages comes first.
#[derive(Default)]
pub struct PeriodLists {
    attention: OnceLock<Attentions>,
    /// The period's figures ([`super::lists::summary`]).
    pub summary: OnceLock<Value>,
    /// The latest check-ins, best first, as many as a page lists at most
    /// ([`super::lists::LATEST_KEPT`]).
    pub latest: OnceLock<Arc<Vec<super::lists::DatedCheckin>>>,
}

/// The last render's latest check-ins of each period, and the units
/// linking set since ([`super::lists::latest_checkins`]).
type LatestKept = (
    HashMap<String, Arc<Vec<super::lists::DatedCheckin>>>,
    std::collections::BTreeSet<usize>,
);

impl std::fmt::Debug for SiteData {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SiteData")
            .field("units", &self.model.units.len())
            .finish_non_exhaustive()
    }
}

impl SiteData {
    /// Indexes `model` for a render, taking from `last` (the render of the
    /// model before it, in `watch`) the indexes that what changed cannot
    /// have touched: the pages' paths when no unit came, went or changed
    /// its id or period; the people when no owner changed; the alignment
    /// links when no `aligns_to` target changed. Comparing is a few
    /// milliseconds at 10,000 units; making them again is tens, and a save
    /// waits for them before its unit's page is rendered.
    ///
    /// `keep`: the render keeps its per-unit pieces for the next (`watch`),
    /// and takes the last render's when nothing they all depend on changed
    /// (see [`Pieces`]).
    ///
    /// `touched`: the units (and week-ago units) linking set when it linked
    /// into `last`'s model ([`crate::link::Linked::relink`]); every other
    /// one is `last`'s own, so only these are compared and only their
    /// week-ago standings made again. At 10,000 units these indexes took
    /// 11–17 ms of every save with all the units compared, 0.4–1.4 ms
    /// with those alone (BENCHMARKS.md, "Watch, part seven").
    pub fn after(
        model: Arc<Model>,
        markdown: MarkdownOptions,
        config: &crate::config::Config,
        last: Option<&SiteData>,
        keep: bool,
        touched: Option<&Touched>,
    ) -> Arc<SiteData> {
        let same = |same: fn(&Unit, &Unit) -> bool| {
            last.filter(|last| units_same(&last.model, &model, touched, same))
        };
        let (aligned_to, contributions) = match same(same_alignments) {
            Some(last) => (
                Arc::clone(&last.aligned_to),
                Arc::clone(&last.contributions),
            ),
            None => {
                let (to, from) = alignments(&model);
                (Arc::new(to), Arc::new(from))
            }
        };
        // Who owns what is the last model's when linking said which units
        // it set and none of them names other owners.
        let owners = match touched.and_then(|_| same(same_owners)) {
            Some(last) => {
                debug_assert_eq!(last.owners, super::cache::owners_hash(&model));
                last.owners
            }
            None => super::cache::owners_hash(&model),
        };
        let people = match last.filter(|last| last.owners == owners) {
            Some(last) => Arc::clone(&last.people),
            None => {
                let everyone = crate::people::everyone(&model);
                let slugs = crate::people::slugs(&everyone);
                Arc::new(everyone.into_iter().zip(slugs).collect())
            }
        };
        let places = last.filter(|last| {
            let (a, b) = (&last.model.periods, &model.periods);
            a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.name == y.name)
        });
        let paths = match places.and(same(same_places)) {
            Some(last) => Arc::clone(&last.paths),
            None => Arc::new(SitePaths::new(&model)),
        };
        // From the units' ids and periods alone, as the paths are.
        let unit_index = OnceLock::new();
        if let Some(index) = last
            .filter(|last| Arc::ptr_eq(&last.paths, &paths))
            .and_then(|last| last.unit_index.get())
        {
            let _ = unit_index.set(Arc::clone(index));
        }
        // By unit, objective and key result index, from who owns what.
        let people_index = OnceLock::new();
        if let Some(index) = last
            .filter(|last| last.owners == owners && Arc::ptr_eq(&last.paths, &paths))
            .and_then(|last| last.people_index.get())
        {
            let _ = people_index.set(Arc::clone(index));
        }
        // From the alignment links, the units' places, parents and rows.
        let alignment_maps = OnceLock::new();
        if let Some(maps) = last
            .filter(|last| {
                Arc::ptr_eq(&last.aligned_to, &aligned_to)
                    && Arc::ptr_eq(&last.paths, &paths)
                    && units_same(
                        &last.model,
                        &model,
                        touched,
                        super::alignment::same_map_inputs,
                    )
            })
            .and_then(|last| last.alignment_maps.get())
        {
            let _ = alignment_maps.set(Arc::clone(maps));
        }
        // From the units' names, ids, periods and parents; the glue it
        // keeps is in the render's language.
        let language = Language::from_code(&model.language);
        let trees_kept = last.filter(|last| {
            last.language == language
                && Arc::ptr_eq(&last.paths, &paths)
                && units_same(&last.model, &model, touched, same_tree_inputs)
        });
        let latest_kept = trees_kept
            .filter(|last| last.model.today == model.today)
            .zip(touched)
            .map(|(last, touched)| {
                let lists = last.period_lists.lock().unwrap_or_else(|e| e.into_inner());
                let kept = lists
                    .iter()
                    .filter_map(|(period, lists)| {
                        Some((period.clone(), Arc::clone(lists.latest.get()?)))
                    })
                    .collect();
                (kept, touched.units.clone())
            });
        let tree_shapes = match trees_kept {
            Some(last) => Mutex::new(
                lock(&last.tree_shapes)
                    .iter()
                    .filter_map(|(period, shape)| {
                        let kept = OnceLock::from(Arc::clone(shape.get()?));
                        Some((period.clone(), Arc::new(kept)))
                    })
                    .collect(),
            ),
            None => Mutex::default(),
        };
        // `watch` keeps the week-ago units up to date as it links; `okrc
        // build` made their standings before it shared the model; otherwise
        // the standings are made here, before any page.
        let week_ago = match (&model.week_ago, &model.week_ago_standings) {
            (Some(units), _) => Some(Arc::new(week_ago_standings(units, last, touched))),
            (None, Some(standings)) => Some(Arc::clone(standings)),
            (None, None) => week_ago_date(&model)
                .map(|since| Arc::new(standings_as_of(&model.units, config, since))),
        };
        // Every piece depends on these; the rest is the fingerprints' to say.
        let pieces_of = last.filter(|last| {
            last.language == language
                && last.markdown == markdown
                && last.model.today == model.today
                && Arc::ptr_eq(&last.paths, &paths)
                && Arc::ptr_eq(&last.people, &people)
        });
        let pieces = Pieces::new(
            keep,
            pieces_of.map(|last| (&last.pieces, last.week_ago.clone())),
        );
        Arc::new(SiteData {
            language,
            markdown,
            paths,
            current_period: current_period(&model.periods, model.today).map(|p| p.name.clone()),
            periods: model
                .periods
                .iter()
                .map(|p| (p.name.clone(), p.clone()))
                .collect(),
            unit_index,
            aligned_to,
            contributions,
            people,
            owners,
            week_ago,
            people_index,
            pieces,
            alignment_maps,
            period_lists: Mutex::default(),
            tree_shapes,
            latest_kept,
            model,
        })
    }

    /// The slug of the page of the person called `name`, case aside.
    pub fn person_slug(&self, name: &str) -> Option<&str> {
        let key = crate::people::key(name);
        self.people
            .binary_search_by(|(p, _)| crate::people::key(p).cmp(&key))
            .ok()
            .map(|i| self.people[i].1.as_str())
    }

    pub fn today(&self) -> NaiveDate {
        self.model.today
    }

    /// Who is named where, by index into [`SiteData::people`].
    pub fn people_index(&self) -> &super::people_index::PeopleIndex {
        self.people_index.get_or_init(|| {
            Arc::new(super::people_index::PeopleIndex::new(
                &self.model,
                &self.people,
            ))
        })
    }

    /// What needs attention among the units shown of `period`, made by
    /// `make` once per render: the overview and the period's dashboard
    /// show the same.
    pub fn attention_of(
        &self,
        period: &str,
        make: impl FnOnce() -> Vec<Attention>,
    ) -> Arc<Vec<Attention>> {
        Arc::clone(
            self.period_lists(period)
                .attention
                .get_or_init(|| Arc::new(make())),
        )
    }

    /// The unit tree of `period` ([`super::lists::tree_shape`]), made
    /// once per render (the overview and the period's dashboard both show
    /// it) or kept from the last.
    pub fn tree_shape(&self, period: &str) -> Arc<TreeShape> {
        let shape = Arc::clone(
            lock(&self.tree_shapes)
                .entry(period.to_string())
                .or_default(),
        );
        let made = || Arc::new(super::lists::tree_shape(&self.model, period));
        let shape = Arc::clone(shape.get_or_init(made));
        debug_assert!(
            {
                let fresh = super::lists::tree_shape(&self.model, period);
                (&fresh.units, &fresh.order, &fresh.below)
                    == (&shape.units, &shape.order, &shape.below)
            },
            "the unit tree of {period} kept from the last render is not this render's"
        );
        shape
    }

    /// The last render's latest check-ins of `period` and the units linking
    /// set since, when this render's may be made from them.
    pub fn latest_kept(
        &self,
        period: &str,
    ) -> Option<(
        &[super::lists::DatedCheckin],
        &std::collections::BTreeSet<usize>,
    )> {
        let (kept, touched) = self.latest_kept.as_ref()?;
        Some((kept.get(period)?, touched))
    }

    /// The lists of `period` this render shares between its pages.
    pub fn period_lists(&self, period: &str) -> Arc<PeriodLists> {
        Arc::clone(
            self.period_lists
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .entry(period.to_string())
                .or_default(),
        )
    }

    /// `(id, period)` → index into `Model::units`.
    pub fn unit_index(&self) -> &HashMap<(String, String), usize> {
        self.unit_index.get_or_init(|| {
            Arc::new(
                self.model
                    .units
                    .iter()
                    .enumerate()
                    .filter_map(|(i, u)| {
                        Some(((u.id.to_string(), u.period.as_ref()?.name.clone()), i))
                    })
                    .collect(),
            )
        })
    }

    /// The pages of `period`'s alignment map (parent units by page); none
    /// for a period the model does not have.
    pub fn alignment_map(&self, period: &str) -> &[Vec<usize>] {
        self.alignment_maps
            .get_or_init(|| super::alignment::maps(self))
            .get(period)
            .map_or(&[], Vec::as_slice)
    }

    /// A unit's page, relative to the output folder.
    pub fn unit_path(&self, index: usize) -> Option<&str> {
        self.paths.unit(index)
    }
}

impl SiteData {
    /// The `site` variable's keys.
    fn value_of(&self, key: &Value) -> Option<Value> {
        Some(match key.as_str()? {
            "title" => Value::from(&*self.model.title),
            "language" => Value::from(self.language.code()),
            "today" => Value::from(format_date(self.model.today)),
            "current_period" => Value::from(self.current_period.clone()),
            "people_href" => path_value_of((!self.people.is_empty()).then(|| self.paths.people())),
            "generator" => Value::from(concat!("okrc ", env!("CARGO_PKG_VERSION"))),
            _ => return None,
        })
    }
}

fn path_value_of(path: Option<&str>) -> Value {
    super::paths::path_value(path)
}

/// The context of one page's render: the site's shared data (whose
/// language and Markdown options the filters and functions format with)
/// and the units the page used. It is the page's `site` variable, and every
/// unit, objective and key result value is made through it (and every model
/// object holds it), so making a unit's value records that the page used the
/// unit: the incremental cache knows a page's inputs by construction.
pub struct RenderContext {
    site: Arc<SiteData>,
    used: Mutex<Vec<usize>>,
    /// Whether the rows of the unit tree and the changes table may go into
    /// the page as [`super::rows::Spliced`] pieces: only for okrc's own
    /// template of the page, which prints them as they are.
    splice: bool,
}

impl std::fmt::Debug for RenderContext {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RenderContext")
            .field("site", &self.site)
            .finish_non_exhaustive()
    }
}

impl std::ops::Deref for RenderContext {
    type Target = SiteData;

    fn deref(&self) -> &SiteData {
        &self.site
    }
}

impl RenderContext {
    /// A page's render of `site`, having used no unit yet.
    #[cfg(test)]
    pub fn new(site: &Arc<SiteData>) -> Arc<RenderContext> {
        RenderContext::for_page(site, false)
    }

    /// A page's render of `site`, having used no unit yet; `splice`: see
    /// [`RenderContext::splices`].
    pub fn for_page(site: &Arc<SiteData>, splice: bool) -> Arc<RenderContext> {
        Arc::new(RenderContext {
            site: Arc::clone(site),
            used: Mutex::new(Vec::new()),
            splice,
        })
    }

    /// Whether the page's rows of every unit may be spliced into it from
    /// the pieces the render keeps rather than made into one string: the
    /// page's template is okrc's own, which prints them as they are.
    pub fn splices(&self) -> bool {
        self.splice
    }

    /// Records that the page depends on the unit at `index` without
    /// showing its value (the value makers call it themselves).
    pub fn depends_on(&self, index: usize) {
        self.used
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(index);
    }

    /// [`RenderContext::depends_on`] for each of `units`.
    pub fn depends_on_all(&self, units: &[usize]) {
        self.used
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .extend_from_slice(units);
    }

    /// The indices of the units whose values the page used, sorted, each once.
    /// Without the room of the repeats: the cache keeps the list in the
    /// page's record to the end of the build, and a person's page records
    /// a unit for each of its values, tens of times (at 10,000 units about
    /// 10 MB of the build's peak, "Build memory by allocation site").
    pub fn used(&self) -> Vec<usize> {
        let mut used = std::mem::take(&mut *self.used.lock().unwrap_or_else(|e| e.into_inner()));
        used.sort_unstable();
        used.dedup();
        used.shrink_to_fit();
        used
    }

    /// The template value of a unit, by index into `Model::units`. Every
    /// unit a page shows comes through here (or [`RenderContext::unit_of`]), so
    /// the page's render records which units it depends on.
    pub fn unit_value(self: &Arc<Self>, index: usize) -> Value {
        self.depends_on(index);
        if index < self.model.units.len() {
            objects::unit_value(self, index)
        } else {
            Value::from(())
        }
    }

    /// The JSON object of a unit, by index into `Model::units`, as
    /// `check --format json` writes it; recorded as a use like
    /// [`RenderContext::unit_value`].
    pub fn unit_json(&self, index: usize) -> Vec<u8> {
        self.depends_on(index);
        self.model
            .units
            .get(index)
            .map(crate::render::json::unit)
            .unwrap_or_default()
    }

    /// An objective (`key_result: None`) or key result as a template value.
    pub fn okr_value(
        self: &Arc<Self>,
        unit: usize,
        objective: usize,
        key_result: Option<usize>,
    ) -> Value {
        self.depends_on(unit);
        objects::okr_value(self, unit, objective, key_result)
    }

    /// The index of a unit given as a template value: a unit object, or
    /// anything with `id` and `period`.
    pub fn unit_of(&self, unit: &Value) -> Option<usize> {
        if let Some(object) = unit.downcast_object_ref::<objects::UnitObject>() {
            self.depends_on(object.0.unit_index());
            return Some(object.0.unit_index());
        }
        let id = unit.get_attr("id").ok()?;
        let period = unit.get_attr("period").ok()?;
        let index = self
            .unit_index()
            .get(&(id.as_str()?.to_string(), period.as_str()?.to_string()))
            .copied()?;
        self.depends_on(index);
        Some(index)
    }
}

impl Object for RenderContext {
    fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
        self.site.value_of(key)
    }
}

/// Does the unit have the same id and period in both? When every unit
/// does, in the same order, and the periods are the same, every page has
/// the same path.
fn same_places(a: &Unit, b: &Unit) -> bool {
    fn period(u: &Unit) -> Option<&str> {
        u.period.as_ref().map(|p| p.name.as_str())
    }
    a.id == b.id && period(a) == period(b)
}

/// Does every objective align to the same targets in both units? Then
/// (in every unit) the alignment links both ways are the same.
fn same_alignments(a: &Unit, b: &Unit) -> bool {
    a.objectives.len() == b.objectives.len()
        && a.objectives.iter().zip(&b.objectives).all(|(o, p)| {
            o.origin.alignments.iter().map(|a| a.target).eq(p
                .origin
                .alignments
                .iter()
                .map(|a| a.target))
        })
}

/// Are the unit's name and parent the same in both? With the ids and
/// periods (the paths), what a unit tree is made of.
fn same_tree_inputs(a: &Unit, b: &Unit) -> bool {
    a.name == b.name && a.parent_index == b.parent_index
}

/// Does the unit, each of its objectives and each key result name the
/// same owners in both? (What [`super::cache::owners_hash`] hashes.)
fn same_owners(a: &Unit, b: &Unit) -> bool {
    super::cache::owner_lists(a).eq(super::cache::owner_lists(b))
}

/// Whether `same` holds of each unit of `model` and the unit of `last` at
/// its place: only of the units `touched` names when linking said which it
/// set since `last` (the others are `last`'s own), else of every one.
fn units_same(
    last: &Model,
    model: &Model,
    touched: Option<&Touched>,
    same: fn(&Unit, &Unit) -> bool,
) -> bool {
    if last.units.len() != model.units.len() {
        return false;
    }
    let all = || last.units.iter().zip(&model.units).all(|(a, b)| same(a, b));
    match touched {
        Some(touched) => {
            let named = touched.units.iter().all(|&u| {
                last.units
                    .get(u)
                    .zip(model.units.get(u))
                    .is_some_and(|(a, b)| same(a, b))
            });
            debug_assert_eq!(named, all(), "linking set a unit it did not name");
            named
        }
        None => all(),
    }
}

/// Where every week-ago unit stood: `last`'s standings with those of the
/// week-ago units linking set made again, when it says which (and `last`'s
/// were made of its model's week-ago units); else every unit's.
fn week_ago_standings(
    units: &[Unit],
    last: Option<&SiteData>,
    touched: Option<&Touched>,
) -> Vec<UnitStandings> {
    let kept = last.and_then(|last| {
        let made_of = last.model.week_ago.as_ref()?;
        let standings = last.week_ago.as_ref()?;
        (made_of.len() == units.len() && standings.len() == units.len()).then_some(standings)
    });
    match (kept, touched) {
        (Some(kept), Some(touched)) => {
            // Each unit's standings are shared, not copied.
            let mut standings = Vec::clone(kept);
            for &u in &touched.week_ago {
                if let (Some(standing), Some(unit)) = (standings.get_mut(u), units.get(u)) {
                    *standing = UnitStandings::of(unit);
                }
            }
            debug_assert!(standings == UnitStandings::all(units));
            standings
        }
        _ => UnitStandings::all(units),
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Model {
        crate::compiled_sample().0
    }

    fn data(model: Model, last: Option<&SiteData>) -> Arc<SiteData> {
        let markdown = MarkdownOptions { unsafe_html: false };
        SiteData::after(
            Arc::new(model),
            markdown,
            &crate::config::Config::default(),
            last,
            true,
            None,
        )
    }

    #[test]
    fn a_render_keeps_the_indexes_of_the_last_that_did_not_change() {
        let model = sample();
        let first = data(model.clone(), None);
        let _ = first.unit_index();
        // Progress changed, nothing else: everything is kept.
        let mut progressed = model.clone();
        progressed.units[0].progress /= 2.0;
        let second = data(progressed, Some(&first));
        assert!(Arc::ptr_eq(&first.paths, &second.paths));
        let index = |data: &SiteData| data.unit_index.get().map(Arc::as_ptr);
        assert!(index(&second).is_some() && index(&first) == index(&second));
        assert!(Arc::ptr_eq(&first.people, &second.people));
        assert!(Arc::ptr_eq(&first.aligned_to, &second.aligned_to));
        assert!(Arc::ptr_eq(&first.contributions, &second.contributions));
        // A new owner: the people are made again, and they are those of a
        // render from scratch.
        let mut owned = model.clone();
        owned.units[0].owners.push("Someone New".to_string());
        let third = data(owned.clone(), Some(&second));
        assert!(!Arc::ptr_eq(&second.people, &third.people));
        assert_eq!(third.people, data(owned, None).people);
        assert!(Arc::ptr_eq(&second.paths, &third.paths));
        // Another id: the paths are made again.
        let mut renamed = model.clone();
        let last = renamed.units.len() - 1;
        renamed.units[last].id = "renamed-unit".to_string();
        let fourth = data(renamed.clone(), Some(&third));
        assert!(!Arc::ptr_eq(&third.paths, &fourth.paths));
        // And the units by id and period, when asked for.
        assert!(index(&third).is_some() && index(&fourth).is_none());
        let period = renamed.units[last].period.as_ref().map(|p| p.name.clone());
        let key = ("renamed-unit".to_string(), period.unwrap_or_default());
        assert_eq!(fourth.unit_index().get(&key), Some(&last));
        assert_eq!(
            fourth.paths.unit(last),
            data(renamed, None).paths.unit(last)
        );
        // An alignment dropped: the links both ways are made again.
        let mut unaligned = model.clone();
        let (u, o) = unaligned
            .units
            .iter()
            .enumerate()
            .find_map(|(u, unit)| {
                let o = unit
                    .objectives
                    .iter()
                    .position(|o| o.origin.alignments.iter().any(|a| a.target.is_some()))?;
                Some((u, o))
            })
            .expect("the sample aligns something");
        unaligned.units[u].objectives[o].origin.alignments.clear();
        let fifth = data(unaligned.clone(), Some(&first));
        assert!(!Arc::ptr_eq(&first.contributions, &fifth.contributions));
        assert_eq!(fifth.aligned_to, data(unaligned, None).aligned_to);
    }
}

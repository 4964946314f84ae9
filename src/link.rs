//! Resolve and analyse (stages 2 and 3) over the whole workspace, and again
//! after some files changed, for `watch` and `serve`: an edit that no other
//! unit can see re-links only what it can affect.
//!
//! What other units see of a unit is its [`Shape`]: its id, period, file,
//! parent as written, mission, vision and strategy (a unit of a shorter
//! period inherits them), its objectives' ids and `aligns_to`, and its key
//! results' ids and whether they roll up. A change to anything else (a
//! check-in, a title, a value, the Markdown body, lines moving) leaves every
//! link in place, so [`Linked::relink`] re-resolves and re-analyses only:
//!
//! - the unit itself: its periods, links and diagnostics at their new
//!   places ([`resolve::resolve_again`]), its figures and lints;
//! - the roll-ups its objectives feed, up to the top, and the figures of
//!   the units those belong to ([`analyse::analyse_again`]);
//!
//! and puts its file's diagnostics in place of the old ones. Any other
//! change (a shape, a file added, removed or broken, `okrc.toml`, the
//! date, a parent or roll-up loop) links everything again
//! ([`Linked::full`]). Either way the model is the one [`crate::link`]
//! makes from the same files: `link::tests` and `watch::session::tests`
//! check that over random edits.

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::NaiveDate;

use crate::analyse::changes::{Window, as_of_again, week_ago};
use crate::analyse::{self, Feeds};
use crate::config::Rules;
use crate::diagnostic::{Code, Diagnostic};
use crate::model::{JSON_VERSION, KeyResultType, Model, Unit};
use crate::parse::ParsedFile;
use crate::resolve::{self, UnitIndex};
use crate::source::FilePath;
use crate::workspace::Workspace;

/// What other units can see of a unit, as parsed (before linking).
#[derive(Debug, Clone, PartialEq)]
pub struct Shape {
    id: String,
    period: Option<String>,
    file: FilePath,
    parent: Option<String>,
    mission: Option<String>,
    vision: Option<String>,
    strategy: Option<String>,
    objectives: Vec<ObjectiveShape>,
}

/// An objective's id, `aligns_to` as written, and its key results' ids and
/// whether they roll up.
type ObjectiveShape = (Box<str>, Vec<String>, Vec<(Box<str>, bool)>);

impl Shape {
    /// The shape of a unit as parsed.
    pub fn of(unit: &Unit) -> Shape {
        Shape {
            id: unit.id.clone(),
            period: unit.origin.period_name.as_ref().map(|(n, _)| n.clone()),
            file: unit.file.clone(),
            parent: unit.parent.clone(),
            mission: unit.mission.clone(),
            vision: unit.vision.clone(),
            strategy: unit.strategy.clone(),
            objectives: unit
                .objectives
                .iter()
                .map(|o| {
                    (
                        o.id.clone(),
                        o.origin
                            .alignments
                            .iter()
                            .map(|a| a.written.clone())
                            .collect(),
                        o.key_results
                            .iter()
                            .map(|kr| (kr.id.clone(), kr.kind == KeyResultType::Rollup))
                            .collect(),
                    )
                })
                .collect(),
        }
    }
}

/// The units a [`Linked::relink`] set, by index: every other unit (and
/// week-ago unit) is as it was in the model it linked into. `watch`'s site
/// compares only these with the last build's.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Touched {
    /// Into `Model::units`.
    pub units: BTreeSet<usize>,
    /// Into `Model::week_ago`.
    pub week_ago: BTreeSet<usize>,
}

/// What a full link leaves to link parts of the model again.
#[derive(Debug, Clone)]
pub struct Linked {
    today: NaiveDate,
    index: UnitIndex,
    feeds: Feeds,
    /// Each file's unit, by index into `Model::units`.
    by_file: HashMap<FilePath, usize>,
    /// Each unit's shape as parsed.
    shapes: Vec<Shape>,
    /// For each unit, the units whose parent it is.
    children: Vec<Vec<usize>>,
    /// Whether no unit is on a parent loop and no roll-ups loop: the
    /// condition of linking parts again.
    partial: bool,
}

/// Why [`Linked::relink`] could not link only part of the model: the
/// caller links everything again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Whole {
    /// Another day: every pace and stale check-in moves.
    Today,
    /// A parent or roll-up loop somewhere.
    Loop,
    /// A file that had no unit (new, or broken), or has none now.
    Unit(FilePath),
    /// A unit whose shape changed.
    Shape(FilePath),
}

impl Linked {
    /// Resolves and analyses every parsed file: the model, as
    /// [`crate::link`] returns it, and what relinking needs.
    pub fn full(
        workspace: &Workspace,
        parsed: Vec<ParsedFile>,
        today: NaiveDate,
    ) -> (Model, Linked) {
        let (model, linked) = link(workspace, parsed, today, true);
        (model, linked.expect("kept when asked"))
    }

    /// Whether parts of the model can be linked again at all: no unit is on
    /// a parent loop and no roll-ups loop.
    pub fn partial(&self) -> bool {
        self.partial
    }

    /// Links the `changed` files (parsed again; each one a unit file of the
    /// last link, with nothing else in the workspace changed) into `model`,
    /// the model the last link made (or a copy). Every `Err` is returned
    /// before any unit is replaced, so on `Err` the model is as it was:
    /// link everything again. On `Ok`, which units it set.
    pub fn relink(
        &self,
        model: &mut Model,
        workspace: &Workspace,
        changed: Vec<ParsedFile>,
        today: NaiveDate,
    ) -> Result<Touched, Whole> {
        if today != self.today || model.today != today {
            return Err(Whole::Today);
        }
        if !self.partial {
            return Err(Whole::Loop);
        }
        let config = &workspace.config;
        let mut plan = Vec::with_capacity(changed.len());
        for parsed in changed {
            let Some(unit) = parsed.unit.as_ref().filter(|_| parsed.broken.is_none()) else {
                let file = parsed
                    .diagnostics
                    .first()
                    .map(|d| d.file.clone())
                    .unwrap_or_default();
                return Err(Whole::Unit(file));
            };
            let Some(&u) = self.by_file.get(&unit.file) else {
                return Err(Whole::Unit(unit.file.clone()));
            };
            if Shape::of(unit) != self.shapes[u] {
                return Err(Whole::Shape(unit.file.clone()));
            }
            plan.push((u, parsed));
        }
        let since = Window::week(today).since;
        let mut touched = Touched::default();
        for (u, parsed) in plan {
            let ParsedFile {
                unit, diagnostics, ..
            } = parsed;
            let Some(unit) = unit else { continue };
            let file = unit.file.clone();
            let old = std::mem::replace(&mut model.units[u], unit);
            let mut found = diagnostics;
            resolve::resolve_again(&mut model.units, &self.index, u, &old, config, &mut found);
            drop(old);
            // `resolve_again` sets unit `u` alone; the figures, the
            // roll-ups above it too.
            touched.units.insert(u);
            touched.units.extend(analyse::analyse_again(
                &mut model.units,
                &self.feeds,
                u,
                &self.children[u],
                config,
                today,
                &mut found,
            ));
            // Standings made for a build would be last edit's.
            model.week_ago_standings = None;
            if let Some(week_ago) = &mut model.week_ago {
                // Unique unless the caller kept the model it gave.
                let then = Arc::make_mut(week_ago);
                let set = as_of_again(then, &model.units, &self.feeds, u, config, since);
                touched.week_ago.extend(set);
            }
            apply_levels(&mut found, &config.rules);
            // Every diagnostic in a unit's file is about that unit: its
            // parse, its links, its lints.
            model.diagnostics.retain(|d| d.file != file);
            model.diagnostics.extend(found);
        }
        model
            .diagnostics
            .sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        Ok(touched)
    }
}

/// How long [`link_timed`] spent resolving and analysing, for `OKRC_TIMINGS`.
#[derive(Debug, Clone, Copy, Default)]
pub struct LinkTimings {
    pub resolve: Duration,
    pub analyse: Duration,
    /// The whole link: the two above, gathering the parsed files' units and
    /// diagnostics, and putting the diagnostics in order.
    pub total: Duration,
}

/// Resolves and analyses every parsed file; with `keep`, also returns what
/// relinking needs (the shapes cost a copy of every unit's ids).
pub fn link(
    workspace: &Workspace,
    parsed: Vec<ParsedFile>,
    today: NaiveDate,
    keep: bool,
) -> (Model, Option<Linked>) {
    let (model, linked, _) = link_timed(workspace, parsed, today, keep);
    (model, linked)
}

/// [`link`], and how long its stages took.
pub fn link_timed(
    workspace: &Workspace,
    parsed: Vec<ParsedFile>,
    today: NaiveDate,
    keep: bool,
) -> (Model, Option<Linked>, LinkTimings) {
    let started = Instant::now();
    let config = &workspace.config;
    let mut diagnostics = workspace.config_diagnostics.clone();
    diagnostics.extend(workspace.read_errors.iter().cloned());
    let mut broken = Vec::new();
    let mut shapes_by_file = HashMap::new();
    // Collected in place: the units take over the parsed files' memory.
    let units: Vec<_> = parsed
        .into_iter()
        .filter_map(|file| {
            diagnostics.extend(file.diagnostics);
            broken.extend(file.broken);
            if let (true, Some(unit)) = (keep, &file.unit) {
                shapes_by_file.insert(unit.file.clone(), Shape::of(unit));
            }
            file.unit
        })
        .collect();
    let resolving = Instant::now();
    let (mut units, index) = resolve::resolve(units, &broken, config, &mut diagnostics);
    let analysing = Instant::now();
    let feeds = analyse::analyse(&mut units, config, today, &mut diagnostics);
    let mut timings = LinkTimings {
        resolve: analysing - resolving,
        analyse: analysing.elapsed(),
        total: Duration::ZERO,
    };
    apply_levels(&mut diagnostics, &config.rules);
    debug_assert!(
        diagnostics.iter().all(|d| d.line > 0),
        "every span is located when made"
    );
    diagnostics.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    let linked = keep.then(|| {
        let partial = !feeds.has_loop() && !diagnostics.iter().any(|d| d.code == Code::ParentCycle);
        let mut by_file = HashMap::with_capacity(units.len());
        let mut shapes = Vec::with_capacity(units.len());
        let mut children = vec![Vec::new(); units.len()];
        for (u, unit) in units.iter().enumerate() {
            // A file is one unit.
            by_file.insert(unit.file.clone(), u);
            shapes.push(
                shapes_by_file
                    .remove(&unit.file)
                    .unwrap_or_else(|| Shape::of(unit)),
            );
            if let Some(p) = unit.parent_index {
                children[p].push(u);
            }
        }
        Linked {
            today,
            index,
            feeds,
            by_file,
            shapes,
            children,
            partial,
        }
    });
    let mut model = model_of(workspace, units, diagnostics, today);
    if keep {
        // For the site's changes pages, kept up to date by `relink`.
        model.week_ago = week_ago(&model, config).map(Arc::new);
    }
    timings.total = started.elapsed();
    (model, linked, timings)
}

/// The model of linked `units`: the periods they use, in order.
fn model_of(
    workspace: &Workspace,
    units: Vec<Unit>,
    diagnostics: Vec<Diagnostic>,
    today: NaiveDate,
) -> Model {
    let config = &workspace.config;
    let mut periods: Vec<crate::period::Period> = Vec::new();
    for unit in &units {
        if let Some(period) = &unit.period {
            if periods.last() != Some(period) && !periods.contains(period) {
                periods.push(period.clone());
            }
        }
    }
    periods.sort_by(|a, b| a.order_key().cmp(&b.order_key()));
    Model {
        version: JSON_VERSION,
        today,
        title: config.title.clone(),
        language: config.language.clone(),
        periods,
        units,
        diagnostics,
        week_ago: None,
        week_ago_standings: None,
    }
}

/// Sets each lint to the level `[rules.levels]` gives it, dropping allowed ones.
fn apply_levels(diagnostics: &mut Vec<Diagnostic>, rules: &Rules) {
    diagnostics.retain_mut(|diagnostic| {
        if !diagnostic.code.is_lint() {
            return true;
        }
        match rules.levels.get(&diagnostic.code) {
            None => true,
            Some(level) => match level.level() {
                Some(level) => {
                    diagnostic.level = level;
                    true
                }
                None => false,
            },
        }
    });
}

#[cfg(test)]
pub(crate) mod tests;

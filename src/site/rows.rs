//! The rows of the pages that show every unit's figures: the unit tree of
//! the overview and a period's dashboard, and the rows of a running
//! period's changes page. At 10,000 units these are tens of thousands of
//! rows; evaluating a template loop per row made those pages take seconds
//! on every save, so the default templates call `unit_tree(tree)` and
//! `change_rows(changes)`, which write the rows here, byte for byte what
//! the `tree` macro and the changes loop write (a test renders both).
//!
//! The lists stay lists for templates: [`TreeList`] and [`ChangeList`] are
//! sequences whose items are made as a template reaches them, as before;
//! the functions read the Rust data behind them instead.

use std::fmt::Write as _;
use std::sync::{Arc, OnceLock};

use minijinja::value::{Enumerator, Object, ObjectRepr};
use minijinja::{HtmlEscape, Value, context};

use super::data::RenderContext;
use super::format::{self, Language};
use super::fragments::{self, Progress};
use super::labels::label;
use super::paths::path_value;
use super::pieces::Weeks;
use crate::analyse::changes::{Change, Standing};
use crate::model::{ConfidenceLevel, KeyResult};

/// Appends `text` escaped as the templates' `{{ text }}` escapes it
/// (minijinja's HTML escaping, which also escapes `/`).
fn text(out: &mut String, text: &str) {
    let _ = write!(out, "{}", HtmlEscape(text));
}

/// The period's unit tree, flattened depth first (see
/// [`super::lists::tree`]): each item is a node `{unit, href, depth,
/// has_children, below, close, other_period}`.
pub struct TreeList {
    pub site: Arc<RenderContext>,
    pub shape: Arc<TreeShape>,
    pub period: String,
}

/// What a period's unit tree holds and in what order, whichever page shows
/// it: made once per render for the overview and the period's dashboard,
/// and kept for the next render when no unit changed its name, id, period
/// or parent (`SiteData::tree_shape`). At 10,000 units the two pages made
/// it, and its glue, on every save; keeping it took the save's pages from
/// 42 to 29 ms (BENCHMARKS.md, "Watch, part seven").
pub struct TreeShape {
    /// The units shown of the period ([`super::lists::period_units`]).
    pub units: Vec<usize>,
    /// (unit, depth), depth first.
    pub order: Vec<(usize, usize)>,
    /// How many units lie below each node of `order`, all levels.
    pub below: Vec<usize>,
    /// The lists the tree opens and closes between its rows, in the
    /// render's language, made when the tree is first written.
    glue: OnceLock<Arc<TreeGlue>>,
}

impl TreeShape {
    /// The shape of the tree whose nodes are `order`, depth first.
    pub fn new(units: Vec<usize>, order: Vec<(usize, usize)>) -> TreeShape {
        // A node's units below are the nodes after it up to the first no
        // deeper than it.
        let mut below = vec![0; order.len()];
        let mut open: Vec<usize> = Vec::new();
        for (i, &(_, depth)) in order.iter().enumerate() {
            while let Some(&top) = open.last() {
                if order[top].1 < depth {
                    break;
                }
                below[top] = i - top - 1;
                open.pop();
            }
            open.push(i);
        }
        for top in open {
            below[top] = order.len() - top - 1;
        }
        TreeShape {
            units,
            order,
            below,
            glue: OnceLock::new(),
        }
    }

    fn node(&self, i: usize) -> Node {
        let (u, depth) = self.order[i];
        let next_depth = self.order.get(i + 1).map_or(0, |&(_, d)| d);
        let has_children = next_depth > depth;
        Node {
            unit: u,
            depth,
            has_children,
            // Units in the nested list this node opens, all levels.
            below: if has_children { self.below[i] } else { 0 },
            close: if has_children {
                0
            } else {
                depth.saturating_sub(next_depth)
            },
        }
    }

    /// The tree's glue in `language` (the same for every render that
    /// keeps the shape: it is kept only where the language is the same).
    fn glue(&self, language: Language) -> Arc<TreeGlue> {
        Arc::clone(
            self.glue
                .get_or_init(|| Arc::new(TreeGlue::of(self, language))),
        )
    }
}

/// One node of the tree.
struct Node {
    unit: usize,
    depth: usize,
    has_children: bool,
    below: usize,
    close: usize,
}

impl std::fmt::Debug for TreeList {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "<unit tree of {}>", self.shape.order.len())
    }
}

impl Object for TreeList {
    fn repr(self: &Arc<Self>) -> ObjectRepr {
        ObjectRepr::Seq
    }

    fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
        let i = key.as_usize().filter(|&i| i < self.shape.order.len())?;
        let node = self.shape.node(i);
        let site = &self.site;
        let other_period = site.model.units[node.unit]
            .period
            .as_ref()
            .is_some_and(|p| p.name != self.period);
        Some(context! {
            unit => site.unit_value(node.unit),
            href => path_value(site.unit_path(node.unit)),
            depth => node.depth,
            has_children => node.has_children,
            below => node.below,
            close => node.close,
            other_period => other_period,
        })
    }

    fn enumerate(self: &Arc<Self>) -> Enumerator {
        Enumerator::Seq(self.shape.order.len())
    }
}

/// Writes the unit tree as the `tree` macro of `macros.html` does: nested
/// `<ul class="tree">` lists, each unit with its name linked, its period
/// when another, a draft tag, its owners, trend and bar; the levels below
/// the third folded in `<details>`. `link` makes a site path a link from
/// the page being rendered, which is in `folder` (when known, each unit's
/// row is kept for the next render: see `pieces.rs`).
pub fn unit_tree(
    out: &mut String,
    tree: &TreeList,
    link: &(dyn Fn(&mut String, &str) + Sync),
    folder: Option<&str>,
) {
    let kept = kept_tree_rows(tree, link, folder);
    let glue = tree.shape.glue(tree.site.language);
    let _ = glue.write(out, |out: &mut String, u| {
        match kept.as_ref().and_then(|rows| rows[u].as_deref()) {
            Some(row) => out.push_str(row),
            None => tree_row(out, tree, u, link),
        }
        Ok(())
    });
}

/// How a tree written into the page makes its links (`functions.rs`'s
/// `linker`).
pub type Linker = Box<dyn Fn(&mut String, &str) + Send + Sync>;

/// The unit tree as [`unit_tree`] writes it, but not into a string of its
/// own: the page's template prints it, and its rows go straight into the
/// page, each either kept by the render (`pieces.rs`) or made as the page
/// reaches it. At 10,000 units the tree is 6.6 MB, which a single build
/// held twice at once in each dashboard it rendered (BENCHMARKS.md, "Build
/// memory, part seven").
pub fn spliced_tree(tree: Arc<TreeList>, link: Linker, folder: Option<&str>) -> Spliced {
    let kept = kept_tree_rows(&tree, &link, folder);
    let glue = tree.shape.glue(tree.site.language);
    Spliced::Tree {
        tree,
        glue,
        kept,
        link,
    }
}

/// Each unit's row of the tree, kept from the last render or made now
/// (`pieces.rs`); `None` when the render keeps no pieces.
fn kept_tree_rows(
    tree: &TreeList,
    link: &(dyn Fn(&mut String, &str) + Sync),
    folder: Option<&str>,
) -> Option<Arc<Vec<Option<Arc<str>>>>> {
    let site = &tree.site;
    let units: Vec<usize> = tree.shape.order.iter().map(|&(u, _)| u).collect();
    site.depends_on_all(&units);
    let row = |u: usize| {
        let mut out = String::with_capacity(1024);
        tree_row(&mut out, tree, u, link);
        out
    };
    site.pieces
        .tree_rows(folder?, &tree.period, &units, site.model.units.len(), row)
}

/// What the tree writes besides its rows: `text[..start]` before the
/// first, and after each node's row (in tree order, with its unit) up to
/// `end` the lists it opens or closes; the rest after the last.
pub struct TreeGlue {
    text: String,
    start: usize,
    nodes: Vec<(usize, usize)>,
}

impl TreeGlue {
    fn of(tree: &TreeShape, language: Language) -> TreeGlue {
        let mut out = String::with_capacity(tree.order.len() * 16 + 32);
        out.push_str("<ul class=\"tree\">\n");
        let start = out.len();
        let mut nodes = Vec::with_capacity(tree.order.len());
        for i in 0..tree.order.len() {
            let node = tree.node(i);
            if node.has_children {
                if node.depth >= 2 {
                    out.push_str("<details class=\"tree-fold\"><summary>");
                    let _ = write!(out, "{}", node.below);
                    out.push(' ');
                    let words = if node.below > 1 {
                        "units_below"
                    } else {
                        "unit_below"
                    };
                    text(&mut out, label(words, language));
                    out.push_str("</summary>");
                }
                out.push_str("<ul>\n");
            } else {
                out.push_str("</li>\n");
                for i in 0..node.close {
                    out.push_str("</ul>");
                    if node.depth as i64 - 1 - i as i64 >= 2 {
                        out.push_str("</details>");
                    }
                    out.push_str("</li>\n");
                }
            }
            nodes.push((node.unit, out.len()));
        }
        out.push_str("</ul>");
        TreeGlue {
            text: out,
            start,
            nodes,
        }
    }

    /// Writes the tree into `out`, each unit's row by `row`.
    fn write<W: std::fmt::Write + ?Sized>(
        &self,
        out: &mut W,
        mut row: impl FnMut(&mut W, usize) -> std::fmt::Result,
    ) -> std::fmt::Result {
        out.write_str(&self.text[..self.start])?;
        let mut at = self.start;
        for &(u, end) in &self.nodes {
            row(out, u)?;
            out.write_str(&self.text[at..end])?;
            at = end;
        }
        out.write_str(&self.text[at..])
    }
}

/// Each unit's change rows (in its week's order), by index into
/// `Model::units`.
type ChangeRowsTable = Vec<Option<Arc<Vec<String>>>>;

/// The rows of the unit tree or the changes table as they go into the
/// page, kept apart: the page's template prints it like the string
/// [`unit_tree`] or [`change_rows`] makes, and the template formatter
/// (`functions.rs`) writes its pieces straight into the page instead of
/// copying tens of megabytes into one string first.
pub enum Spliced {
    Tree {
        tree: Arc<TreeList>,
        glue: Arc<TreeGlue>,
        /// The rows the render keeps (none in a single build).
        kept: Option<Arc<Vec<Option<Arc<str>>>>>,
        link: Linker,
    },
    Changes {
        rows: Arc<ChangeRowsTable>,
        order: Vec<(usize, usize)>,
    },
}

impl Spliced {
    /// Writes the rows as [`unit_tree`] or [`change_rows`] writes them.
    pub fn write_to(&self, out: &mut dyn std::fmt::Write) -> std::fmt::Result {
        match self {
            Spliced::Tree {
                tree,
                glue,
                kept,
                link,
            } => {
                let mut made = String::new();
                glue.write(out, |out, u| {
                    match kept.as_ref().and_then(|rows| rows[u].as_deref()) {
                        Some(row) => out.write_str(row),
                        None => {
                            made.clear();
                            tree_row(&mut made, tree, u, link);
                            out.write_str(&made)
                        }
                    }
                })
            }
            Spliced::Changes { rows, order } => {
                for &(u, c) in order {
                    if let Some(row) = rows[u].as_ref().and_then(|rows| rows.get(c)) {
                        out.write_str(row)?;
                    }
                }
                Ok(())
            }
        }
    }
}

impl std::fmt::Debug for Spliced {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("<rows>")
    }
}

impl Object for Spliced {
    /// The rows as text, wherever a template uses them as a string.
    fn render(self: &Arc<Self>, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.write_to(f)
    }
}

/// One unit's row of the tree, up to the list it opens or the end of its
/// item: its name linked, its period when not the tree's, a draft tag,
/// its owners, trend and bar. What it shows is the unit's alone, with the
/// site-wide inputs (language, today, page paths, people).
fn tree_row(out: &mut String, tree: &TreeList, u: usize, link: &dyn Fn(&mut String, &str)) {
    let site = &tree.site;
    let language = site.language;
    let unit = &site.model.units[u];
    out.push_str("<li>\n<div class=\"tree-row\">\n<a class=\"tree-name\" href=\"");
    if let Some(path) = site.unit_path(u) {
        link(out, path);
    } else {
        out.push_str("none");
    }
    out.push_str("\">");
    text(out, &unit.name);
    out.push_str("</a>\n");
    if unit.period.as_ref().is_some_and(|p| p.name != tree.period) {
        out.push_str("<span class=\"tag\">");
        text(out, unit.period.as_ref().map_or("none", |p| &p.name));
        out.push_str("</span>");
    }
    if unit.draft {
        out.push_str("<span class=\"tag tag-draft\">");
        text(out, label("draft", language));
        out.push_str("</span>");
    }
    if !unit.owners.is_empty() {
        out.push_str("<span class=\"owners\">");
        for (n, name) in unit.owners.iter().enumerate() {
            match site.person_slug(name) {
                Some(slug) => {
                    out.push_str("<a href=\"");
                    link(out, &site.paths.person(slug));
                    out.push_str("\">");
                    text(out, name);
                    out.push_str("</a>");
                }
                None => text(out, name),
            }
            if n + 1 < unit.owners.len() {
                out.push_str(", ");
            }
        }
        out.push_str("</span>");
    }
    out.push_str("\n<span class=\"tree-figures\">");
    fragments::unit_sparkline(out, unit, site.today(), language);
    fragments::progress(
        out,
        Progress {
            progress: unit.progress,
            expected: Some(unit.expected),
            pace: unit.pace.map(|p| p.as_str()),
            by: None,
        },
        false,
        language,
    );
    out.push_str("</span>\n</div>\n");
}

/// A running period's changes (see [`super::weekly::changes_list`]): each
/// item `{unit, objective, key_result, href, then, now, progress_change,
/// checkins}`.
pub struct ChangeList {
    pub site: Arc<RenderContext>,
    /// Every unit's week, as the render made or kept it.
    pub weeks: Weeks,
    /// The changes shown, biggest moves first: (unit, index into the
    /// unit's week's changes).
    pub order: Vec<(usize, usize)>,
    /// The units with changes shown, in model order.
    pub units: Vec<usize>,
    pub item: fn(&Arc<RenderContext>, &Change) -> Value,
}

impl ChangeList {
    /// How many changes the list shows.
    pub fn len(&self) -> usize {
        self.order.len()
    }

    /// The list's `i`th change.
    fn change(&self, i: usize) -> Option<&Change> {
        let &(u, c) = self.order.get(i)?;
        self.weeks.get(u)?.changes.get(c)
    }
}

impl std::fmt::Debug for ChangeList {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "<changes of {}>", self.order.len())
    }
}

impl Object for ChangeList {
    fn repr(self: &Arc<Self>) -> ObjectRepr {
        ObjectRepr::Seq
    }

    fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
        let change = self.change(key.as_usize()?)?;
        Some((self.item)(&self.site, change))
    }

    fn enumerate(self: &Arc<Self>) -> Enumerator {
        Enumerator::Seq(self.order.len())
    }
}

fn done_word(done: Option<bool>, language: Language) -> &'static str {
    label(
        if done == Some(true) {
            "done"
        } else {
            "not_done"
        },
        language,
    )
}

/// A key result's value in its own number style, as on its unit page.
fn quantity(out: &mut String, value: f64, kr: &KeyResult) {
    text(
        out,
        &crate::number::quantity(value, kr.unit.as_deref(), kr.number_style),
    );
}

fn percent(out: &mut String, value: f64, language: Language) {
    text(out, &format::percent(value, language));
}

fn confidence(out: &mut String, level: Option<ConfidenceLevel>, language: Language) {
    match level {
        Some(level) => fragments::confidence_badge(out, level, false, language),
        None => out.push('–'),
    }
}

/// Writes the rows of the changes table as `changes.html`'s loop does: the
/// key result linked with its unit and objective and the notes of the
/// window's check-ins, then value, progress, confidence and pace, each as
/// it stood a week ago → now when it changed. The page is in `folder`
/// (when known, each unit's rows are kept for the next render: see
/// `pieces.rs`).
pub fn change_rows(
    out: &mut String,
    list: &ChangeList,
    link: &(dyn Fn(&mut String, &str) + Sync),
    folder: Option<&str>,
) {
    let kept = kept_change_rows(list, link, folder);
    for &(u, c) in &list.order {
        match kept.as_ref().and_then(|kept| kept[u].as_ref()) {
            Some(rows) => out.push_str(&rows[c]),
            None => change_row(out, &list.site, &list.weeks[u].changes[c], link),
        }
    }
}

/// The changes table's rows as [`change_rows`] writes them, spliced from
/// the rows the render keeps; `None` when it keeps none.
pub fn spliced_changes(
    list: &ChangeList,
    link: &(dyn Fn(&mut String, &str) + Sync),
    folder: Option<&str>,
) -> Option<Spliced> {
    let rows = kept_change_rows(list, link, folder)?;
    list.units
        .iter()
        .all(|&u| rows[u].is_some())
        .then(|| Spliced::Changes {
            rows,
            order: list.order.clone(),
        })
}

/// Each unit's change rows, kept from the last render or made now
/// (`pieces.rs`); `None` when the render keeps no pieces.
fn kept_change_rows(
    list: &ChangeList,
    link: &(dyn Fn(&mut String, &str) + Sync),
    folder: Option<&str>,
) -> Option<Arc<ChangeRowsTable>> {
    let site = &list.site;
    site.depends_on_all(&list.units);
    let rows = |u: usize| -> Vec<String> {
        list.weeks[u]
            .changes
            .iter()
            .map(|change| {
                let mut out = String::with_capacity(512);
                change_row(&mut out, site, change, link);
                out
            })
            .collect()
    };
    site.pieces
        .change_rows(folder?, &list.units, site.model.units.len(), rows)
}

/// One change's row of the changes table.
fn change_row(
    out: &mut String,
    site: &RenderContext,
    change: &Change,
    link: &dyn Fn(&mut String, &str),
) {
    let language = site.language;
    let unit = &site.model.units[change.unit];
    let objective = &unit.objectives[change.objective];
    let kr = &objective.key_results[change.key_result];
    out.push_str("<tr><td><a href=\"");
    match site.unit_path(change.unit) {
        Some(path) => link(out, path),
        None => out.push_str("none"),
    }
    out.push('#');
    out.push_str(&super::paths::okr_anchor(&objective.id, Some(&kr.id)));
    out.push_str("\">");
    text(out, &kr.title);
    out.push_str("</a> <span class=\"muted\">");
    text(out, &unit.name);
    out.push_str(" · ");
    text(out, &objective.title);
    out.push_str("</span>");
    for &c in change.checkins.iter().rev() {
        let checkin = &kr.checkins[c];
        let Some(note) = checkin.note.as_deref().filter(|n| !n.is_empty()) else {
            continue;
        };
        let date = crate::period::format_date(checkin.date);
        out.push_str("<p class=\"note\"><time datetime=\"");
        text(out, &date);
        out.push_str("\">");
        text(out, &format::short_date(checkin.date, language));
        out.push_str("</time>: ");
        text(out, note);
        out.push_str("</p>");
    }
    let (then, now): (&Standing, &Standing) = (&change.then, &change.now);
    out.push_str("<td>");
    if let Some(value) = now.value {
        if let Some(before) = then.value.filter(|&b| b != value) {
            quantity(out, before, kr);
            out.push_str(" → ");
        }
        quantity(out, value, kr);
    } else if now.done.is_some() {
        if then.done != now.done {
            text(out, done_word(then.done, language));
            out.push_str(" → ");
        }
        text(out, done_word(now.done, language));
    }
    out.push_str("<td>");
    if then.progress != now.progress {
        percent(out, then.progress, language);
        out.push_str(" → ");
    }
    percent(out, now.progress, language);
    out.push_str("<td>");
    if now.confidence.is_some() || then.confidence.is_some() {
        if then.confidence != now.confidence {
            confidence(out, then.confidence, language);
            out.push_str(" → ");
        }
        confidence(out, now.confidence, language);
    }
    out.push_str("<td>");
    if let Some(pace) = now.pace {
        if let Some(before) = then.pace.filter(|&b| b != pace) {
            fragments::pace_badge(out, before.as_str(), None, language);
            out.push_str(" → ");
        }
        fragments::pace_badge(out, pace.as_str(), None, language);
    }
    out.push('\n');
}

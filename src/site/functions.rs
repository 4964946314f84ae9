//! The filters and functions templates call: formatting in the site's
//! language, safe Markdown, links between pages, and the repeated pieces of
//! HTML (bars, badges, charts, check-in rows) that [`super::fragments`]
//! builds in Rust.
//!
//! They take any template value, but are quick with the model's own objects
//! ([`super::objects`]): a key result object leads straight to the model's
//! key result, without looking up its fields one by one. The render's
//! settings (language, Markdown options) and the units a page used are kept
//! by the page's [`RenderContext`], the `site` variable; no state hides in
//! the thread.

use std::sync::Arc;

use chrono::NaiveDate;
use minijinja::value::Value;
use minijinja::{Environment, Error, ErrorKind, State, context};

use super::data::{RenderContext, SiteData};
use super::format::{self, Language};
use super::fragments::{self, Progress};
use super::markdown::{self, MarkdownOptions};
use super::objects::{KeyResultObject, ObjectiveObject, UnitObject};
use super::paths::{okr_anchor, path_value, relative_url, slug};
use super::rows;
use crate::model::{Confidence, ConfidenceLevel, KeyResult, KeyResultType};
use crate::period::{Period, parse_date};

/// Registers every okrc filter and function on `env`.
pub fn register(env: &mut Environment<'static>) {
    env.add_filter("number", number);
    env.add_filter("percent", percent);
    env.add_filter("quantity", quantity);
    env.add_filter("date", date);
    env.add_filter("short_date", short_date);
    env.add_filter("markdown", markdown_filter);
    env.add_filter("slug", |text: String| slug(&text));
    env.add_filter("confidence_level", confidence_level);
    env.add_function("anchor", anchor);
    env.add_function("unit_url", unit_url);
    env.add_function("period_url", period_url);
    env.add_function("person_url", person_url);
    env.add_function("url", url);
    env.add_function("progress_bar", progress_bar);
    env.add_function("progress", progress);
    env.add_function("pace_badge", pace_badge);
    env.add_function("confidence_badge", confidence_badge);
    env.add_function("kr_chart", kr_chart);
    env.add_function("checkin_rows", checkin_rows);
    env.add_function("checkin_table", checkin_table);
    env.add_function("kr_meta", kr_meta);
    env.add_function("kr_figures", kr_figures);
    env.add_function("has_charts", has_charts);
    env.add_function("sparkline", sparkline);
    env.add_function("aligned_to", aligned_to);
    env.add_function("contributors", contributors);
    env.add_function("unit_tree", unit_tree);
    env.add_function("change_rows", change_rows);
    env.set_formatter(formatter);
}

/// How the templates' `{{ … }}` write a value into the page: as minijinja
/// does (escaped unless safe), except the rows of the unit tree and the
/// changes table spliced from kept pieces ([`rows::Spliced`]), whose
/// pieces go straight into the page, as the safe string of the same rows
/// would.
pub fn formatter(
    out: &mut minijinja::Output,
    state: &mut State,
    value: &Value,
) -> Result<(), Error> {
    if let Some(spliced) = value.downcast_object_ref::<rows::Spliced>() {
        return spliced.write_to(out).map_err(Error::from);
    }
    minijinja::escape_formatter(out, state, value)
}

#[derive(Debug, Clone, Copy)]
struct Settings {
    language: Language,
    markdown: MarkdownOptions,
}

/// The page's render context, the `site` variable.
fn site(state: &State) -> Result<Arc<RenderContext>, Error> {
    state
        .lookup("site")
        .and_then(|site| site.downcast_object::<RenderContext>())
        .ok_or_else(|| {
            Error::new(
                ErrorKind::InvalidOperation,
                "okrc's functions need the `site` variable; do not redefine it",
            )
        })
}

/// The render's settings, from the `site` variable (the defaults without
/// it), kept for the rest of the render in the render's own storage: the
/// filters that format numbers run many times a page.
fn settings(state: &mut State) -> Settings {
    if let Some(settings) = state.get_extension::<Settings>() {
        return *settings;
    }
    let settings = match site(state) {
        Ok(site) => Settings {
            language: site.language,
            markdown: site.markdown,
        },
        Err(_) => Settings {
            language: Language::English,
            markdown: MarkdownOptions { unsafe_html: false },
        },
    };
    *state.get_or_insert_extension(settings)
}

fn language(state: &mut State) -> Language {
    settings(state).language
}

fn as_number(value: &Value) -> Option<f64> {
    if value.is_number() {
        f64::try_from(value.clone()).ok()
    } else {
        None
    }
}

fn attr(value: &Value, key: &str) -> Value {
    value.get_attr(key).unwrap_or_default()
}

fn attr_str(value: &Value, key: &str) -> Option<String> {
    attr(value, key).as_str().map(str::to_string)
}

fn attr_date(value: &Value, key: &str) -> Option<NaiveDate> {
    attr(value, key).as_str().and_then(parse_date)
}

fn safe(html: String) -> Value {
    Value::from_safe_string(html)
}

/// `{{ 120000|number }}` → `120,000` / `120.000`.
fn number(state: &mut State, value: Value) -> String {
    match as_number(&value) {
        Some(n) => format::number(n, language(state)),
        None => "–".to_string(),
    }
}

/// `{{ 0.53|percent }}` → `53%`.
fn percent(state: &mut State, value: Value) -> String {
    match as_number(&value) {
        Some(n) => format::percent(n, language(state)),
        None => "–".to_string(),
    }
}

/// `{{ kr.current|quantity(kr.unit, kr.number_style) }}` → `€118,000`;
/// without a style, in the site's language.
fn quantity(state: &mut State, value: Value, unit: Option<Value>, style: Option<Value>) -> String {
    let unit = unit.as_ref().and_then(|u| u.as_str());
    let style = match style.as_ref().and_then(|s| s.as_str()) {
        Some(code) => crate::number::NumberStyle::of_language(code),
        None => language(state).into(),
    };
    match as_number(&value) {
        Some(n) => crate::number::quantity(n, unit, style),
        None => "–".to_string(),
    }
}

/// `{{ checkin.confidence|confidence_level }}`: a check-in's confidence as
/// a level (`on-track`, `at-risk`, `off-track`), whether written as a number
/// or a level.
fn confidence_level(value: Value) -> Value {
    match as_number(&value) {
        Some(n) => Value::from(Confidence::Number(n).level().as_str()),
        None => value,
    }
}

/// `{{ checkin.date|date }}` → `5 Oct 2026`. Anything that is not a date is
/// shown as it is.
fn date(state: &mut State, value: Value) -> String {
    match value.as_str().and_then(parse_date) {
        Some(d) => format::date(d, language(state)),
        None => value.to_string(),
    }
}

/// `{{ checkin.date|short_date }}` → `5 Oct`.
fn short_date(state: &mut State, value: Value) -> String {
    match value.as_str().and_then(parse_date) {
        Some(d) => format::short_date(d, language(state)),
        None => value.to_string(),
    }
}

/// `{{ unit.body|markdown }}`: safe HTML; `markdown(2)` puts its top heading
/// at `<h2>` (default `<h3>`).
fn markdown_filter(state: &mut State, text: Value, top: Option<u8>) -> Value {
    let Some(text) = text.as_str() else {
        return Value::from("");
    };
    let options = settings(state).markdown;
    safe(markdown::render(
        text,
        top.unwrap_or(3).clamp(1, 6),
        options,
    ))
}

/// `anchor(o)` → `okr-O1`, `anchor(o, kr)` → `okr-O1.KR2`: the HTML id of
/// an objective or key result on its unit's page ([`okr_anchor`]).
fn anchor(objective: Value, key_result: Option<Value>) -> Value {
    let key_result = key_result.map(|kr| id_of(&kr));
    // Letters, digits, `-`, `.` and `_` only: nothing to escape.
    safe(okr_anchor(&id_of(&objective), key_result.as_deref()))
}

/// The `id` of an objective or key result value, or the value itself.
fn id_of(value: &Value) -> String {
    if let Some(o) = value.downcast_object_ref::<ObjectiveObject>() {
        return o.0.objective().id.to_string();
    }
    if let Some(kr) = value.downcast_object_ref::<KeyResultObject>() {
        return kr.0.key_result().id.to_string();
    }
    attr_str(value, "id")
        .or_else(|| value.as_str().map(str::to_string))
        .unwrap_or_default()
}

/// `{{ root }}{{ unit_url(unit) }}`: a unit's page, relative to the site root.
fn unit_url(state: &mut State, unit: Value) -> Result<Value, Error> {
    let site = site_of(state, &unit)?;
    Ok(path_value(
        site.unit_of(&unit).and_then(|i| site.unit_path(i)),
    ))
}

/// `{{ root }}{{ person_url("Ada Lovelace") }}`: the page of a person
/// named as an owner; none for anyone else.
fn person_url(state: &mut State, name: String) -> Result<Value, Error> {
    let site = site(state)?;
    let path = site.person_slug(&name).map(|slug| site.paths.person(slug));
    Ok(path_value(path.as_deref()))
}

/// `{{ root }}{{ period_url("2026-Q4", "alignment") }}`: a period's
/// `dashboard` (default), `alignment` map or `scorecard`.
fn period_url(state: &mut State, period: String, kind: Option<String>) -> Result<Value, Error> {
    let site = site(state)?;
    let paths = &site.paths;
    let path = match kind.as_deref().unwrap_or("dashboard") {
        "dashboard" => paths.dashboard(&period),
        "alignment" => paths.alignment(&period),
        "scorecard" => paths.scorecard(&period),
        "changes" => paths.changes(&period),
        other => {
            return Err(Error::new(
                ErrorKind::InvalidOperation,
                format!(
                    "period_url: unknown page `{other}`; use dashboard, alignment, scorecard or changes"
                ),
            ));
        }
    };
    Ok(path_value(path.as_deref()))
}

/// The site data a model object carries, else the `site` variable's.
fn site_of(state: &State, value: &Value) -> Result<Arc<RenderContext>, Error> {
    if let Some(u) = value.downcast_object_ref::<UnitObject>() {
        return Ok(Arc::clone(u.0.site()));
    }
    if let Some(kr) = value.downcast_object_ref::<KeyResultObject>() {
        return Ok(Arc::clone(kr.0.site()));
    }
    if let Some(o) = value.downcast_object_ref::<ObjectiveObject>() {
        return Ok(Arc::clone(o.0.site()));
    }
    site(state)
}

/// Runs `f` with the progress of a unit, objective or key result: from the
/// model when `item` is one of its objects, else from its attributes.
fn with_progress<T>(item: &Value, f: impl FnOnce(Progress<'_>) -> T) -> T {
    if let Some(kr) = item.downcast_object_ref::<KeyResultObject>() {
        let kr = kr.0.key_result();
        return f(Progress {
            progress: kr.progress,
            expected: Some(kr.expected),
            pace: kr.pace.map(|p| p.as_str()),
            by: kr.by,
        });
    }
    if let Some(o) = item.downcast_object_ref::<ObjectiveObject>() {
        let o = o.0.objective();
        return f(Progress {
            progress: o.progress,
            expected: Some(o.expected),
            pace: o.pace.map(|p| p.as_str()),
            by: o.by,
        });
    }
    if let Some(u) = item.downcast_object_ref::<UnitObject>() {
        let u = u.0.unit();
        return f(Progress {
            progress: u.progress,
            expected: Some(u.expected),
            pace: u.pace.map(|p| p.as_str()),
            by: None,
        });
    }
    let pace = attr_str(item, "pace");
    f(Progress {
        progress: as_number(&attr(item, "progress")).unwrap_or(0.0),
        expected: as_number(&attr(item, "expected")),
        pace: pace.as_deref(),
        by: attr_str(item, "by")
            .as_deref()
            .and_then(crate::period::parse_date),
    })
}

/// The path of the page being rendered (`page.path`), looked up once a
/// render.
struct PagePath(Option<String>);

/// `{{ url(c.href) }}`: a link from this page to a site path (as the
/// model's `href`s are), as short as it can be: `unit.html#okr-O1` between
/// two units of a period. Without a `page.path` it is `root` + the path.
fn url(state: &mut State, path: Value) -> Value {
    let Some(path) = path.as_str() else {
        return Value::from(());
    };
    let link = linker(state);
    let mut out = String::with_capacity(path.len() + 8);
    link(&mut out, path);
    Value::from_safe_string(out)
}

/// What `url` does, as a function that appends the escaped link to a site
/// path: the page's path (or `root`) looked up once.
fn linker(state: &mut State) -> impl Fn(&mut String, &str) + Send + Sync + use<> {
    if state.get_extension::<PagePath>().is_none() {
        let page = state
            .lookup("page")
            .and_then(|page| page.get_attr("path").ok())
            .and_then(|p| p.as_str().map(str::to_string));
        state.get_or_insert_extension(PagePath(page));
    }
    let page = match state.get_extension::<PagePath>() {
        Some(PagePath(Some(page))) => Ok(page.clone()),
        _ => Err(state
            .lookup("root")
            .and_then(|r| r.as_str().map(str::to_string))
            .unwrap_or_default()),
    };
    move |out: &mut String, path: &str| match &page {
        Ok(page) => super::svg::escape_into(out, &relative_url(page, path)),
        Err(root) => {
            super::svg::escape_into(out, root);
            super::svg::escape_into(out, path);
        }
    }
}

/// The folder of the page being rendered (`""` at the site's root), which
/// its links are relative to; `None` when the page is not known.
fn page_folder(state: &mut State) -> Option<String> {
    let _ = linker(state);
    match state.get_extension::<PagePath>() {
        Some(PagePath(Some(page))) => {
            Some(page.rfind('/').map_or("", |at| &page[..at]).to_string())
        }
        _ => None,
    }
}

/// `{{ unit_tree(tree) }}`: the page's unit tree (the `tree` variable of
/// the overview and a dashboard) as nested lists, what the `tree` macro of
/// `macros.html` writes, made in Rust: the tree holds every unit.
fn unit_tree(state: &mut State, tree: Value) -> Result<Value, Error> {
    let Some(tree) = tree.downcast_object::<rows::TreeList>() else {
        return Err(Error::new(
            ErrorKind::InvalidOperation,
            "unit_tree takes the page's `tree`; for a list of your own, use the `tree` macro of macros.html",
        ));
    };
    let link = linker(state);
    let folder = page_folder(state);
    if tree.site.splices() {
        let spliced = rows::spliced_tree(tree, Box::new(link), folder.as_deref());
        return Ok(Value::from_object(spliced));
    }
    let mut out = String::new();
    rows::unit_tree(&mut out, &tree, &link, folder.as_deref());
    Ok(safe(out))
}

/// `{{ change_rows(changes) }}`: the `<tr>` rows of a changes page's table,
/// one per key result that moved, what `changes.html` used to loop over,
/// made in Rust.
fn change_rows(state: &mut State, changes: Value) -> Result<Value, Error> {
    let Some(changes) = changes.downcast_object_ref::<rows::ChangeList>() else {
        return Err(Error::new(
            ErrorKind::InvalidOperation,
            "change_rows takes the changes page's `changes`; to lay out a list of your own, loop over it",
        ));
    };
    let link = linker(state);
    let folder = page_folder(state);
    if changes.site.splices() {
        if let Some(spliced) = rows::spliced_changes(changes, &link, folder.as_deref()) {
            return Ok(Value::from_object(spliced));
        }
    }
    let mut out = String::with_capacity(changes.len() * 1024);
    rows::change_rows(&mut out, changes, &link, folder.as_deref());
    Ok(safe(out))
}

/// `{{ progress_bar(kr) }}`: the progress of a unit, objective or key result
/// as an SVG bar, coloured by its pace, with the expected progress marked.
fn progress_bar(state: &mut State, item: Value) -> Value {
    let language = language(state);
    let mut out = String::with_capacity(200);
    with_progress(&item, |p| fragments::progress_bar(&mut out, p, language));
    safe(out)
}

/// `{{ progress(item) }}`: the progress bar and the percentage beside it;
/// `progress(item, true)` is the large one of a page head.
fn progress(state: &mut State, item: Value, large: Option<bool>) -> Value {
    let language = language(state);
    let mut out = String::with_capacity(240);
    let large = large.unwrap_or(false);
    with_progress(&item, |p| fragments::progress(&mut out, p, large, language));
    safe(out)
}

/// `{{ pace_badge(kr.pace) }}`: the pace in words, with a shape and colour
/// that repeat it; `pace_badge(kr.pace, kr.by)` adds a pending milestone's
/// deadline ("Due 15 Jan 2027"). Empty for none.
fn pace_badge(state: &mut State, pace: Option<Value>, by: Option<Value>) -> Value {
    let mut out = String::new();
    let by = by
        .as_ref()
        .and_then(|b| b.as_str())
        .and_then(crate::period::parse_date);
    if let Some(pace) = pace.as_ref().and_then(|p| p.as_str()) {
        fragments::pace_badge(&mut out, pace, by, language(state));
    }
    safe(out)
}

/// `{{ confidence_badge(kr.confidence) }}`: a confidence (a level, or a
/// check-in's number) in words; `confidence_badge(c, false)` leaves out the
/// "Confidence:" prefix for screen readers, where a column header says it.
fn confidence_badge(state: &mut State, confidence: Value, labelled: Option<bool>) -> Value {
    let level = confidence_level(confidence);
    let Some(level) = level.as_str().and_then(ConfidenceLevel::from_name) else {
        return Value::from("");
    };
    let mut out = String::with_capacity(100);
    fragments::confidence_badge(&mut out, level, labelled.unwrap_or(true), language(state));
    safe(out)
}

/// The key result a value stands for: the model's own for a key result
/// object, else one rebuilt from the value's attributes.
fn with_key_result<T>(kr: &Value, f: impl FnOnce(&KeyResult) -> T) -> T {
    if let Some(object) = kr.downcast_object_ref::<KeyResultObject>() {
        return f(object.0.key_result());
    }
    f(&key_result_from_value(kr))
}

/// A key result from a template value's attributes (a dict a template made,
/// say): what the charts and tables need of it.
fn key_result_from_value(value: &Value) -> KeyResult {
    use crate::model::{Checkin, KeyResultOrigin};
    let kind = match attr_str(value, "type").as_deref() {
        Some("metric") => KeyResultType::Metric,
        Some("milestone") => KeyResultType::Milestone,
        Some("rollup") => KeyResultType::Rollup,
        _ => KeyResultType::Unmeasurable,
    };
    let mut checkins = Vec::new();
    if let Ok(list) = attr(value, "checkins").try_iter() {
        for checkin in list {
            let Some(date) = attr_date(&checkin, "date") else {
                continue;
            };
            let done = attr(&checkin, "done");
            let confidence = attr(&checkin, "confidence");
            checkins.push(Checkin::new(
                date,
                as_number(&attr(&checkin, "value")),
                (!done.is_none() && !done.is_undefined()).then(|| done.is_true()),
                match as_number(&confidence) {
                    Some(n) => Some(Confidence::Number(n)),
                    None => confidence
                        .as_str()
                        .and_then(ConfidenceLevel::from_name)
                        .map(Confidence::Level),
                },
                attr_str(&checkin, "note").map(String::into_boxed_str),
            ));
        }
    }
    KeyResult {
        id: attr_str(value, "id").unwrap_or_default().into(),
        title: attr_str(value, "title").unwrap_or_default().into(),
        kind,
        from: as_number(&attr(value, "from")),
        to: as_number(&attr(value, "to")),
        unit: attr_str(value, "unit").map(String::into_boxed_str),
        by: attr_date(value, "by"),
        current: as_number(&attr(value, "current")),
        done: None,
        weight: 1.0,
        progress: as_number(&attr(value, "progress")).unwrap_or(0.0),
        expected: as_number(&attr(value, "expected")).unwrap_or(0.0),
        pace: None,
        confidence: None,
        score: None,
        number_style: crate::number::NumberStyle::of_language(
            attr_str(value, "number_style").as_deref().unwrap_or("en"),
        ),
        owners: Vec::new(),
        links: Vec::new(),
        description: None,
        stale: false,
        checkins,
        contributors: Vec::new(),
        origin: KeyResultOrigin::default(),
    }
}

/// The period of a unit value.
fn period_of(site: &SiteData, unit: &Value) -> Option<Period> {
    if let Some(u) = unit.downcast_object_ref::<UnitObject>() {
        return u.0.unit().period.clone();
    }
    attr_str(unit, "period").and_then(|p| site.periods.get(&p).cloned())
}

/// `{{ kr_chart(kr, unit) }}`: a metric key result's check-ins against the
/// expected pace, with a text alternative. Empty for other key results.
fn kr_chart(state: &mut State, kr: Value, unit: Value) -> Result<Value, Error> {
    let site = site_of(state, &kr)?;
    let Some(period) = period_of(&site, &unit) else {
        return Ok(Value::from(""));
    };
    let mut out = String::new();
    with_key_result(&kr, |kr| {
        fragments::kr_chart(&mut out, kr, &period, site.today(), site.language)
    });
    Ok(safe(out))
}

/// `{{ checkin_rows(kr) }}` (or `checkin_rows(kr, unit)`): the rows of a key
/// result's check-in table, newest first: date, value, confidence, note
/// (`<tr>` elements, for a `<tbody>`). Within the period's year, dates
/// leave the year out.
fn checkin_rows(state: &mut State, kr: Value, unit: Option<Value>) -> Result<Value, Error> {
    let period = period_for(state, &kr, unit.as_ref())?;
    let language = language(state);
    let mut out = String::with_capacity(1024);
    with_key_result(&kr, |kr| {
        fragments::checkin_rows(&mut out, kr, period.as_ref(), language)
    });
    Ok(safe(out))
}

/// The period of the unit a key result value belongs to, or of `unit`.
fn period_for(state: &State, kr: &Value, unit: Option<&Value>) -> Result<Option<Period>, Error> {
    Ok(match (kr.downcast_object_ref::<KeyResultObject>(), unit) {
        (Some(object), _) => object.0.unit().period.clone(),
        (None, Some(unit)) => period_of(&*site(state)?, unit),
        (None, None) => None,
    })
}

/// `{{ checkin_table(kr) }}`: the check-in history of a key result, a
/// table of every check-in (date, value, confidence, note), newest first,
/// in a `<details>` that can be folded. Empty without check-ins.
fn checkin_table(state: &mut State, kr: Value, unit: Option<Value>) -> Result<Value, Error> {
    let period = period_for(state, &kr, unit.as_ref())?;
    let language = language(state);
    let mut out = String::with_capacity(1024);
    with_key_result(&kr, |kr| {
        fragments::checkin_table(&mut out, kr, period.as_ref(), language)
    });
    Ok(safe(out))
}

/// `{{ kr_meta(kr) }}`: the badges under a key result's title — pace and
/// confidence in words, the type, and weight and score when set.
fn kr_meta(state: &mut State, kr: Value) -> Value {
    let language = language(state);
    let mut out = String::with_capacity(256);
    with_key_result(&kr, |kr| fragments::kr_meta(&mut out, kr, language));
    safe(out)
}

/// `{{ kr_figures(kr) }}`: a key result's figures as a `<dl>`: from →
/// current → target and the deadline (a metric), or where it stands.
fn kr_figures(state: &mut State, kr: Value) -> Value {
    let language = language(state);
    let mut out = String::with_capacity(256);
    with_key_result(&kr, |kr| fragments::kr_figures(&mut out, kr, language));
    safe(out)
}

/// `{% if has_charts(unit) %}`: whether any key result of the unit gets a
/// chart (a metric), say to show the charts' legend once.
fn has_charts(unit: Value) -> bool {
    let metric = |kind: Option<String>| kind.as_deref() == Some("metric");
    if let Some(u) = unit.downcast_object_ref::<UnitObject>() {
        return u
            .0
            .unit()
            .objectives
            .iter()
            .flat_map(|o| &o.key_results)
            .any(|kr| kr.kind == KeyResultType::Metric);
    }
    attr(&unit, "objectives")
        .try_iter()
        .is_ok_and(|mut objectives| {
            objectives.any(|o| {
                attr(&o, "key_results")
                    .try_iter()
                    .is_ok_and(|mut krs| krs.any(|kr| metric(attr_str(&kr, "type"))))
            })
        })
}

/// `{{ sparkline(unit) }}` or `{{ sparkline(kr, unit) }}`: progress over
/// the period as a small line.
fn sparkline(state: &mut State, item: Value, unit: Option<Value>) -> Result<Value, Error> {
    let site = site_of(state, &item)?;
    let mut out = String::with_capacity(256);
    match unit {
        None => {
            if let Some(i) = site.unit_of(&item) {
                fragments::unit_sparkline(
                    &mut out,
                    &site.model.units[i],
                    site.today(),
                    site.language,
                );
            }
        }
        Some(unit) => {
            if let Some(period) = period_of(&site, &unit) {
                with_key_result(&item, |kr| {
                    fragments::kr_sparkline(&mut out, kr, &period, site.today(), site.language)
                });
            }
        }
    }
    Ok(safe(out))
}

/// The index of an objective (given as a value with an `id`, or the id)
/// within a unit.
fn objective_index(site: &SiteData, u: usize, objective: &Value) -> Option<usize> {
    if let Some(o) = objective.downcast_object_ref::<ObjectiveObject>() {
        if o.0.unit_index() == u {
            return Some(o.0.objective_index());
        }
    }
    let id = id_of(objective);
    site.model.units[u]
        .objectives
        .iter()
        .position(|o| *o.id == *id)
}

fn key_result_index(site: &SiteData, u: usize, o: usize, key_result: &Value) -> Option<usize> {
    if let Some(kr) = key_result.downcast_object_ref::<KeyResultObject>() {
        if kr.0.unit_index() == u && kr.0.objective_index() == o {
            return Some(kr.0.key_result_index());
        }
    }
    let id = id_of(key_result);
    site.model.units[u].objectives[o]
        .key_results
        .iter()
        .position(|k| *k.id == *id)
}

/// A link to an objective (and key result) on its unit's page.
fn objective_link(site: &Arc<RenderContext>, u: usize, o: usize, k: Option<usize>) -> Value {
    let objective = &site.model.units[u].objectives[o];
    let key_result = k.map(|k| &*objective.key_results[k].id);
    let fragment = okr_anchor(&objective.id, key_result);
    let href = site.unit_path(u).map(|path| format!("{path}#{fragment}"));
    context! {
        unit => site.unit_value(u),
        objective => site.okr_value(u, o, None),
        key_result => k.map(|k| site.okr_value(u, o, Some(k))),
        href => path_value(href.as_deref()),
    }
}

/// `aligned_to(unit, objective)`: what the objective contributes to, each
/// `{unit, objective, key_result, href}` (key_result none for a whole
/// objective; href relative to the site root).
fn aligned_to(state: &mut State, unit: Value, objective: Value) -> Result<Value, Error> {
    let site = site_of(state, &unit)?;
    let Some(u) = site.unit_of(&unit) else {
        return Ok(Value::from(Vec::<Value>::new()));
    };
    let Some(o) = objective_index(&site, u, &objective) else {
        return Ok(Value::from(Vec::<Value>::new()));
    };
    let targets = site
        .aligned_to
        .get(u)
        .and_then(|objectives| objectives.get(o));
    Ok(targets
        .into_iter()
        .flatten()
        .map(|&(tu, to, tk)| objective_link(&site, tu, to, tk))
        .collect())
}

/// `contributors(unit, objective)` / `contributors(unit, objective, kr)`: the
/// objectives aligned to it, each `{unit, objective, href}`.
fn contributors(
    state: &State,
    unit: Value,
    objective: Value,
    key_result: Option<Value>,
) -> Result<Value, Error> {
    let site = site_of(state, &unit)?;
    let none = || Ok(Value::from(Vec::<Value>::new()));
    let Some(u) = site.unit_of(&unit) else {
        return none();
    };
    let Some(o) = objective_index(&site, u, &objective) else {
        return none();
    };
    let k = match &key_result {
        Some(kr) => match key_result_index(&site, u, o, kr) {
            Some(k) => Some(k),
            None => return none(),
        },
        None => None,
    };
    Ok(site
        .contributions
        .get(&(u, o, k))
        .into_iter()
        .flatten()
        .map(|&(cu, co)| objective_link(&site, cu, co, None))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn anchors_keep_distinct_ids_distinct() {
        let a = anchor(Value::from("O1"), Some(Value::from("KR1")));
        assert_eq!(a.as_str(), Some("okr-O1.KR1"));
        assert_ne!(
            anchor(Value::from("o 1"), None).to_string(),
            anchor(Value::from("o_1"), None).to_string()
        );
        assert_eq!(
            anchor(Value::from("<b>"), None).as_str(),
            Some("okr-_3c_b_3e_")
        );
    }
}

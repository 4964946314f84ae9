//! Stage 4, the site: the model rendered as a static progress site (SPEC §6),
//! in memory. [`render_site`] is pure: the same model, config and templates
//! always give the same bytes, so `okrc build` writes them once
//! ([`output::write_site`]) and `watch`/`serve` can render again on every
//! change and write only what changed ([`output::update_site`]).
//!
//! ```text
//! Model ──► SiteData (paths, model as template values, indexes; once)
//!       ──► pages (rayon, one template render each) ──► SiteFiles
//! ```
//!
//! Templates are minijinja, embedded from `templates/` and replaceable file
//! by file from the workspace's `templates/` folder; they are parsed once into
//! a [`Templates`] that serves any number of renders.

pub mod cache;
mod data;
pub mod format;
mod functions;
pub mod labels;
pub mod markdown;
pub mod output;
pub mod paths;
pub mod svg;
mod views;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use minijinja::syntax::SyntaxConfig;
use minijinja::{Environment, Value, context};
use thiserror::Error;

use crate::config::Config;
use crate::model::Model;
pub use cache::SiteCache;
use data::SiteData;
use format::Language;
use paths::path_value;
use views::{Page, PageKind};

/// The built site: relative output path (`/`-separated) → file contents.
/// Sorted, so writing and comparing it is deterministic.
pub type SiteFiles = BTreeMap<String, Vec<u8>>;

/// The folder of a workspace whose files replace the built-in templates.
pub const TEMPLATES_FOLDER: &str = "templates";

/// The stylesheet's name, in `templates/` and in the output folder.
pub const STYLESHEET: &str = "style.css";

/// The built-in templates, embedded in the binary.
const BUILTIN: &[(&str, &str)] = &[
    ("base.html", include_str!("../../templates/base.html")),
    ("macros.html", include_str!("../../templates/macros.html")),
    ("index.html", include_str!("../../templates/index.html")),
    ("period.html", include_str!("../../templates/period.html")),
    ("unit.html", include_str!("../../templates/unit.html")),
    (
        "alignment.html",
        include_str!("../../templates/alignment.html"),
    ),
    (
        "scorecard.html",
        include_str!("../../templates/scorecard.html"),
    ),
    (STYLESHEET, include_str!("../../templates/style.css")),
];

/// Why a site could not be rendered.
#[derive(Debug, Error)]
pub enum SiteError {
    /// A template from the workspace could not be read.
    #[error("cannot read template `{}`: {source}", path.display())]
    ReadTemplate {
        path: PathBuf,
        source: std::io::Error,
    },
    /// A template has a syntax error, or failed while rendering a page.
    #[error("template error{}: {message}", page.as_ref().map(|p| format!(" while rendering `{p}`")).unwrap_or_default())]
    Template {
        /// The page being rendered, if it got that far.
        page: Option<String>,
        /// minijinja's explanation, with the template name and line.
        message: String,
    },
}

impl SiteError {
    fn template(page: Option<&str>, error: &minijinja::Error) -> SiteError {
        let mut message = error.to_string();
        let mut source = std::error::Error::source(error);
        while let Some(cause) = source {
            message.push_str(&format!(": {cause}"));
            source = cause.source();
        }
        SiteError::Template {
            page: page.map(str::to_string),
            message,
        }
    }
}

/// The site's templates, parsed once: the built-in ones with the workspace's
/// replacements. Cheap to share between renders and threads.
pub struct Templates {
    env: Environment<'static>,
    stylesheet: String,
    replaced: Vec<String>,
    /// A hash of every replacement's name and source: two `Templates` with
    /// the same fingerprint render the same pages.
    fingerprint: u64,
    /// Whether any template reads the `model` variable (everything), which
    /// makes every page depend on every unit.
    uses_model: bool,
}

impl std::fmt::Debug for Templates {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Templates")
            .field("replaced", &self.replaced)
            .finish_non_exhaustive()
    }
}

impl Templates {
    /// The built-in templates only.
    pub fn builtin() -> Result<Templates, SiteError> {
        Templates::with_replacements(BTreeMap::new())
    }

    /// The built-in templates, each replaced by a file of the same name in
    /// `workspace/templates/` if there is one. Other `.html` files there are
    /// added too, for templates to include or import.
    pub fn load(workspace: &Path) -> Result<Templates, SiteError> {
        let folder = workspace.join(TEMPLATES_FOLDER);
        let mut replacements = BTreeMap::new();
        let entries = match std::fs::read_dir(&folder) {
            Ok(entries) => entries,
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
                return Templates::builtin();
            }
            Err(source) => {
                return Err(SiteError::ReadTemplate {
                    path: folder,
                    source,
                });
            }
        };
        for entry in entries {
            let entry = entry.map_err(|source| SiteError::ReadTemplate {
                path: folder.clone(),
                source,
            })?;
            let name = entry.file_name().to_string_lossy().into_owned();
            let wanted = name.ends_with(".html") || name == STYLESHEET;
            if !wanted || name.starts_with('.') || !entry.path().is_file() {
                continue;
            }
            let text = std::fs::read_to_string(entry.path()).map_err(|source| {
                SiteError::ReadTemplate {
                    path: entry.path(),
                    source,
                }
            })?;
            replacements.insert(name, text);
        }
        Templates::with_replacements(replacements)
    }

    /// The built-in templates with `replacements` (name → source) applied.
    pub fn with_replacements(
        mut replacements: BTreeMap<String, String>,
    ) -> Result<Templates, SiteError> {
        let mut env = Environment::new();
        let syntax = SyntaxConfig::builder()
            .trim_blocks(true)
            .lstrip_blocks(true)
            .build()
            .map_err(|err| SiteError::template(None, &err))?;
        env.set_syntax(syntax);
        functions::register(&mut env);
        let replaced: Vec<String> = replacements.keys().cloned().collect();
        let fingerprint = {
            use std::hash::{Hash, Hasher};
            let mut hasher = std::collections::hash_map::DefaultHasher::new();
            replacements.hash(&mut hasher);
            hasher.finish()
        };
        let stylesheet = replacements
            .remove(STYLESHEET)
            .unwrap_or_else(|| builtin_source(STYLESHEET).to_string());
        for (name, source) in BUILTIN {
            if *name == STYLESHEET {
                continue;
            }
            let source = replacements
                .remove(*name)
                .unwrap_or_else(|| source.to_string());
            env.add_template_owned(name.to_string(), source)
                .map_err(|err| SiteError::template(None, &err))?;
        }
        for (name, source) in replacements {
            env.add_template_owned(name, source)
                .map_err(|err| SiteError::template(None, &err))?;
        }
        let uses_model = env
            .templates()
            .any(|(_, template)| template.undeclared_variables(false).contains("model"));
        Ok(Templates {
            env,
            stylesheet,
            replaced,
            fingerprint,
            uses_model,
        })
    }

    /// The names of the templates the workspace replaced or added.
    pub fn replaced(&self) -> &[String] {
        &self.replaced
    }

    fn render(&self, page: &Page, context: Value) -> Result<String, SiteError> {
        self.env
            .get_template(page.kind.template())
            .and_then(|template| template.render(context))
            .map_err(|err| SiteError::template(Some(&page.path), &err))
    }
}

fn builtin_source(name: &str) -> &'static str {
    BUILTIN
        .iter()
        .find(|(n, _)| *n == name)
        .map_or("", |(_, source)| source)
}

/// Renders the whole site in memory: every page (in parallel), the
/// stylesheet and `okrs.json`. Pure: reads no files and no clock. (The
/// work is done by a [`SiteCache`] that starts empty; `watch` keeps one to
/// render only what changed.)
pub fn render_site(
    model: &Model,
    config: &Config,
    templates: &Templates,
) -> Result<SiteFiles, SiteError> {
    let rendered = SiteCache::default().render(model, config, templates)?;
    Ok(rendered.into_files())
}

/// Drops the indentation templates leave at the start of lines (a good
/// share of a page's bytes), except inside `<pre>`, where it is content.
fn strip_indentation(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let has_pre = html.contains("<pre");
    let mut in_pre = false;
    for line in html.split_inclusive('\n') {
        let kept = if in_pre {
            line
        } else {
            line.trim_start_matches([' ', '\t'])
        };
        if kept == "\n" && !in_pre {
            continue;
        }
        out.push_str(kept);
        if has_pre && (line.contains("<pre") || line.contains("</pre>")) {
            in_pre = line.rfind("<pre") > line.rfind("</pre>");
        }
    }
    out
}

/// The variables every page shares.
struct Shared {
    site: Value,
    t: Value,
    periods: Value,
}

/// Every period with its pages and state, for navigation.
fn periods_value(model: &Model, site: &SiteData) -> Value {
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
            context! {
                name => period.name.clone(),
                start => crate::period::format_date(period.start),
                end => crate::period::format_date(period.end),
                status => status,
                current => site.current_period.as_deref() == Some(period.name.as_str()),
                href => path_value(site.paths.dashboard(&period.name).as_deref()),
                alignment_href => path_value(site.paths.alignment(&period.name).as_deref()),
                scorecard_href => path_value(period.has_ended(today).then(|| site.paths.scorecard(&period.name)).flatten().as_deref()),
                units => model.units.iter().filter(|u| u.period.as_ref() == Some(period)).count(),
            }
        })
        .collect()
}

/// The variables of one page: the shared ones, `root`, `page`, and what its
/// kind shows.
fn page_context(model: &Model, site: &SiteData, shared: &Shared, page: &Page) -> Value {
    let root = paths::root_prefix(&page.path);
    let period_name = match &page.kind {
        PageKind::Index => site.current_period.clone(),
        PageKind::Dashboard(p) | PageKind::Alignment(p) | PageKind::Scorecard(p) => Some(p.clone()),
        PageKind::Unit(u) => model.units[*u].period.as_ref().map(|p| p.name.clone()),
    };
    let period = period_name
        .as_ref()
        .and_then(|name| {
            shared.periods.try_iter().ok()?.find(|p| {
                p.get_attr("name")
                    .is_ok_and(|n| n.as_str() == Some(name.as_str()))
            })
        })
        .unwrap_or_default();
    let common = context! {
        site => shared.site.clone(),
        model => site.model.clone(),
        t => shared.t.clone(),
        periods => shared.periods.clone(),
        lang => site.language.code(),
        root => Value::from_safe_string(root),
        period => period,
        page => context! { kind => page.kind.name(), path => path_value(Some(&page.path)) },
    };
    match &page.kind {
        PageKind::Index | PageKind::Dashboard(_) => {
            let Some(name) = period_name else {
                return common;
            };
            let units = views::period_units(model, &name);
            // Enough to act on; a list of thousands helps no one.
            let limit = if page.kind == PageKind::Index {
                12
            } else {
                200
            };
            let (attention_total, shown) = views::attention(model, site, &units, limit);
            // The index shows the top three levels; the dashboard every unit.
            let depth = if page.kind == PageKind::Index {
                2
            } else {
                usize::MAX
            };
            let tree = views::tree(model, site, &units, &name, depth);
            let shown_units = tree.len().unwrap_or(0);
            let checkins = if page.kind == PageKind::Index { 10 } else { 25 };
            context! {
                tree => tree,
                tree_hidden => units.len() - shown_units,
                attention => shown,
                attention_total => attention_total,
                checkins => views::latest_checkins(model, site, &units, checkins),
                statements => views::statements(model, site, &units),
                summary => views::summary(model, &units, &name),
                ..common
            }
        }
        PageKind::Unit(u) => {
            let (parent, children, ancestors) = views::unit_relations(model, site, *u);
            context! {
                unit => site.unit_value(*u),
                parent => parent,
                children => children,
                ancestors => ancestors,
                ..common
            }
        }
        PageKind::Alignment(name) => context! {
            groups => views::alignment_groups(model, site, name),
            ..common
        },
        PageKind::Scorecard(name) => context! {
            units => views::period_unit_links(model, site, name),
            ..common
        },
    }
}

/// The language of a model's UI, for callers outside the site.
pub fn language(model: &Model) -> Language {
    Language::from_code(&model.language)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indentation_goes_except_inside_pre() {
        let html =
            "<div>\n    <p>a</p>\n\n  <pre><code>fn x() {\n    1\n}\n</code></pre>\n  <p>b</p>\n";
        assert_eq!(
            strip_indentation(html),
            "<div>\n<p>a</p>\n<pre><code>fn x() {\n    1\n}\n</code></pre>\n<p>b</p>\n"
        );
    }
}

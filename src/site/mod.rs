//! Stage 4, the site: the model rendered as a static progress site (README "okrc build").
//! A [`SiteRender`] is pure: the same model, config and templates always
//! give the same bytes for every page. `okrc build`, `watch` and `serve`
//! build through a [`SiteCache`]: pages render on all cores and each is
//! written as soon as it is made, so the site is never held in memory; a
//! page whose inputs did not change since the last build (in this process,
//! or as the last site's manifest says) is kept rather than rendered again.
//!
//! ```text
//! Model ──► SiteData (paths, indexes; once) ──► pages (rayon, one template
//!           render each, over lazy objects of the model) ──► output folder
//! ```
//!
//! Templates are minijinja, embedded from `templates/` and replaceable file
//! by file from the workspace's `templates/` folder; they are parsed once into
//! a [`Templates`] that serves any number of renders. The pieces every page
//! repeats (bars, badges, charts, check-in rows) are made in Rust
//! ([`fragments`]) and placed by template functions ([`functions`]).

mod alignment;
pub mod cache;
mod data;
pub mod format;
mod fragments;
mod functions;
pub mod labels;
mod lists;
pub mod markdown;
mod objects;
pub mod output;
mod pager;
mod pages;
#[cfg(test)]
mod pages_tests;
pub mod paths;
mod people_index;
mod pieces;
mod rows;
pub mod svg;
mod weekly;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use minijinja::Environment;
use minijinja::syntax::SyntaxConfig;
use thiserror::Error;

use crate::config::Config;
use crate::model::Model;
pub use cache::SiteCache;
use data::{RenderContext, SiteData};
use format::Language;
use markdown::MarkdownOptions;
pub use pages::{Page, PageKind};
use pages::{Shared, page_context};

/// The built site: relative output path (`/`-separated) → file contents.
/// Sorted, so writing and comparing it is deterministic.
pub type SiteFiles = BTreeMap<String, Vec<u8>>;

/// The folder of a workspace whose files replace the built-in templates.
pub const TEMPLATES_FOLDER: &str = "templates";

/// The stylesheet's name, in `templates/` and in the output folder.
pub const STYLESHEET: &str = "style.css";

/// The site's icon, in the output folder: every page links to it, so a
/// browser asks for no `favicon.ico` that is not there.
pub const FAVICON: &str = "favicon.svg";

/// The icon's bytes: a target, in the site's accent colour.
pub const FAVICON_SVG: &str = include_str!("../../templates/favicon.svg");

/// The built-in templates, embedded in the binary.
const BUILTIN: &[(&str, &str)] = &[
    ("base.html", include_str!("../../templates/base.html")),
    ("macros.html", include_str!("../../templates/macros.html")),
    // Its own file, so a workspace's `macros.html` of before the changes
    // were paged still builds.
    ("pager.html", include_str!("../../templates/pager.html")),
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
    ("changes.html", include_str!("../../templates/changes.html")),
    ("people.html", include_str!("../../templates/people.html")),
    ("person.html", include_str!("../../templates/person.html")),
    (STYLESHEET, include_str!("../../templates/style.css")),
];

/// Why a build wrote no site.
#[derive(Debug, Error)]
pub enum BuildError {
    #[error(transparent)]
    Site(#[from] SiteError),
    #[error(transparent)]
    Output(#[from] output::OutputError),
}

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
    /// The files of the workspace's `static/` folder, copied into the site
    /// as they are: site path and where the file is.
    statics: Vec<(String, PathBuf)>,
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
    /// added too, for templates to include or import. The files of
    /// `workspace/static/` come along, to be copied into the site.
    pub fn load(workspace: &Path) -> Result<Templates, SiteError> {
        let mut templates = Templates::load_templates(workspace)?;
        templates.statics = static_files(&workspace.join(STATIC_FOLDER))?;
        Ok(templates)
    }

    fn load_templates(workspace: &Path) -> Result<Templates, SiteError> {
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
            // A link is skipped like a linked unit file: a template linked
            // to `/proc/self/environ` must not put it into every page.
            let regular = entry.file_type().is_ok_and(|kind| kind.is_file());
            if !wanted || name.starts_with('.') || !regular {
                continue;
            }
            let read_error = |source| SiteError::ReadTemplate {
                path: entry.path(),
                source,
            };
            let bytes = crate::source::read_regular(&entry.path()).map_err(|err| match err {
                crate::source::ReadError::Io(source) => read_error(source),
                other => read_error(std::io::Error::other(other.to_string())),
            })?;
            let text = String::from_utf8(bytes).map_err(|err| {
                read_error(std::io::Error::new(std::io::ErrorKind::InvalidData, err))
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
            env.add_template_owned(name.to_string(), strip_indentation(&source))
                .map_err(|err| SiteError::template(None, &err))?;
        }
        for (name, source) in replacements {
            let source = strip_indentation(&source);
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
            statics: Vec::new(),
        })
    }

    /// The names of the templates the workspace replaced or added.
    pub fn replaced(&self) -> &[String] {
        &self.replaced
    }

    /// The output of `page`'s template for `context`, written into `out`
    /// (emptied; made for about the page's length when known: a page of
    /// tens of megabytes is then not copied as it grows).
    fn render(
        &self,
        page: &Page,
        context: minijinja::Value,
        mut out: Vec<u8>,
    ) -> Result<Vec<u8>, SiteError> {
        out.clear();
        self.env
            .get_template(page.kind.template())
            .and_then(|template| template.render_captured_to(context, &mut out))
            .map_err(|err| SiteError::template(Some(&page.path), &err))?;
        Ok(out)
    }

    /// The stylesheet's bytes.
    pub fn stylesheet(&self) -> &str {
        &self.stylesheet
    }

    /// The files of the workspace's `static/` folder: site path and file.
    pub fn statics(&self) -> &[(String, PathBuf)] {
        &self.statics
    }
}

/// The folder at the workspace root whose files are copied into the site.
pub const STATIC_FOLDER: &str = "static";

/// Every regular file below `folder` (hidden ones included, the way Zola
/// and Hugo copy `CNAME` and `.nojekyll`), with its `/`-separated path
/// relative to it. Links are skipped, never followed; no folder, no files.
fn static_files(folder: &Path) -> Result<Vec<(String, PathBuf)>, SiteError> {
    if !std::fs::symlink_metadata(folder).is_ok_and(|meta| meta.is_dir()) {
        return Ok(Vec::new());
    }
    let mut files = Vec::new();
    for entry in walkdir::WalkDir::new(folder)
        .follow_links(false)
        .sort_by_file_name()
    {
        let entry = entry.map_err(|err| SiteError::ReadTemplate {
            path: err.path().unwrap_or(folder).to_path_buf(),
            source: err.into(),
        })?;
        if entry.file_type().is_file() {
            let name = crate::workspace::relative_path(folder, entry.path());
            files.push((name, entry.into_path()));
        }
    }
    Ok(files)
}

fn builtin_source(name: &str) -> &'static str {
    BUILTIN
        .iter()
        .find(|(n, _)| *n == name)
        .map_or("", |(_, source)| source)
}

/// One render of a model: its pages and what they share. Cheap next to the
/// pages themselves; every page renders independently, on any thread.
pub struct SiteRender {
    site: Arc<SiteData>,
    shared: Arc<Shared>,
    /// Listed when first asked: a save's unit page is rendered before.
    pages: std::sync::OnceLock<Vec<Page>>,
}

impl std::fmt::Debug for SiteRender {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SiteRender")
            .field("site", &self.site)
            .finish_non_exhaustive()
    }
}

impl SiteRender {
    /// Indexes `model` and lists its pages.
    pub fn new(model: Arc<Model>, config: &Config) -> SiteRender {
        SiteRender::after(model, config, None, false, None)
    }

    /// Indexes `model`, keeping what it can of `last`, the render of the
    /// model before (see [`SiteData::after`]); `keep`: the render keeps
    /// the per-unit pieces of its pages for the next one; `touched`: what
    /// linking set when it linked into `last`'s model.
    pub fn after(
        model: Arc<Model>,
        config: &Config,
        last: Option<&SiteRender>,
        keep: bool,
        touched: Option<&crate::link::Touched>,
    ) -> SiteRender {
        let markdown = MarkdownOptions {
            unsafe_html: config.unsafe_html,
        };
        let last_site = last.map(|last| &*last.site);
        let site = SiteData::after(model, markdown, config, last_site, keep, touched);
        SiteRender {
            shared: Arc::new(Shared::new(&site)),
            pages: std::sync::OnceLock::new(),
            site,
        }
    }

    /// Every page of the site, unit pages first.
    pub fn pages(&self) -> &[Page] {
        self.pages.get_or_init(|| pages::pages(&self.site))
    }

    /// The page of the unit at `index` (into `Model::units`) and its JSON
    /// file, as [`SiteRender::pages`] lists them; none for a unit without
    /// a period.
    pub fn unit_pages(&self, index: usize) -> Vec<Page> {
        let paths = &self.site.paths;
        let page = paths.unit(index).map(|path| Page {
            path: path.to_string(),
            kind: PageKind::Unit(index),
        });
        let json = paths.unit_json(index).map(|path| Page {
            path: path.to_string(),
            kind: PageKind::UnitJson(index),
        });
        page.into_iter().chain(json).collect()
    }

    pub fn model(&self) -> &Arc<Model> {
        &self.site.model
    }

    /// The site's `okrs.json`: the index of the model, each unit summed up
    /// with the paths of its page and JSON object.
    ///
    /// A render that keeps its pieces keeps each unit's entry among them
    /// ([`pieces::Pieces::index_entries`]), and makes again only those of
    /// the units that changed.
    pub fn index_json(&self) -> Vec<u8> {
        use crate::render::json::{UnitFiles, index_entry, write_index, write_index_of};
        let paths = &self.site.paths;
        let model = &self.site.model;
        let files = |i: usize| UnitFiles {
            href: paths.unit(i),
            json: paths.unit_json(i),
        };
        let mut out = Vec::with_capacity(256 * model.units.len() + 4096);
        let entry = |i: usize| Arc::from(index_entry(&model.units[i], files(i)));
        let Some(entries) = self.site.pieces.index_entries(model.units.len(), entry) else {
            // Writing into memory cannot fail.
            let _ = write_index(&mut out, model, &files);
            return out;
        };
        // Every unit's entry is in the table (`fill` makes the missing).
        let entries: Vec<&[u8]> = entries
            .iter()
            .map(|e| e.as_deref().unwrap_or_default())
            .collect();
        let _ = write_index_of(&mut out, model, &entries);
        debug_assert!(
            {
                let mut whole = Vec::new();
                let _ = write_index(&mut whole, model, &files);
                whole == out
            },
            "okrs.json from kept entries differs from the whole index"
        );
        out
    }

    /// Renders one page. Pure: the same page of the same render is always
    /// the same bytes.
    pub fn render_page(&self, templates: &Templates, page: &Page) -> Result<String, SiteError> {
        let bytes = self.render_page_using(templates, page, Vec::new()).0?;
        // Templates and serde_json write UTF-8.
        Ok(String::from_utf8(bytes)
            .unwrap_or_else(|err| String::from_utf8_lossy(err.as_bytes()).into_owned()))
    }

    /// Renders one page into `buffer` (emptied first; its room is used),
    /// and says which units it used (by index into `Model::units`, sorted,
    /// each once): what its bytes depend on.
    pub fn render_page_using(
        &self,
        templates: &Templates,
        page: &Page,
        buffer: Vec<u8>,
    ) -> (Result<Vec<u8>, SiteError>, Vec<usize>) {
        // okrc's own template of a page prints its rows of every unit as
        // they are, so they may be spliced in from the kept pieces; a
        // workspace's own page, base or macros might do anything else with
        // them (`|length`), so they get the rows as a string.
        let template = page.kind.template();
        let own = !templates
            .replaced
            .iter()
            .any(|name| [template, "base.html", "macros.html"].contains(&name.as_str()));
        let render = RenderContext::for_page(&self.site, own);
        let bytes = if let PageKind::UnitJson(unit) = page.kind {
            Ok(render.unit_json(unit))
        } else {
            let context = page_context(&render, &self.shared, page);
            templates.render(page, context, buffer)
        };
        (bytes, render.used())
    }
}

/// The name of the model's JSON in the output folder.
pub const JSON_FILE: &str = "okrs.json";

/// Drops the indentation at the start of lines (a good share of a page's
/// bytes), except inside `<pre>` and `<textarea>`, where it is content.
/// Applied to template sources once, when they are loaded, so pages come
/// out without it; lines stay where they were, so template errors keep
/// their line numbers.
fn strip_indentation(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let has_pre = html.contains("<pre") || html.contains("<textarea");
    let mut in_pre = false;
    for line in html.split_inclusive('\n') {
        let kept = if in_pre {
            line
        } else {
            line.trim_start_matches([' ', '\t'])
        };
        out.push_str(kept);
        if has_pre {
            let open = line.rfind("<pre").max(line.rfind("<textarea"));
            let close = line.rfind("</pre>").max(line.rfind("</textarea>"));
            if open.is_some() || close.is_some() {
                in_pre = open > close;
            }
        }
    }
    out
}

/// The language of a model's UI, for callers outside the site.
pub fn language(model: &Model) -> Language {
    Language::from_code(&model.language)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indentation_goes_except_inside_pre_and_lines_stay() {
        let html =
            "<div>\n    <p>a</p>\n\n  <pre><code>fn x() {\n    1\n}\n</code></pre>\n  <p>b</p>\n";
        assert_eq!(
            strip_indentation(html),
            "<div>\n<p>a</p>\n\n<pre><code>fn x() {\n    1\n}\n</code></pre>\n<p>b</p>\n"
        );
    }
}

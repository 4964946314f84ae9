//! Rendering the site again and again (`watch`, `serve`): what the last
//! render produced, so a rebuild writes only the files whose bytes changed.

use super::output::{OutputDir, OutputError, UpdateSummary};
use super::{SiteError, SiteFiles, Templates, render_site};
use crate::config::Config;
use crate::model::Model;

/// What the last successful render and write produced.
#[derive(Debug, Default)]
pub struct SiteCache {
    written: Option<SiteFiles>,
}

/// A rendered site, not yet written.
#[derive(Debug)]
pub struct Rendered {
    files: SiteFiles,
    /// How many pages were rendered (not taken from the cache).
    pub rendered: usize,
}

impl Rendered {
    pub fn files(&self) -> &SiteFiles {
        &self.files
    }
}

impl SiteCache {
    /// Renders the site for `model`.
    pub fn render(
        &mut self,
        model: &Model,
        config: &Config,
        templates: &Templates,
    ) -> Result<Rendered, SiteError> {
        let files = render_site(model, config, templates)?;
        let rendered = files.keys().filter(|n| n.ends_with(".html")).count();
        Ok(Rendered { files, rendered })
    }

    /// Writes what changed since the last write; remembers the site on
    /// success.
    pub fn write(
        &mut self,
        output: &OutputDir,
        rendered: Rendered,
    ) -> Result<UpdateSummary, OutputError> {
        let summary = output.update(self.written.as_ref(), &rendered.files)?;
        self.written = Some(rendered.files);
        Ok(summary)
    }
}

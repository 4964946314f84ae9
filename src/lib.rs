//! okrc compiles a folder of plain-text OKRs into a checked, aligned model and
//! a static progress site.
//!
//! ```text
//! read files ──► parse ──► resolve ──► analyse ──► render ──► write
//! (workspace)   (parse)   (resolve)   (analyse)   (render)   (site)
//! ```
//!
//! [`workspace`] reads the disk; [`compile`] runs the pure stages and returns
//! the [`model::Model`] every output reads.

pub mod allocator;
pub mod analyse;
pub mod cmd;
pub mod config;
pub mod diagnostic;
pub mod edit;
pub mod lsp;
pub mod model;
pub mod number;
pub mod parse;
pub mod people;
pub mod period;
pub mod render;
pub mod resolve;
pub mod schema;
pub mod serve;
pub mod site;
pub mod source;
pub mod starter;
pub mod watch;
pub mod workspace;

use chrono::NaiveDate;
use rayon::prelude::*;

use config::Rules;
use diagnostic::Diagnostic;
use model::{JSON_VERSION, Model};
use parse::ParsedFile;
use workspace::Workspace;

/// Parses every unit file of `workspace` in parallel and links the result.
pub fn compile(workspace: &Workspace, today: NaiveDate) -> Model {
    let parsed: Vec<ParsedFile> = workspace
        .files
        .par_iter()
        .map(parse::parse_unit_file)
        .collect();
    link(workspace, parsed, today)
}

/// The stages after parsing: resolve, analyse, and put the diagnostics in
/// order. `watch` calls this with the parsed files it kept.
pub fn link(workspace: &Workspace, parsed: Vec<ParsedFile>, today: NaiveDate) -> Model {
    let config = &workspace.config;
    let mut diagnostics = workspace.config_diagnostics.clone();
    diagnostics.extend(workspace.read_errors.iter().cloned());
    let mut broken = Vec::new();
    // Collected in place: the units take over the parsed files' memory.
    let units: Vec<_> = parsed
        .into_iter()
        .filter_map(|file| {
            diagnostics.extend(file.diagnostics);
            broken.extend(file.broken);
            file.unit
        })
        .collect();
    let mut units = resolve::resolve(units, &broken, config, &mut diagnostics);
    analyse::analyse(&mut units, config, today, &mut diagnostics);
    apply_levels(&mut diagnostics, &config.rules);
    debug_assert!(
        diagnostics.iter().all(|d| d.line > 0),
        "every span is located when made"
    );
    diagnostics.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));

    let mut periods: Vec<period::Period> = Vec::new();
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

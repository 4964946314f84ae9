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
pub mod link;
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

use model::Model;
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
/// order (`link::Linked::full`, which `watch` calls to keep what it needs
/// to link again after an edit).
pub fn link(workspace: &Workspace, parsed: Vec<ParsedFile>, today: NaiveDate) -> Model {
    link::link(workspace, parsed, today, false).0
}

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
pub mod build;
pub mod cmd;
pub mod config;
pub mod diagnostic;
pub mod edit;
pub mod link;
pub mod lsp;
pub mod model;
pub mod number;
pub(crate) mod order;
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
pub mod timings;
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
    link_timed(workspace, parsed, today).0
}

/// [`link`], and how long resolving and analysing took (`OKRC_TIMINGS`).
pub fn link_timed(
    workspace: &Workspace,
    parsed: Vec<ParsedFile>,
    today: NaiveDate,
) -> (Model, link::LinkTimings) {
    let (model, _, timings) = link::link_timed(workspace, parsed, today, false);
    (model, timings)
}

/// The sample workspace compiled as of 2026-11-27, with its settings: what
/// the unit tests of several stages start from.
#[cfg(test)]
pub(crate) fn compiled_sample() -> (Model, config::Config) {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-okrs");
    let workspace = Workspace::load(&root, None).expect("the sample loads");
    let today = period::parse_date("2026-11-27").expect("a date");
    (compile(&workspace, today), workspace.config)
}

#[cfg(test)]
mod layering {
    use std::path::{Path, PathBuf};

    /// Every `.rs` file below `dir`.
    fn sources(dir: &Path, found: &mut Vec<PathBuf>) {
        let entries = std::fs::read_dir(dir).expect("src/ is readable");
        for entry in entries {
            let path = entry.expect("src/ is readable").path();
            if path.is_dir() {
                sources(&path, found);
            } else if path.extension().is_some_and(|e| e == "rs") {
                found.push(path);
            }
        }
    }

    /// Where a library file names the command line: `crate::cmd`, or `cmd`
    /// through `super::`, outside comments.
    fn imports_cmd(text: &str) -> Option<(usize, &str)> {
        text.lines().enumerate().find_map(|(i, line)| {
            let code = line.split("//").next().unwrap_or("");
            let named = code.contains("crate::cmd")
                || code.contains("okrc::cmd")
                || code.contains("super::cmd")
                || code.contains("super::super::cmd");
            named.then_some((i + 1, line.trim()))
        })
    }

    #[test]
    fn the_test_sees_an_import_of_cmd_and_not_a_comment() {
        assert!(imports_cmd("use crate::cmd::check::source_texts;").is_some());
        assert!(imports_cmd("    let t = crate::cmd::today(None)?;").is_some());
        assert!(imports_cmd("use super::super::cmd::Outcome;").is_some());
        assert!(imports_cmd("// see crate::cmd for the edge").is_none());
        assert!(imports_cmd("use crate::command::Thing;").is_none());
    }

    /// Layers point one way: the command line (`src/cmd`, `src/main.rs`)
    /// calls the library, and no library module calls back into it.
    #[test]
    fn no_library_module_imports_cmd() {
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut files = Vec::new();
        sources(&src, &mut files);
        files.sort();
        assert!(files.len() > 20, "the scan finds the sources");
        let mut offenders = Vec::new();
        for file in files {
            let relative = file.strip_prefix(&src).expect("below src/");
            if relative.starts_with("cmd") || relative == Path::new("main.rs") {
                continue;
            }
            let text = std::fs::read_to_string(&file).expect("a source file is UTF-8");
            // This module's own examples are not imports.
            let text = text.split("mod layering").next().unwrap_or("");
            if let Some((line, code)) = imports_cmd(text) {
                offenders.push(format!("src/{}:{line}: {code}", relative.display()));
            }
        }
        assert!(
            offenders.is_empty(),
            "library modules import crate::cmd:\n{}",
            offenders.join("\n")
        );
    }
}

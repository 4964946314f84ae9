//! Showing diagnostics and the model to people and machines. Finding a
//! problem is the stages' job; this module only decides how it looks.

pub mod github;
pub mod human;
pub mod json;
pub mod report;
pub mod status;
pub mod terminal;

use std::path::Path;

/// How a diagnostic's file is shown on a terminal or in CI: the workspace
/// folder as given on the command line, joined with the file's path, so a
/// terminal or GitHub can open it.
pub fn display_path(root: &Path, file: &str) -> String {
    let root = root.to_string_lossy();
    let root = root.trim_end_matches(['/', '\\']);
    match root {
        "" | "." => file.to_string(),
        root => format!("{}/{file}", root.strip_prefix("./").unwrap_or(root)),
    }
}

/// "1 error", "2 warnings".
pub fn count(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

//! Showing diagnostics and the model to people and machines. Finding a
//! problem is the stages' job; this module only decides how it looks.

pub mod github;
pub mod human;
pub mod json;
pub mod report;
pub mod status;
pub mod terminal;

use std::borrow::Cow;
use std::path::Path;

/// A character that must not reach a terminal or a CI log as it is: a
/// control character (line breaks, ESC, BEL, the C1 controls such as
/// U+009B) or one that reorders text (U+202E and the other bidi controls).
/// A tab is harmless and stays.
pub fn is_unsafe(c: char) -> bool {
    (c.is_control() && c != '\t')
        || matches!(c, '\u{61c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// Text from the input (a title, an id, a file name, a message quoting
/// them) made safe to print: every unsafe character written out as an
/// escape (`\n`, `\u{1b}`), so no input can forge a line of output or move
/// a terminal's cursor (README "okrc check").
pub fn printable(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_unsafe) {
        return text.into();
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if is_unsafe(c) {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out.into()
}

/// How a diagnostic's file is shown on a terminal or in CI: the workspace
/// folder as given on the command line, joined with the file's path, so a
/// terminal or GitHub can open it.
pub fn display_path(root: &Path, file: &str) -> String {
    printable(&raw_display_path(root, file)).into_owned()
}

/// [`display_path`] before escaping, for formats that escape in their own way.
pub fn raw_display_path(root: &Path, file: &str) -> String {
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

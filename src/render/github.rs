//! GitHub Actions workflow commands: each diagnostic becomes an annotation on
//! the pull request.

use std::io::{self, Write};
use std::path::Path;

use crate::diagnostic::Diagnostic;

/// Writes one `::error` / `::warning` command per diagnostic.
pub fn write<'d>(
    out: &mut dyn Write,
    diagnostics: impl IntoIterator<Item = &'d Diagnostic>,
    root: &Path,
) -> io::Result<()> {
    for d in diagnostics {
        writeln!(
            out,
            "::{} file={},line={},col={},title={}::{}",
            d.level.as_str(),
            escape_property(&super::raw_display_path(root, &d.file)),
            d.line,
            d.column,
            escape_property(d.code.as_str()),
            escape_data(&d.message),
        )?;
    }
    Ok(())
}

/// Escapes a command's message: `%`, CR and LF the way workflow commands
/// do, every other unsafe character (ESC, BEL, U+009B, U+202E) written out
/// as `\u{..}`, so nothing from the input can start a command of its own
/// or reach the log's terminal (README "okrc check").
fn escape_data(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '%' => out.push_str("%25"),
            '\r' => out.push_str("%0D"),
            '\n' => out.push_str("%0A"),
            c if super::is_unsafe(c) => out.extend(c.escape_default()),
            c => out.push(c),
        }
    }
    out
}

/// Escapes a command property, which also may not hold `:` or `,`.
fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Code;
    use crate::source::{FilePath, Span};

    #[test]
    fn writes_workflow_commands_with_escapes() {
        let mut d = Diagnostic::new(
            Code::UnknownField,
            &FilePath::from("teams/a,b.md"),
            Span::FILE_START,
            "50% off\nnow",
        );
        d.line = 3;
        d.column = 7;
        let mut out = Vec::new();
        write(&mut out, &[d], Path::new("okrs")).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "::error file=okrs/teams/a%2Cb.md,line=3,col=7,title=unknown-field::50%25 off%0Anow\n"
        );
    }

    #[test]
    fn no_input_can_start_a_command_or_reach_the_terminal() {
        let d = Diagnostic::new(
            Code::UnknownField,
            &FilePath::from("x\n::error::y.md"),
            Span::FILE_START,
            "a\u{1b}[31m\u{7}\u{9b}\u{202e}\r\n::error::forged",
        );
        let mut out = Vec::new();
        write(&mut out, &[d], Path::new(".")).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "::error file=x%0A%3A%3Aerror%3A%3Ay.md,line=1,col=1,title=unknown-field::a\\u{1b}[31m\\u{7}\\u{9b}\\u{202e}%0D%0A::error::forged\n"
        );
    }
}

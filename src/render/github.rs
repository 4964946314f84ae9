//! GitHub Actions workflow commands: each diagnostic becomes an annotation on
//! the pull request.

use std::io::{self, Write};
use std::path::Path;

use super::display_path;
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
            escape_property(&display_path(root, &d.file)),
            d.line,
            d.column,
            escape_property(d.code.as_str()),
            escape_data(&d.message),
        )?;
    }
    Ok(())
}

/// Escapes a command's message (`%`, CR and LF).
fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
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
}

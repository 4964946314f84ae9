//! Splitting a unit file into its TOML front matter and Markdown body.

/// The two parts of a unit file, with their byte offsets in the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FrontMatter<'t> {
    pub toml: &'t str,
    pub toml_offset: usize,
    pub body: &'t str,
    pub body_offset: usize,
}

fn is_fence(line: &str) -> bool {
    line.trim_end_matches([' ', '\t', '\r']) == "+++"
}

/// Splits `text` (without byte-order mark) at its `+++` fences. `None` when
/// the opening fence has no closing one.
pub fn split_front_matter(text: &str) -> Option<FrontMatter<'_>> {
    let bytes = text.as_bytes();
    let line_end = |start: usize| {
        memchr::memchr(b'\n', &bytes[start..]).map_or(bytes.len(), |i| start + i + 1)
    };
    let toml_offset = line_end(0);
    if !is_fence(text[..toml_offset].trim_end_matches('\n')) || !text[..toml_offset].ends_with('\n')
    {
        return None;
    }
    // Only lines that start with `+++` can close; the search for them is
    // what a workspace check spends its time on here.
    let after_opening = toml_offset - 1;
    for found in memchr::memmem::find_iter(&bytes[after_opening..], b"\n+++") {
        let start = after_opening + found + 1;
        let end = line_end(start);
        if is_fence(text[start..end].trim_end_matches('\n')) {
            return Some(FrontMatter {
                toml: &text[toml_offset..start],
                toml_offset,
                body: &text[end..],
                body_offset: end,
            });
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_at_the_fences() {
        let fm = split_front_matter("+++\nid = \"a\"\n+++\n# Body\n").unwrap();
        assert_eq!(fm.toml, "id = \"a\"\n");
        assert_eq!(fm.toml_offset, 4);
        assert_eq!(fm.body, "# Body\n");
        assert_eq!(fm.body_offset, 17);
    }

    #[test]
    fn accepts_crlf_and_trailing_blanks_on_fences() {
        let fm = split_front_matter("+++ \r\nid = 1\r\n+++\r\nbody").unwrap();
        assert_eq!(fm.toml, "id = 1\r\n");
        assert_eq!(fm.body, "body");
    }

    #[test]
    fn empty_front_matter_and_no_body() {
        let fm = split_front_matter("+++\n+++").unwrap();
        assert_eq!(fm.toml, "");
        assert_eq!(fm.body, "");
    }

    #[test]
    fn unclosed_front_matter_is_none() {
        assert_eq!(split_front_matter("+++\nid = 1\n"), None);
        assert_eq!(split_front_matter("+++"), None);
        // A fence must be the whole line.
        assert_eq!(split_front_matter("+++\nx = \"+++\"\n++++\n"), None);
    }
}

//! The front matter reader: any bytes as a unit file. Splitting at the
//! `+++` fences gives parts that are slices of the text at their offsets,
//! and parsing the whole file never panics.
#![no_main]

use libfuzzer_sys::fuzz_target;
use okrc::parse::front_matter::split_front_matter;
use okrc::parse::parse_unit_file;
use okrc::source::SourceFile;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        if let Some(parts) = split_front_matter(text) {
            let toml_end = parts.toml_offset + parts.toml.len();
            assert_eq!(&text[parts.toml_offset..toml_end], parts.toml);
            assert_eq!(&text[parts.body_offset..], parts.body);
            assert!(toml_end <= parts.body_offset);
        }
    }
    let file = SourceFile::from_bytes("teams/fuzz.md", data.to_vec());
    let parsed = parse_unit_file(&file);
    for diagnostic in &parsed.diagnostics {
        assert!(diagnostic.span.start <= diagnostic.span.end);
    }
});

//! `okrc.toml`: any text is a configuration and diagnostics, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use okrc::config::parse_config;
use okrc::source::SourceFile;

fuzz_target!(|data: &[u8]| {
    let file = SourceFile::from_bytes("okrc.toml", data.to_vec());
    let _ = parse_config(Some(&file));
});

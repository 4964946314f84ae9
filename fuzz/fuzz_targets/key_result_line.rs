//! The one-line key result grammar (`Revenue from 1M to 2M EUR`, `[ ] Ship
//! it by 2026-12-01`): any line is a key result or an error, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use okrc::parse::key_result_line::parse_key_result_line;

fuzz_target!(|line: &str| {
    let _ = parse_key_result_line(line);
});

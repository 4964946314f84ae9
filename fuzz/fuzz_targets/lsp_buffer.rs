//! The language server's document entry point (SPEC §8): any buffer an
//! editor sends gets diagnostics and answers, never a panic. The first
//! bytes choose the cursor positions; the rest is the buffer's text, opened
//! beside a parent unit it can refer to.
#![no_main]

use std::path::Path;

use chrono::NaiveDate;
use libfuzzer_sys::fuzz_target;
use lsp_types::{Position, Uri};
use okrc::lsp::session::Session;
use okrc::lsp::{complete, diagnostics, fixes, navigate};

const PARENT: &str = "+++\nid = \"company\"\nperiod = \"2026-Q4\"\n[[objectives]]\ntitle = \"Grow\"\nkey_results = [\"NPS from 30 to 45\", \"[ ] Ship\"]\n+++\n";
const BUFFER: &str = "teams/fuzz.md";

fuzz_target!(|data: &[u8]| {
    let [a, b, c, d, rest @ ..] = data else {
        return;
    };
    let text = String::from_utf8_lossy(rest).into_owned();
    let today = NaiveDate::from_ymd_opt(2026, 11, 27).unwrap();
    let mut session = Session::in_memory(Path::new("/ws"), today);
    session.set_text("company.md".into(), PARENT.into(), false);
    session.set_text(BUFFER.into(), text, true);
    session.relink();
    let _ = diagnostics::by_file(&session);
    let uri: Uri = "file:///ws/teams/fuzz.md".parse().unwrap();
    let document = session.docs.get(BUFFER).unwrap().clone();
    for (line, character) in [(*a, *b), (*c, *d), (*a % 8, *d)] {
        let position = Position::new(u32::from(line), u32::from(character));
        let offset = document.lines.offset(&document.text, position);
        let _ = complete::complete(&session, BUFFER, offset);
        if let Some(found) = navigate::item_at(&session, BUFFER, offset) {
            let _ = navigate::hover(&session.model, found.item);
            let _ = navigate::definition(&session.model, found.item);
            let _ = navigate::references(&session.model, found.item);
        }
        let _ = fixes::code_actions(&session, BUFFER, &uri, offset, offset + 16);
    }
});

//! Property test: over many ways of laying out a unit file (comments, blank
//! lines, CRLF, indents, one-line / inline / table key results, check-ins as
//! inline arrays or `[[…]]` tables, a body that looks like TOML), appending a
//! check-in inserts only that check-in and the file reads back with it.

use std::fmt::Write as _;

use proptest::prelude::*;

use super::*;
use crate::edit::apply;
use crate::model::{Confidence, ConfidenceLevel};
use crate::parse::parse_unit_file;
use crate::period::parse_date;
use crate::source::SourceFile;

#[derive(Debug, Clone)]
struct Style {
    bom: bool,
    crlf: bool,
    indent: &'static str,
    comments: bool,
    blank_lines: bool,
    compact: bool,
}

#[derive(Debug, Clone, Copy)]
enum ArrayLayout {
    Empty,
    OneLine { trailing_comma: bool },
    Lines { trailing_comma: bool },
}

#[derive(Debug, Clone)]
enum Checkins {
    None,
    Array(ArrayLayout, usize),
    Tables(usize),
}

#[derive(Debug, Clone)]
struct KeyResult {
    metric: bool,
    /// One-line string (`None`), inline table or `[[…]]` table decides the
    /// objective; this says whether a string one is a literal string.
    literal: bool,
    checkins: Checkins,
}

#[derive(Debug, Clone)]
struct Objective {
    /// `[[objectives.key_results]]` tables rather than `key_results = [...]`.
    tables: bool,
    /// In `key_results = [...]`: one-line strings or inline tables.
    strings: Vec<bool>,
    key_results: Vec<KeyResult>,
    multiline_array: bool,
}

#[derive(Debug, Clone)]
struct Layout {
    style: Style,
    objectives: Vec<Objective>,
    body: String,
}

fn array_layout() -> impl Strategy<Value = ArrayLayout> {
    prop_oneof![
        Just(ArrayLayout::Empty),
        any::<bool>().prop_map(|trailing_comma| ArrayLayout::OneLine { trailing_comma }),
        any::<bool>().prop_map(|trailing_comma| ArrayLayout::Lines { trailing_comma }),
    ]
}

fn key_result(tables: bool) -> impl Strategy<Value = KeyResult> {
    let checkins = if tables {
        prop_oneof![
            Just(Checkins::None),
            (array_layout(), 1..3usize).prop_map(|(l, n)| Checkins::Array(l, n)),
            (1..3usize).prop_map(Checkins::Tables),
        ]
        .boxed()
    } else {
        prop_oneof![
            Just(Checkins::None),
            (array_layout(), 1..3usize).prop_map(|(l, n)| Checkins::Array(l, n)),
        ]
        .boxed()
    };
    (any::<bool>(), any::<bool>(), checkins).prop_map(|(metric, literal, checkins)| KeyResult {
        metric,
        literal,
        checkins,
    })
}

fn objective() -> impl Strategy<Value = Objective> {
    any::<bool>().prop_flat_map(|tables| {
        (
            Just(tables),
            prop::collection::vec((any::<bool>(), key_result(tables)), 1..4),
            any::<bool>(),
        )
            .prop_map(|(tables, krs, multiline_array)| Objective {
                tables,
                strings: krs.iter().map(|(s, _)| *s && !tables).collect(),
                key_results: krs.into_iter().map(|(_, kr)| kr).collect(),
                multiline_array,
            })
    })
}

fn layout() -> impl Strategy<Value = Layout> {
    let style = (
        any::<bool>(),
        any::<bool>(),
        prop::sample::select(vec!["", "  ", "\t"]),
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(
            |(bom, crlf, indent, comments, blank_lines, compact)| Style {
                bom,
                crlf,
                indent,
                comments,
                blank_lines,
                compact,
            },
        );
    let body = prop::sample::select(vec![
        "",
        "# Notes\n",
        "Body with checkins = [ ] and\n[[objectives]]\n+++\nmore\n",
        "no newline at the end",
    ]);
    (style, prop::collection::vec(objective(), 1..3), body).prop_map(|(style, objectives, body)| {
        Layout {
            style,
            objectives,
            body: body.to_string(),
        }
    })
}

impl Layout {
    fn render(&self) -> String {
        let s = &self.style;
        let nl = if s.crlf { "\r\n" } else { "\n" };
        let eq = if s.compact { "=" } else { " = " };
        let (open, close) = if s.compact { ("{", "}") } else { ("{ ", " }") };
        let comment = |text: &str| {
            if s.comments {
                format!("  # {text}")
            } else {
                String::new()
            }
        };
        let blank = if s.blank_lines { nl } else { "" };
        let mut out = format!("+++{nl}");
        if s.comments {
            let _ = write!(out, "# Platform OKRs, edited by hand{nl}");
        }
        let _ = write!(
            out,
            "id{eq}\"u\"{}{nl}period{eq}\"2026-Q4\"{nl}",
            comment("id")
        );
        for (o, objective) in self.objectives.iter().enumerate() {
            let _ = write!(out, "{blank}[[objectives]]{}{nl}", comment("objective"));
            let _ = write!(out, "title{eq}\"Objective {o}\"{nl}");
            if objective.tables {
                for (k, kr) in objective.key_results.iter().enumerate() {
                    let i = s.indent;
                    let _ = write!(out, "{blank}{i}[[objectives.key_results]]{nl}");
                    let _ = write!(out, "{i}title{eq}\"KR {o}.{k}\"{}{nl}", comment("t"));
                    if kr.metric {
                        let _ = write!(out, "{i}from{eq}0{nl}{i}to{eq}100{}{nl}", comment("to"));
                    } else {
                        let _ = write!(out, "{i}done{eq}false{nl}");
                    }
                    match kr.checkins {
                        Checkins::None => {}
                        Checkins::Array(layout, n) => {
                            let array = self.array(layout, n, kr.metric, &format!("{i}  "));
                            let _ = write!(out, "{i}checkins{eq}{array}{nl}");
                        }
                        Checkins::Tables(n) => {
                            for c in 0..n {
                                let _ = write!(
                                    out,
                                    "{blank}{i}  [[objectives.key_results.checkins]]{nl}{i}  date{eq}2026-10-0{}{nl}{i}  {}{}{nl}",
                                    c + 1,
                                    reading(kr.metric, c, eq),
                                    comment("checkin"),
                                );
                            }
                        }
                    }
                }
            } else {
                let sep = if objective.multiline_array {
                    format!("{nl}  ")
                } else {
                    " ".to_string()
                };
                let _ = write!(out, "key_results{eq}[");
                for (k, kr) in objective.key_results.iter().enumerate() {
                    let line = match (kr.metric, kr.literal) {
                        (true, false) => format!("\"KR {o}.{k} from 0 to 100\""),
                        (true, true) => format!("'KR {o}.{k} from 0 to 100'"),
                        (false, false) => format!("\"[ ] KR {o}.{k}\""),
                        (false, true) => format!("'[ ] KR {o}.{k}'"),
                    };
                    let item = if objective.strings[k] {
                        line
                    } else {
                        let checkins = match kr.checkins {
                            Checkins::None | Checkins::Tables(_) => String::new(),
                            Checkins::Array(layout, n) => {
                                format!(
                                    ", checkins{eq}{}",
                                    self.array(layout, n, kr.metric, "    ")
                                )
                            }
                        };
                        format!("{open}kr{eq}{line}, weight{eq}1{checkins}{close}")
                    };
                    let comma = if k + 1 < objective.key_results.len() || objective.multiline_array
                    {
                        ","
                    } else {
                        ""
                    };
                    let tail = if objective.multiline_array {
                        comment("kr")
                    } else {
                        String::new()
                    };
                    let _ = write!(out, "{sep}{item}{comma}{tail}");
                }
                let end = if objective.multiline_array {
                    nl.to_string()
                } else {
                    " ".to_string()
                };
                let _ = write!(out, "{end}]{nl}");
            }
        }
        let _ = write!(out, "+++{nl}{}", self.body.replace('\n', nl));
        out
    }

    fn array(&self, layout: ArrayLayout, n: usize, metric: bool, indent: &str) -> String {
        let s = &self.style;
        let nl = if s.crlf { "\r\n" } else { "\n" };
        let eq = if s.compact { "=" } else { " = " };
        let item = |c: usize| {
            let (open, close) = if s.compact { ("{", "}") } else { ("{ ", " }") };
            format!(
                "{open}date{eq}2026-10-0{}, {}{close}",
                c + 1,
                reading(metric, c, eq)
            )
        };
        match layout {
            ArrayLayout::Empty => "[]".to_string(),
            ArrayLayout::OneLine { trailing_comma } => {
                let items: Vec<String> = (0..n).map(item).collect();
                let comma = if trailing_comma { "," } else { "" };
                format!("[ {}{comma} ]", items.join(", "))
            }
            ArrayLayout::Lines { trailing_comma } => {
                let mut out = String::from("[");
                for c in 0..n {
                    let comma = if c + 1 < n || trailing_comma { "," } else { "" };
                    let note = if s.comments { " # week" } else { "" };
                    let _ = write!(out, "{nl}{indent}{}{comma}{note}", item(c));
                }
                let _ = write!(out, "{nl}{indent}]");
                out
            }
        }
    }
}

fn reading(metric: bool, c: usize, eq: &str) -> String {
    if metric {
        format!("value{eq}{}", 10 * (c + 1))
    } else {
        format!("done{eq}false")
    }
}

fn target(layout: &Layout) -> impl Strategy<Value = (usize, usize)> + use<> {
    let sizes: Vec<usize> = layout
        .objectives
        .iter()
        .map(|o| o.key_results.len())
        .collect();
    (0..sizes.len()).prop_flat_map(move |o| (Just(o), 0..sizes[o]))
}

fn case() -> impl Strategy<Value = (Layout, (usize, usize), Option<ConfidenceLevel>, bool)> {
    layout().prop_flat_map(|layout| {
        let target = target(&layout);
        (
            Just(layout),
            target,
            prop::option::of(prop::sample::select(vec![
                ConfidenceLevel::OnTrack,
                ConfidenceLevel::AtRisk,
            ])),
            any::<bool>(),
        )
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn appending_a_checkin_inserts_only_the_checkin(
        (layout, (o, k), confidence, with_note) in case()
    ) {
        let text = layout.render();
        // The generated file itself must be a clean unit file.
        let parsed = parse_unit_file(&SourceFile::from_text("u.md", text.as_str()));
        prop_assert!(parsed.diagnostics.is_empty(), "{:?}\n{}", parsed.diagnostics, text);

        let kr = &layout.objectives[o].key_results[k];
        let checkin = NewCheckin {
            date: parse_date("2026-11-27").unwrap(),
            reading: if kr.metric { Reading::Value(42.5) } else { Reading::Done(true) },
            confidence: confidence.map(Confidence::Level),
            note: with_note.then(|| "shipped # not a comment, \"quoted\"".to_string()),
        };
        let insertions = add_checkin(&text, o, k, &checkin).unwrap();
        let edited = apply(&text, &insertions);

        // Reads back as the original plus exactly this check-in.
        prop_assert_eq!(verify(&text, &edited, o, k, &checkin), Ok(()), "{}", edited);

        // Every original byte is still there, in order: cutting the inserted
        // text out of the edited file gives the original back.
        let mut cut = String::new();
        let mut from = 0;
        let mut sorted = insertions.clone();
        sorted.sort_by_key(|i| i.at);
        let mut shift = 0;
        for insertion in &sorted {
            let at = insertion.at + shift;
            cut.push_str(&edited[from..at]);
            prop_assert_eq!(&edited[at..at + insertion.text.len()], insertion.text.as_str());
            // The one replacement: a done check-in ticking a `[ ]` box.
            let removed = &text[insertion.at..insertion.at + insertion.removes];
            prop_assert!(insertion.removes == 0 || (removed == " " && insertion.text == "x"));
            cut.push_str(removed);
            from = at + insertion.text.len();
            shift += insertion.text.len() - insertion.removes;
        }
        cut.push_str(&edited[from..]);
        prop_assert_eq!(&cut, &text);

        // The inserted text is the check-in and its punctuation, nothing
        // borrowed from elsewhere: no comment, no fence, one date.
        let inserted: String = insertions.iter().map(|i| i.text.as_str()).collect();
        prop_assert_eq!(inserted.matches("2026-11-27").count(), 1);
        prop_assert!(!inserted.contains("+++"));
        prop_assert!(!inserted.replace("# not a comment", "").contains('#'));
        // The line endings of the file are kept.
        if layout.style.crlf {
            prop_assert_eq!(edited.matches('\n').count(), edited.matches("\r\n").count());
        } else {
            prop_assert!(!edited.contains('\r'));
        }
        // The whole file, as bytes: a byte-order mark stays, nothing else
        // differs from the text edit above.
        let bom: &[u8] = if layout.style.bom { b"\xEF\xBB\xBF" } else { b"" };
        let bytes = [bom, text.as_bytes()].concat();
        let appended = append_checkin(&bytes, o, k, &checkin).unwrap();
        prop_assert_eq!(appended, [bom, edited.as_bytes()].concat());

        // Check-ins kept as `[[…]]` tables get another table, never an array.
        let headers = |t: &str| t.matches("[[objectives.key_results.checkins]]").count();
        match kr.checkins {
            Checkins::Tables(n) if layout.objectives[o].tables => {
                prop_assert_eq!(headers(&edited), headers(&text) + 1, "{} tables before", n);
            }
            _ => prop_assert_eq!(headers(&edited), headers(&text)),
        }
    }
}

//! The panel a failed build puts over every served page (README "okrc watch and okrc
//! serve"): the
//! errors, first and only, each with its `file:line:col`, its source line
//! with the wrong part marked, and its help; the warnings only as a count.
//! The panel is opaque and has its own colours for the light and the dark
//! scheme, so the page under it never makes it hard to read.

use crate::render::count;
use crate::site::svg::{escape, escape_into};
use crate::watch::failure::{Failure, ShownError};

/// The overlay's styles, scoped to its id. Colours: dark red on white and
/// light red on near-black, both above 7:1 contrast for the text.
const STYLE: &str = "\
#okrc-build-error{position:fixed;inset:0;z-index:2147483647;overflow:auto;box-sizing:border-box;\
margin:0;padding:2rem max(1rem,calc((100vw - 60rem)/2));background:#fff;color:#1c2128;\
font:16px/1.5 system-ui,-apple-system,\"Segoe UI\",Roboto,sans-serif;text-align:left;color-scheme:light}\
#okrc-build-error *{box-sizing:border-box}\
#okrc-build-error h2{margin:0 0 .5rem;font-size:1.4rem;color:#99161f}\
#okrc-build-error>p{margin:0 0 1.5rem;color:#424a53}\
#okrc-build-error ol{list-style:none;margin:0;padding:0}\
#okrc-build-error li{margin:0 0 1.25rem;padding:.75rem 1rem;border-left:4px solid #d1242f;background:#fff5f5;border-radius:4px}\
#okrc-build-error li p{margin:.25rem 0}\
#okrc-build-error .title{font-weight:600}\
#okrc-build-error .code{color:#99161f}\
#okrc-build-error code,#okrc-build-error pre{font:14px/1.5 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}\
#okrc-build-error pre{margin:.5rem 0;padding:.5rem .75rem;overflow-x:auto;white-space:pre;background:#f6f7f9;color:#1c2128;border-radius:4px}\
#okrc-build-error .gutter{color:#59636e;user-select:none}\
#okrc-build-error mark{background:#ffd9d6;color:#8a1017;text-decoration:underline wavy #d1242f;text-underline-offset:3px}\
#okrc-build-error .help{color:#0f5a26}\
@media (prefers-color-scheme:dark){\
#okrc-build-error{background:#0f1318;color:#e6eaef;color-scheme:dark}\
#okrc-build-error h2,#okrc-build-error .code{color:#ff9b94}\
#okrc-build-error>p{color:#a3adb8}\
#okrc-build-error li{background:#1f1416;border-left-color:#ff6b61}\
#okrc-build-error pre{background:#171c23;color:#e6eaef}\
#okrc-build-error .gutter{color:#a3adb8}\
#okrc-build-error mark{background:#5c1a1f;color:#ffd9d6;text-decoration-color:#ff6b61}\
#okrc-build-error .help{color:#8ee0a4}}";

/// The overlay's HTML, to be put at the end of a page's `<body>`.
pub fn overlay(failure: &Failure) -> String {
    let mut html = String::with_capacity(2048);
    html.push_str(r#"<div id="okrc-build-error" role="alert" aria-labelledby="okrc-build-error-title"><style>"#);
    html.push_str(STYLE);
    html.push_str("</style>");
    let errors = failure.errors.len().max(1);
    html.push_str(&format!(
        r#"<h2 id="okrc-build-error-title">The build failed: {}</h2>"#,
        count(errors, "error")
    ));
    html.push_str("<p>The site under this panel is the last good build. Fix ");
    html.push_str(if errors == 1 {
        "the error"
    } else {
        "the errors"
    });
    html.push_str(" and this page reloads by itself.");
    if failure.warnings > 0 {
        html.push_str(&format!(
            " There {} also {}; the terminal lists {}.",
            if failure.warnings == 1 { "is" } else { "are" },
            count(failure.warnings, "warning"),
            if failure.warnings == 1 { "it" } else { "them" },
        ));
    }
    html.push_str("</p><ol>");
    for error in &failure.errors {
        shown_error(&mut html, error);
    }
    html.push_str("</ol></div>");
    html
}

fn shown_error(html: &mut String, error: &ShownError) {
    html.push_str(r#"<li><p class="title"><span class="code">error"#);
    if let Some(code) = error.code {
        html.push('[');
        escape_into(html, code);
        html.push(']');
    }
    html.push_str("</span>: ");
    escape_into(html, &error.message);
    html.push_str("</p>");
    if let Some(location) = &error.location {
        html.push_str("<p><code>");
        escape_into(html, location);
        html.push_str("</code></p>");
    }
    if let Some(source) = &error.source {
        let number = source.number.to_string();
        html.push_str(r#"<pre><span class="gutter">"#);
        html.push_str(&number);
        html.push_str(" | </span>");
        let text = &source.text;
        let span = source.span.clone();
        match (
            text.get(..span.start),
            text.get(span.clone()),
            text.get(span.end..),
        ) {
            (Some(before), Some(marked), Some(after)) if !marked.is_empty() => {
                escape_into(html, before);
                html.push_str("<mark>");
                escape_into(html, marked);
                html.push_str("</mark>");
                escape_into(html, after);
            }
            _ => escape_into(html, text),
        }
        html.push_str("</pre>");
    }
    if let Some(help) = &error.help {
        html.push_str(r#"<p class="help">help: "#);
        html.push_str(&escape(help));
        html.push_str("</p>");
    }
    html.push_str("</li>");
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::watch::failure::SourceLine;

    fn failure() -> Failure {
        let mut failure = Failure {
            errors: vec![ShownError {
                code: Some("unknown-field"),
                message: "unknown field `titel` in a unit's front matter".into(),
                location: Some("teams/support.md:3:1".into()),
                source: Some(SourceLine {
                    number: 3,
                    text: "titel = \"<b>x</b>\"".into(),
                    span: 0..5,
                }),
                help: Some("did you mean `title`?".into()),
            }],
            warnings: 79,
        };
        failure.push_message("cannot write `public`: permission denied");
        failure
    }

    #[test]
    fn the_overlay_lists_the_errors_and_counts_the_warnings() {
        insta::assert_snapshot!(overlay(&failure()).replace(STYLE, "STYLE"));
    }

    #[test]
    fn the_panel_is_opaque_in_both_schemes() {
        // Every background the panel itself sets is a solid colour.
        for rule in STYLE.split('}') {
            if rule.starts_with("#okrc-build-error{") || rule.contains("dark){#okrc-build-error{") {
                let background = rule.split("background:").nth(1).unwrap_or("");
                assert!(background.starts_with('#'), "{rule}");
                assert!(!background.starts_with("#0000"), "{rule}");
            }
        }
        assert!(!STYLE.contains("rgba") && !STYLE.contains("opacity"));
        assert!(STYLE.contains("prefers-color-scheme:dark"));
    }

    #[test]
    fn one_error_reads_in_the_singular() {
        let one = Failure {
            errors: failure().errors[..1].to_vec(),
            warnings: 1,
        };
        let html = overlay(&one);
        assert!(html.contains("The build failed: 1 error<"), "{html}");
        assert!(html.contains("There is also 1 warning; the terminal lists it."));
    }
}

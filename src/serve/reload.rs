//! Live reload: the browsers that show a page hold a server-sent events
//! stream; after every build (once its files are written, or once it
//! failed) each gets a `reload` event. Served HTML pages get a small script
//! that listens, and, while the last build failed, an overlay with its
//! diagnostics. Built files never contain either: they are added to the
//! response only.

use crate::site::svg::escape;
use std::sync::Mutex;
use std::sync::mpsc::{Receiver, Sender, channel};

/// The path of the event stream; `__` never starts a site path (slugs are
/// lowercase letters, digits and dashes).
pub const EVENTS_PATH: &str = "/__okrc/events";

/// The state of the builds, as pages need to know it.
#[derive(Debug, Clone, Default)]
pub struct Status {
    /// Counts finished builds (0: the first has not finished yet).
    pub build: u64,
    /// The report of the last build if it failed, without colours.
    pub failure: Option<String>,
}

/// The latest build status, and the browsers listening for the next.
#[derive(Debug, Default)]
pub struct Hub {
    status: Mutex<Status>,
    listeners: Mutex<Vec<Sender<u64>>>,
}

impl Hub {
    pub fn status(&self) -> Status {
        self.status
            .lock()
            .unwrap_or_else(|poison| poison.into_inner())
            .clone()
    }

    /// A new listener: receives the number of each build that finishes.
    pub fn listen(&self) -> Receiver<u64> {
        let (sender, receiver) = channel();
        self.listeners
            .lock()
            .unwrap_or_else(|poison| poison.into_inner())
            .push(sender);
        receiver
    }

    /// A build finished (its files written) or failed: record it and tell
    /// every listener. Listeners that went away are dropped.
    pub fn finished(&self, failure: Option<String>) {
        let build = {
            let mut status = self.status.lock().unwrap_or_else(|p| p.into_inner());
            status.build += 1;
            status.failure = failure;
            status.build
        };
        self.listeners
            .lock()
            .unwrap_or_else(|poison| poison.into_inner())
            .retain(|listener| listener.send(build).is_ok());
    }
}

/// The script added to served pages: reload on the next build, or at once
/// if a build finished between serving the page and listening.
fn script(build: u64) -> String {
    format!(
        r#"<script>/* okrc serve: live reload */(() => {{
  const build = "{build}";
  const events = new EventSource("{EVENTS_PATH}");
  events.addEventListener("hello", (e) => {{ if (e.data !== build) location.reload(); }});
  events.addEventListener("reload", () => location.reload());
}})();</script>"#
    )
}

/// The overlay that shows a failed build's report over the page.
fn overlay(report: &str) -> String {
    format!(
        concat!(
            r#"<div id="okrc-build-error" role="alert" style="position:fixed;inset:0;z-index:2147483647;overflow:auto;"#,
            r#"background:rgba(20,20,24,.94);color:#f4f4f5;font:14px/1.5 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;padding:2rem">"#,
            r#"<p style="margin:0 0 1rem;font:600 1.1rem/1.4 system-ui,sans-serif;color:#fca5a5">"#,
            "The last build failed: the site below is the last good one. ",
            "Fix the input and this page reloads by itself.</p>",
            r#"<pre style="margin:0;white-space:pre-wrap;color:inherit;background:none">{}</pre></div>"#
        ),
        escape(report)
    )
}

/// What a served HTML page becomes: the live reload script, and the overlay
/// while the last build failed, just before `</body>` (or at the end).
pub fn inject(html: &[u8], status: &Status) -> Vec<u8> {
    let mut extra = String::new();
    if let Some(report) = &status.failure {
        extra.push_str(&overlay(report));
    }
    extra.push_str(&script(status.build));
    let at = find_last_ignore_case(html, b"</body>").unwrap_or(html.len());
    let mut out = Vec::with_capacity(html.len() + extra.len());
    out.extend_from_slice(&html[..at]);
    out.extend_from_slice(extra.as_bytes());
    out.extend_from_slice(&html[at..]);
    out
}

/// The page for a path with no file: a 404 that still reloads and still
/// shows a failed build.
pub fn not_found_page(path: &str, status: &Status) -> Vec<u8> {
    let html = format!(
        concat!(
            "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n",
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n",
            "<title>Not found</title>\n</head>\n<body>\n<main>\n<h1>Not found</h1>\n",
            "<p>Nothing is built at <code>{}</code>{}.</p>\n",
            "<p><a href=\"/\">Go to the start page</a></p>\n</main>\n</body>\n</html>\n"
        ),
        escape(path),
        if status.build == 0 {
            " yet: the first build is still running"
        } else {
            ""
        }
    );
    inject(html.as_bytes(), status)
}

fn find_last_ignore_case(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.len() > haystack.len() {
        return None;
    }
    (0..=haystack.len() - needle.len())
        .rev()
        .find(|&at| haystack[at..at + needle.len()].eq_ignore_ascii_case(needle))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_script_goes_before_the_closing_body_tag() {
        let status = Status {
            build: 3,
            failure: None,
        };
        let page = inject(b"<html><body><p>x</p></BODY></html>", &status);
        let page = String::from_utf8(page).unwrap();
        assert!(page.starts_with("<html><body><p>x</p><script>"), "{page}");
        assert!(page.ends_with("</script></BODY></html>"), "{page}");
        assert!(page.contains(r#"const build = "3";"#));
        assert!(!page.contains("okrc-build-error"));
    }

    #[test]
    fn a_failed_build_is_shown_escaped() {
        let status = Status {
            build: 4,
            failure: Some("error[parse-error]: <script>alert(1)</script> & \"x\"".into()),
        };
        let page = String::from_utf8(inject(b"<p>no body</p>", &status)).unwrap();
        assert!(page.contains("okrc-build-error"));
        assert!(page.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;x&quot;"));
        assert!(!page.contains("<script>alert(1)"));
        let missing = String::from_utf8(not_found_page("/<b>", &status)).unwrap();
        assert!(missing.contains("/&lt;b&gt;") && missing.contains("okrc-build-error"));
    }

    #[test]
    fn listeners_hear_every_finished_build() {
        let hub = Hub::default();
        let first = hub.listen();
        hub.finished(None);
        let second = hub.listen();
        drop(first);
        hub.finished(Some("broken".into()));
        assert_eq!(second.try_recv(), Ok(2));
        assert_eq!(hub.status().build, 2);
        assert_eq!(hub.status().failure.as_deref(), Some("broken"));
    }
}

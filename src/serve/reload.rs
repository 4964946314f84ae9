//! Live reload: the browsers that show a page hold a server-sent events
//! stream; after every build (once its files are written, or once it
//! failed) each gets a `reload` event. Served HTML pages get a small script
//! that listens, and, while the last build failed, an overlay with its
//! diagnostics. Built files never contain either: they are added to the
//! response only.

use std::sync::Arc;

use tokio::sync::watch;

use super::overlay::overlay;
use crate::site::svg::escape;
use crate::watch::failure::Failure;

/// The path of the event stream; `__` never starts a site path (slugs are
/// lowercase letters, digits and dashes).
pub const EVENTS_PATH: &str = "/__okrc/events";

/// The state of the builds, as pages need to know it.
#[derive(Debug, Clone, Default)]
pub struct Status {
    /// Counts finished builds (0: the first has not finished yet).
    pub build: u64,
    /// Why the last build failed, if it did.
    pub failure: Option<Arc<Failure>>,
}

/// The latest build status; every event stream holds a receiver and wakes
/// when it changes.
#[derive(Debug)]
pub struct Hub {
    status: watch::Sender<Status>,
}

impl Default for Hub {
    fn default() -> Hub {
        Hub {
            status: watch::Sender::new(Status::default()),
        }
    }
}

impl Hub {
    pub fn status(&self) -> Status {
        self.status.borrow().clone()
    }

    /// A new listener: sees the status now and each time a build finishes.
    pub fn subscribe(&self) -> watch::Receiver<Status> {
        self.status.subscribe()
    }

    /// A build finished (its files written) or failed: record it and wake
    /// every listener.
    pub fn finished(&self, failure: Option<Failure>) {
        self.status.send_modify(|status| {
            status.build += 1;
            status.failure = failure.map(Arc::new);
        });
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

/// What a served HTML page becomes: the live reload script, and the overlay
/// while the last build failed, just before `</body>` (or at the end).
pub fn inject(html: &[u8], status: &Status) -> Vec<u8> {
    let mut extra = String::new();
    if let Some(failure) = &status.failure {
        extra.push_str(&overlay(failure));
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
            "<link rel=\"icon\" href=\"/{}\" type=\"image/svg+xml\">\n",
            "<title>Not found</title>\n</head>\n<body>\n<main>\n<h1>Not found</h1>\n",
            "<p>Nothing is built at <code>{}</code>{}.</p>\n",
            "<p><a href=\"/\">Go to the start page</a></p>\n</main>\n</body>\n</html>\n"
        ),
        crate::site::FAVICON,
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

    fn failed(message: &str) -> Option<Failure> {
        let mut failure = Failure::default();
        failure.push_message(message);
        Some(failure)
    }

    #[test]
    fn a_failed_build_is_shown_escaped() {
        let status = Status {
            build: 4,
            failure: failed("<script>alert(1)</script> & \"x\"").map(Arc::new),
        };
        let page = String::from_utf8(inject(b"<p>no body</p>", &status)).unwrap();
        assert!(page.contains("okrc-build-error"));
        assert!(page.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;x&quot;"));
        assert!(!page.contains("<script>alert(1)"));
        let missing = String::from_utf8(not_found_page("/<b>", &status)).unwrap();
        assert!(missing.contains("/&lt;b&gt;") && missing.contains("okrc-build-error"));
    }

    #[test]
    fn listeners_see_every_finished_build() {
        let hub = Hub::default();
        hub.finished(None);
        let mut listener = hub.subscribe();
        assert!(!listener.has_changed().unwrap());
        hub.finished(failed("broken"));
        assert!(listener.has_changed().unwrap());
        assert_eq!(listener.borrow_and_update().build, 2);
        let status = hub.status();
        assert_eq!(status.build, 2);
        assert_eq!(status.failure.unwrap().errors[0].message, "broken");
    }
}
